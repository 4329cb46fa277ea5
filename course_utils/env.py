"""Runtime environment: device choice, Colab detection, seeding and the setup banner.

Nothing here runs at import time; a notebook calls :func:`setup` in its first cell.
"""

from __future__ import annotations

import os
import platform
import random
import sys
from typing import TypeVar

T = TypeVar("T")

#: "1" (set by ``make book`` / ``make test``): nobody is watching, so progress bars print plain
#: lines and explorers render precomputed frames; "0": live widgets even without a known frontend.
STATIC_ENV_VAR = "COURSE_STATIC_OUTPUT"

_DEVICE_ORDER = ("cuda", "mps", "cpu")


def is_colab() -> bool:
    """Return True when running inside Google Colab."""
    return "google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ


def has_widget_frontend() -> bool:
    """Return True when a notebook frontend that renders widgets is attached to this kernel.

    Colab, Jupyter Server (JupyterLab, Notebook 7: it sets ``JPY_SESSION_NAME`` for the kernels
    it starts) and VS Code count. A headless client (``jupyter nbconvert --execute``, papermill,
    nbclient) does not: it never answers widget messages, and waiting for them can stall the run.
    """
    return is_colab() or bool(os.environ.get("JPY_SESSION_NAME")) or "VSCODE_PID" in os.environ


def is_interactive() -> bool:
    """Return True in a live notebook kernel that a person is watching through a widget frontend.

    :data:`STATIC_ENV_VAR` decides when set: ``"1"`` (book builds, CI) forces static output,
    ``"0"`` forces live widgets in any kernel. Otherwise it is True only inside an IPython
    kernel (``ZMQInteractiveShell`` or a subclass, such as Colab's shell) with a widget
    frontend attached (:func:`has_widget_frontend`), so headless runs are static by default.
    Autograding (``NBGRADER_EXECUTION``) is always static.
    """
    forced = os.environ.get(STATIC_ENV_VAR, "")
    if forced == "1" or os.environ.get("NBGRADER_EXECUTION"):
        return False
    try:
        from IPython import get_ipython
        from ipykernel.zmqshell import ZMQInteractiveShell
    except ImportError:
        return False
    shell = get_ipython()
    if not isinstance(shell, ZMQInteractiveShell):
        return False
    return forced == "0" or has_widget_frontend()


def get_device(prefer: str | None = None) -> "torch.device":  # noqa: F821
    """Pick the best available torch device: CUDA, then Apple MPS, then CPU.

    Args:
        prefer: force one of ``"cuda"``, ``"mps"``, ``"cpu"``; ``None`` picks automatically.
            The environment variable ``COURSE_DEVICE`` does the same without editing code.

    Returns:
        A ``torch.device``.

    Raises:
        ValueError: ``prefer`` names an unknown device.
        RuntimeError: ``prefer`` names a device this machine does not have.
    """
    import torch

    prefer = prefer or os.environ.get("COURSE_DEVICE") or None
    if prefer is not None:
        if prefer not in _DEVICE_ORDER:
            raise ValueError(f"get_device: prefer must be one of {_DEVICE_ORDER} or None, got {prefer!r}")
        if not _available(prefer):
            raise RuntimeError(f"get_device: device {prefer!r} was requested but is not available here")
        return torch.device(prefer)
    for name in _DEVICE_ORDER:
        if _available(name):
            return torch.device(name)
    return torch.device("cpu")  # pragma: no cover - cpu is always available


def _available(name: str) -> bool:
    import torch

    if name == "cuda":
        return torch.cuda.is_available()
    if name == "mps":
        backend = getattr(torch.backends, "mps", None)
        return bool(backend is not None and backend.is_available())
    return True


def describe_device(device: "torch.device") -> str:  # noqa: F821
    """Return a one-line, human description of ``device`` (GPU name where known)."""
    import torch

    if device.type == "cuda":
        return f"CUDA GPU: {torch.cuda.get_device_name(device)}"
    if device.type == "mps":
        return "Apple GPU (MPS)"
    threads = torch.get_num_threads()
    return f"CPU ({platform.processor() or platform.machine()}, {threads} torch thread{'s' if threads != 1 else ''})"


def seed_everything(seed: int = 0) -> None:
    """Seed Python's ``random``, NumPy's legacy global generator and torch (all devices).

    Args:
        seed: a non-negative integer.
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed_everything: seed must be a non-negative int, got {seed!r}")
    import numpy as np

    random.seed(seed)
    np.random.seed(seed)
    try:
        import torch
    except ImportError:  # Part 1 works without torch
        return
    torch.manual_seed(seed)


def setup(seed: int | None = 0, device: str | None = None, verbose: bool = True) -> "torch.device":  # noqa: F821
    """Prepare a notebook: seed, pick a device and print what was found.

    Args:
        seed: seed passed to :func:`seed_everything`; ``None`` leaves the generators alone.
        device: force a device (see :func:`get_device`).
        verbose: print the banner (versions, Colab or not, device, how to get a GPU).

    Returns:
        The ``torch.device`` that the notebook should use.
    """
    if seed is not None:
        seed_everything(seed)
    dev = get_device(device)
    if verbose:
        print(banner(dev, seed))
    return dev


def banner(device: "torch.device", seed: int | None = None) -> str:  # noqa: F821
    """Return the multi-line text that :func:`setup` prints."""
    import numpy as np
    import torch

    lines = [
        f"Python {platform.python_version()} | torch {torch.__version__} | NumPy {np.__version__}",
        f"Running on Colab: {'yes' if is_colab() else 'no'}",
        f"Device: {device.type} - {describe_device(device)}",
    ]
    if seed is not None:
        lines.append(f"Random seed: {seed}")
    if device.type == "cpu":
        if is_colab():
            lines.append("Tip: Runtime > Change runtime type > T4 GPU gives this notebook a GPU.")
        else:
            lines.append("Tip: no GPU found; every notebook runs on the CPU at a smaller stated scale. "
                         "On Colab, Runtime > Change runtime type > T4 GPU gives you one.")
    return "\n".join(lines)


def by_device(device: "torch.device", cpu: T, gpu: T, what: str = "settings") -> T:  # noqa: F821
    """Choose full-scale settings on an accelerator and a CPU budget otherwise, and say which.

    Args:
        device: the device returned by :func:`setup`.
        cpu: the value used on a CPU (sized to run within the chapter's time budget).
        gpu: the value used on CUDA or MPS (the full-scale run).
        what: a short name printed with the choice, e.g. ``"training config"``.

    Returns:
        ``gpu`` on an accelerator, ``cpu`` otherwise.
    """
    kind = getattr(device, "type", device)
    if kind not in _DEVICE_ORDER:
        raise ValueError(f"by_device: device must be a torch.device or one of {_DEVICE_ORDER}, got {device!r}")
    if kind == "cpu":
        print(f"CPU detected: using the reduced CPU {what}: {cpu}. A GPU runs the full-scale {what}: {gpu}.")
        return cpu
    print(f"{kind.upper()} detected: using the full-scale {what}: {gpu}.")
    return gpu
