"""Local Sphinx extension for the course book.

- Drops repeated inline scripts from each page. sphinx-thebe adds its config block
  (``const THEBE_JS_URL = ...``) twice under Jupyter Book 1, and a repeated ``const`` is a
  JavaScript error ("Identifier 'THEBE_JS_URL' has already been declared") on every page.
- The ``course-status`` directive: the build status table (status.md), made anew at every build
  from what this build saw: each notebook's run time, pass or fail, the device its setup banner
  printed, the date and the versions of Python, torch and NumPy. Run times come from the
  notebook run that produced the page's outputs: nbval's timing (``_build/executed/times``, written
  by ``make test``) or myst-nb's own execution (``make book``).
"""

from __future__ import annotations

import datetime as _dt
import platform
import re
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

_DEVICE = re.compile(r"Device: (cpu|cuda|mps)\b[^\n]*")
STATUS_DOC = "status"


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for js in scripts:
        attrs = getattr(js, "attributes", {}) or {}
        body = attrs.get("body")  # inline scripts carry filename None or "": compare their bodies
        key = ("body", body) if body else ("file", str(getattr(js, "filename", js)))
        if key in seen:
            continue
        seen.add(key)
        kept.append(js)
    context["script_files"] = kept


class status_placeholder(nodes.General, nodes.Element):
    """Replaced by the status table once every document has been read."""


class CourseStatus(SphinxDirective):
    def run(self):
        return [status_placeholder()]


def _record_device(app, doctree):
    match = _DEVICE.search(doctree.astext())
    if match:
        if not hasattr(app.env, "course_devices"):
            app.env.course_devices = {}
        app.env.course_devices[app.env.docname] = match.group(0).strip()


def _merge(app, env, docnames, other):
    env.course_devices = {**getattr(env, "course_devices", {}),
                          **{d: v for d, v in getattr(other, "course_devices", {}).items() if d in docnames}}


def _purge(app, env, docname):
    getattr(env, "course_devices", {}).pop(docname, None)


def _always_rebuild_status(app, env, added, changed, removed):
    return [STATUS_DOC] if STATUS_DOC in env.found_docs else []


def _nbval_seconds(srcdir: Path, docname: str) -> float | None:
    timing = srcdir / "_build" / "executed" / "times" / (docname.replace("/", "__") + ".ipynb.txt")
    if timing.exists():
        return float(timing.read_text().split("\t")[0])
    return None


def _versions() -> str:
    import numpy
    import torch

    return f"Python {platform.python_version()}, torch {torch.__version__}, NumPy {numpy.__version__}"


def _table(rows: list[list[str]], header: list[str]) -> nodes.table:
    table = nodes.table(classes=["course-status-table"])
    group = nodes.tgroup(cols=len(header))
    table += group
    group.extend(nodes.colspec(colwidth=1) for _ in header)
    head = nodes.thead()
    group += head
    body = nodes.tbody()
    group += body
    for target, cells in ((head, [header]), (body, rows)):
        for cells_row in cells:
            row = nodes.row()
            for text in cells_row:
                entry = nodes.entry()
                entry += nodes.paragraph(text=text)
                row += entry
            target += row
    return table


def _fill_status(app, doctree, docname):
    if docname != STATUS_DOC:
        return
    from myst_nb.sphinx_ import NbMetadataCollector

    env = app.env
    srcdir = Path(app.srcdir)
    devices = getattr(env, "course_devices", {})
    rows, passed, failed, total = [], 0, 0, 0.0
    for doc in sorted(NbMetadataCollector.get_doc_data(env)):
        data = NbMetadataCollector.get_exec_data(env, doc)
        if not data or data.get("method") in (None, "off") or not doc.startswith("chapters/"):
            continue
        seconds = _nbval_seconds(srcdir, doc)
        source = "nbval"
        if seconds is None and data.get("runtime") is not None:
            seconds, source = data["runtime"], "book build"
        ok = bool(data.get("succeeded"))
        passed += ok
        failed += not ok
        total += seconds or 0.0
        device = devices.get(doc, "no banner printed")
        rows.append([doc, "pass" if ok else f"FAIL ({data.get('error')})",
                     f"{seconds:.1f} s ({source})" if seconds is not None else "cached (time not recorded)",
                     device.split(" - ")[0].replace("Device: ", ""), device])
    date = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    summary = nodes.paragraph(text=(f"Built {date} with {_versions()}. {passed} notebooks passed, {failed} failed; "
                                    f"{total:.0f} s of notebook run time in all."))
    table = _table(rows, ["notebook", "status", "run time", "device", "setup banner"])
    for node in doctree.findall(status_placeholder):
        node.replace_self([summary, table])


def setup(app):
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.add_node(status_placeholder)
    app.add_directive("course-status", CourseStatus)
    app.connect("doctree-read", _record_device)
    app.connect("env-merge-info", _merge)
    app.connect("env-purge-doc", _purge)
    app.connect("env-get-outdated", _always_rebuild_status)
    app.connect("doctree-resolved", _fill_status)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
