"""The built book as readers of every kind meet it, on every page of _toc.yml.

- Accessibility: axe-core (pinned in package.json, injected from
  node_modules; nothing is downloaded) finds no serious or critical
  violation, in the light and in the dark theme; every image has a real alt
  text; every scrubber works from the keyboard and announces its value.
- Phones (390 px): no page scrolls sideways; display equations scroll inside
  themselves and their numbers stay clear of the math; figures and
  scrubbers fit the column and stay sharp.
- Dark mode: every figure keeps a light, opaque background.
- Page weight: what a page adds to the shared MathJax and theme assets stays
  within tools/page_weight.PAGE_BUDGET.

The server, browser and page log come from browser_support.py and
test_book_browser.py.
"""

import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest
from test_book_browser import PAGES, SCRUBBER_PAGES, browser, require_site, server, wait_for_mathjax  # noqa: F401
from browser_support import PageLog

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import page_weight  # noqa: E402

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Violations the book cannot fix because they sit in the theme's own markup,
# as {(rule id, CSS selector axe reports): reason}. Keep it empty when possible.
THEME_EXCEPTIONS = {}

# The appendix's API page is long and math-heavy; on a busy 2-core machine
# MathJax can take longer than Playwright's default 30 s.
TIMEOUT_MS = 120_000


def open_page(browser, server, page_name, *, viewport=DESKTOP, mode="light"):  # noqa: F811
    """A page in a fresh context, its theme in ``mode``, MathJax finished."""
    context = browser.new_context(viewport=viewport, color_scheme=mode, device_scale_factor=2)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log = PageLog(page, server)
    page.goto(urljoin(server, f"{page_name}.html"), wait_until="load")
    page.wait_for_load_state("networkidle")
    if page.locator(".math, mjx-container").count():
        wait_for_mathjax(page)
    theme = page.evaluate("() => document.documentElement.dataset.theme")
    assert theme == mode, f"the theme did not switch to {mode} mode (data-theme={theme!r})"
    return context, page, log


