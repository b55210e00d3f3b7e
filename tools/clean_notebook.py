"""Turn a chapter notebook into one that reads cleanly outside the book.

Jupyter, JupyterLab, Binder and Colab render plain Markdown; they show MyST
roles and directives raw. This module renders them the way the HTML book
does, so that a student sees the same text in both places:

* ``{glue:text}`key:.4f``` -> the value glued in the notebook's own outputs,
  formatted with the role's format spec (myst-nb's own formatter);
* labelled display equations get their number as ``\\tag{n}``, and ``{eq}``
  references become ``(n)``: numbered in the order of ``_toc.yml``, as the
  HTML book numbers them (one sequence for the whole book);
* ``{doc}``, ``{ref}`` and ``{numref}`` become links: to the sibling notebook
  for a chapter, to the HTML book for other pages;
* ``{cite}`` becomes author-year text, and ``{bibliography}`` the list of the
  references cited in the notebook (formatted by pybtex);
* admonitions (``{note}``, ``{warning}``, ...) become block quotes with a bold
  title; exercise and solution blocks become headings ("Exercise 3 — title",
  "Solution");
* ``{{ substitution }}`` is replaced by its value from ``_config.yml``.

Code cells are unchanged except that ``from myst_nb import glue`` gets a
fallback (outside the book the numbers are already in the text), and a first
cell installs bpcore when it is missing (Colab).
"""

from __future__ import annotations

import copy
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from editions import DIRECTIVE_OPEN, METADATA_KEY, read, student_notebook  # noqa: E402

ROLE = re.compile(r"\{(?P<name>[\w:+-]+)\}`(?P<content>[^`]*)`")
# "([Author, 2006](#ref-key)) (Chapter 3)": a parenthetical citation followed by
# a locator in brackets of its own.
CITE_LOCATOR = re.compile(r"(\((?:\[[^\]]+\]\(#ref-[^)]+\)(?:; )?)+)\) \(((?:Chapter|Chapters|Section|Sections|Sec\.|§|Theorem|Eq\.|eq\.|equation|p\.|pp\.|Part|Appendix|Lecture)[^()]*)\)")
LABELLED_MATH = re.compile(r"\$\$(?P<body>.+?)\$\$[ \t]*\((?P<label>[^()\s]+)\)", re.S)
TARGET = re.compile(r"^\((?P<label>[^()\s]+)\)=[ \t]*$", re.M)
SUBSTITUTION = re.compile(r"\{\{\s*(?P<name>[\w.-]+)\s*\}\}")
HEADING = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<title>.+?)[ \t]*#*[ \t]*$", re.M)
OPTION = re.compile(r"^[ \t]*:(?P<key>[\w-]+):[ \t]*(?P<value>.*)$")
EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)

#: What is left of MyST after conversion must not match this (tests use it).
RAW_MYST = re.compile(r"\{[\w:+-]+\}`|^[ \t]*(`{3,}|:{3,})\{[\w:-]+\}|^\([^()\s]+\)=\s*$|\{\{\s*[\w.-]+\s*\}\}", re.M)

ADMONITIONS = {
    "note": "Note", "warning": "Warning", "tip": "Tip", "hint": "Hint",
    "important": "Important", "caution": "Caution", "attention": "Attention",
    "danger": "Danger", "error": "Error", "seealso": "See also", "admonition": "",
}
GLUE_MIME = "application/papermill.record/"
GLUE_IMPORT = "from myst_nb import glue"
GLUE_FALLBACK = """try:
    from myst_nb import glue
except ImportError:  # outside the book the glued numbers are already in the text
    def glue(name, value, display=True):
        pass"""


# -- the book around a notebook: numbering, titles, labels ---------------------

@dataclass
class Target:
    doc: str          # docname, e.g. "chapters/01_loss_functions"
    kind: str         # "section", "equation", "figure", "exercise"
    number: int | None
    title: str


