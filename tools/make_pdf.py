"""Print the built book (``_build/html``) to one PDF: ``make pdf``.

Every page of ``_toc.yml`` is opened in Debian's Chromium (the browser the
tests drive; nothing is downloaded), MathJax finishes typesetting, and the
page is printed with the book's print styles (``_ext/static/bpbook.css``:
scrubbers print the frame they start on, solutions stay online, equations
keep their numbers). The pages are then joined with pypdf behind a title page
with a printed table of contents (chapter -> first page), the PDF outline
holds every chapter and its sections (from Chromium's tagged-PDF outline),
and every page after the title gets a page number.

    .venv/bin/python tools/make_pdf.py [--out PATH]

writes ``_build/html/backprop-book.pdf`` by default, beside the HTML, so the
preface's link to it works on the published site.
"""

import argparse
import functools
import html
import io
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from book_site import CHROMIUM, CHROMIUM_ARGS, ROOT, SITE, serve, toc_pages  # noqa: E402

PDF_NAME = "backprop-book.pdf"
DEFAULT_OUT = SITE / PDF_NAME  # beside intro.html, which links it
PAGE = {"format": "A4", "margin": {"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"}}
SMALL = "font-family:sans-serif;font-size:8px;color:#48566b;width:100%;margin:0 16mm"

# Links to other pages of the site would point at the print server; they
# print as plain text. Links inside the page (equations, citations) and to
# the web stay.
UNLINK_OTHER_PAGES_JS = """() => {
  for (const a of document.querySelectorAll('a[href]')) {
    const url = new URL(a.href, location.href);
    if (url.origin === location.origin && url.pathname !== location.pathname) a.removeAttribute('href');
  }
}"""


# The section headings of the page's text, for the outline's titles.
HEADINGS_JS = """() => [...document.querySelectorAll('.bd-article :is(h1,h2,h3,h4)')].map(h => {
  const c = h.cloneNode(true); c.querySelectorAll('.headerlink').forEach(a => a.remove());
  return c.textContent.replace(/\\s+/g, ' ').trim();
})"""


# Paper cannot scroll: a display equation wider than the text column is
# scaled down to fit it (run with the print styles on, at the column width).
FIT_EQUATIONS_JS = """() => {
  for (const box of document.querySelectorAll('.bd-article mjx-container[display="true"]')) {
    const room = box.clientWidth, need = box.scrollWidth;
    if (need > room + 1) box.style.zoom = (room / need).toFixed(3);
  }
}"""


# Paper cannot move a slider: every scrubber prints its key frames, the one it
# starts on, the middle one and the last (a stepper's last frame holds the
# whole backward pass), each with its readout, in place of the slider.
KEY_FRAMES_JS = """() => {
  for (const fig of document.querySelectorAll('.bd-article figure.bp-scrubber')) {
    const input = fig.querySelector('input[type=range]'), img = fig.querySelector('img');
    if (!input || !img) continue;
    const frames = JSON.parse(input.dataset.frames), labels = JSON.parse(input.dataset.labels),
          alts = JSON.parse(input.dataset.alts), n = frames.length;
    const keys = [...new Set([+input.value, Math.floor((n - 1) / 2), n - 1])].sort((a, b) => a - b);
    const row = document.createElement('div');
    row.className = 'bp-print-frames';
    for (const i of keys) {
      const frame = document.createElement('figure'), copy = img.cloneNode();
      copy.src = frames[i]; copy.alt = alts[i];
      const label = document.createElement('figcaption');
      label.textContent = labels[i];
      frame.append(copy, label);
      row.append(frame);
    }
    img.replaceWith(row);
    fig.querySelector('.bp-scrubber-controls')?.remove();
  }
}"""

# Pages that stay online: the API reference is generated from bpcore's
# docstrings (a third of the book's pages in print, and help() shows the
# same text in a notebook); the PDF prints a page that points to it.
ONLINE_ONLY = {"chapters/appendix/api"}


