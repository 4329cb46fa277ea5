"""A small, tested model service (Part 6): FastAPI app, its Flask ancestor, a uvicorn runner.

* :class:`ModelBundle` is everything a service needs from a model: the callable, class names,
  the shape of one input and the image preprocessing.
* :func:`create_app` builds the FastAPI app: ``GET /health``, ``GET /version`` and
  ``POST /predict``, which takes either uploaded image files (``multipart/form-data``, field
  ``file``, repeatable for a batch) or a JSON batch ``{"inputs": [[...], ...]}`` of flat
  vectors. Bad input gets a 4xx with a message: 400 empty or malformed body, 413 too large,
  415 not an image / unsupported content type, 422 wrong shape or non-numeric values.
* :func:`app_from_env` is the factory uvicorn starts (``uvicorn --factory``): it reads
  ``SERVING_MODEL`` (``efficientnet_lite0`` or the path of a ``.pt2`` file written by
  :func:`export_for_serving`) and loads the model once, at startup.
* :func:`seed_flask_app` is the roadmap's seed: the PyTorch Flask tutorial's service, kept
  for comparison. :func:`run_server` starts uvicorn on 127.0.0.1 as a subprocess and always
  stops it by its PID.

Needs the ``part6`` extra (fastapi, uvicorn, httpx, python-multipart, pillow; flask for the seed).
Importing this module loads FastAPI and pydantic but not torch.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

try:
    from fastapi import FastAPI, HTTPException, Request
    from pydantic import BaseModel, Field, ValidationError
except ImportError as err:  # pragma: no cover
    raise ModuleNotFoundError("course_utils.serving needs FastAPI: pip install 'course-utils[part6]'") from err

__all__ = [
    "API_VERSION", "MAX_UPLOAD_BYTES", "MAX_BATCH", "ModelBundle", "PredictRequest", "LabelProbability",
    "PredictResponse", "create_app", "app_from_env", "efficientnet_bundle", "export_for_serving",
    "load_exported_bundle", "seed_flask_app", "free_port", "port_is_open", "run_server", "Server",
]

API_VERSION = "1.0"
MAX_UPLOAD_BYTES = 2_000_000   # per request: larger bodies get 413
MAX_BATCH = 64                 # examples per request: larger batches get 422


@dataclass
class ModelBundle:
    """A model as the service sees it.

    Attributes:
        model: maps a float32 batch ``(B, *input_shape)`` to logits ``(B, C)``.
        class_names: the ``C`` labels.
        input_shape: shape of one example, e.g. ``(1, 28, 28)``.
        preprocess: PIL image to a float32 tensor of ``input_shape``.
        name, version: reported by ``GET /version``.
    """

    model: Callable[[Any], Any]
    class_names: list[str]
    input_shape: tuple[int, ...]
    preprocess: Callable[[Any], Any]
    name: str
    version: str

    def predict(self, x: Any, k: int = 5) -> "PredictResponse":
        """Run the model on a ``(B, *input_shape)`` tensor; labels and top-k probabilities."""
        import torch

        with torch.inference_mode():
            probs = torch.softmax(self.model(x).float(), dim=1)   # (B, C)
        values, indices = probs.topk(min(k, probs.shape[1]), dim=1)
        top = [[LabelProbability(label=self.class_names[int(i)], probability=float(v)) for v, i in zip(vs, ids)]
               for vs, ids in zip(values, indices)]
        return PredictResponse(model=self.name, predictions=[t[0].label for t in top], top_k=top)


class PredictRequest(BaseModel):
    """JSON batch: one flat list of numbers per example."""

    inputs: list[list[float]] = Field(min_length=1, max_length=MAX_BATCH,
                                      description="a batch of flat input vectors (one list per example)")


class LabelProbability(BaseModel):
    label: str
    probability: float


class PredictResponse(BaseModel):
    model: str
    predictions: list[str] = Field(description="the most probable label of each example")
    top_k: list[list[LabelProbability]] = Field(description="the k most probable labels of each example")


def _error(status: int, message: str) -> HTTPException:
    return HTTPException(status_code=status, detail=message)


def _images_to_batch(bundle: ModelBundle, payloads: list[tuple[str, bytes]]) -> Any:
    import torch
    from PIL import Image, UnidentifiedImageError

    tensors = []
    for filename, data in payloads:
        if not data:
            raise _error(400, f"empty body: the uploaded file {filename!r} has 0 bytes")
        try:
            with Image.open(io.BytesIO(data)) as img:
                img.load()
                tensors.append(bundle.preprocess(img))
        except (UnidentifiedImageError, OSError) as err:
            raise _error(415, f"not an image: {filename!r} could not be decoded ({type(err).__name__})") from None
    return torch.stack(tensors)   # (B, *input_shape)


def _json_to_batch(bundle: ModelBundle, body: bytes) -> Any:
    import torch

    try:
        request = PredictRequest.model_validate_json(body)
    except ValidationError as err:
        first = err.errors()[0]
        if first["type"] == "json_invalid":
            raise _error(400, f"body is not valid JSON: {first['msg']}") from None
        where = ".".join(str(p) for p in first["loc"])
        raise _error(422, f"invalid request at {where or 'body'}: {first['msg']}") from None
    size = int(np.prod(bundle.input_shape))
    lengths = {len(row) for row in request.inputs}
    if lengths != {size}:
        raise _error(422, f"wrong shape: each input must have {size} numbers (flattened {tuple(bundle.input_shape)}), "
                          f"got lengths {sorted(lengths)}")
    x = torch.tensor(request.inputs, dtype=torch.float32)
    if not torch.isfinite(x).all():
        raise _error(422, "inputs contain NaN or infinity")
    return x.reshape(len(request.inputs), *bundle.input_shape)   # (B, *input_shape)


def create_app(bundle: ModelBundle | Callable[[], ModelBundle], max_upload_bytes: int = MAX_UPLOAD_BYTES) -> FastAPI:
    """The FastAPI service for ``bundle`` (or for what the zero-argument ``bundle()`` loads at startup).

    Args:
        bundle: a :class:`ModelBundle`, or a loader called once when the app starts.
        max_upload_bytes: larger request bodies get 413.

    Returns:
        a FastAPI app with ``GET /health``, ``GET /version`` and ``POST /predict``.
    """
    from starlette.concurrency import run_in_threadpool

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.bundle = bundle if isinstance(bundle, ModelBundle) else bundle()   # loaded once
        yield

    app = FastAPI(title="Course model service", version=API_VERSION, lifespan=lifespan)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/version")
    def version() -> dict[str, Any]:
        b: ModelBundle = app.state.bundle
        return {"api_version": API_VERSION, "model": b.name, "model_version": b.version,
                "input_shape": list(b.input_shape), "num_classes": len(b.class_names)}

    @app.post("/predict", response_model=PredictResponse, openapi_extra={"requestBody": {"content": {
        "application/json": {"schema": PredictRequest.model_json_schema()},
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "file": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}}}})
    async def predict(request: Request) -> PredictResponse:
        b: ModelBundle = app.state.bundle
        declared = request.headers.get("content-length")
        if declared is not None and int(declared) > max_upload_bytes:
            raise _error(413, f"too large: {int(declared):,} bytes, the limit is {max_upload_bytes:,}")
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind == "multipart/form-data":
            form = await request.form(max_files=MAX_BATCH, max_part_size=max_upload_bytes)
            uploads = form.getlist("file")
            if not uploads:
                raise _error(400, "empty body: send the image as a multipart field named 'file'")
            if isinstance(uploads[0], str):
                raise _error(415, "the 'file' field must be an uploaded file, not text")
            payloads = [(u.filename or "file", await u.read()) for u in uploads]
            x = _images_to_batch(b, payloads)
        elif kind == "application/json":
            body = await request.body()
            if len(body) > max_upload_bytes:
                raise _error(413, f"too large: {len(body):,} bytes, the limit is {max_upload_bytes:,}")
            if not body.strip():
                raise _error(400, "empty body: send {\"inputs\": [[...], ...]}")
            x = _json_to_batch(b, body)
        else:
            raise _error(415, f"unsupported content type {kind or 'none'!r}: use multipart/form-data "
                              "(image files) or application/json ({\"inputs\": ...})")
        return await run_in_threadpool(b.predict, x)   # keep the event loop free while the model runs

    return app


def efficientnet_bundle() -> ModelBundle:
    """EfficientNet-Lite0 with its shipped ImageNet weights and ``transform_image``."""
    from . import models

    return ModelBundle(model=models.efficientnet_lite0(), class_names=models.imagenet_classes(),
                       input_shape=(3, 224, 224), preprocess=models.transform_image,
                       name="efficientnet_lite0", version="imagenet-1k")


def export_for_serving(model: Any, path: str | Path, class_names: list[str], input_shape: tuple[int, ...],
                       mean: float, std: float, name: str, version: str) -> Path:
    """Save a grayscale-image classifier as a ``torch.export`` program (``.pt2``) plus a JSON sidecar.

    The service then needs no model code: :func:`load_exported_bundle` reads both files.
    The batch dimension is dynamic (1 to :data:`MAX_BATCH`).

    Returns:
        the ``.pt2`` path; the sidecar is the same path with suffix ``.json``.
    """
    import torch

    path = Path(path)
    example = torch.zeros(2, *input_shape)
    batch = torch.export.Dim("batch", min=1, max=MAX_BATCH)
    program = torch.export.export(model.eval(), (example,), dynamic_shapes=({0: batch},))
    torch.export.save(program, path)
    meta = {"class_names": list(class_names), "input_shape": list(input_shape), "mean": mean, "std": std,
            "name": name, "version": version}
    path.with_suffix(".json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return path


def load_exported_bundle(path: str | Path) -> ModelBundle:
    """Load what :func:`export_for_serving` wrote (``model.pt2`` and ``model.json``)."""
    import torch

    path = Path(path)
    meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    program = torch.export.load(path).module()
    _, h, w = meta["input_shape"]

    def preprocess(img: Any) -> Any:
        gray = np.asarray(img.convert("L").resize((w, h)), dtype=np.float32) / 255.0   # (H, W) in [0, 1]
        return torch.from_numpy((gray - meta["mean"]) / meta["std"])[None]             # (1, H, W)

    return ModelBundle(model=program, class_names=meta["class_names"], input_shape=tuple(meta["input_shape"]),
                       preprocess=preprocess, name=meta["name"], version=meta["version"])


def app_from_env() -> FastAPI:
    """App factory for ``uvicorn --factory course_utils.serving:app_from_env``.

    Environment: ``SERVING_MODEL`` (``efficientnet_lite0``, the default, or a ``.pt2`` path),
    ``SERVING_THREADS`` (torch threads, default 1), ``SERVING_MAX_BYTES`` (upload limit).
    """
    def load() -> ModelBundle:
        import torch

        torch.set_num_threads(int(os.environ.get("SERVING_THREADS", "1")))
        spec = os.environ.get("SERVING_MODEL", "efficientnet_lite0")
        return efficientnet_bundle() if spec == "efficientnet_lite0" else load_exported_bundle(spec)

    return create_app(load, max_upload_bytes=int(os.environ.get("SERVING_MAX_BYTES", MAX_UPLOAD_BYTES)))


def seed_flask_app(bundle: ModelBundle) -> Any:
    """The roadmap's seed service (PyTorch's Flask tutorial), kept as it was, for comparison.

    One route, no validation, no schema, no health check: a missing field or a file that is not
    an image ends in an HTML error page (400 or 500) instead of a message the client can use.
    """
    import torch
    from flask import Flask, jsonify, request
    from PIL import Image

    app = Flask("seed")

    def get_prediction(image_bytes):
        tensor = bundle.preprocess(Image.open(io.BytesIO(image_bytes))).unsqueeze(0)
        outputs = bundle.model(tensor)
        _, y_hat = outputs.max(1)
        predicted_idx = int(y_hat.item())
        return predicted_idx, bundle.class_names[predicted_idx]

    @app.route("/predict", methods=["POST"])
    def predict():
        if request.method == "POST":
            file = request.files["file"]
            img_bytes = file.read()
            with torch.no_grad():
                class_id, class_name = get_prediction(image_bytes=img_bytes)
            return jsonify({"class_id": class_id, "class_name": class_name})

    return app


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_open(port: int) -> bool:
    """True when something accepts TCP connections on 127.0.0.1:``port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Server:
    """A running uvicorn subprocess: its PID, port, base URL and log file."""

    pid: int
    port: int
    url: str
    log: Path


