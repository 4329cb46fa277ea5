"""Shared pytest setup: tests import their helpers (grading, wrong_answers) from this folder."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
