"""Training loops for PyTorch models: one epoch, evaluation, and ``fit`` with progress and a live plot.

Chapters write the loop out in full first; these helpers are for afterwards, so they stay
short enough to read in one sitting. torch is imported inside the functions.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

__all__ = ["Timer", "History", "make_loader", "train_one_epoch", "evaluate", "fit"]


class Timer:
    """Wall-clock and CPU timer: ``with Timer() as t: ...`` then ``t.seconds`` / ``t.cpu_seconds``.

    ``Timer("label")`` also prints both on exit. On a busy machine wall time exceeds CPU time;
    on an accelerator, synchronize the device inside the block before it ends.
    """

    def __init__(self, label: str | None = None) -> None:
        self.label = label
        self.seconds = float("nan")
        self.cpu_seconds = float("nan")
        self._start = self._cpu_start = 0.0

    def __enter__(self) -> "Timer":
        self._start, self._cpu_start = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._start
        self.cpu_seconds = time.process_time() - self._cpu_start
        if self.label:
            print(f"{self.label}: {self.seconds:.3f} s wall, {self.cpu_seconds:.3f} s CPU")


@dataclass
class History:
    """Per-epoch metrics recorded by :func:`fit` (``history["val_accuracy"]`` works too)."""

    metrics: dict[str, list[float]] = field(default_factory=dict)
    best_epoch: int | None = None
    seconds: float = 0.0
    lrs: list[float] = field(default_factory=list)  # learning rate of the first parameter group, per epoch

    def add(self, **values: float) -> None:
        for key, value in values.items():
            self.metrics.setdefault(key, []).append(float(value))

    def __getitem__(self, key: str) -> list[float]:
        return self.metrics[key]


def make_loader(X: Any, y: Any, batch_size: int = 64, shuffle: bool = False, seed: int = 0) -> "torch.utils.data.DataLoader":  # noqa: F821
    """Wrap arrays in a ``DataLoader`` of ``(X_batch, y_batch)`` tensors.

    Args:
        X: ``(N, ...)`` features (float32 tensor made from it).
        y: ``(N,)`` integer labels (int64) or float targets.
        shuffle: reshuffle every epoch, reproducibly from ``seed``.
    """
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    X_t = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    y_np = np.asarray(y)
    y_t = torch.as_tensor(y_np, dtype=torch.int64 if np.issubdtype(y_np.dtype, np.integer) else torch.float32)
    if len(X_t) != len(y_t):
        raise ValueError(f"make_loader: X has {len(X_t)} rows but y has {len(y_t)}")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"make_loader: batch_size must be a positive int, got {batch_size!r}")
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(TensorDataset(X_t, y_t), batch_size=batch_size, shuffle=shuffle, generator=generator)


def train_one_epoch(model: Any, loader: Any, loss_fn: Callable, optimizer: Any, device: Any) -> float:
    """Run one pass over ``loader`` in training mode and return the mean loss per sample."""
    model.train()
    total, count = 0.0, 0
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(X)
        count += len(X)
    if count == 0:
        raise ValueError("train_one_epoch: the loader yielded no batches")
    return total / count


def evaluate(model: Any, loader: Any, loss_fn: Callable, device: Any) -> dict[str, float]:
    """Mean loss and accuracy of ``model`` on ``loader`` in eval mode without gradients.

    Returns:
        ``{"loss": float, "accuracy": float}``; accuracy assumes ``(N, C)`` class scores.
    """
    import torch

    model.eval()
    total, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            scores = model(X)
            total += loss_fn(scores, y).item() * len(X)
            if scores.ndim == 2 and y.ndim == 1:
                correct += (scores.argmax(dim=1) == y).sum().item()
            count += len(X)
    if count == 0:
        raise ValueError("evaluate: the loader yielded no batches")
    return {"loss": total / count, "accuracy": correct / count}


class _LivePlot:
    """Redraws the curves in place in a watched notebook; draws once at the end otherwise."""

    def __init__(self, live: bool) -> None:
        self.live = live
        self.handle = None

    def update(self, history: History) -> None:
        if not self.live:
            return
        import matplotlib.pyplot as plt
        from IPython.display import display

        from .plotting import plot_curves

        fig = plot_curves(history.metrics)
        if self.handle is None:
            self.handle = display(fig, display_id=True)
        else:
            self.handle.update(fig)
        plt.close(fig)

    def finish(self, history: History) -> None:
        if self.live:
            return
        import matplotlib.pyplot as plt

        from .plotting import plot_curves

        plot_curves(history.metrics)
        plt.show()


def fit(model: Any, train_loader: Any, val_loader: Any, loss_fn: Callable, optimizer: Any, device: Any,
        num_epochs: int, scheduler: Any = None, checkpoint_path: str | Path | None = None,
        patience: int | None = None, plot: bool = True, progress: str = "auto",
        monitor: str = "val_accuracy", scheduler_metric: str = "val_loss") -> History:
    """Train for ``num_epochs`` with validation after each epoch.

    Args:
        model, loss_fn, optimizer: the usual PyTorch objects; model already on ``device``.
        train_loader, val_loader: ``DataLoader`` of ``(X, y)``.
        scheduler: optional LR scheduler, stepped once per epoch after validation. A
            ``ReduceLROnPlateau`` is stepped with the epoch's ``scheduler_metric``
            (``scheduler.step(val_loss)``); every other scheduler with ``scheduler.step()``.
        checkpoint_path: save the ``state_dict`` with the best ``monitor`` value here,
            and load it back into ``model`` at the end.
        patience: stop early after this many epochs without a better ``monitor`` value.
        plot: draw loss/accuracy curves (live when someone watches, once at the end otherwise).
        progress: ``"bar"`` (tqdm), ``"text"`` (one line per epoch), ``"none"`` (silent, for
            runs repeated many times) or ``"auto"`` (bar in a watched notebook, text in book
            builds, CI and autograding).
        monitor: ``"val_accuracy"`` (higher is better, the default) or ``"val_loss"`` (lower is
            better): the metric that picks the best checkpoint and drives early stopping.
        scheduler_metric: ``"val_loss"`` (default) or ``"val_accuracy"``: what a plateau
            scheduler watches. Create the scheduler with ``mode="min"`` for a loss, ``"max"`` for accuracy.

    Returns:
        :class:`History` with ``train_loss``, ``val_loss``, ``val_accuracy`` and ``lr`` (the
        first parameter group's learning rate used in that epoch) per epoch.
    """
    import torch

    from .env import is_interactive

    if not isinstance(num_epochs, int) or num_epochs < 1:
        raise ValueError(f"fit: num_epochs must be a positive int, got {num_epochs!r}")
    if progress not in ("auto", "bar", "text", "none"):
        raise ValueError(f"fit: progress must be 'auto', 'bar', 'text' or 'none', got {progress!r}")
    for name, value in (("monitor", monitor), ("scheduler_metric", scheduler_metric)):
        if value not in ("val_accuracy", "val_loss"):
            raise ValueError(f"fit: {name} must be 'val_accuracy' or 'val_loss', got {value!r}")
    plateau = isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau)
    sign = 1.0 if monitor == "val_accuracy" else -1.0  # compare sign * value: higher is better
    interactive = is_interactive()
    use_bar = progress == "bar" or (progress == "auto" and interactive)
    live = _LivePlot(plot and interactive)
    history, best, stale = History(), -float("inf"), 0
    epochs: Any = range(1, num_epochs + 1)
    if use_bar:
        from tqdm.auto import tqdm

        epochs = tqdm(epochs, desc="epochs")
    start = time.perf_counter()
    for epoch in epochs:
        lr = optimizer.param_groups[0]["lr"]
        train_loss = train_one_epoch(model, train_loader, loss_fn, optimizer, device)
        val = evaluate(model, val_loader, loss_fn, device)
        metrics = {"val_loss": val["loss"], "val_accuracy": val["accuracy"]}
        if plateau:
            scheduler.step(metrics[scheduler_metric])
        elif scheduler is not None:
            scheduler.step()
        history.add(train_loss=train_loss, val_loss=val["loss"], val_accuracy=val["accuracy"])
        history.lrs.append(float(lr))
        if sign * metrics[monitor] > best:
            best, stale, history.best_epoch = sign * metrics[monitor], 0, epoch
            if checkpoint_path is not None:
                torch.save(model.state_dict(), checkpoint_path)
        else:
            stale += 1
        line = f"epoch {epoch:3d} | train loss {train_loss:.4f} | val loss {val['loss']:.4f} | val acc {val['accuracy']:.4f}"
        if use_bar:
            epochs.set_postfix(train_loss=f"{train_loss:.3f}", val_acc=f"{val['accuracy']:.3f}")
        elif progress != "none":
            print(line)
        live.update(history)
        if patience is not None and stale >= patience:
            what = "validation accuracy" if monitor == "val_accuracy" else "validation loss"
            print(f"early stopping: no better {what} for {patience} epochs")
            break
    history.seconds = time.perf_counter() - start
    if checkpoint_path is not None and history.best_epoch is not None:
        model.load_state_dict(torch.load(checkpoint_path, map_location=device))
        best_metrics = {k: history[k][history.best_epoch - 1] for k in ("val_loss", "val_accuracy")}
        print(f"restored the best model from epoch {history.best_epoch} "
              f"(val loss {best_metrics['val_loss']:.4f}, val acc {best_metrics['val_accuracy']:.4f})")
    if plot:
        live.finish(history)
    return history
