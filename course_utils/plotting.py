"""Plots used across the course: curves, image grids, decision boundaries, 2-D loss surfaces.

matplotlib is imported inside each function. :func:`use_course_style` changes global
matplotlib settings only when a notebook calls it.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import numpy as np

__all__ = ["use_course_style", "plot_curves", "show_images", "plot_decision_boundary", "plot_surface"]

COURSE_STYLE = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 11,
    "image.cmap": "viridis",
}


def use_course_style() -> None:
    """Apply the course's matplotlib defaults (call it once in a notebook's setup)."""
    import matplotlib.pyplot as plt

    plt.rcParams.update(COURSE_STYLE)


def plot_curves(history: Mapping[str, Sequence[float]], keys: Sequence[str] | None = None,
                title: str | None = None, axes: Any = None) -> Any:
    """Plot training curves: one panel per metric, train and validation overlaid.

    Args:
        history: e.g. ``{"train_loss": [...], "val_loss": [...], "val_accuracy": [...]}``.
            Keys sharing a suffix after ``train_``/``val_`` share a panel.
        keys: metric names to show (``["loss", "accuracy"]``); default: every metric found.
        title: figure title.
        axes: existing axes to draw into (used by live plots); created when None.

    Returns:
        The matplotlib figure.
    """
    import matplotlib.pyplot as plt

    if not isinstance(history, Mapping) or not history:
        raise ValueError(f"plot_curves: history must be a non-empty dict of lists, got {history!r}")
    metrics = keys or sorted({k.split("_", 1)[1] if k.startswith(("train_", "val_")) else k for k in history})
    if axes is None:
        fig, axes = plt.subplots(1, len(metrics), figsize=(4.5 * len(metrics), 3.3), squeeze=False)
        axes = axes[0]
    fig = axes[0].figure
    for ax, metric in zip(axes, metrics):
        ax.clear()
        for prefix in ("train_", "val_", ""):
            values = history.get(prefix + metric)
            if values:
                ax.plot(range(1, len(values) + 1), values, marker="o", ms=3, label=(prefix or metric).rstrip("_"))
        ax.set_xlabel("epoch")
        ax.set_title(metric)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_images(images: Any, labels: Sequence[Any] | None = None, ncols: int = 8,
                cmap: str | None = "gray", size: float = 1.3, title: str | None = None) -> Any:
    """Show a grid of images.

    Args:
        images: ``(N, H, W)`` grayscale, ``(N, H, W, 3)`` RGB, or ``(N, C, H, W)`` tensors/arrays.
        labels: optional per-image captions.
        ncols: images per row.
        cmap: colormap for single-channel images.

    Returns:
        The matplotlib figure.
    """
    import matplotlib.pyplot as plt

    from .checks import as_numpy

    imgs = as_numpy(images, "images")
    if imgs.ndim == 4 and imgs.shape[1] in (1, 3) and imgs.shape[-1] not in (1, 3):
        imgs = imgs.transpose(0, 2, 3, 1)  # (N, C, H, W) -> (N, H, W, C)
    if imgs.ndim == 4 and imgs.shape[-1] == 1:
        imgs = imgs[..., 0]
    if imgs.ndim not in (3, 4) or len(imgs) == 0:
        raise ValueError(f"show_images: expected (N, H, W), (N, H, W, 3) or (N, C, H, W), got shape {imgs.shape}")
    if labels is not None and len(labels) != len(imgs):
        raise ValueError(f"show_images: got {len(imgs)} images but {len(labels)} labels")
    ncols = min(ncols, len(imgs))
    nrows = int(np.ceil(len(imgs) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + (0.3 if title else 0)), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(imgs):
            ax.imshow(imgs[i], cmap=cmap if imgs.ndim == 3 else None)
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_decision_boundary(predict: Callable[[np.ndarray], np.ndarray], X: np.ndarray, y: np.ndarray,
                           ax: Any = None, resolution: int = 200, title: str | None = None) -> Any:
    """Colour the plane by a classifier's prediction and scatter the 2-D data on top.

    Args:
        predict: maps ``(M, 2)`` points to ``(M,)`` integer class predictions.
        X: ``(N, 2)`` points; y: ``(N,)`` labels.

    Returns:
        The matplotlib axes.
    """
    import matplotlib.pyplot as plt

    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary: X must be (N, 2), got shape {X.shape}")
    if y.shape != (X.shape[0],):
        raise ValueError(f"plot_decision_boundary: y must be ({X.shape[0]},), got shape {y.shape}")
    pad = 0.5
    xs = np.linspace(X[:, 0].min() - pad, X[:, 0].max() + pad, resolution)
    ys = np.linspace(X[:, 1].min() - pad, X[:, 1].max() + pad, resolution)
    xx, yy = np.meshgrid(xs, ys)
    zz = np.asarray(predict(np.c_[xx.ravel(), yy.ravel()])).reshape(xx.shape)
    if ax is None:
        _, ax = plt.subplots()
    ax.contourf(xx, yy, zz, alpha=0.3, cmap="coolwarm")
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", edgecolors="k", s=20)
    if title:
        ax.set_title(title)
    return ax


def plot_surface(f: Callable[[np.ndarray, np.ndarray], np.ndarray], xlim: tuple[float, float] = (-2, 2),
                 ylim: tuple[float, float] = (-2, 2), paths: Mapping[str, np.ndarray] | None = None,
                 ax: Any = None, levels: int = 30, log: bool = False, title: str | None = None) -> Any:
    """Contour plot of a 2-D loss surface with optional optimisation paths.

    Args:
        f: vectorized ``f(xx, yy) -> zz`` on meshgrids.
        paths: label -> ``(T, 2)`` array of visited points, drawn as lines with markers.
        log: contour ``log(1 + f)`` to show both the valley and the walls.

    Returns:
        The matplotlib axes.
    """
    import matplotlib.pyplot as plt

    xx, yy = np.meshgrid(np.linspace(*xlim, 200), np.linspace(*ylim, 200))
    zz = np.asarray(f(xx, yy), dtype=np.float64)
    if zz.shape != xx.shape:
        raise ValueError(f"plot_surface: f must return an array shaped like its inputs {xx.shape}, got {zz.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 4.5))
    ax.contour(xx, yy, np.log1p(zz - zz.min()) if log else zz, levels=levels, cmap="viridis", linewidths=0.8)
    for label, path in (paths or {}).items():
        path = np.asarray(path)
        if path.ndim != 2 or path.shape[1] != 2:
            raise ValueError(f"plot_surface: path {label!r} must be (T, 2), got shape {path.shape}")
        ax.plot(path[:, 0], path[:, 1], marker="o", ms=3, lw=1.5, label=label)
    if paths:
        ax.legend()
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    if title:
        ax.set_title(title)
    return ax
