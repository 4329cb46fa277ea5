"""The GitHub Actions workflow: valid against GitHub's schema, clean under zizmor, and doing its job.

Both linters run offline: check-jsonschema ships GitHub's workflow schema, and zizmor's offline
audits need no API token. The workflow must run the suite on every push and pull request and
publish `_build/html` to GitHub Pages from main only.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def _run(*cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_workflows_match_githubs_schema():
    assert WORKFLOWS, "no workflow in .github/workflows"
    proc = _run(str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_zizmor_finds_nothing_offline():
    proc = _run(str(BIN / "zizmor"), "--offline", "--no-progress", *map(str, WORKFLOWS))
    assert proc.returncode == 0, f"zizmor findings:\n{proc.stdout}\n{proc.stderr}"


def test_ci_runs_the_suite_and_deploys_the_book_from_main():
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    triggers = wf.get(True, wf.get("on"))  # YAML 1.1 reads the key `on` as True
    assert "push" in triggers and "pull_request" in triggers
    test_steps = " ".join(str(s.get("run", "")) for s in wf["jobs"]["test"]["steps"])
    assert ".ci/run" in test_steps, "the workflow must run what CI runs (.ci/run -> make test)"
    uploads = [s for s in wf["jobs"]["test"]["steps"] if "upload-pages-artifact" in s.get("uses", "")]
    assert uploads and uploads[0]["with"]["path"] == "_build/html"
    deploy = wf["jobs"]["deploy"]
    assert "refs/heads/main" in deploy["if"] and deploy["needs"] == "test"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    pinned = [s["uses"] for job in wf["jobs"].values() for s in job["steps"] if "uses" in s]
    assert all(len(u.split("@")[1].split()[0]) == 40 for u in pinned), f"actions not pinned to a commit: {pinned}"
