"""Small fixes to the Jupyter Book 1 toolchain, each for a problem a reader would see.

1. sphinx-thebe 0.3.1 and sphinx-togglebutton register their inline
   configuration scripts twice (once with ``filename=None``, once with
   ``""``, which Sphinx does not see as equal), so every page declares
   ``const THEBE_JS_URL`` twice and the browser reports a SyntaxError. We keep
   the first copy of each identical script.
2. myst-nb loads the ipywidgets embed manager (3.6 MB) on every page whose
   notebook stored widget state, even when no output on the page is shown as
   a widget view. The book shows bpcore's static scrubbers instead (see
   ``nb_mime_priority_overrides`` in _config.yml), so we load the manager only
   on pages that really contain a widget view.
3. The launch buttons (Binder, JupyterHub, Colab) of a chapter open the
   clean student notebook ``notebooks/NN_slug.ipynb`` (no solutions, no raw
   MyST; see tools/student_edition.py) instead of the MyST source
   ``chapters/NN_slug.ipynb``, which reads badly outside the book.
4. docutils marks a bibliography up as ``<div role="list">`` holding
   ``role="doc-biblioentry"`` entries, a role ARIA 1.2 deprecated: a screen
   reader then finds a list with no items (axe: aria-required-children). The
   entries become list items.
5. An image output of a notebook cell gets its alt text from the cell
   metadata ``mystnb: image: alt:``; without one, a figure's caption is used,
   and an image with neither is a build warning (docutils would fall back to
   the file name, which tells a screen-reader user nothing).
6. ``bpbook.css``: the book's own styles (contrast, phones, dark mode, print).
7. The download button of a chapter serves ``_sources/chapters/NN.ipynb``,
   the MyST source with every solution in it. It serves the clean student
   notebook instead, as the launch buttons do.
8. ``bpbook-zoom.js``: a tap or click on a figure opens it full-size (phones).
"""

import re
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _script_key(script):
    """What makes two <script> entries the same script."""
    # Inline scripts come with filename None or "" depending on who added them.
    filename = getattr(script, "filename", script) or None
    attributes = getattr(script, "attributes", {})
    return (filename, attributes.get("body"))


def _dedupe_scripts(app: Sphinx, pagename, templatename, context, doctree):
    scripts = context.get("script_files", [])
    seen, unique = set(), []
    for script in scripts:
        key = _script_key(script)
        if key in seen:
            continue
        seen.add(key)
        unique.append(script)
    scripts[:] = unique


def _drop_unused_widget_manager(app: Sphinx, pagename, templatename, context, doctree):
    body = context.get("body", "")
    if WIDGET_VIEW in body:
        return
    # Sphinx stores static-relative script paths with a "_static/" prefix.
    widget_js = {f"_static/{path}" for path in app.config.nb_ipywidgets_js}
    widget_js |= set(app.config.nb_ipywidgets_js)
    scripts = context.get("script_files", [])
    scripts[:] = [
        s
        for s in scripts
        if getattr(s, "filename", s) not in widget_js
        and getattr(s, "attributes", {}).get("type") != WIDGET_STATE
    ]


def _launch_student_notebooks(app: Sphinx, pagename, templatename, context, doctree):
    parts = pagename.split("/")
    if len(parts) != 2 or parts[0] != "chapters" or not app.env.doc2path(pagename).endswith(".ipynb"):
        return
    source, target = f"/{pagename}.ipynb", f"/notebooks/{parts[1]}.ipynb"
    # Binder, JupyterHub and Colab links carry the path with plain slashes;
    # the %2F form covers a provider that URL-encodes it.
    source_q, target_q = source.replace("/", "%2F"), target.replace("/", "%2F")

    def rewrite(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "url" and isinstance(value, str) and not value.endswith((".md", ".pdf")):
                    node[key] = value.replace(source, target).replace(source_q, target_q)
                else:
                    rewrite(value)
        elif isinstance(node, list):
            for item in node:
                rewrite(item)

    for button in context.get("header_buttons", []):
        if button.get("label") == "launch-buttons" or any(
            isinstance(b, dict) and b.get("text") in ("Binder", "JupyterHub", "Colab", "Deepnote", "JupyterLite")
            for b in button.get("buttons", [])
        ):
            rewrite(button)


_BIBLIOENTRY = re.compile(r'(<div class="citation" id="[^"]*" )role="doc-biblioentry"')


def _bibliography_as_list(app: Sphinx, pagename, templatename, context, doctree):
    body = context.get("body")
    if body and "doc-biblioentry" in body:
        context["body"] = _BIBLIOENTRY.sub(r'\1role="listitem"', body)


def _caption_text(figure):
    for child in figure.children:
        if isinstance(child, nodes.caption):
            return " ".join(child.astext().split())
    return ""


def _alt_from_caption(app: Sphinx, doctree, docname):
    for image in doctree.findall(nodes.image):
        if image.get("alt"):
            continue
        figure = image.parent
        while figure is not None and not isinstance(figure, nodes.figure):
            figure = figure.parent
        caption = _caption_text(figure) if figure is not None else ""
        if caption:
            image["alt"] = caption
        elif "://" not in image.get("uri", ""):
            logger.warning(
                "image without alt text or caption: give the cell metadata "
                'mystnb: {image: {alt: "..."}} or mystnb: {figure: {caption: "..."}}',
                location=image,
                type="bpbook",
                subtype="alt",
            )


def _download_clean_notebooks(app: Sphinx, exception):
    if exception is not None or app.builder.format != "html":
        return
    clean = Path(app.srcdir) / "notebooks"
    if not clean.is_dir():  # the student edition's copy of the book: it serves its own notebooks
        return
    for docname in sorted(app.env.found_docs):
        parts = docname.split("/")
        served = Path(app.outdir) / "_sources" / f"{docname}.ipynb"
        notebook = clean / f"{parts[-1]}.ipynb"
        if len(parts) == 2 and parts[0] == "chapters" and served.exists():
            if not notebook.exists():
                logger.warning(f"{docname}: no clean notebook {notebook} to download (run `make notebooks`)",
                               type="bpbook", subtype="download")
                continue
            shutil.copyfile(notebook, served)


def setup(app: Sphinx):
    app.add_css_file("bpbook.css")
    app.add_js_file("bpbook-zoom.js", loading_method="defer")
    app.connect("doctree-resolved", _alt_from_caption)
    app.connect("html-page-context", _bibliography_as_list, priority=902)
    # Priority > 500 so that myst-nb and sphinx-thebe have added their scripts.
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("html-page-context", _drop_unused_widget_manager, priority=901)
    # After sphinx-book-theme built the launch buttons (priority 501).
    app.connect("html-page-context", _launch_student_notebooks, priority=600)
    app.connect("build-finished", _download_clean_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