def online_only_html(title, url):
    return (f"<html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
            "<body style='font-family:sans-serif;margin:0'>"
            f"<h1 style='font-size:24px'>{html.escape(title)}</h1>"
            "<p>The reference of every bpcore function, generated from its docstring, is online:</p>"
            f"<p><a href='{html.escape(url)}'>{html.escape(url)}</a></p>"
            "<p>In a notebook, <code>help(bp.losses.mse)</code> (or any other function) shows the same text.</p>"
            "</body></html>")


def _local_only(base, route):
    url = route.request.url
    if url.startswith(base) or url.startswith("data:") or url.startswith("blob:"):
        route.continue_()
    else:
        route.abort()


def print_page(page, url):
    """The page at ``url`` as PDF bytes, and its title."""
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    if page.locator(".math, mjx-container").count():
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("() => MathJax.startup.promise")
    page.evaluate("() => document.fonts.ready")
    title = page.evaluate(
        "() => { const h = document.querySelector('.bd-article h1'); if (!h) return document.title;"
        " const c = h.cloneNode(true); c.querySelectorAll('.headerlink').forEach(a => a.remove());"
        " return c.textContent.trim() }"
    )
    headings = page.evaluate(HEADINGS_JS)
    page.evaluate(UNLINK_OTHER_PAGES_JS)
    page.evaluate(KEY_FRAMES_JS)
    page.emulate_media(media="print", color_scheme="light")
    page.evaluate(FIT_EQUATIONS_JS)
    header = f'<div style="{SMALL};text-align:right">{html.escape(title)}</div>'
    pdf = page.pdf(
        **PAGE,
        print_background=True,
        display_header_footer=True,
        header_template=header,
        footer_template="<span></span>",
        outline=True,
        tagged=True,
    )
    return title, pdf, headings


def print_online_only(page, base, name, config):
    """A one-page stand-in for the page ``name`` that stays online, with its real title."""
    page.goto(f"{base}{name}.html", wait_until="load")
    title = page.evaluate(
        "() => { const h = document.querySelector('.bd-article h1'); if (!h) return document.title;"
        " const c = h.cloneNode(true); c.querySelectorAll('.headerlink').forEach(a => a.remove());"
        " return c.textContent.trim() }"
    )
    online = f"{config['html']['baseurl'].rstrip('/')}/{name}.html"
    page.set_content(online_only_html(title, online))
    header = f'<div style="{SMALL};text-align:right">{html.escape(title)}</div>'
    pdf = page.pdf(**PAGE, display_header_footer=True, header_template=header,
                   footer_template="<span></span>", outline=True, tagged=True)
    return title, pdf, [title]


def _squash(text):
    return "".join(text.split())


