"""Every Python listing in the book parses.

Code cells run in CI; listings (```python blocks in Markdown cells and pages) do not, so they
could rot unnoticed. This test extracts each one and parses it with ``ast.parse``: a syntax
error, a half-edited line or a lost indentation fails here, with the file and listing number.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^(`{3,}|:{3,})\s*python\s*$\n(.*?)^\1\s*$", re.M | re.S)


def markdown_sources(path: Path) -> list[str]:
    if path.suffix == ".md":
        return [path.read_text(encoding="utf-8")]
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


def listings(path: Path) -> list[str]:
    return [m.group(2) for text in markdown_sources(path) for m in FENCE.finditer(text)]


PAGES = sorted(p for folder in ("chapters", "solutions") for p in (ROOT / folder).rglob("*")
               if p.suffix in (".ipynb", ".md") and ".ipynb_checkpoints" not in p.parts)
WITH_LISTINGS = [p for p in PAGES if listings(p)]


def test_the_book_has_listings_to_check():
    assert WITH_LISTINGS, "no ```python listings found: did the fence pattern break?"


@pytest.mark.parametrize("page", WITH_LISTINGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_python_listing_parses(page):
    for k, code in enumerate(listings(page), start=1):
        try:
            ast.parse(code)
        except SyntaxError as err:
            pytest.fail(f"{page.relative_to(ROOT)}, listing {k}, line {err.lineno}: {err.msg}\n{code}")


def test_fence_pattern_finds_and_rejects():
    good = "text\n```python\nx = 1\n```\n"
    assert listings_from(good) == ["x = 1\n"]
    with pytest.raises(SyntaxError):
        ast.parse(listings_from("```python\n    with x:\n```\n")[0])


def listings_from(text: str) -> list[str]:
    return [m.group(2) for m in FENCE.finditer(text)]
