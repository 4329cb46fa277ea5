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