def _copy_outline(writer, reader, items, parent, offset, headings):
    """Copy a chapter's outline (skipping its own title, which is the parent).

    Chromium's outline titles lose the spaces at line breaks and sometimes
    repeat themselves; each is replaced by the heading's text from the page.
    """
    by_squashed = {_squash(h): h for h in headings}
    last = None
    for item in items:
        if isinstance(item, list):
            target = last if last is not None else parent
            _copy_outline(writer, reader, item, target, offset, headings)
            continue
        raw = _squash(item.title)
        half = raw[: len(raw) // 2]
        title = by_squashed.get(raw) or (by_squashed.get(half) if raw == half * 2 else None) or item.title
        page_number = reader.get_destination_page_number(item)
        if _squash(title) == _squash(headings[0] if headings else ""):
            last = parent  # the chapter title is already the parent entry
            continue
        last = writer.add_outline_item(title, offset + page_number, parent=parent)


def front_matter_html(config, entries):
    """Title page and printed table of contents; entries are (title, first page)."""
    rows = "".join(
        f'<tr><td>{html.escape(title)}</td><td class="n">{number}</td></tr>' for title, number in entries
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><style>
      body {{ font-family: sans-serif; color: #222832; }}
      .title {{ height: 230mm; display: flex; flex-direction: column; justify-content: center; break-after: page; }}
      h1 {{ font-size: 28pt; margin: 0 0 12pt; }}
      .by {{ font-size: 13pt; }}
      .note {{ font-size: 10pt; color: #48566b; margin-top: 24pt; max-width: 140mm; }}
      h2 {{ font-size: 18pt; }}
      table {{ width: 100%; border-collapse: collapse; font-size: 12pt; }}
      td {{ padding: 5pt 0; border-bottom: 1px dotted #aab; }}
      td.n {{ text-align: right; width: 3em; }}
    </style></head><body>
      <section class="title"><h1>{html.escape(config["title"])}</h1>
        <div class="by">{html.escape(config.get("author", ""))}</div>
        <p class="note">The online book at {html.escape(config.get("repository", {}).get("url", ""))}
        has the interactive figures (a printed figure shows its first frame) and
        the solutions to the exercises.</p></section>
      <h2>Contents</h2><table>{rows}</table>
    </body></html>"""


def page_numbers_pdf(page, count):
    """``count`` blank pages whose footers number them 1, 2, ... (an overlay)."""
    body = '<div style="break-after:page;height:1px"></div>' * (count - 1) + "<div></div>"
    page.set_content(f"<!doctype html><html><body style='margin:0'>{body}</body></html>")
    footer = f'<div style="{SMALL};text-align:center"><span class="pageNumber"></span></div>'
    return page.pdf(**PAGE, display_header_footer=True, header_template="<span></span>", footer_template=footer)


def build_pdf(out: Path, site: Path = SITE) -> Path:
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader, PdfWriter

    if not (site / "index.html").exists():
        sys.exit(f"make_pdf: no built book in {site}; run `make book` first")
    if not Path(CHROMIUM).exists():
        sys.exit(f"make_pdf: no Chromium at {CHROMIUM}; install Debian's package: apt-get install -y chromium")
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    start = time.time()
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # The viewport is the text column of an A4 page (210 - 2 x 16 mm),
            # so the page is laid out as it will print.
            page = browser.new_page(viewport={"width": 672, "height": 950})
            page.set_default_timeout(180_000)  # long pages on a busy machine
            page.route("**/*", functools.partial(_local_only, base))
            parts = [print_online_only(page, base, name, config) if name in ONLINE_ONLY
                     else print_page(page, f"{base}{name}.html") for name in toc_pages()]
            readers = [(title, PdfReader(io.BytesIO(pdf))) for title, pdf, _ in parts]
            heading_lists = [headings for _, _, headings in parts]

            # The front matter's length decides where chapters start; it is
            # one title page plus the contents, which fit on one page for a
            # book of this size (checked below).
            def entries(front_pages):
                first, out_entries = front_pages + 1, []
                for title, reader in readers:
                    out_entries.append((title, first))
                    first += len(reader.pages)
                return out_entries

            front_pages = 2
            page.set_content(front_matter_html(config, entries(front_pages)))
            front = PdfReader(io.BytesIO(page.pdf(**PAGE)))
            if len(front.pages) != front_pages:
                front_pages = len(front.pages)
                page.set_content(front_matter_html(config, entries(front_pages)))
                front = PdfReader(io.BytesIO(page.pdf(**PAGE)))

            writer = PdfWriter()
            writer.append(front, import_outline=False)
            writer.add_outline_item("Contents", 1)
            for (title, reader), headings in zip(readers, heading_lists):
                offset = len(writer.pages)
                writer.append(reader, import_outline=False)
                chapter = writer.add_outline_item(title, offset)
                _copy_outline(writer, reader, reader.outline, chapter, offset, headings)
            total = len(writer.pages)
            numbers = PdfReader(io.BytesIO(page_numbers_pdf(page, total)))
            for i in range(1, total):  # the title page stays unnumbered
                writer.pages[i].merge_page(numbers.pages[i])
        finally:
            browser.close()
    writer.add_metadata({"/Title": config["title"], "/Author": config.get("author", "")})
    writer.page_mode = "/UseOutlines"
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as handle:
        writer.write(handle)
    print(
        f"make_pdf: wrote {out} ({total} pages, {out.stat().st_size / 1e6:.1f} MB, "
        f"{len(readers)} documents) in {time.time() - start:.0f} s"
    )
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    build_pdf(args.out)


if __name__ == "__main__":
    main()