def axe_violations(page):
    """Serious and critical axe-core violations: [(rule, impact, target, html, summary)]."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make test does)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    found = []
    for violation in result["violations"]:
        if violation["impact"] not in ("serious", "critical"):
            continue
        for node in violation["nodes"]:
            target = " ".join(map(str, node["target"]))
            if (violation["id"], target) in THEME_EXCEPTIONS:
                continue
            summary = " ".join((node.get("failureSummary") or "").split())
            found.append(f"{violation['impact']} {violation['id']} at {target}: {node['html'][:120]} -- {summary[:240]}")
    return found


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("page_name", PAGES)
def test_axe_finds_no_serious_violation(browser, server, page_name, mode):  # noqa: F811
    context, page, log = open_page(browser, server, page_name, mode=mode)
    try:
        found = axe_violations(page)
        assert not found, f"{page_name} ({mode}):\n  " + "\n  ".join(found)
    finally:
        context.close()


def test_theme_exceptions_have_reasons():
    assert all(isinstance(reason, str) and reason.strip() for reason in THEME_EXCEPTIONS.values())


IMAGES_JS = """() => [...document.images].map(img => ({
  src: (img.currentSrc || img.src).slice(0, 80),
  alt: img.getAttribute('alt'),
  content: !!img.closest('.bd-article'),
}))"""


@pytest.mark.parametrize("page_name", PAGES)
def test_every_image_has_alt_text(browser, server, page_name):  # noqa: F811
    """A real description: not missing, empty, or a file name (docutils' fallback)."""
    context, page, log = open_page(browser, server, page_name)
    try:
        bad = []
        for image in page.evaluate(IMAGES_JS):
            alt = (image["alt"] or "").strip()
            looks_like_a_file = alt.startswith(("data:", "_images", "../", "http")) or alt.lower().endswith(
                (".png", ".svg", ".jpg", ".jpeg", ".gif")
            )
            if not alt or looks_like_a_file:
                bad.append(f"{image['src']} alt={image['alt']!r}")
        assert not bad, f"{page_name}: images without a real alt text:\n  " + "\n  ".join(bad)
    finally:
        context.close()


@pytest.mark.parametrize("page_name", SCRUBBER_PAGES)
def test_scrubbers_work_from_the_keyboard_and_announce_their_value(browser, server, page_name):  # noqa: F811
    context, page, log = open_page(browser, server, page_name)
    try:
        scrubbers = page.locator("figure.bp-scrubber")
        for i in range(scrubbers.count()):
            figure = scrubbers.nth(i)
            slider, output = figure.locator('input[type="range"]'), figure.locator("output")
            assert output.count() == 1, f"scrubber {i}: no <output> showing the value"
            live = output.evaluate("o => o.getAttribute('aria-live') || (o.tagName === 'OUTPUT' ? 'polite' : null)")
            assert live in ("polite", "assertive"), f"scrubber {i}: the readout is not a live region"
            # Reached with Tab like any control (a range input is focusable
            # unless something removed it from the tab order).
            assert slider.evaluate("el => el.tabIndex >= 0 && !el.disabled"), f"scrubber {i}: not in the tab order"
            slider.focus()
            assert slider.evaluate("el => document.activeElement === el")
            top = int(slider.get_attribute("max"))
            for key in ("Home", "ArrowRight", "End", "ArrowLeft"):
                slider.press(key)
                value = int(slider.input_value())
                expected = {"Home": 0, "ArrowRight": min(1, top), "End": top, "ArrowLeft": max(top - 1, 0)}[key]
                assert value == expected, f"scrubber {i}: after {key} the value is {value}, not {expected}"
                announced = slider.get_attribute("aria-valuetext")
                shown = output.text_content().strip()
                assert announced and announced == shown, (
                    f"scrubber {i}: after {key} aria-valuetext={announced!r} but the readout shows {shown!r}"
                )
        assert not log.problems, "\n".join(log.problems)
    finally:
        context.close()


PHONE_LAYOUT_JS = """() => {
  const doc = document.documentElement, W = doc.clientWidth, out = {};
  out.pageWidth = [doc.scrollWidth, W];
  const rect = el => el.getBoundingClientRect();
  const overlaps = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  out.equations = [...document.querySelectorAll('.bd-article div.math')].map(div => {
    const box = div.querySelector('mjx-container'), number = div.querySelector(':scope > .eqno');
    if (!box) return null;
    const math = box.querySelector('mjx-math') || box;
    const b = rect(box), m = rect(math);
    return {
      id: div.id || div.textContent.slice(0, 40),
      boxInside: b.left >= -1 && b.right <= W + 1,
      scrolls: math.scrollWidth <= box.clientWidth + 1 || ['auto', 'scroll'].includes(getComputedStyle(box).overflowX),
      numberClear: !number || !overlaps(rect(number), {left: m.left, right: Math.min(m.right, b.right), top: m.top, bottom: m.bottom}),
    };
  }).filter(Boolean);
  out.images = [...document.querySelectorAll('.bd-article img')].filter(img => img.offsetParent).map(img => {
    const r = rect(img);
    return {src: (img.currentSrc || img.src).slice(0, 60), left: r.left, right: r.right, width: r.width,
            natural: img.naturalWidth, svg: /svg/.test(img.currentSrc || img.src)};
  });
  out.sliders = [...document.querySelectorAll('.bp-scrubber input[type=range]')].map(s => {
    const r = rect(s); return {left: r.left, right: r.right, width: r.width, height: r.height};
  });
  return out;
}"""


@pytest.mark.parametrize("page_name", PAGES)
def test_phone_layout(browser, server, page_name):  # noqa: F811
    context, page, log = open_page(browser, server, page_name, viewport=PHONE)
    try:
        layout = page.evaluate(PHONE_LAYOUT_JS)
        # A figure fits the column, so on a phone its labels are small: the
        # reader must be able to pinch-zoom (WCAG 1.4.4), and the 2x bitmaps
        # checked below stay sharp when they do.
        viewport = page.evaluate("() => document.querySelector('meta[name=viewport]')?.content || ''")
        assert "user-scalable=no" not in viewport.replace(" ", "") and "maximum-scale=1" not in viewport, (
            f"{page_name}: the viewport forbids zooming: {viewport!r}"
        )
        scroll_width, width = layout["pageWidth"]
        assert scroll_width <= width, f"{page_name} scrolls sideways on a phone: {scroll_width} px > {width} px"
        for eq in layout["equations"]:
            assert eq["boxInside"], f"equation {eq['id']} sticks out of the screen"
            assert eq["scrolls"], f"equation {eq['id']} is wider than its box and cannot scroll"
            assert eq["numberClear"], f"the number of equation {eq['id']} overlaps the math"
        for img in layout["images"]:
            assert img["left"] >= -1 and img["right"] <= width + 1, f"image {img['src']} is wider than the screen"
            if not img["svg"] and img["width"] > 200:
                # Sharp on a phone's 2x screen: the bitmap has >= 2 pixels per
                # CSS pixel it is shown at (within 10 %).
                assert img["natural"] >= 1.8 * img["width"], (
                    f"image {img['src']} is shown {img['width']:.0f} px wide from only {img['natural']} px: "
                    "blurry on a phone (figures need the style's 2x DPI)"
                )
        for slider in layout["sliders"]:
            assert slider["left"] >= -1 and slider["right"] <= width + 1, "a scrubber's slider sticks out"
            assert slider["width"] >= 120 and slider["height"] >= 20, f"a scrubber's slider is too small to use: {slider}"
        assert not log.problems, "\n".join(log.problems)
    finally:
        context.close()


DESKTOP_FIT_JS = """() => ({
  equations: [...document.querySelectorAll('.bd-article mjx-container[display="true"]')].map(m => ({
    id: (m.closest('div.math') || {}).id || (m.getAttribute('aria-label') || m.textContent).slice(0, 60),
    content: m.scrollWidth, box: m.clientWidth})),
  code: [...document.querySelectorAll('.bd-article div.highlight pre, .bd-article div.cell_output pre')].map(p => ({
    line: p.textContent.split('\\n').reduce((a, b) => (b.length > a.length ? b : a), '').slice(0, 60),
    content: p.scrollWidth, box: p.clientWidth})),
})"""


@pytest.mark.parametrize("page_name", PAGES)
def test_equations_and_code_fit_the_column_on_a_desktop(browser, server, page_name):  # noqa: F811
    """At 1280 px nothing is cut off: a display equation fits its column
    (long ones are broken over lines), and a code line wraps."""
    context, page, log = open_page(browser, server, page_name, viewport=DESKTOP)
    try:
        fit = page.evaluate(DESKTOP_FIT_JS)
        wide = [f"{eq['id']!r} ({eq['content']} px in {eq['box']} px)" for eq in fit["equations"]
                if eq["content"] > eq["box"] + 1]
        assert not wide, f"{page_name}: display equations wider than the column at 1280 px: {wide}"
        long = [f"{c['line']!r} ({c['content']} px in {c['box']} px)" for c in fit["code"] if c["content"] > c["box"] + 1]
        assert not long, f"{page_name}: code wider than the column at 1280 px: {long}"
    finally:
        context.close()


DARK_FIGURES_JS = """() => {
  const lum = c => { const m = c.match(/[\\d.]+/g); if (!m) return null;
    const [r, g, b, a] = m.map(Number); return {l: (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255, a: a === undefined ? 1 : a}; };
  return [...document.querySelectorAll('.bd-article img')].filter(img => img.offsetParent).map(img => {
    // The first opaque background behind the image, from the image outwards.
    let el = img, bg = null;
    while (el && el !== document.documentElement) {
      const c = lum(getComputedStyle(el).backgroundColor);
      if (c && c.a > 0.99) { bg = c.l; break; }
      el = el.parentElement;
    }
    return {src: (img.currentSrc || img.src).slice(0, 60), background: bg};
  });
}"""


@pytest.mark.parametrize("page_name", PAGES)
def test_dark_mode_figures_stay_readable(browser, server, page_name):  # noqa: F811
    """A figure drawn in dark ink, even on a transparent background, sits on a light card."""
    context, page, log = open_page(browser, server, page_name, viewport=PHONE, mode="dark")
    try:
        for image in page.evaluate(DARK_FIGURES_JS):
            assert image["background"] is not None and image["background"] > 0.7, (
                f"in dark mode, image {image['src']} sits on a dark background ({image['background']})"
            )
    finally:
        context.close()


@pytest.mark.parametrize("page_name", PAGES)
def test_page_weight(browser, server, page_name):  # noqa: F811
    totals = page_weight.measure(browser, server, page_name)
    assert totals["own"] <= page_weight.PAGE_BUDGET, (
        f"{page_name} transfers {totals['own'] / 1e6:.2f} MB of its own on first load "
        f"(budget {page_weight.PAGE_BUDGET / 1e6:.0f} MB, MathJax and theme assets excluded)"
    )


@pytest.mark.parametrize("page_name", [p for p in PAGES if p.startswith("chapters/0")])
def test_a_tap_opens_a_figure_full_size_on_a_phone(browser, server, page_name):  # noqa: F811
    context, page, log = open_page(browser, server, page_name, viewport=PHONE)
    try:
        image = page.locator(".bd-article img").first
        image.scroll_into_view_if_needed()
        shown = image.evaluate("img => ({width: img.getBoundingClientRect().width, natural: img.naturalWidth})")
        image.click()
        dialog = page.locator("dialog.bp-zoom[open]")
        assert dialog.count() == 1, f"{page_name}: tapping a figure opened nothing"
        big = dialog.locator("img").evaluate("img => img.getBoundingClientRect().width")
        assert big >= 0.45 * shown["natural"] and big > 1.5 * shown["width"], (
            f"{page_name}: the full-size figure is {big:.0f} px wide (in the page {shown['width']:.0f} px, "
            f"bitmap {shown['natural']} px)")
        page.keyboard.press("Escape")
        assert page.locator("dialog.bp-zoom").count() == 0, "Escape does not close the full-size figure"
        assert not log.problems, "\n".join(log.problems)
    finally:
        context.close()
