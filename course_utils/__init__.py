"""Shared helpers for *From Python to Deep Learning*.

One module per concern, imported explicitly so a notebook shows where a helper
comes from::

    from course_utils import env
    from course_utils.training import fit

Importing this package is cheap and has no side effects: heavy libraries
(torch, matplotlib, ipywidgets, scikit-learn) are imported inside the
functions that need them.
"""

__version__ = "0.1.0"

__all__ = [
    "checks", "data", "env", "gradcheck", "hub", "nlpdata", "numpy_mlp", "plotting", "seqdata", "training", "widgets",
]


def __getattr__(name: str):
    # Lazy submodule access (`course_utils.env`) without importing all of them up front.
    if name in __all__:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'course_utils' has no attribute {name!r}")
