"""The built book, as a reader sees it: every page opened in headless Chromium.

The site in ``_build/html`` (``make book``) is served on 127.0.0.1 and every
page listed in ``_toc.yml`` is loaded with all non-local requests blocked, so
a page that needs the network to work fails here. Per page we check: no
console errors, no failed or blocked requests, every image loaded, every
internal link resolves, math typeset where the page has math, and widgets
rendered where its notebook has them -- a bpcore scrubber must really change
its image when its slider moves.

The browser plumbing (server, Chromium, page log) is in browser_support.py.
"""

import functools
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest
from book_site import toc_pages
from browser_support import PageLog, chromium, serve

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


PAGES = toc_pages()


def source_of(page):
    for suffix in (".ipynb", ".md"):
        path = ROOT / f"{page}{suffix}"
        if path.exists():
            return path
    raise FileNotFoundError(f"{page} is in _toc.yml but has no .ipynb or .md source")


def widget_outputs(page):
    """How many outputs of a notebook are (also) widget views."""
    path = source_of(page)
    if path.suffix != ".ipynb":
        return 0
    notebook = json.loads(path.read_text())
    return sum(
        WIDGET_VIEW in output.get("data", {})
        for cell in notebook["cells"]
        for output in cell.get("outputs", [])
    )


# ---------------------------------------------------------------- static checks


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])


@functools.lru_cache(maxsize=None)
def parse(path):
    parser = _Links()
    parser.feed(Path(path).read_text(encoding="utf-8"))
    return parser


def require_site():
    if not (SITE / "index.html").exists():
        pytest.fail(f"no built book in {SITE}: run `make book` first (make test does)")


# Files the site links to that a make target other than `make book` writes
# beside the HTML: {name: target}. A plain `make book` lacks them; the test of
# that target checks the link and the file (test_pdf.py).
BUILT_SEPARATELY = {"backprop-book.pdf": "make pdf"}


@pytest.mark.parametrize("page", PAGES)
def test_internal_links_resolve(page):
    require_site()
    html = SITE / f"{page}.html"
    assert html.exists(), f"{page} is in _toc.yml but {html} was not built"
    broken = []
    for href in parse(html).hrefs:
        url = urlparse(href)
        if url.scheme or href.startswith("//") or href.startswith("mailto:"):
            continue  # external: a reader's click, not loaded with the page
        target = (html.parent / unquote(url.path)).resolve() if url.path else html
        if target.is_dir():
            target = target / "index.html"
        if not target.exists():
            if target.parent == SITE and target.name in BUILT_SEPARATELY:
                continue
            broken.append(f"{href} (no file {target.relative_to(SITE)})")
        elif url.fragment and target.suffix == ".html" and url.fragment not in parse(target).ids:
            broken.append(f"{href} (no id {url.fragment!r} in {target.name})")
    assert not broken, f"{page}: broken internal links:\n  " + "\n  ".join(broken)


# -------------------------------------------------------------- in the browser


@pytest.fixture(scope="module")
def server():
    require_site()
    with serve(SITE) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


def open_page(browser, server, page_name):
    context = browser.new_context()
    page = context.new_page()
    log = PageLog(page, server)
    page.goto(urljoin(server, f"{page_name}.html"), wait_until="load")
    page.wait_for_load_state("networkidle")
    return context, page, log


def wait_for_mathjax(page):
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("() => MathJax.startup.promise")


@pytest.mark.parametrize("page_name", PAGES)
def test_page_renders_offline(browser, server, page_name):
    context, page, log = open_page(browser, server, page_name)
    try:
        has_math = page.locator(".math, mjx-container").count() > 0
        if has_math:
            wait_for_mathjax(page)
            assert page.locator("mjx-container").count() > 0, "math on the page was not typeset"
            errors = page.locator("mjx-merror").all_inner_texts()
            assert not errors, f"MathJax could not typeset: {errors}"

        broken_images = page.evaluate(
            """() => [...document.images]
                .filter(img => !(img.complete && img.naturalWidth > 0))
                .map(img => img.currentSrc || img.src)"""
        )
        assert not broken_images, f"images that did not load: {broken_images}"

        expected = widget_outputs(page_name)
        if expected:
            page.wait_for_timeout(500)  # the embed manager renders after load
        scrubbers = page.locator("figure.bp-scrubber").count()
        live_views = page.locator(".cell_output .jupyter-widgets, .cell_output .widget-subarea").count()
        raw_views = page.locator(f'script[type="{WIDGET_VIEW}"]').count()
        assert scrubbers + live_views >= expected, (
            f"the notebook has {expected} widget outputs, the page shows "
            f"{scrubbers} scrubbers and {live_views} rendered widget views"
        )
        if raw_views:
            assert live_views, "widget views are on the page but none was rendered"

        assert not log.problems, f"{page_name}:\n  " + "\n  ".join(log.problems)
    finally:
        context.close()


