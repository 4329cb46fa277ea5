"""Image collections for Part 7: a folder of images the learner downloads, and bundled faces.

The roadmap's GAN project trains on anime faces, a folder of image files that learners
download themselves (for example the Kaggle "Anime Face Dataset"). :func:`load_image_folder`
reads any such folder. Offline, :func:`load_lfw_faces` returns the 100 real face crops from
Labeled Faces in the Wild that ship inside scikit-image. Both return a
:class:`course_utils.data.Dataset` and print which source they used.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .data import Dataset, DatasetUnavailable, _report

__all__ = ["IMAGE_EXTENSIONS", "load_image_folder", "load_lfw_faces"]

#: File suffixes :func:`load_image_folder` reads (lower case).
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp")


def load_image_folder(folder: str | Path, size: int = 64, grayscale: bool = False,
                      max_images: int | None = None, verbose: bool = True) -> Dataset:
    """Read every image under ``folder`` (recursively), resized to ``size x size``.

    Images directly in ``folder`` get label 0; with class sub-folders (``folder/cat/1.png``,
    ``folder/dog/2.png``) each sub-folder is a class, numbered in sorted order.

    Args:
        folder: a directory holding image files (see :data:`IMAGE_EXTENSIONS`).
        size: side length of the square output images (bilinear resize, no cropping).
        grayscale: convert to one channel instead of RGB.
        max_images: read at most this many files (the first ones in sorted path order).
        verbose: print the dataset line with its source.

    Returns:
        :class:`Dataset` with ``X (N, size, size, C) uint8`` (C = 1 or 3), ``y (N,) int64``
        and ``target_names`` (the class folder names, or ``[folder name]``).

    Raises:
        DatasetUnavailable: ``folder`` does not exist or holds no readable image.
        ValueError: ``size`` or ``max_images`` is not a positive integer.
    """
    from PIL import Image

    if not isinstance(size, int) or size < 1:
        raise ValueError(f"load_image_folder: size must be a positive int, got {size!r}")
    if max_images is not None and (not isinstance(max_images, int) or max_images < 1):
        raise ValueError(f"load_image_folder: max_images must be a positive int or None, got {max_images!r}")
    root = Path(folder).expanduser()
    if not root.is_dir():
        raise DatasetUnavailable(f"load_image_folder: {root} is not a folder; download the images there first")
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS)
    files = files[:max_images] if max_images else files
    if not files:
        raise DatasetUnavailable(f"load_image_folder: no image files ({', '.join(IMAGE_EXTENSIONS)}) under {root}")
    classes = sorted({p.parent.relative_to(root).parts[0] for p in files if p.parent != root})
    names = classes if classes else [root.name]
    mode = "L" if grayscale else "RGB"
    images, labels = [], []
    for path in files:
        with Image.open(path) as img:
            img = img.convert(mode).resize((size, size), Image.BILINEAR)
            images.append(np.asarray(img, dtype=np.uint8).reshape(size, size, -1))  # (H, W, C)
        labels.append(names.index(path.parent.relative_to(root).parts[0]) if path.parent != root else 0)
    ds = Dataset(X=np.stack(images), y=np.asarray(labels, dtype=np.int64), name=f"image folder {root.name}",
                 source=f"local image folder {root} ({len(files)} files)", target_names=names)
    return _report(ds, verbose)


def load_lfw_faces(verbose: bool = True) -> Dataset:
    """The 100 real face crops of scikit-image's LFW subset (offline).

    ``skimage.data.lfw_subset()`` holds 200 grayscale 25x25 crops from Labeled Faces in the
    Wild (Huang et al.): the first 100 are faces, the other 100 background patches. Only the
    faces are returned.

    Returns:
        :class:`Dataset` with ``X (100, 25, 25, 1) uint8`` and ``y (100,)`` zeros.
    """
    from skimage.data import lfw_subset

    crops = np.asarray(lfw_subset())[:100]  # (100, 25, 25), floats in [0, 1] (uint8 in old versions)
    if crops.dtype.kind == "f":
        crops = np.round(crops * 255)
    X = crops.astype(np.uint8)[..., None]  # (100, 25, 25, 1)
    ds = Dataset(X=X, y=np.zeros(len(X), dtype=np.int64), name="LFW faces (scikit-image subset, 100 crops 25x25)",
                 source="scikit-image bundled copy (skimage.data.lfw_subset: first 100 = faces, offline)",
                 target_names=["face"])
    return _report(ds, verbose)
