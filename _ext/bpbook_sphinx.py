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
"""

from sphinx.application import Sphinx

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


def setup(app: Sphinx):
    # Priority > 500 so that myst-nb and sphinx-thebe have added their scripts.
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("html-page-context", _drop_unused_widget_manager, priority=901)
    # After sphinx-book-theme built the launch buttons (priority 501).
    app.connect("html-page-context", _launch_student_notebooks, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
