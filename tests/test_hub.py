"""course_utils.hub: offline detection and the local cache, without any network."""

from __future__ import annotations

from course_utils import hub


def test_offline_env_means_unreachable(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert hub.hub_offline()
    assert hub.hub_reachable() is False


def test_unreachable_host_is_reported_false(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    assert hub.hub_reachable(host="127.0.0.1", port=1, timeout=0.5) is False


def test_cache_lookup_and_availability(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    assert hub.hub_cache_dir() == tmp_path
    assert not hub.is_cached("gpt2")
    assert hub.pretrained_available("gpt2") is False
    assert "not in the local cache" in capsys.readouterr().out
    snapshot = tmp_path / "models--google--vit-base" / "snapshots" / "abc123"
    snapshot.mkdir(parents=True)
    (snapshot / "config.json").write_text("{}")
    assert hub.is_cached("google/vit-base")
    assert hub.pretrained_available("google/vit-base") is True
    assert "found in the local cache" in capsys.readouterr().out


def test_unreachable_hub_switches_offline_mode_on(monkeypatch, tmp_path):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    monkeypatch.setattr(hub, "hub_reachable", lambda timeout=3.0: False)
    assert hub.pretrained_available("gpt2", verbose=False) is False
    import os

    assert os.environ["HF_HUB_OFFLINE"] == "1"
