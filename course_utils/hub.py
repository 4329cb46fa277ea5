"""Guarded access to pretrained models on the Hugging Face Hub.

Online learners (Colab) get the real pretrained weights; offline runs learn it at once and say
so, instead of waiting through ``transformers``' connection retries (about 48 s per model name).
Nothing here imports ``transformers``: chapters import it only when a model can be loaded.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

__all__ = ["hub_offline", "hub_reachable", "hub_cache_dir", "is_cached", "pretrained_available"]

_TRUE = ("1", "true", "yes", "on")


def hub_offline() -> bool:
    """True when ``HF_HUB_OFFLINE`` (or ``TRANSFORMERS_OFFLINE``) asks for offline mode."""
    return any(os.environ.get(v, "").strip().lower() in _TRUE for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def hub_reachable(host: str = "huggingface.co", port: int = 443, timeout: float = 3.0) -> bool:
    """True when offline mode is off and a TCP connection to ``host:port`` opens within ``timeout`` s."""
    if hub_offline():
        return False
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError:
        return False
    return True


def hub_cache_dir() -> Path:
    """The Hub's cache folder: ``$HF_HUB_CACHE``, else ``$HF_HOME/hub``, else ``~/.cache/huggingface/hub``."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"])
    return Path(os.environ.get("HF_HOME", Path.home() / ".cache" / "huggingface")) / "hub"


def is_cached(repo_id: str, filename: str = "config.json") -> bool:
    """True when a snapshot of model ``repo_id`` holding ``filename`` is in :func:`hub_cache_dir`."""
    folder = hub_cache_dir() / f"models--{repo_id.replace('/', '--')}" / "snapshots"
    return any(folder.glob(f"*/{filename}"))


def pretrained_available(repo_id: str, verbose: bool = True, timeout: float = 3.0) -> bool:
    """Can ``from_pretrained(repo_id)`` work here? Decide in seconds, and say why.

    When the Hub cannot be reached this sets ``HF_HUB_OFFLINE=1`` for the rest of the session,
    so that a later ``transformers`` import reads only the local cache and fails fast.

    Args:
        repo_id: a Hub model name such as ``"gpt2"``.
        verbose: print one line saying which path was taken.
        timeout: seconds to wait for a connection to the Hub.

    Returns:
        True when the Hub is reachable or the model is in the local cache.
    """
    if hub_reachable(timeout=timeout):
        if verbose:
            print(f"Hugging Face Hub reachable: {repo_id} will be downloaded (or read from the cache).")
        return True
    os.environ["HF_HUB_OFFLINE"] = "1"
    if is_cached(repo_id):
        if verbose:
            print(f"Hugging Face Hub not reachable; {repo_id} found in the local cache ({hub_cache_dir()}).")
        return True
    if verbose:
        print(f"Hugging Face Hub not reachable (offline) and {repo_id} is not in the local cache: "
              "the pretrained model is unavailable here, so this section skips it.")
    return False
