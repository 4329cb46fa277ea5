"""course_utils.serving: the FastAPI service in-process (TestClient) and as a real uvicorn server on loopback."""

import io
import json

import numpy as np
import pytest
import torch
from PIL import Image

pytest.importorskip("fastapi")
httpx = pytest.importorskip("httpx")
from fastapi.testclient import TestClient  # noqa: E402

from course_utils import serving  # noqa: E402

DIGITS = [str(d) for d in range(10)]


def tiny_cnn() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.ReLU(), torch.nn.AdaptiveAvgPool2d(2),
                               torch.nn.Flatten(), torch.nn.Linear(16, 10))


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "digits.pt2"
    return serving.export_for_serving(tiny_cnn(), path, DIGITS, (1, 28, 28), mean=0.13, std=0.31,
                                      name="tiny-digits", version="test")


@pytest.fixture(scope="module")
def client(exported):
    with TestClient(serving.create_app(lambda: serving.load_exported_bundle(exported), max_upload_bytes=50_000)) as c:
        yield c


def png_bytes(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, format="PNG")
    return buf.getvalue()


def test_health_and_version(client):
    assert client.get("/health").json() == {"status": "ok"}
    v = client.get("/version").json()
    assert v["model"] == "tiny-digits" and v["input_shape"] == [1, 28, 28] and v["num_classes"] == 10


def test_exported_model_matches_eager(exported):
    bundle = serving.load_exported_bundle(exported)
    x = torch.randn(3, 1, 28, 28)
    torch.testing.assert_close(bundle.model(x), tiny_cnn().eval()(x))
    assert bundle.model(x[:1]).shape == (1, 10)   # batch of one works with the dynamic batch dimension


def test_predict_json_batch_and_upload_agree(client, exported):
    image = (np.arange(28 * 28).reshape(28, 28) % 255).astype(np.uint8)
    up = client.post("/predict", files={"file": ("digit.png", png_bytes(image), "image/png")})
    assert up.status_code == 200, up.text
    flat = ((image / 255.0 - 0.13) / 0.31).reshape(-1).tolist()
    js = client.post("/predict", json={"inputs": [flat, flat]})
    assert js.status_code == 200, js.text
    body = js.json()
    assert len(body["predictions"]) == 2 and len(body["top_k"][0]) == 5
    assert body["predictions"][0] == up.json()["predictions"][0]
    assert abs(body["top_k"][0][0]["probability"] - up.json()["top_k"][0][0]["probability"]) < 1e-5
    probs = [p["probability"] for p in body["top_k"][0]]
    assert probs == sorted(probs, reverse=True)


def test_several_files_make_one_batch(client):
    files = [("file", (f"{i}.png", png_bytes(np.full((20, 30), 40 * i, np.uint8)), "image/png")) for i in range(3)]
    r = client.post("/predict", files=files)
    assert r.status_code == 200 and len(r.json()["predictions"]) == 3


@pytest.mark.parametrize("kwargs, status, message", [
    (dict(json={"inputs": [[0.0] * 10]}), 422, "wrong shape"),
    (dict(json={"inputs": [[0.0] * 784, [0.0] * 783]}), 422, "wrong shape"),
    (dict(json={"inputs": [["a"] * 784]}), 422, "invalid request"),
    (dict(json={"inputs": []}), 422, "invalid request"),
    (dict(json={"pixels": [[0.0] * 784]}), 422, "inputs"),
    (dict(json={"inputs": [[0.0]] * (serving.MAX_BATCH + 1)}), 422, "invalid request"),
    (dict(content=b"", headers={"content-type": "application/json"}), 400, "empty body"),
    (dict(content=b"{not json", headers={"content-type": "application/json"}), 400, "not valid JSON"),
    (dict(content=b"hello", headers={"content-type": "text/plain"}), 415, "unsupported content type"),
    (dict(files={"file": ("x.png", b"not an image at all", "image/png")}), 415, "not an image"),
    (dict(files={"file": ("x.png", b"", "image/png")}), 400, "empty body"),
    (dict(files={"other": ("x.png", b"abc", "image/png")}), 400, "named 'file'"),
    (dict(content=b"x" * 60_000, headers={"content-type": "application/json"}), 413, "too large"),
])
def test_bad_requests_get_4xx_with_a_message(client, kwargs, status, message):
    r = client.post("/predict", **kwargs)
    assert r.status_code == status, r.text
    assert message in json.dumps(r.json()["detail"])


def test_nan_inputs_are_rejected(client):
    r = client.post("/predict", content=b'{"inputs": [[' + b",".join([b"NaN"] * 784) + b"]]}",
                    headers={"content-type": "application/json"})
    assert r.status_code == 422


def test_efficientnet_service_recognises_a_cat():
    skimage_data = pytest.importorskip("skimage.data")
    with TestClient(serving.create_app(serving.efficientnet_bundle())) as c:
        r = c.post("/predict", files={"file": ("chelsea.png", png_bytes(skimage_data.chelsea()), "image/png")})
    assert r.status_code == 200
    assert r.json()["predictions"][0] in {"tabby", "tiger cat", "Egyptian cat"}


def test_seed_flask_app_fails_with_html_errors(exported):
    pytest.importorskip("flask")
    bundle = serving.load_exported_bundle(exported)
    c = serving.seed_flask_app(bundle).test_client()
    ok = c.post("/predict", data={"file": (io.BytesIO(png_bytes(np.zeros((28, 28), np.uint8))), "d.png")})
    assert ok.status_code == 200 and ok.get_json()["class_name"] in DIGITS
    assert c.post("/predict", data={}).status_code == 400
    crash = c.post("/predict", data={"file": (io.BytesIO(b"garbage"), "x.png")})
    assert crash.status_code == 500 and crash.content_type.startswith("text/html")


def test_real_uvicorn_server_on_loopback(exported):
    with serving.run_server(env={"SERVING_MODEL": str(exported)}) as server:
        assert server.url.startswith("http://127.0.0.1:") and serving.port_is_open(server.port)
        with httpx.Client(base_url=server.url, timeout=30) as http:
            assert http.get("/health").json() == {"status": "ok"}
            assert http.get("/version").json()["model"] == "tiny-digits"
            image = png_bytes(np.zeros((28, 28), np.uint8))
            for _ in range(5):  # bounded
                assert http.post("/predict", files={"file": ("d.png", image, "image/png")}).status_code == 200
            assert http.post("/predict", json={"inputs": [[0.0] * 784] * 8}).status_code == 200
            assert http.post("/predict", json={"inputs": [[0.0] * 3]}).status_code == 422
            assert http.post("/predict", files={"file": ("x.png", b"junk", "image/png")}).status_code == 415
            assert http.get("/nope").status_code == 404
        port = server.port
    assert not serving.port_is_open(port)


def test_run_server_reports_a_failed_start(tmp_path):
    with pytest.raises(RuntimeError, match="uvicorn exited"):
        with serving.run_server(env={"SERVING_MODEL": str(tmp_path / "missing.pt2")}, timeout=60):
            pass