def _toc_docs(toc: dict) -> list[str]:
    docs = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                docs.append(str(Path(entry["file"]).with_suffix("")) if entry["file"].endswith((".md", ".ipynb")) else entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))
            for part in entry.get("parts", []):
                walk(part.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return docs


def _directive_options(lines: list[str], start: int) -> dict[str, str]:
    """The ``:key: value`` options right below the directive opened at ``start``."""
    options = {}
    for line in lines[start + 1:]:
        o = OPTION.match(line)
        if not o:
            break
        options[o.group("key")] = o.group("value").strip()
    return options


def _anchor(title: str) -> str:
    """The anchor Jupyter gives a heading."""
    return re.sub(r"\s+", "-", title.strip())


def _markdown_texts(path: Path, student: bool) -> tuple[list[str], list]:
    """Markdown sources of a page in order, and its code cells (for figures)."""
    if path.suffix == ".ipynb":
        nb = read(path)
        if student:
            nb = student_notebook(nb, path.stem)
        return [c.source for c in nb.cells if c.cell_type == "markdown"], nb.cells
    return [path.read_text(encoding="utf-8")], []


class Book:
    """Numbers, titles and labels of every page, in table-of-contents order.

    Built from the *student* edition of each chapter (solutions removed), so
    the numbers match the student HTML book; they match the instructor book
    too unless a solution contains a labelled equation or figure.
    """

    def __init__(self, root: Path, student: bool = True):
        self.root = Path(root)
        config = yaml.safe_load((self.root / "_config.yml").read_text(encoding="utf-8"))
        self.config = config
        parse = config.get("parse", {}) or {}
        self.substitutions = {k: str(v) for k, v in (parse.get("myst_substitutions") or {}).items()}
        self.repository_url = config["repository"]["url"].rstrip("/")
        self.branch = config["repository"].get("branch", "main")
        self.html_url = ((config.get("html") or {}).get("baseurl") or "").rstrip("/")
        self.docs = _toc_docs(yaml.safe_load((self.root / "_toc.yml").read_text(encoding="utf-8")))
        self.titles: dict[str, str] = {}
        self.targets: dict[str, Target] = {}
        self.paths: dict[str, Path] = {}
        counters = {"equation": 0, "figure": 0, "exercise": 0, "table": 0}
        for doc in self.docs:
            path = self._source(doc)
            if path is None:
                continue
            self.paths[doc] = path
            texts, cells = _markdown_texts(path, student)
            self._scan(doc, texts, cells, counters)

    def _source(self, doc: str) -> Path | None:
        for suffix in (".ipynb", ".md"):
            path = self.root / f"{doc}{suffix}"
            if path.exists():
                return path
        return None

    def _scan(self, doc, texts, cells, counters):
        md_iter = iter(texts)
        sources = cells if cells else [None]
        for cell in sources:
            if cell is not None and cell.cell_type == "code":
                figure = cell.metadata.get("mystnb", {}).get("figure", {})
                if figure.get("caption"):
                    counters["figure"] += 1
                    if figure.get("name"):
                        self.targets[figure["name"]] = Target(doc, "figure", counters["figure"], figure["caption"])
                continue
            if cell is not None and cell.cell_type != "markdown":
                continue
            text = next(md_iter)
            lines = text.splitlines()
            # (line number, kind, label, title): numbered in order of appearance.
            numbered = []
            pending = None
            for n, line in enumerate(lines):
                t = TARGET.match(line)
                if t:
                    pending = t.group("label")
                    continue
                h = HEADING.match(line)
                if h:
                    title = h.group("title")
                    if doc not in self.titles and len(h.group("hashes")) == 1:
                        self.titles[doc] = title
                    if pending:
                        self.targets[pending] = Target(doc, "section", None, title)
                    pending = None
                    continue
                d = DIRECTIVE_OPEN.match(line)
                if not d:
                    continue
                name, options = d.group("name"), _directive_options(lines, n)
                if name == "exercise" and "nonumber" not in options:
                    numbered.append((n, "exercise", options.get("label"), d.group("arg")))
                elif name == "math" and options.get("label"):
                    numbered.append((n, "equation", options["label"], ""))
                elif name in ("figure", "glue:figure", "table", "list-table", "csv-table") and options.get("name"):
                    kind = "figure" if name in ("figure", "glue:figure") else "table"
                    numbered.append((n, kind, options["name"], d.group("arg")))
            offsets = [0]
            for line in lines:
                offsets.append(offsets[-1] + len(line) + 1)
            for m in LABELLED_MATH.finditer(text):
                line_no = max(i for i, o in enumerate(offsets) if o <= m.start())
                numbered.append((line_no + 0.5, "equation", m.group("label"), ""))
            for _, kind, label, title in sorted(numbered, key=lambda item: item[0]):
                counters[kind] = counters.get(kind, 0) + 1
                if label:
                    self.targets[label] = Target(doc, kind, counters[kind], title)
            if cell is None:
                break

    # Links ---------------------------------------------------------------------

    def is_chapter(self, doc: str) -> bool:
        path = self.paths.get(doc)
        return path is not None and path.suffix == ".ipynb" and path.parent == self.root / "chapters"

    def link(self, doc: str, anchor: str = "") -> str:
        """Where a reference to ``doc`` points from a clean notebook."""
        frag = f"#{anchor}" if anchor else ""
        if self.is_chapter(doc):
            return f"{Path(doc).name}.ipynb{frag}"
        base = self.html_url or f"{self.repository_url}/blob/{self.branch}"
        suffix = ".html" if self.html_url else self.paths.get(doc, Path(".md")).suffix
        return f"{base}/{doc}{suffix}{frag}"


# -- citations -----------------------------------------------------------------

class Bibliography:
    def __init__(self, bibfiles: list[Path]):
        from pybtex.database import parse_file

        self.entries = {}
        for path in bibfiles:
            self.entries.update(parse_file(str(path)).entries)

    def key(self, key: str, prefixes: list[str]) -> str:
        if key in self.entries:
            return key
        for prefix in prefixes:
            if key.startswith(prefix) and key[len(prefix):] in self.entries:
                return key[len(prefix):]
        raise KeyError(f"unknown citation key {key!r}")

    def author_year(self, key: str) -> tuple[str, str]:
        entry = self.entries[key]
        persons = entry.persons.get("author") or entry.persons.get("editor") or []
        last = [" ".join(p.last_names) for p in persons]
        if len(last) == 1:
            names = last[0]
        elif len(last) == 2:
            names = f"{last[0]} and {last[1]}"
        else:
            names = f"{last[0]} et al."
        names = names.replace("{", "").replace("}", "")
        return names, entry.fields.get("year", "n.d.")

    def formatted(self, keys: list[str]) -> list[tuple[str, str]]:
        """(key, Markdown text) for each entry, sorted as the book sorts them."""
        from pybtex.plugin import find_plugin

        style = find_plugin("pybtex.style.formatting", "plain")()
        backend = find_plugin("pybtex.backends", "text")()
        from pybtex.database import BibliographyData

        data = BibliographyData({k: self.entries[k] for k in keys})
        out = []
        for entry in style.format_entries(data.entries.values()):
            text = " ".join(entry.text.render(backend).split())
            out.append((entry.key, text))
        out.sort(key=lambda kv: (self.author_year(kv[0])[0].lower(), self.author_year(kv[0])[1]))
        return out


# -- the converter ---------------------------------------------------------------

class Converter:
    def __init__(self, book: Book, doc: str, nb):
        self.book, self.doc, self.nb = book, doc, nb
        self.glued = self._glued(nb)
        bibfiles = [book.root / p for p in book.config.get("bibtex_bibfiles", [])]
        self.bib = Bibliography(bibfiles) if bibfiles else None
        self.keyprefixes = re.findall(r"^[ \t]*:keyprefix:[ \t]*(\S+)", "\n".join(
            c.source for c in nb.cells if c.cell_type == "markdown"), re.M)
        # The reference list may come before a citation in the same cell, so
        # collect every cited key first, in order of appearance.
        self.cited: list[str] = []
        self.attachments: dict[str, dict] = {}   # filled by glue:figure, per cell
        for cell in nb.cells:
            caption = cell.metadata.get("mystnb", {}).get("figure", {}).get("caption", "")
            if cell.cell_type == "markdown" or caption:
                for m in ROLE.finditer(cell.source if cell.cell_type == "markdown" else caption):
                    if m.group("name").startswith("cite"):
                        self.cite(m.group("name"), m.group("content"))

    @staticmethod
    def _glued(nb) -> dict[str, dict]:
        glued = {}
        for cell in nb.cells:
            for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
                name = out.get("metadata", {}).get("scrapbook", {}).get("name")
                if name:
                    prefix = out["metadata"]["scrapbook"].get("mime_prefix", GLUE_MIME)
                    glued[name] = {k[len(prefix):]: v for k, v in out.get("data", {}).items() if k.startswith(prefix)}
        return glued

    # roles ----------------------------------------------------------------------

    def glue_text(self, content: str) -> str:
        from myst_nb.core.variables import format_plain_text

        key = content.split("::")[-1]
        key, _, fmt = key.partition(":")
        if key not in self.glued:
            raise KeyError(f"{self.doc}: no glued value {key!r} in the notebook's outputs")
        data = self.glued[key]
        text = data.get("text/markdown") or data.get("text/plain", "")
        return format_plain_text(text, fmt) if "text/plain" in data and "text/markdown" not in data else text

    def glue_math(self, key: str) -> str:
        data = self.glued.get(key.split("::")[-1], {})
        if not data:
            raise KeyError(f"{self.doc}: no glued value {key!r} in the notebook's outputs")
        return (data.get("text/latex") or data.get("text/plain", "")).strip().strip("$")

    def glue_figure(self, key: str, caption: str, name: str) -> str:
        """A glued image as a Markdown cell attachment (Jupyter, JupyterLab, Colab show them)."""
        key = key.split("::")[-1]
        data = self.glued.get(key, {})
        mime = next((m for m in ("image/png", "image/jpeg", "image/svg+xml") if m in data), None)
        if mime is None:
            raise KeyError(f"{self.doc}: no glued image {key!r} in the notebook's outputs")
        filename = f"{key}.{mime.split('/')[1].split('+')[0]}"
        self.attachments[filename] = {mime: data[mime]}
        t = self.book.targets.get(name)
        number = f" {t.number}" if t and t.number else ""
        anchor = f'<a id="{name}"></a>' if name else ""
        text = f"\n\n{anchor}**Fig.{number}.** {caption.strip()}" if caption.strip() else ""
        return f"![{caption.strip() or key}](attachment:{filename}){text}\n"

    def _target(self, label: str) -> Target:
        if label not in self.book.targets:
            # The HTML build (-W) fails on a dangling reference; here the
            # label's text stands in, so one bad reference cannot stop an edition.
            print(f"warning: {self.doc}: unknown reference target {label!r}", file=sys.stderr)
            return Target(self.doc, "unknown", None, label)
        return self.book.targets[label]

    def role(self, m: re.Match) -> str:
        name, content = m.group("name"), m.group("content")
        explicit = EXPLICIT.match(content)
        text, target = (explicit.group("text"), explicit.group("target")) if explicit else ("", content)
        if name in ("glue", "glue:", "glue:text", "glue:any", "glue:md"):
            return self.glue_text(content)
        if name == "glue:math":
            return f"${self.glue_math(content)}$"
        if name == "eq":
            t = self._target(target)
            return text or (f"({t.number})" if t.number else target)
        if name == "math":
            return f"${content}$"
        if name == "doc":
            doc = str((Path(self.doc).parent / target).as_posix()) if not target.startswith("/") else target.lstrip("/")
            doc = re.sub(r"(^|/)\./", r"\1", doc)
            while "/../" in f"/{doc}":
                doc = re.sub(r"[^/]+/\.\./", "", doc, count=1)
            doc = str(Path(doc).with_suffix("")) if doc.endswith((".md", ".ipynb")) else doc
            title = text or self.book.titles.get(doc, Path(doc).name)
            return f"[{title}]({self.book.link(doc)})"
        if name in ("ref", "numref"):
            t = self._target(target)
            if t.kind == "section":
                anchor = _anchor(t.title)
            else:
                anchor = target
            if t.kind == "unknown":
                return text or target
            prefix = {"figure": "Fig.", "table": "Table", "exercise": "Exercise",
                      "equation": "Equation"}.get(t.kind, "Section")
            if name == "numref":
                label = text.replace("%s", str(t.number)).replace("{number}", str(t.number)) if text else f"{prefix} {t.number}"
            else:
                label = text or (f"({t.number})" if t.kind == "equation" else t.title or f"{prefix} {t.number}")
            return f"[{label}]({self.book.link(t.doc, anchor)})" if t.doc != self.doc else f"[{label}](#{anchor})"
        if name.startswith("cite"):
            return self.cite(name, content)
        if name in ("sub", "sup"):
            return f"<{name}>{content}</{name}>"
        if name in ("code", "kbd", "file", "samp", "command"):
            return f"`{content}`"
        # Anything else (term, abbr, index, ...): the visible text.
        return text or content

    def cite(self, name: str, content: str) -> str:
        if self.bib is None:
            raise KeyError(f"{self.doc}: {{cite}} without bibtex_bibfiles")
        parts = []
        for raw in [k.strip() for k in content.split(",") if k.strip()]:
            key = self.bib.key(raw, self.keyprefixes)
            if key not in self.cited:
                self.cited.append(key)
            who, year = self.bib.author_year(key)
            parts.append((who, year, key))
        if name in ("cite:t", "cite:ct", "cite:ts", "cite:cts"):
            return "; ".join(f"[{who} ({year})](#ref-{key})" for who, year, key in parts)
        return "(" + "; ".join(f"[{who}, {year}](#ref-{key})" for who, year, key in parts) + ")"

    # blocks ---------------------------------------------------------------------

    def markdown(self, source: str) -> str:
        """A MyST markdown cell as plain Markdown."""
        source = SUBSTITUTION.sub(lambda m: self.book.substitutions.get(m.group("name"), m.group(0)), source)
        source = self.blocks(source)
        source = LABELLED_MATH.sub(self.labelled_math, source)
        source = TARGET.sub(lambda m: f'<a id="{m.group("label")}"></a>', source)
        source = "\n".join(line for line in source.splitlines() if not re.match(r"^%(\s|$)", line))
        source = self.inline(source)
        return re.sub(r"\n{3,}", "\n\n", source).strip("\n")

    def inline(self, text: str) -> str:
        # Roles inside code spans (``{eq}`x` ``) are examples, not roles; the
        # book's chapters never put them there, so every match is converted.
        # A locator written after a citation, "{cite}`key` (Chapter 3)", joins
        # it inside one pair of brackets: "(Author, 2006, Chapter 3)", not
        # "(Author, 2006) (Chapter 3)".
        return CITE_LOCATOR.sub(r"\1, \2)", ROLE.sub(self.role, text))

    def labelled_math(self, m: re.Match) -> str:
        t = self._target(m.group("label"))
        tag = f"\n\\tag{{{t.number}}}" if t.number else ""
        return f"$$\n{m.group('body').strip()}{tag}\n$$"

    def blocks(self, source: str) -> str:
        lines = source.splitlines()
        out, i = [], 0
        while i < len(lines):
            m = DIRECTIVE_OPEN.match(lines[i])
            if not m:
                out.append(lines[i])
                i += 1
                continue
            fence = m.group("fence")
            close = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
            j, body = i + 1, []
            while j < len(lines) and not close.match(lines[j]):
                body.append(lines[j])
                j += 1
            options = {}
            while body and OPTION.match(body[0]):
                o = OPTION.match(body.pop(0))
                options[o.group("key")] = o.group("value")
            if body and not body[0].strip():
                body.pop(0)
            out.extend(self.directive(m.group("name"), m.group("arg"), options, self.blocks("\n".join(body))).splitlines())
            i = j + 1
        return "\n".join(out)

    def directive(self, name: str, arg: str, options: dict, body: str) -> str:
        if name == "exercise":
            label = options.get("label", "")
            t = self.book.targets.get(label)
            number = f" {t.number}" if t and t.number else ""
            title = f" — {self.inline(arg)}" if arg else ""
            anchor = f'<a id="{label}"></a>\n\n' if label else ""
            return f"{anchor}### Exercise{number}{title}\n\n{body}\n"
        if name in ("solution", "solution-start"):
            return f"#### Solution\n\n{body}\n"
        if name in ("solution-end", "bibliography-end"):
            return ""
        if name in ADMONITIONS:
            title = ADMONITIONS[name]
            if arg:
                title = f"{title}: {arg}" if title else arg
            quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in body.splitlines())
            return f"> **{title}**\n>\n{quoted}\n" if body.strip() else f"> **{title}**\n"
        if name == "math":
            number = self._target(options["label"]).number if options.get("label") else None
            tag = f"\n\\tag{{{number}}}" if number else ""
            return f"$$\n{body.strip()}{tag}\n$$"
        if name == "bibliography":
            return "\n".join(f'- <a id="ref-{key}"></a>{text}' for key, text in self.bib.formatted(self.cited)) if self.bib else ""
        if name in ("figure", "image"):
            t = self.book.targets.get(options.get("name", ""))
            caption = f"\n\n*Figure {t.number}: {body.strip()}*" if t and body.strip() else ""
            return f"![{options.get('alt', body.strip())}]({arg}){caption}\n"
        if name in ("code-block", "code", "code-cell", "sourcecode"):
            return f"```{arg}\n{body}\n```"
        if name in ("glue", "glue:any", "glue:md", "glue:text"):
            return self.glue_text(arg)
        if name == "glue:math":
            return f"$$\n{self.glue_math(arg)}\n$$"
        if name == "glue:figure":
            return self.glue_figure(arg, body, options.get("name", ""))
        if name in ("div", "container", "margin", "sidebar", "epigraph", "topic", "card", "dropdown"):
            head = f"**{arg}**\n\n" if arg else ""
            return f"{head}{body}\n"
        return f"**{arg or name.title()}**\n\n{body}\n"

    # the notebook -------------------------------------------------------------------

    def notebook(self, setup_cell: bool = True):
        nb = copy.deepcopy(self.nb)
        cells = []
        if setup_cell:
            cells.append(nbformat.v4.new_code_cell(setup_source(self.book.repository_url)))
            cells[-1].id = "bpbook-setup"
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                self.attachments = {}
                cell.source = self.markdown(cell.source)
                if self.attachments:
                    cell.attachments = {**cell.get("attachments", {}), **self.attachments}
                cell.metadata.pop("tags", None) if not cell.metadata.get("tags") else None
                cells.append(cell)
            elif cell.cell_type == "code":
                if GLUE_IMPORT in cell.source.splitlines():
                    cell.source = "\n".join(GLUE_FALLBACK if line == GLUE_IMPORT else line
                                            for line in cell.source.splitlines())
                cells.append(cell)
                figure = cell.metadata.get("mystnb", {}).get("figure", {})
                if figure.get("caption"):
                    t = self.book.targets.get(figure.get("name", ""))
                    number = f" {t.number}" if t else ""
                    anchor = f'<a id="{figure["name"]}"></a>' if figure.get("name") else ""
                    caption = nbformat.v4.new_markdown_cell(f"{anchor}**Fig.{number}.** {self.inline(figure['caption'])}")
                    caption.id = f"{cell.id}-caption"[:64]
                    cells.append(caption)
            else:
                cells.append(cell)
        nb.cells = cells
        return nb


def setup_source(repository_url: str) -> str:
    return (
        "# Outside the book (Colab, a fresh Jupyter): install bpcore if it is missing.\n"
        "try:\n"
        "    import bpcore\n"
        "except ImportError:\n"
        f"    %pip install -q git+{repository_url}"
    )


def clean_notebook(book: Book, doc: str, nb):
    """The clean (plain Markdown) version of notebook ``nb`` of page ``doc``."""
    clean = Converter(book, doc, nb).notebook()
    meta = clean.metadata.setdefault(METADATA_KEY, {})
    meta["clean"] = True
    return clean
