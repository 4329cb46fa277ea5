"""The built HTML book on disk: its pages, their ids and internal links (shared by the book tests)."""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
SKIP = ("genindex.html", "search.html", "_static/", "_sources/", "_images/")


def repository_url() -> str:
    text = (ROOT / "_config.yml").read_text(encoding="utf-8")
    return re.search(r"^repository:\s*\n(?:[ \t]+.*\n)*?[ \t]+url:\s*(\S+)", text, re.M).group(1)


@cache
def pages() -> list[str]:
    if not HTML.exists():
        return []
    return sorted(str(p.relative_to(HTML)) for p in HTML.rglob("*.html")
                  if not str(p.relative_to(HTML)).startswith(SKIP))


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])


@cache
def _parse(page: str) -> _Collector:
    collector = _Collector()
    collector.feed((HTML / page).read_text(encoding="utf-8"))
    return collector


def page_ids(page: str) -> set[str]:
    return _parse(page).ids


def internal_links(page: str) -> list[tuple[str, str]]:
    """(target page relative to the site root, anchor) for every same-site link on ``page``."""
    found = []
    for href in _parse(page).links:
        parsed = urlparse(href)
        if parsed.scheme or parsed.netloc or href.startswith(("mailto:", "javascript:")):
            continue
        path, anchor = urldefrag(href)
        target = (HTML / page).parent / unquote(path) if path else HTML / page
        target = target.resolve()
        if target.is_dir():
            target = target / "index.html"
        try:
            rel = str(target.relative_to(HTML.resolve()))
        except ValueError:
            found.append((f"(outside the site) {href}", ""))
            continue
        found.append((rel, unquote(anchor)))
    return found
