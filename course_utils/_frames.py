"""Precomputed explorer frames: the HTML book's stand-in for live sliders.

:func:`show_frames` draws ``plot_fn`` at a few values of each control, one control at a time
(the others at their defaults), and displays a self-contained HTML stepper: one range slider or
menu per control, each showing the frames of its own sweep. Frames are PNGs inlined as data URIs,
so the page needs no kernel and no network. Drawing stops early when ``budget_s`` is spent, and the
page says how many frames each control got.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import json
import time
from typing import Any, Callable

_counter = itertools.count()

MAX_FRAMES_PER_CONTROL = 7
FRAME_BUDGET_S = 8.0
FRAME_DPI = 72


def sweep_values(spec: tuple, k: int = MAX_FRAMES_PER_CONTROL) -> list[Any]:
    """Up to ``k`` values of one control, evenly spread over its range, always including the default.

    Args:
        spec: ``(min, max, step, default)`` or ``(options, default)``, as for :func:`explore`.
        k: the most values to return.

    Returns:
        Sorted values (or the options, in order) containing the default.
    """
    if len(spec) == 2:
        options = list(spec[0])
        if len(options) <= k:
            return options
        picked = {options[round(i * (len(options) - 1) / (k - 1))] for i in range(k)} | {spec[1]}
        return [o for o in options if o in picked]
    lo, hi, step, default = spec
    n_steps = int(round((hi - lo) / step))
    idx = sorted({round(i * n_steps / (k - 1)) for i in range(k)}) if n_steps else [0]
    is_int = all(isinstance(v, int) for v in spec)
    values = [lo + i * step for i in idx]
    values = [int(v) if is_int else round(float(v), 10) for v in values]
    values = sorted(set(values) | {default})
    return values


def _render(plot_fn: Callable[..., Any], kwargs: dict[str, Any]) -> str:
    """Draw one frame and return it as a base64 PNG (the figure is closed, never shown)."""
    import matplotlib.pyplot as plt

    before = set(plt.get_fignums())
    show = plt.show
    plt.show = lambda *args, **kw: None  # a plot_fn that ends with plt.show() would close its figure (inline backend)
    try:
        plot_fn(**kwargs)
    finally:
        plt.show = show
    new = [n for n in plt.get_fignums() if n not in before] or plt.get_fignums()[-1:]
    if not new:
        raise RuntimeError("explore: plot_fn drew no matplotlib figure")
    buf = io.BytesIO()
    plt.figure(new[-1]).savefig(buf, format="png", dpi=FRAME_DPI, bbox_inches="tight")
    for n in new:
        plt.close(n)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def build_frames(plot_fn: Callable[..., Any], controls: dict[str, tuple],
                 budget_s: float = FRAME_BUDGET_S) -> tuple[dict[str, Any], dict[str, list], dict[str, list[str]], str]:
    """Draw the default frame, then each control's sweep until ``budget_s`` seconds have passed.

    Returns:
        ``(defaults, values, frames, default_png)``: ``values[name]`` are the swept values and
        ``frames[name][i]`` the PNG for ``values[name][i]`` with every other control at its default.
    """
    from .widgets import defaults as default_values

    base = default_values(controls)
    start = time.perf_counter()
    default_png = _render(plot_fn, base)
    values: dict[str, list] = {}
    frames: dict[str, list[str]] = {}
    for name, spec in controls.items():
        values[name], frames[name] = [], []
        for v in sweep_values(spec):
            if v == base[name]:
                png = default_png
            elif time.perf_counter() - start > budget_s:
                continue
            else:
                png = _render(plot_fn, {**base, name: v})
            values[name].append(v)
            frames[name].append(png)
    return base, values, frames, default_png


_TEMPLATE = """<div class="course-explorer" id="{uid}">
<div class="course-explorer-controls">{controls}</div>
<img class="course-explorer-frame" alt="explorer frame" src="data:image/png;base64,{first}">
<div class="course-explorer-note">{note}</div>
<script>
(function () {{
  var root = document.getElementById("{uid}");
  var data = {data};
  var img = root.querySelector("img");
  var inputs = root.querySelectorAll("[data-control]");
  function show(changed) {{
    inputs.forEach(function (el) {{
      var name = el.getAttribute("data-control");
      if (name !== changed) {{ el.value = data.defaultIndex[name]; }}
      var label = root.querySelector('[data-value="' + name + '"]');
      if (label) {{ label.textContent = data.values[name][el.value]; }}
    }});
    var el = root.querySelector('[data-control="' + changed + '"]');
    img.src = "data:image/png;base64," + data.frames[changed][el.value];
  }}
  inputs.forEach(function (el) {{
    el.addEventListener("input", function () {{ show(el.getAttribute("data-control")); }});
  }});
}})();
</script>
</div>"""


def frames_html(base: dict[str, Any], values: dict[str, list], frames: dict[str, list[str]], default_png: str) -> str:
    """The self-contained stepper for :func:`build_frames`'s output."""
    uid = f"course-explorer-{next(_counter)}-{time.time_ns() % 10**9}"
    default_index = {n: values[n].index(base[n]) for n in values}
    rows = []
    for name, vals in values.items():
        esc = html.escape(name)
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals):
            widget = (f'<input type="range" data-control="{esc}" min="0" max="{len(vals) - 1}" step="1" '
                      f'value="{default_index[name]}" aria-label="{esc}">')
        else:
            options = "".join(f'<option value="{i}"{" selected" if i == default_index[name] else ""}>'
                              f"{html.escape(str(v))}</option>" for i, v in enumerate(vals))
            widget = f'<select data-control="{esc}" aria-label="{esc}">{options}</select>'
        rows.append(f'<label>{esc} {widget} <span data-value="{esc}">{html.escape(str(base[name]))}</span></label>')
    counts = ", ".join(f"{n}: {len(v)}" for n, v in values.items())
    note = (f"Precomputed frames ({counts}); moving one control resets the others to their defaults. "
            "Run the notebook for live sliders.")
    data = json.dumps({"values": {n: [str(v) for v in vals] for n, vals in values.items()},
                       "defaultIndex": default_index, "frames": frames})
    return _TEMPLATE.format(uid=uid, controls="".join(rows), first=default_png, note=html.escape(note), data=data)


def show_frames(plot_fn: Callable[..., Any], controls: dict[str, tuple], budget_s: float = FRAME_BUDGET_S) -> None:
    """Display the precomputed-frame stepper (HTML) with a plain-text line for text-only viewers."""
    from IPython.display import HTML, display

    base, values, frames, default_png = build_frames(plot_fn, controls, budget_s)
    text = ("Explorer frames at " + ", ".join(f"{k}={v}" for k, v in base.items())
            + "; run the notebook to get live sliders.")
    display({"text/html": frames_html(base, values, frames, default_png), "text/plain": text}, raw=True)
