"""Interactive explorers built on ipywidgets, with a static figure wherever nobody is watching.

A chapter writes an ordinary plotting function and hands it to :func:`explore` with the
ranges of its arguments. In a live notebook the learner gets sliders. Where no kernel will be
listening (the built HTML book, CI, headless runs) the same function is drawn ahead of time at a
few values of each control, and the page gets a small self-contained frame stepper: sliders that
scrub through the precomputed frames in the browser, with no kernel and nothing loaded from a server.
"""

from __future__ import annotations

from typing import Any, Callable

__all__ = ["Control", "explore", "build_controls", "defaults"]

# name -> (min, max, step, default) for numbers, or (list_of_options, default) for a menu.
Control = tuple


def _check_controls(controls: dict[str, Control]) -> None:
    """Validate control specs without importing ipywidgets (static mode must not need it)."""
    for name, spec in controls.items():
        if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[0], (list, tuple)):
            options, default = spec
            if default not in options:
                raise ValueError(f"explore: default {default!r} of {name!r} is not among its options {list(options)}")
        elif isinstance(spec, tuple) and len(spec) == 4 and all(isinstance(v, (int, float)) for v in spec):
            lo, hi, step, default = spec
            if not lo <= default <= hi or step <= 0:
                raise ValueError(f"explore: {name!r} needs min <= default <= max and step > 0, got {spec}")
        else:
            raise ValueError(
                f"explore: control {name!r} must be (min, max, step, default) or (options, default), got {spec!r}")


def build_controls(controls: dict[str, Control]) -> dict[str, Any]:
    """Turn ``{"lr": (0.001, 1.0, 0.001, 0.1), "kind": (["relu", "tanh"], "relu")}`` into ipywidgets.

    Integers in all four numbers give an ``IntSlider``; otherwise a ``FloatSlider``.
    """
    import ipywidgets as w

    _check_controls(controls)
    built = {}
    for name, spec in controls.items():
        if len(spec) == 2:
            built[name] = w.Dropdown(options=list(spec[0]), value=spec[1], description=name)
        else:
            lo, hi, step, default = spec
            cls = w.IntSlider if all(isinstance(v, int) for v in spec) else w.FloatSlider
            built[name] = cls(min=lo, max=hi, step=step, value=default, description=name, continuous_update=False)
    return built


def defaults(controls: dict[str, Control]) -> dict[str, Any]:
    """The default value of every control."""
    return {name: spec[-1] for name, spec in controls.items()}


def explore(plot_fn: Callable[..., Any], interactive: bool | None = None, **controls: Control) -> None:
    """Sliders for ``plot_fn``'s keyword arguments when someone is watching, one static figure otherwise.

    Args:
        plot_fn: draws a figure for one setting of its keyword arguments.
        interactive: force (True) or suppress (False) the widget; ``None`` asks
            :func:`course_utils.env.is_interactive`.
        **controls: one per argument of ``plot_fn``: ``(min, max, step, default)`` or ``(options, default)``.

    Returns:
        None: the widget (or the static figure) is displayed here, so ending a cell with
        ``explore(...)`` shows it exactly once.
    """
    from .env import is_interactive

    if not callable(plot_fn):
        raise TypeError(f"explore: plot_fn must be callable, got {type(plot_fn).__name__}")
    _check_controls(controls)
    if interactive is None:
        interactive = is_interactive()
    if not interactive:
        from ._frames import show_frames

        show_frames(plot_fn, controls)
        return None
    import ipywidgets as w
    from IPython.display import display

    display(w.interactive(plot_fn, **build_controls(controls)))
    return None
