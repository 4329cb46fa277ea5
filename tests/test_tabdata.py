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


# --- house prices ------------------------------------------------------------------------------

def _california_archive(tmp_path):
    """A three-row cal_housing.tgz in the real archive layout, served through a file:// URL."""
    import hashlib
    import io
    import tarfile

    # The file's column order: longitude, latitude, housingMedianAge, totalRooms, totalBedrooms,
    # population, households, medianIncome, medianHouseValue.
    rows = "-122.23,37.88,41,880,129,322,126,8.3252,452600\n" \
           "-122.22,37.86,21,7099,1106,2401,1138,8.3014,358500\n" \
           "-122.24,37.85,52,1467,190,496,177,7.2574,352100\n"
    archive = tmp_path / "cal_housing.tgz"
    with tarfile.open(archive, "w:gz") as tar:
        payload = rows.encode()
        info = tarfile.TarInfo("CaliforniaHousing/cal_housing.data")
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    return archive, hashlib.sha256(archive.read_bytes()).hexdigest()


def test_house_prices_download_path_reads_a_local_archive(tmp_path, monkeypatch, capsys):
    from sklearn.datasets import _base, _california_housing

    archive, sha256 = _california_archive(tmp_path)
    monkeypatch.setattr(_california_housing, "ARCHIVE",
                        _base.RemoteFileMetadata(filename="cal_housing.tgz", url=archive.as_uri(), checksum=sha256))
    houses = tabdata.load_house_prices(source="download", data_home=tmp_path / "cache")
    assert "California housing" in capsys.readouterr().out
    assert houses.name.startswith("California housing") and "download" in houses.source
    assert list(houses.frame["price"]) == [452600.0, 358500.0, 352100.0], "price must be in dollars"
    assert houses.frame.loc[0, "MedInc"] == pytest.approx(8.3252)
    assert houses.frame.loc[0, "AveRooms"] == pytest.approx(880 / 126)  # rooms per household
    # The second call is served from scikit-learn's cache, even with the archive gone.
    archive.unlink()
    again = tabdata.load_house_prices(source="download", data_home=tmp_path / "cache", verbose=False)
    assert again.frame.equals(houses.frame)


def test_house_prices_download_rejects_a_wrong_checksum_and_auto_falls_back(tmp_path, monkeypatch, capsys):
    from sklearn.datasets import _base, _california_housing

    archive, _ = _california_archive(tmp_path)
    monkeypatch.setattr(_california_housing, "ARCHIVE",
                        _base.RemoteFileMetadata(filename="cal_housing.tgz", url=archive.as_uri(), checksum="0" * 64))
    with pytest.raises(DatasetUnavailable, match="SHA256 checksum"):
        tabdata.load_house_prices(source="download", data_home=tmp_path / "cache")
    houses = tabdata.load_house_prices(source="auto", data_home=tmp_path / "cache")
    out = capsys.readouterr().out
    assert "download unavailable (OSError); using the Ames data offline" in out
    assert houses.name.startswith("Ames") and len(houses.frame) == 2930 and "price" in houses.frame
    assert houses.licence == "modeldata: MIT"
    with pytest.raises(ValueError, match="source must be one of"):
        tabdata.load_house_prices(source="kaggle")
