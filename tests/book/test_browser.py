"""The built book as a reader sees it: headless Chromium against `_build/html` on a loopback server.

For every page: the math is typeset (no raw TeX left, no MathJax errors), the console has no
errors, every image loads, nothing is requested from another host, and notebook pages carry
launch buttons for the configured repository. Search finds a known term, internal links and
anchors resolve, and screenshots of a few pages are saved under `_build/screenshots/`.
Run after the book is built (`make test` does: `make test-book`).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from book_site import HTML, ROOT, internal_links, page_ids, pages, repository_url

pytestmark = pytest.mark.skipif(not (HTML / "index.html").exists(), reason="book not built: run `make book` first")

SCREENSHOTS = ROOT / "_build" / "screenshots"
SCREENSHOT_PAGES = ["intro.html", "chapters/01_foundations/04_probability.html",
                    "chapters/04_cnn/01_convolution_from_scratch.html", "status.html"]
WIDTHS = (1366, 1920)
_summary: dict[str, int] = {"pages": 0, "formulas": 0, "external": 0, "console_errors": 0, "screenshots": 0}

# Runs inside the page once MathJax (if any) has finished typesetting.
_INSPECT = """
const done = arguments[arguments.length - 1];
const ready = (window.MathJax && MathJax.startup && MathJax.startup.promise) ? MathJax.startup.promise : Promise.resolve();
ready.then(() => {
  const maths = Array.from(document.querySelectorAll('.math'));
  const raw = maths.filter(el => !el.querySelector('mjx-container')).map(el => el.textContent.slice(0, 80));
  const imgs = Array.from(document.images);
  const broken = imgs.filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.getAttribute('src').slice(0, 80));
  const pres = Array.from(document.querySelectorAll('article pre'));
  const scrolling = pres.filter(p => p.scrollWidth > p.clientWidth + 1).length;
  done({formulas: document.querySelectorAll('mjx-container').length, raw: raw,
        errors: document.querySelectorAll('mjx-merror').length, images: imgs.length, broken: broken,
        pres: pres.length, scrolling: scrolling,
        launch: Array.from(document.querySelectorAll('a[href]')).map(a => a.href)
                  .filter(h => h.includes('colab.research.google.com') || h.includes('mybinder.org') || h.endsWith('.ipynb'))});
}).catch(err => done({fatal: String(err)}));
"""


def _external_requests(driver, base: str) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            url = msg["params"]["request"]["url"]
            # chrome://, data:, blob: and about: never leave the machine; any other host does.
            if url.startswith(("http:", "https:", "ws:", "wss:", "ftp:")) and not url.startswith(base + "/"):
                urls.append(url)
    return urls


@pytest.mark.parametrize("page", pages())
def test_page_renders_offline(browser, page):
    driver, base = browser
    driver.get_log("browser"), driver.get_log("performance")  # drop what earlier pages left
    driver.get(f"{base}/{page}")
    found = driver.execute_async_script(_INSPECT)
    assert "fatal" not in found, f"{page}: MathJax failed: {found.get('fatal')}"
    errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    external = _external_requests(driver, base)
    _summary["pages"] += 1
    _summary["formulas"] += found["formulas"]
    _summary["external"] += len(external)
    _summary["console_errors"] += len(errors)
    assert not external, f"{page} requested other hosts (the book must work offline): {external[:5]}"
    assert not errors, f"{page} logged console errors: {errors[:5]}"
    assert not found["raw"], f"{page}: {len(found['raw'])} formulas left as raw TeX, e.g. {found['raw'][:3]}"
    assert found["errors"] == 0, f"{page}: {found['errors']} formulas show a MathJax input error"
    assert not found["broken"], f"{page}: images that did not load: {found['broken'][:5]}"
    if page.startswith("chapters/") and (ROOT / page).with_suffix(".ipynb").exists():
        repo = repository_url().removeprefix("https://github.com/")
        colab = [h for h in found["launch"] if "colab.research.google.com" in h]
        assert colab, f"{page} has no Colab launch button"
        assert all(f"/github/{repo}/blob/main/" in h for h in colab), f"{page}: Colab link not for {repo}: {colab}"
        assert any(h.endswith(Path(page).with_suffix(".ipynb").name) for h in found["launch"]), \
            f"{page} has no download link for its notebook"


def test_search_finds_a_known_term(browser):
    driver, base = browser
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{base}/search.html?q=backpropagation")
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results ul.search li"))
    hits = driver.find_elements(By.CSS_SELECTOR, "#search-results ul.search li a")
    assert len(hits) >= 2, f"search for 'backpropagation' found {len(hits)} pages"


def test_internal_links_and_anchors_resolve():
    ids = {page: page_ids(page) for page in pages()}
    broken = []
    for page in pages():
        for target, anchor in internal_links(page):
            if target not in ids and not (HTML / target).exists():
                broken.append(f"{page} -> {target}")
            elif anchor and target in ids and anchor not in ids[target]:
                broken.append(f"{page} -> {target}#{anchor}")
    assert not broken, f"{len(broken)} broken internal links: {broken[:10]}"


def test_code_fits_without_sideways_scrolling(browser):
    """At common widths almost no code or output block needs a horizontal scrollbar."""
    driver, base = browser
    total = scrolling = 0
    for width in WIDTHS:
        driver.set_window_size(width, 1000)
        for page in pages():
            driver.get(f"{base}/{page}")
            found = driver.execute_async_script(_INSPECT)
            total += found["pres"]
            scrolling += found["scrolling"]
    driver.set_window_size(1366, 1000)
    print(f"code/output blocks scrolling sideways: {scrolling} of {total} (widths {WIDTHS})")
    assert scrolling <= 0.02 * total, f"{scrolling} of {total} code/output blocks scroll sideways"


def test_screenshots_for_a_person_to_look_at(browser):
    driver, base = browser
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    for page in SCREENSHOT_PAGES:
        if not (HTML / page).exists():
            continue
        for width in WIDTHS:
            driver.set_window_size(width, 1100)
            driver.get(f"{base}/{page}")
            driver.execute_async_script(_INSPECT)
            name = f"{re.sub(r'[^A-Za-z0-9]+', '_', page.removesuffix('.html'))}_{width}.png"
            assert driver.save_screenshot(str(SCREENSHOTS / name)), name
            _summary["screenshots"] += 1
    driver.set_window_size(1366, 1000)
    assert _summary["screenshots"] >= 4


def test_zz_summary():
    """Printed for the closing note and CI logs (runs last in this file)."""
    (ROOT / "_build" / "browser-summary.json").write_text(json.dumps(_summary, indent=1))
    print("browser check:", _summary)
