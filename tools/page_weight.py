"""How many bytes each page of the built book transfers on a first visit.

Every page of ``_toc.yml`` is opened in a fresh Chromium profile (an empty
cache) from a local server, and the body of every response is counted. The
*book's own* bytes are the page, its images and the book's own scripts and
styles; the *shared* bytes are MathJax (``_static/mathjax/``) and the
theme's and Sphinx's assets (everything else under ``_static/``), which a
reader's browser downloads once and then caches for every page.

    .venv/bin/python tools/page_weight.py        # a table, largest page first

The browser test (tests/test_book_reader.py) keeps every page's own bytes
<= PAGE_BUDGET with the same measurement.
"""

import sys
from pathlib import Path
from urllib.parse import urljoin, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from book_site import CHROMIUM, CHROMIUM_ARGS, SITE, serve, toc_pages  # noqa: E402

PAGE_BUDGET = 2_000_000  # bytes a page may add to what every page shares

# Assets of the book itself under _static/ (everything else there is shared).
OWN_STATIC = ("_static/bpbook.css", "_static/widgets/")


def classify(url, base):
    """'own', 'mathjax' or 'theme' for a response URL of the local site."""
    if url.startswith("data:"):
        return "own"
    path = urlparse(url).path.lstrip("/")
    base_path = urlparse(base).path.lstrip("/")
    path = path[len(base_path):] if path.startswith(base_path) else path
    if path.startswith("_static/mathjax/"):
        return "mathjax"
    if path.startswith("_static/") and not path.startswith(OWN_STATIC):
        return "theme"
    return "own"


def measure(browser, base, page_name):
    """Bytes transferred by a first load of ``page_name``, by kind."""
    context = browser.new_context()
    context.set_default_timeout(120_000)  # long pages on a busy machine
    page = context.new_page()
    totals = {"own": 0, "mathjax": 0, "theme": 0}
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(base) else route.abort(),
    )
    try:
        page.goto(urljoin(base, f"{page_name}.html"), wait_until="load")
        page.wait_for_load_state("networkidle")
        if page.locator(".math, mjx-container").count():
            page.evaluate("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
            page.wait_for_load_state("networkidle")
        for response in responses:
            if response.url.startswith("data:"):
                continue  # inline: already counted in the page's own bytes
            try:
                size = len(response.body())
            except Exception:  # a redirect or aborted request has no body
                continue
            totals[classify(response.url, base)] += size
    finally:
        context.close()
    return totals


def main():
    from playwright.sync_api import sync_playwright

    rows = []
    with serve(SITE) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name in toc_pages():
                rows.append((name, measure(browser, base, name)))
        finally:
            browser.close()
    print(f"{'page':40s} {'own kB':>8s} {'mathjax kB':>11s} {'theme kB':>9s}")
    for name, totals in sorted(rows, key=lambda row: -row[1]["own"]):
        print(f"{name:40s} {totals['own'] / 1e3:8.0f} {totals['mathjax'] / 1e3:11.0f} {totals['theme'] / 1e3:9.0f}")
    over = [name for name, totals in rows if totals["own"] > PAGE_BUDGET]
    if over:
        sys.exit(f"over the {PAGE_BUDGET / 1e6:.0f} MB budget: {', '.join(over)}")


if __name__ == "__main__":
    main()