@contextmanager
def run_server(env: dict[str, str] | None = None, timeout: float = 90.0) -> Iterator[Server]:
    """Start ``uvicorn`` with :func:`app_from_env` on 127.0.0.1 and a free port; stop it by PID on exit.

    Args:
        env: extra environment variables for the server (e.g. ``SERVING_MODEL``).
        timeout: seconds to wait for ``GET /health`` to answer.

    Yields:
        a :class:`Server`; on exit the process is terminated (killed if it does not stop) and the
        port is checked to be closed.
    """
    import httpx

    port = free_port()
    log = Path(tempfile.mkstemp(prefix="uvicorn-", suffix=".log")[1])
    cmd = [sys.executable, "-m", "uvicorn", "course_utils.serving:app_from_env", "--factory",
           "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, env={**os.environ, **(env or {})}, stdout=out, stderr=subprocess.STDOUT)
    try:
        url, deadline = f"http://127.0.0.1:{port}", time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"uvicorn exited with code {proc.returncode}:\n{log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{url}/health", timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"uvicorn did not answer /health within {timeout} s:\n{log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield Server(pid=proc.pid, port=port, url=url, log=log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        if port_is_open(port):
            raise RuntimeError(f"port {port} is still open after stopping uvicorn (pid {proc.pid})")
