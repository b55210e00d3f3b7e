"""`make pdf`: the whole built book prints to one PDF that holds every page of
_toc.yml, with a table of contents, an outline, numbered equations and the
figures; and the preface's link points at the file `make pdf` writes.

The tests read the PDF `make test` printed beside the built book (when it is
newer than the build), or print one into a temporary directory.
"""

import re
import sys
from pathlib import Path

import pytest
from test_book_browser import PAGES, SITE, parse, require_site

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import make_pdf  # noqa: E402


def page_title(page_name):
    """The page's <h1> text, as the built HTML has it."""
    html = (SITE / f"{page_name}.html").read_text(encoding="utf-8")
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    text = re.sub(r"<[^>]+>", "", match.group(1)).replace("#", "")
    return " ".join(text.split()).replace("&amp;", "&")


@pytest.fixture(scope="module")
def book_pdf(tmp_path_factory):
    require_site()
    pypdf = pytest.importorskip("pypdf")
    from browser_support import chromium

    with chromium():  # skips (or fails in CI) exactly as the browser tests do
        pass
    return pypdf.PdfReader(current_pdf(tmp_path_factory))


def current_pdf(tmp_path_factory):
    """The PDF of the built book: the one `make pdf` (and `make test`) wrote
    beside it when it is newer than the build, else one printed now into a
    temporary directory (about half a minute), so the built site is never changed."""
    out, built = make_pdf.DEFAULT_OUT, SITE / ".stamp"
    if out.exists() and built.exists() and out.stat().st_mtime >= built.stat().st_mtime:
        return out
    return make_pdf.build_pdf(tmp_path_factory.mktemp("pdf") / make_pdf.PDF_NAME)


def squash(text):
    return "".join(text.split())


def test_preface_links_the_pdf_make_pdf_writes():
    require_site()
    links = parse(SITE / "intro.html").hrefs
    assert make_pdf.PDF_NAME in links, "the preface does not link the PDF"
    assert make_pdf.DEFAULT_OUT == SITE / make_pdf.PDF_NAME, "make pdf does not write the file the preface links"


def test_pdf_holds_every_page_in_order(book_pdf):
    outline = [item.title for item in book_pdf.outline if not isinstance(item, list)]
    titles = [page_title(p) for p in PAGES]
    assert outline[0] == "Contents"
    assert outline[1:] == titles, "the PDF's outline does not list every page of _toc.yml in order"
    starts = [book_pdf.get_destination_page_number(item) for item in book_pdf.outline if not isinstance(item, list)]
    assert starts == sorted(starts)
    text = [squash(page.extract_text()) for page in book_pdf.pages]
    for title, start in zip(titles, starts[1:]):
        assert squash(title) in text[start], f"page {start + 1} does not start {title!r}"
    contents = text[1]
    for title, start in zip(titles, starts[1:]):
        assert f"{squash(title)}{start + 1}" in contents, f"the printed contents lack {title!r} on page {start + 1}"


def test_pdf_has_numbered_equations_figures_and_page_numbers(book_pdf):
    text = "\n".join(page.extract_text() for page in book_pdf.pages)
    assert re.search(r"\(1\)", text), "no numbered equation in the PDF"
    images = sum(len(page.images) for page in book_pdf.pages)
    assert images >= 3, f"only {images} images in the PDF"
    last = book_pdf.pages[-1].extract_text().split()
    assert str(len(book_pdf.pages)) in last, "the last page does not carry its page number"
    # No printed solution: they stay in the online book.
    assert "Solution to Exercise" not in text


def scrubbers(page_name):
    """(labels, initial index) of every scrubber on a built page."""
    import html as html_lib
    import json

    text = (SITE / f"{page_name}.html").read_text(encoding="utf-8")
    found = []
    for attrs in re.findall(r'<input type="range"([^>]*data-labels="[^"]*"[^>]*)>', text):
        labels = json.loads(html_lib.unescape(re.search(r'data-labels="([^"]*)"', attrs).group(1)))
        found.append((labels, int(re.search(r'value="(\d+)"', attrs).group(1))))
    return found


def test_every_scrubber_prints_its_key_frames(book_pdf):
    # Paper cannot move a slider: the first, middle and last frames print,
    # each with its readout (a stepper's last frame is the end of the backward pass).
    text = squash("\n".join(page.extract_text() for page in book_pdf.pages))
    checked = 0
    for page_name in PAGES:
        for labels, initial in scrubbers(page_name):
            for i in sorted({initial, (len(labels) - 1) // 2, len(labels) - 1}):
                assert squash(labels[i]) in text, f"{page_name}: the frame {labels[i]!r} is not printed"
                checked += 1
    assert checked >= 20, f"only {checked} key frames found: are the scrubbers still in the book?"


def test_the_api_reference_stays_online_and_the_pdf_stays_short(book_pdf):
    starts = [book_pdf.get_destination_page_number(item) for item in book_pdf.outline if not isinstance(item, list)]
    titles = [page_title(p) for p in PAGES]
    api = titles.index(page_title("chapters/appendix/api"))
    api_pages = (starts[api + 2] if api + 2 < len(starts) else len(book_pdf.pages)) - starts[api + 1]
    assert api_pages <= 0.10 * len(book_pdf.pages), f"the API reference takes {api_pages} of {len(book_pdf.pages)} pages"
    api_text = squash(book_pdf.pages[starts[api + 1]].extract_text())
    assert squash("chapters/appendix/api.html") in api_text, "the PDF does not point to the online API reference"
