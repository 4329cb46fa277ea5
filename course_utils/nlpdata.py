"""Labelled text for classification, with the offline-first contract.

:func:`load_sst2` downloads the Stanford Sentiment Treebank (binary, the GLUE version): 67,349
labelled training sentences and 872 development sentences. No installed package ships it, so
offline it raises :class:`~course_utils.data.DatasetUnavailable` and the chapter says which
offline task it uses instead. The download path is tested on a small local zip (``file://``).
"""

from __future__ import annotations

import csv
import io
import zipfile

import numpy as np

from .data import Dataset, DatasetUnavailable, _check_source, cache_dir, download

__all__ = ["SST2_URL", "load_sst2", "read_sst2_zip"]

#: The GLUE benchmark's SST-2 archive (train.tsv and dev.tsv with labels, test.tsv without).
SST2_URL = "https://dl.fbaipublicfiles.com/glue/data/SST-2.zip"


def read_sst2_zip(path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Read ``SST-2/train.tsv`` and ``SST-2/dev.tsv`` from the GLUE zip.

    Returns:
        ``(X_train, y_train, X_dev, y_dev)``: sentences as ``(N,) object`` arrays of str and labels
        as ``(N,) int64`` (0 negative, 1 positive).
    """
    splits = {}
    with zipfile.ZipFile(path) as zf:
        for split in ("train", "dev"):
            name = next((n for n in zf.namelist() if n.endswith(f"{split}.tsv")), None)
            if name is None:
                raise ValueError(f"{path} has no {split}.tsv")
            text = io.TextIOWrapper(zf.open(name), encoding="utf-8")
            rows = list(csv.DictReader(text, delimiter="\t", quoting=csv.QUOTE_NONE))
            if not rows or set(rows[0]) != {"sentence", "label"}:
                raise ValueError(f"{name} should have the columns sentence and label")
            splits[split] = (np.array([r["sentence"].strip() for r in rows], dtype=object),
                             np.array([int(r["label"]) for r in rows], dtype=np.int64))
    return (*splits["train"], *splits["dev"])


def load_sst2(source: str = "auto", url: str = SST2_URL, verbose: bool = True) -> Dataset:
    """SST-2 sentiment sentences: ``X`` train sentences, ``X_test`` the labelled dev split.

    Args:
        source: ``"download"`` or ``"auto"`` (the same here: there is no offline copy);
            ``"offline"`` raises at once.
        url: replaces the GLUE URL (``file://`` works, which the tests use).
        verbose: print which source was used.

    Raises:
        DatasetUnavailable: offline, or the download failed.
    """
    _check_source(source)
    if source == "offline":
        raise DatasetUnavailable("SST-2 has no offline copy in the installed packages")
    dest = cache_dir() / "sst2" / "SST-2.zip"
    try:
        path = download(url, dest, md5=None, timeout=20)
        X, y, X_dev, y_dev = read_sst2_zip(path)
    except (OSError, ValueError, zipfile.BadZipFile) as err:
        raise DatasetUnavailable(f"SST-2 download from {url} failed: {err}") from err
    ds = Dataset(X=X, y=y, X_test=X_dev, y_test=y_dev, name="SST-2 (GLUE, binary sentiment)",
                 source=f"download from {url} (cached in {dest.parent})", target_names=["negative", "positive"])
    if verbose:
        print(ds.describe())
    return ds
