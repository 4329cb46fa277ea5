"""course_utils.imagedata: the image-folder loader (GAN project path) and the bundled LFW faces."""

import numpy as np
import pytest
from PIL import Image

from course_utils import data
from course_utils.imagedata import load_image_folder, load_lfw_faces


def _save(path, array):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array).save(path)


def test_flat_folder_reads_resizes_and_reports_source(tmp_path, capsys):
    rng = np.random.default_rng(0)
    _save(tmp_path / "faces" / "b.png", rng.integers(0, 256, (40, 30, 3), dtype=np.uint8))
    _save(tmp_path / "faces" / "a.jpg", rng.integers(0, 256, (64, 64, 3), dtype=np.uint8))
    _save(tmp_path / "faces" / "c.png", np.full((10, 10), 200, dtype=np.uint8))  # grayscale file
    (tmp_path / "faces" / "notes.txt").write_text("not an image")
    ds = load_image_folder(tmp_path / "faces", size=16)
    assert ds.X.shape == (3, 16, 16, 3) and ds.X.dtype == np.uint8
    assert ds.y.tolist() == [0, 0, 0] and ds.target_names == ["faces"]
    assert np.all(ds.X[2] == 200), "a constant grayscale image stays constant after RGB conversion and resize"
    assert "local image folder" in capsys.readouterr().out and "3 files" in ds.source


def test_class_subfolders_give_labels_grayscale_and_max_images(tmp_path):
    for cls, value in [("cat", 10), ("dog", 250)]:
        for k in range(2):
            _save(tmp_path / cls / f"{k}.png", np.full((8, 8, 3), value, dtype=np.uint8))
    ds = load_image_folder(tmp_path, size=4, grayscale=True, verbose=False)
    assert ds.X.shape == (4, 4, 4, 1) and ds.target_names == ["cat", "dog"]
    assert ds.y.tolist() == [0, 0, 1, 1]
    assert ds.X[0].max() < 20 and ds.X[-1].min() > 240
    assert len(load_image_folder(tmp_path, size=4, max_images=3, verbose=False).X) == 3


def test_missing_or_empty_folder_raises_dataset_unavailable(tmp_path):
    with pytest.raises(data.DatasetUnavailable, match="not a folder"):
        load_image_folder(tmp_path / "nowhere")
    with pytest.raises(data.DatasetUnavailable, match="no image files"):
        load_image_folder(tmp_path)
    with pytest.raises(ValueError, match="size"):
        load_image_folder(tmp_path, size=0)


def test_lfw_faces_are_the_100_bundled_face_crops(capsys):
    ds = load_lfw_faces()
    assert ds.X.shape == (100, 25, 25, 1) and ds.X.dtype == np.uint8
    assert ds.X.std() > 10, "real photos, not a constant array"
    assert ds.offline and "lfw_subset" in capsys.readouterr().out
