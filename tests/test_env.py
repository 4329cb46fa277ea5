import subprocess
import sys
import time

import pytest
import torch

from course_utils import env


def test_get_device_prefers_accelerators_then_cpu(monkeypatch):
    monkeypatch.delenv("COURSE_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert env.get_device().type == "cpu"
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert env.get_device().type == "mps"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert env.get_device().type == "cuda"


def test_get_device_rejects_unknown_or_missing(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match="prefer must be one of"):
        env.get_device("tpu")
    with pytest.raises(RuntimeError, match="'cuda' was requested but is not available"):
        env.get_device("cuda")
    monkeypatch.setenv("COURSE_DEVICE", "cpu")
    assert env.get_device().type == "cpu"


def test_setup_prints_versions_device_and_gpu_hint(capsys):
    device = env.setup(seed=3)
    out = capsys.readouterr().out
    assert f"torch {torch.__version__}" in out and "Running on Colab: no" in out
    assert f"Device: {device.type}" in out and "Random seed: 3" in out
    if device.type == "cpu":
        assert "T4 GPU" in out


def test_seed_everything_is_reproducible_and_validates():
    env.seed_everything(5)
    a = torch.rand(3)
    env.seed_everything(5)
    assert torch.equal(a, torch.rand(3))
    with pytest.raises(ValueError, match="non-negative int"):
        env.seed_everything(-1)


def test_by_device_says_which_scale(capsys):
    assert env.by_device(torch.device("cpu"), cpu=1, gpu=10, what="epochs") == 1
    assert "reduced CPU epochs" in capsys.readouterr().out
    assert env.by_device(torch.device("cuda"), cpu=1, gpu=10) == 10
    with pytest.raises(ValueError, match="by_device"):
        env.by_device("gpu", cpu=1, gpu=2)


def test_is_interactive_false_when_static(monkeypatch):
    monkeypatch.setenv(env.STATIC_ENV_VAR, "1")
    assert env.is_interactive() is False


def _fake_kernel_shell(monkeypatch, cls):
    import IPython

    shell = object.__new__(cls)  # an instance without starting a kernel
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)


@pytest.fixture
def no_frontend(monkeypatch):
    for var in (env.STATIC_ENV_VAR, "NBGRADER_EXECUTION", "JPY_SESSION_NAME", "VSCODE_PID", "COLAB_RELEASE_TAG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)


def test_colab_shell_subclass_is_interactive(monkeypatch, no_frontend):
    """Colab's kernel shell subclasses ZMQInteractiveShell under another name."""
    from ipykernel.zmqshell import ZMQInteractiveShell

    class Shell(ZMQInteractiveShell):  # the name Colab's shell has
        pass

    _fake_kernel_shell(monkeypatch, Shell)
    assert env.is_interactive() is False, "no frontend known yet: a headless run stays static"
    monkeypatch.setenv("COLAB_RELEASE_TAG", "release-colab-20261101")
    assert env.is_colab() and env.is_interactive() is True
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert env.is_interactive() is False


def test_jupyter_server_kernel_is_interactive_and_headless_is_not(monkeypatch, no_frontend):
    from ipykernel.zmqshell import ZMQInteractiveShell

    _fake_kernel_shell(monkeypatch, ZMQInteractiveShell)
    assert env.is_interactive() is False  # nbconvert --execute / papermill: nobody renders widgets
    monkeypatch.setenv("JPY_SESSION_NAME", "chapters/04_cnn/01_convolution_from_scratch.ipynb")
    assert env.is_interactive() is True  # JupyterLab / Notebook 7 started this kernel
    monkeypatch.setenv(env.STATIC_ENV_VAR, "1")
    assert env.is_interactive() is False


def test_static_zero_forces_widgets_but_only_in_a_kernel(monkeypatch, no_frontend):
    from IPython.core.interactiveshell import InteractiveShell

    monkeypatch.setenv(env.STATIC_ENV_VAR, "0")
    _fake_kernel_shell(monkeypatch, InteractiveShell)  # a terminal IPython: no kernel, no widgets
    assert env.is_interactive() is False
    from ipykernel.zmqshell import ZMQInteractiveShell

    _fake_kernel_shell(monkeypatch, ZMQInteractiveShell)
    assert env.is_interactive() is True


def test_import_is_fast_and_side_effect_free():
    # CPU time of the import (every submodule), best of three: robust to other load on the machine.
    code = ("import sys, time; t = time.process_time(); import course_utils, course_utils.env, course_utils.data, "
            "course_utils.checks, course_utils.gradcheck, course_utils.plotting, course_utils.training, "
            "course_utils.widgets; dt = time.process_time() - t; "
            "heavy = [m for m in ('torch', 'matplotlib', 'sklearn', 'ipywidgets', 'mlxtend') if m in sys.modules]; "
            "print(dt, heavy)")
    best = min(float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
                     .stdout.split()[0]) for _ in range(3))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("[]"), f"import course_utils pulled in heavy modules: {out}"
    assert best < 0.5, f"import course_utils took {best:.3f} s"
