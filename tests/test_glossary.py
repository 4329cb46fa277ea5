"""The English-Chinese glossary: enough terms, each found in the chapter it links to."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / ".ci"))
import glossary  # noqa: E402

ROW = re.compile(r"^\| (?P<en>[^|]+?) \| (?P<zh>[^|]+?) \| \[(?P<title>[^\]]+)\]\((?P<link>[^)]+)\) \|$")


def rows() -> list[dict]:
    lines = (ROOT / "glossary.md").read_text(encoding="utf-8").splitlines()
    return [m.groupdict() for line in lines if (m := ROW.match(line))]


def test_glossary_has_about_150_terms_with_chinese():
    found = rows()
    assert len(found) >= 150, f"the glossary has {len(found)} terms"
    assert len({r["en"].lower() for r in found}) == len(found), "a term appears twice"
    no_zh = [r["en"] for r in found if not re.search(r"[\u4e00-\u9fff]", r["zh"]) and r["zh"] != r["en"]]
    assert not no_zh, f"terms without a Chinese term: {no_zh}"


def test_every_term_appears_in_the_chapter_it_links_to():
    missing = []
    for r in rows():
        doc = r["link"].rsplit(".", 1)[0]
        if not (ROOT / r["link"]).exists():
            missing.append(f"{r['en']} -> {r['link']} (no such page)")
        elif not glossary.term_pattern(r["en"]).search(glossary.prose(doc)):
            missing.append(f"{r['en']} -> {r['link']}")
    assert not missing, f"glossary terms not found in the chapter they link to: {missing}"


def test_linked_chapters_are_in_the_book():
    docs = set(glossary.chapters())
    outside = {r["link"] for r in rows() if r["link"].rsplit(".", 1)[0] not in docs}
    assert not outside, f"glossary links to pages outside the table of contents: {outside}"


def test_chinese_landing_page_links_glossary_and_roadmap():
    text = (ROOT / "intro_zh.md").read_text(encoding="utf-8")
    assert "glossary.md" in text and "学习路线" in text and "intro.md" in text
    assert len(re.findall(r"^\* - [1-7]$", text, re.M)) == 7, "the roadmap table lists the seven months"
