"""course_utils.nlpdata: the SST-2 download path on a small local zip, and the offline refusal."""

from __future__ import annotations

import zipfile

import pytest

from course_utils import nlpdata
from course_utils.data import DatasetUnavailable


def _tiny_zip(path):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("SST-2/train.tsv", "sentence\tlabel\nit 's a charming journey . \t1\na dull , \"lifeless\" film \t0\n")
        zf.writestr("SST-2/dev.tsv", "sentence\tlabel\nquietly moving \t1\n")
        zf.writestr("SST-2/test.tsv", "index\tsentence\n0\tunlabelled\n")
    return path


def test_load_sst2_from_a_local_zip(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "cache"))
    archive = _tiny_zip(tmp_path / "SST-2.zip")
    ds = nlpdata.load_sst2(url=archive.as_uri())
    assert list(ds.X) == ["it 's a charming journey .", 'a dull , "lifeless" film']
    assert ds.y.tolist() == [1, 0] and ds.y_test.tolist() == [1]
    assert ds.X_test[0] == "quietly moving"
    assert "source: download from file://" in capsys.readouterr().out


def test_load_sst2_offline_and_failures(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "cache"))
    with pytest.raises(DatasetUnavailable, match="no offline copy"):
        nlpdata.load_sst2(source="offline")
    with pytest.raises(DatasetUnavailable, match="download"):
        nlpdata.load_sst2(url=(tmp_path / "missing.zip").as_uri())
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("SST-2/train.tsv", "text\tscore\nx\t1\n")
        zf.writestr("SST-2/dev.tsv", "text\tscore\nx\t1\n")
    with pytest.raises(DatasetUnavailable, match="columns sentence and label"):
        nlpdata.load_sst2(url=bad.as_uri())
