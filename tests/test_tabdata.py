"""course_utils.tabdata: the Titanic loader's three paths, on small local files and the bundled copy."""

import time

import pytest

pd = pytest.importorskip("pandas")

from course_utils import tabdata  # noqa: E402
from course_utils.data import DatasetUnavailable  # noqa: E402

KAGGLE_TRAIN = """PassengerId,Survived,Pclass,Name,Sex,Age,SibSp,Parch,Ticket,Fare,Cabin,Embarked
1,0,3,"Braund, Mr. Owen Harris",male,22,1,0,A/5 21171,7.25,,S
2,1,1,"Cumings, Mrs. John Bradley (Florence Briggs Thayer)",female,38,1,0,PC 17599,71.2833,C85,C
6,0,3,"Moran, Mr. James",male,,0,0,330877,8.4583,,Q
"""
KAGGLE_TEST = """PassengerId,Pclass,Name,Sex,Age,SibSp,Parch,Ticket,Fare,Cabin,Embarked
892,3,"Kelly, Mr. James",male,34.5,0,0,330911,7.8292,,Q
"""


def test_kaggle_files_are_read_and_normalized(tmp_path, capsys):
    (tmp_path / "train.csv").write_text(KAGGLE_TRAIN)
    (tmp_path / "test.csv").write_text(KAGGLE_TEST)
    ds = tabdata.load_titanic(folder=tmp_path)
    assert list(ds.frame.columns) == ["passenger_id", "survived", "pclass", "sex", "age", "sibsp", "parch", "fare",
                                      "embarked"]
    assert ds.frame["survived"].tolist() == [0, 1, 0] and ds.frame["age"].isna().sum() == 1
    assert ds.kaggle_test["passenger_id"].tolist() == [892] and "survived" not in ds.kaggle_test
    assert "local Kaggle files" in capsys.readouterr().out


def test_offline_copy_has_1309_passengers_and_states_its_licence():
    ds = tabdata.load_titanic(source="offline", verbose=False)
    assert len(ds.frame) == 1309 and ds.frame["survived"].sum() == 500
    assert set(ds.frame["pclass"]) == {1, 2, 3} and set(ds.frame["sex"]) == {"female", "male"}
    assert ds.frame["age"].isna().sum() == 263
    assert "GNU" in ds.licence and "bundled" in ds.source


def test_download_fails_fast_without_network(tmp_path, monkeypatch):
    monkeypatch.setattr(tabdata, "_online", lambda *a, **k: False)
    start = time.perf_counter()
    with pytest.raises(DatasetUnavailable, match="OpenML"):
        tabdata.load_titanic(source="download", folder=tmp_path)
    assert time.perf_counter() - start < 5


def test_auto_falls_back_to_the_bundled_copy(tmp_path, monkeypatch):
    monkeypatch.setattr(tabdata, "_online", lambda *a, **k: False)
    assert "bundled" in tabdata.load_titanic(folder=tmp_path, verbose=False).source


def test_openml_frame_loses_its_leaky_columns():
    raw = pd.DataFrame({"pclass": ["1", "3"], "survived": ["1", "0"], "name": ["A", "B"], "sex": ["female", "male"],
                        "age": [29.0, None], "sibsp": [0, 1], "parch": [0, 0], "ticket": ["1", "2"],
                        "fare": [211.3, 7.9], "cabin": ["B5", None], "embarked": ["S", "S"], "boat": ["2", None],
                        "body": [None, 135.0], "home.dest": ["St Louis", None]})
    out = tabdata.normalize_openml(raw)
    assert not set(tabdata.LEAKY_COLUMNS) & set(out.columns)
    assert out["survived"].tolist() == [1, 0] and out["pclass"].tolist() == [1, 3]
