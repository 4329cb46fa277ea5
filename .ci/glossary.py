"""Write glossary.md, the English-Chinese glossary, from .ci/glossary_terms.tsv.

Each term links to the chapter that introduces it: the first chapter, in _toc.yml order, whose
prose (Markdown cells) uses the term (plural forms count). A term no chapter uses is an error.
tests/test_glossary.py checks the page: every term appears in the chapter it links to.

    python .ci/glossary.py          rewrite glossary.md
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def term_pattern(term: str) -> re.Pattern:
    return re.compile(r"(?<![\w-])" + re.escape(term) + r"(?:s|es)?(?!\w)", re.I)


def prose(doc: str) -> str:
    """The Markdown of a book page (a notebook's Markdown cells, or a .md file)."""
    nb = ROOT / f"{doc}.ipynb"
    if nb.exists():
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return (ROOT / f"{doc}.md").read_text(encoding="utf-8")


def chapters() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [c["file"] for part in toc["parts"] for c in part["chapters"] if c["file"].startswith("chapters/")]


def title(doc: str) -> str:
    match = re.search(r"^# (.+)$", prose(doc), re.M)
    return match.group(1).strip() if match else doc


def terms() -> list[tuple[str, str]]:
    rows = (ROOT / ".ci" / "glossary_terms.tsv").read_text(encoding="utf-8").splitlines()
    return [tuple(r.split("\t")) for r in rows if r.strip() and not r.startswith("#")]


def main() -> int:
    docs = chapters()
    texts = {d: prose(d) for d in docs}
    rows, unused = [], []
    for en, zh in terms():
        doc = next((d for d in docs if term_pattern(en).search(texts[d])), None)
        if doc is None:
            unused.append(en)
            continue
        rows.append(f"| {en} | {zh} | [{title(doc)}]({doc}.{'ipynb' if (ROOT / f'{doc}.ipynb').exists() else 'md'}) |")
    if unused:
        print(f"no chapter uses these terms; drop them or fix the spelling: {unused}", file=sys.stderr)
        return 1
    page = ["# Glossary: English and Chinese terms", "",
            "The key terms of the course, each with its usual Chinese term and a link to the chapter that",
            "introduces it. The roadmap articles this course follows are written in Chinese, and so is the",
            "[Chinese landing page](intro_zh.md). 本书关键术语的中英对照表，每个术语都链接到首次介绍它的章节。", "",
            f"{len(rows)} terms, listed roughly in the order of the roadmap.", "",
            "| English | 中文 | introduced in |", "|---|---|---|", *rows, ""]
    (ROOT / "glossary.md").write_text("\n".join(page), encoding="utf-8")
    print(f"glossary.md: {len(rows)} terms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
