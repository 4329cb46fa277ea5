"""EfficientNet-Lite0 as ``nn.Module`` code (imported lazily by :mod:`course_utils.models`).

Written for the course from the paper (Tan & Le, 2019) and the TensorFlow reference
configuration of the Lite variants: inverted-residual blocks (MBConv) without
squeeze-and-excitation, ReLU6 activations, BatchNorm with eps 1e-3, and TensorFlow's
"SAME" padding, which pads the bottom/right more than the top/left when a stride-2
convolution meets an even input size. The checkpoint was converted from TensorFlow, so
matching that padding is what makes the PyTorch outputs match the original model.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

# One row per stage: (repeats, kernel size, first stride, expansion ratio, output channels).
LITE0_STAGES = (
    (1, 3, 1, 1, 16),
    (2, 3, 2, 6, 24),
    (2, 5, 2, 6, 40),
    (3, 3, 2, 6, 80),
    (3, 5, 1, 6, 112),
    (4, 5, 2, 6, 192),
    (1, 3, 1, 6, 320),
)
STEM_CHANNELS = 32
HEAD_CHANNELS = 1280
BN_EPS = 1e-3


class SameConv2d(nn.Conv2d):
    """``nn.Conv2d`` with TensorFlow ``padding="SAME"``: output size ``ceil(input / stride)``."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: int = 1,
                 groups: int = 1) -> None:
        # Stride 1 with an odd kernel pads symmetrically, which nn.Conv2d does on its own.
        padding = kernel_size // 2 if stride == 1 else 0
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, groups=groups, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.stride[0] == 1:
            return super().forward(x)
        pads = []
        for size in (x.shape[-1], x.shape[-2]):  # F.pad wants (left, right, top, bottom)
            k, s = self.kernel_size[0], self.stride[0]
            total = max((math.ceil(size / s) - 1) * s + k - size, 0)
            pads += [total // 2, total - total // 2]
        return super().forward(F.pad(x, pads))


class MBConv(nn.Module):
    """Inverted residual block: 1x1 expand, depthwise kxk, 1x1 project, skip when shapes match."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: int, expand: int) -> None:
        super().__init__()
        mid = in_channels * expand
        self.expand = expand
        if expand != 1:
            self.expand_conv = SameConv2d(in_channels, mid, 1)
            self.bn0 = nn.BatchNorm2d(mid, eps=BN_EPS)
        self.depthwise_conv = SameConv2d(mid, mid, kernel_size, stride, groups=mid)
        self.bn1 = nn.BatchNorm2d(mid, eps=BN_EPS)
        self.project_conv = SameConv2d(mid, out_channels, 1)
        self.bn2 = nn.BatchNorm2d(out_channels, eps=BN_EPS)
        self.use_skip = stride == 1 and in_channels == out_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = x
        if self.expand != 1:
            h = F.relu6(self.bn0(self.expand_conv(h)))   # (B, C*e, H, W)
        h = F.relu6(self.bn1(self.depthwise_conv(h)))     # (B, C*e, H/s, W/s)
        h = self.bn2(self.project_conv(h))                # (B, C_out, H/s, W/s), no activation
        return h + x if self.use_skip else h


class EfficientNetLite0(nn.Module):
    """EfficientNet-Lite0: 224x224 RGB in, ``num_classes`` logits out (4.65M parameters at 1000 classes).

    ``feature_maps(x)`` gives the last convolutional features ``(B, 1280, H/32, W/32)``,
    ``features(x)`` their global average ``(B, 1280)`` (the input of the classifier ``fc``).
    """

    def __init__(self, num_classes: int = 1000, dropout: float = 0.2) -> None:
        super().__init__()
        self.conv_stem = SameConv2d(3, STEM_CHANNELS, 3, stride=2)
        self.bn0 = nn.BatchNorm2d(STEM_CHANNELS, eps=BN_EPS)
        blocks, c_in = [], STEM_CHANNELS
        for repeats, k, stride, expand, c_out in LITE0_STAGES:
            for i in range(repeats):
                blocks.append(MBConv(c_in, c_out, k, stride if i == 0 else 1, expand))
                c_in = c_out
        self.blocks = nn.ModuleList(blocks)
        self.conv_head = SameConv2d(c_in, HEAD_CHANNELS, 1)
        self.bn1 = nn.BatchNorm2d(HEAD_CHANNELS, eps=BN_EPS)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(HEAD_CHANNELS, num_classes)

    def feature_maps(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, 3, H, W)`` images to ``(B, 1280, ceil(H/32), ceil(W/32))`` features."""
        x = F.relu6(self.bn0(self.conv_stem(x)))          # (B, 32, H/2, W/2)
        for block in self.blocks:
            x = block(x)                                  # ... (B, 320, H/32, W/32)
        return F.relu6(self.bn1(self.conv_head(x)))       # (B, 1280, H/32, W/32)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, 3, H, W)`` images to ``(B, 1280)`` pooled features (no classifier)."""
        return self.feature_maps(x).mean(dim=(2, 3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.dropout(self.features(x)))   # (B, num_classes)


def rename_checkpoint_keys(state_dict: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Map the checkpoint's names (``_blocks.3._bn1.weight``) to ours (``blocks.3.bn1.weight``).

    The package's weights use the attribute names of the ``efficientnet_pytorch`` code they
    came from, each with a leading underscore; the rename strips it and changes nothing else.
    """
    return {".".join(part.lstrip("_") for part in key.split(".")): value for key, value in state_dict.items()}
