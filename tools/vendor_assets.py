"""Copy the browser assets the book serves itself from node_modules into _vendor/.

The built book must typeset math and render widgets with no network, so it
ships pinned copies (package-lock.json) of MathJax 3 and the ipywidgets embed
manager instead of loading them from a CDN. Only the files a page can ask for
are copied, which keeps the site small.

Run by ``make vendor`` after ``npm ci``.
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
VENDOR = ROOT / "_vendor"

# MathJax loads its components relative to tex-mml-chtml.js: the TeX
# extensions on demand, the CHTML fonts, and the menu's accessibility
# explorer (a11y/ and sre/). SVG output and the "-full" bundles are unused.
MATHJAX_KEEP = ["tex-mml-chtml.js", "input", "output/chtml", "a11y", "sre", "ui", "adaptors"]


def copy(src: Path, dst: Path) -> None:
    if not src.exists():
        sys.exit(f"vendor_assets: {src} is missing; run `npm ci` first")
    dst.parent.mkdir(parents=True, exist_ok=True)
    if src.is_dir():
        shutil.copytree(src, dst)
    else:
        shutil.copy2(src, dst)


def main() -> None:
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    mathjax = NODE / "mathjax" / "es5"
    for part in MATHJAX_KEEP:
        copy(mathjax / part, VENDOR / "mathjax" / part)

    # embed-amd.js bundles the standard widgets; its Font Awesome files are
    # fetched relative to the script, so they sit beside it.
    manager = NODE / "@jupyter-widgets" / "html-manager" / "dist"
    copy(manager / "embed-amd.js", VENDOR / "widgets" / "embed-amd.js")
    for font in manager.iterdir():
        if font.suffix in {".woff", ".woff2", ".ttf", ".eot", ".svg"}:
            copy(font, VENDOR / "widgets" / font.name)
    copy(NODE / "requirejs" / "require.js", VENDOR / "widgets" / "require.js")
    print(f"vendor_assets: wrote {VENDOR.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
