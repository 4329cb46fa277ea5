import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils import plotting, widgets  # noqa: E402


def teardown_function():
    plt.close("all")


def test_plot_curves_one_panel_per_metric():
    fig = plotting.plot_curves({"train_loss": [1, 0.5], "val_loss": [1.2, 0.7], "val_accuracy": [0.5, 0.8]})
    assert [ax.get_title() for ax in fig.axes] == ["accuracy", "loss"]
    assert len(fig.axes[1].lines) == 2
    with pytest.raises(ValueError, match="non-empty dict"):
        plotting.plot_curves({})


def test_show_images_layouts():
    fig = plotting.show_images(np.zeros((5, 1, 8, 8)), labels=list("abcde"), ncols=3)
    assert len(fig.axes) == 6
    with pytest.raises(ValueError, match="got 2 images but 1 labels"):
        plotting.show_images(np.zeros((2, 8, 8)), labels=["a"])
    with pytest.raises(ValueError, match="expected"):
        plotting.show_images(np.zeros((8, 8)))


def test_decision_boundary_and_surface():
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    ax = plotting.plot_decision_boundary(lambda P: (P.sum(axis=1) > 1).astype(int), X, np.array([0, 1]))
    assert ax.collections
    with pytest.raises(ValueError, match=r"X must be \(N, 2\)"):
        plotting.plot_decision_boundary(lambda P: P[:, 0], np.zeros((3, 3)), np.zeros(3))
    ax = plotting.plot_surface(lambda x, y: x ** 2 + y ** 2, paths={"gd": np.array([[1.0, 1.0], [0.5, 0.5]])})
    assert ax.get_legend() is not None
    with pytest.raises(ValueError, match=r"must be \(T, 2\)"):
        plotting.plot_surface(lambda x, y: x + y, paths={"bad": np.zeros(3)})


def test_use_course_style_only_when_called():
    before = plt.rcParams["axes.grid"]
    plt.rcParams["axes.grid"] = False
    plotting.use_course_style()
    assert plt.rcParams["axes.grid"] is True
    plt.rcParams["axes.grid"] = before


def _line(k=1, kind="a"):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([0, 1], [0, k], label=str(kind))
    return fig


def test_explore_static_mode_does_not_need_ipywidgets(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # import ipywidgets now raises ImportError
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append(obj))
    drawn = []
    widgets.explore(lambda k: (drawn.append(k), _line(k)), interactive=False, k=(1, 5, 1, 2))
    assert drawn[0] == 2 and sorted(set(drawn)) == [1, 2, 3, 4, 5]
    (bundle,) = shown
    assert "text/html" in bundle and "k=2" in bundle["text/plain"]


def test_sweep_values_spread_over_the_range_and_keep_the_default():
    from course_utils._frames import sweep_values

    assert sweep_values((0.0, 1.0, 0.01, 0.37), k=5) == [0.0, 0.25, 0.37, 0.5, 0.75, 1.0]
    assert sweep_values((1, 200, 1, 20), k=3) == [1, 20, 101, 200]
    assert sweep_values((3, 3, 1, 3)) == [3]
    assert sweep_values((list("abcdefghij"), "d"), k=3) == ["a", "d", "e", "j"]
    assert sweep_values((["x", "y"], "y")) == ["x", "y"]


def test_frame_stepper_is_self_contained_and_has_every_frame(monkeypatch):
    import json
    import re

    from course_utils import _frames

    base, values, frames, default_png = _frames.build_frames(_line, {"k": (1, 4, 1, 2), "kind": (["a", "b"], "b")})
    assert values == {"k": [1, 2, 3, 4], "kind": ["a", "b"]}
    assert [len(f) for f in frames.values()] == [4, 2] and frames["k"][1] == default_png == frames["kind"][1]
    page = _frames.frames_html(base, values, frames, default_png)
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", page), "the stepper must not load anything from a server"
    data = json.loads(re.search(r"var data = (\{.*?\});", page).group(1))
    assert data["defaultIndex"] == {"k": 1, "kind": 1} and len(data["frames"]["k"]) == 4
    assert page.count('type="range"') == 1 and page.count("<select") == 1


def test_frame_budget_keeps_the_default_frame(monkeypatch):
    from course_utils import _frames

    _, values, frames, _ = _frames.build_frames(_line, {"k": (1, 9, 1, 5)}, budget_s=0.0)
    assert values == {"k": [5]} and len(frames["k"]) == 1


def test_plot_fn_that_draws_nothing_is_a_clear_error():
    from course_utils import _frames

    with pytest.raises(RuntimeError, match="drew no matplotlib figure"):
        _frames.build_frames(lambda k: None, {"k": (1, 2, 1, 1)})


def test_plot_fn_that_ends_with_plt_show_still_gives_frames():
    import matplotlib.pyplot as plt

    from course_utils import _frames

    def shows(k):
        plt.plot([0, k])
        plt.show()  # closes the figure under the inline backend; explore must still capture it

    _, _, frames, default_png = _frames.build_frames(shows, {"k": (1, 2, 1, 1)})
    assert default_png and len(frames["k"]) == 2 and plt.show is not None


def test_explore_static_and_interactive(monkeypatch):
    calls = []

    def draw(lr, kind):
        calls.append((lr, kind))
        return _line(lr, kind)

    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: None)
    assert widgets.explore(draw, interactive=False, lr=(0.01, 1.0, 0.01, 0.1), kind=(["a", "b"], "a")) is None
    assert calls[0] == (0.1, "a")
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    assert widgets.explore(draw, interactive=True, lr=(1, 10, 1, 3), kind=(["a", "b"], "b")) is None
    (w,) = shown
    assert type(w).__name__ == "interactive" and calls[-1] == (3, "b")
    assert [type(c).__name__ for c in w.children[:2]] == ["IntSlider", "Dropdown"]
    with pytest.raises(ValueError, match="min <= default <= max"):
        widgets.explore(draw, interactive=False, lr=(0.0, 1.0, 0.1, 2.0), kind=(["a"], "a"))
    with pytest.raises(ValueError, match="must be"):
        widgets.explore(draw, interactive=False, lr="fast")