SCRUBBER_PAGES = [p for p in PAGES if source_of(p).suffix == ".ipynb" and widget_outputs(p)]


@pytest.mark.parametrize("page_name", SCRUBBER_PAGES)
def test_scrubbers_change_their_image(browser, server, page_name):
    """Moving a static scrubber's slider shows another precomputed frame."""
    context, page, log = open_page(browser, server, page_name)
    try:
        scrubbers = page.locator("figure.bp-scrubber")
        assert scrubbers.count() > 0, f"{page_name} has widget outputs but no scrubber"
        for i in range(scrubbers.count()):
            figure = scrubbers.nth(i)
            slider, image = figure.locator('input[type="range"]'), figure.locator("img")
            assert slider.count() == 1 and image.count() == 1
            assert figure.locator("figcaption").count() == 1, "scrubber without a caption"
            label = slider.evaluate("el => el.labels.length ? el.labels[0].textContent : el.getAttribute('aria-label')")
            assert label and label.strip(), "the slider has no label"
            before = (image.get_attribute("src"), image.get_attribute("alt"))
            slider.focus()
            # The keyboard, as a reader would: first End, then back Home if
            # the default was already the last frame.
            slider.press("End")
            if (image.get_attribute("src"), image.get_attribute("alt")) == before:
                slider.press("Home")
            after = (image.get_attribute("src"), image.get_attribute("alt"))
            assert after[0] != before[0], f"scrubber {i}: the image did not change"
            assert after[1] and after[1] != before[1], f"scrubber {i}: the alt text did not follow"
            assert slider.get_attribute("aria-valuetext"), f"scrubber {i}: no aria-valuetext"
            loaded = image.evaluate("img => img.complete && img.naturalWidth > 0")
            assert loaded, f"scrubber {i}: the new frame is not a loadable image"
        assert not log.problems, "\n".join(log.problems)
    finally:
        context.close()


def test_no_page_loads_from_a_cdn():
    """Scripts, styles and images of every page are served by the book itself."""
    require_site()
    loaded_from = re.compile(r'<(?:script|img|link)\b[^>]*?\b(?:src|href)="(https?:)?//([^"/]+)', re.I)
    offenders = {}
    for html in SITE.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        for match in loaded_from.finditer(text):
            tag = match.group(0)
            if tag.lower().startswith("<link") and 'rel="stylesheet"' not in tag and "preload" not in tag:
                continue  # <link rel="canonical"> and the like load nothing
            offenders.setdefault(str(html.relative_to(SITE)), []).append(match.group(2))
    assert not offenders, f"pages that load assets from other hosts: {offenders}"


CHAPTER_PAGES = [p for p in PAGES if source_of(p).suffix == ".ipynb"]


@pytest.mark.parametrize("page_name", CHAPTER_PAGES)
def test_solutions_are_gated(browser, server, page_name):
    """Every solution starts folded away and opens when the reader asks for it."""
    context, page, log = open_page(browser, server, page_name)
    try:
        solutions = page.locator("div.solution.dropdown")
        exercises = page.locator("div.exercise")
        assert exercises.count() >= 3, f"{page_name}: only {exercises.count()} exercises"
        assert solutions.count() > 0, f"{page_name}: no gated solutions"
        solution_cells = page.locator("div.tag_solution").count()
        gated_cells = page.locator("div.solution div.tag_solution").count()
        assert solution_cells == gated_cells, (
            f"{page_name}: {solution_cells - gated_cells} cells tagged `solution` "
            "stand outside a gated solution"
        )
        for i in range(solutions.count()):
            solution = solutions.nth(i)
            body = solution.locator(":scope > :not(.admonition-title)")
            assert body.count() > 0, f"solution {i} is empty"
            assert not any(body.nth(k).is_visible() for k in range(body.count())), (
                f"{page_name}: solution {i} is visible before the reader opens it"
            )
            solution.locator(".admonition-title").click()
            body.first.wait_for(state="visible", timeout=5000)
        assert not log.problems, "\n".join(log.problems)
    finally:
        context.close()
