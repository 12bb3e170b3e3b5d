"""What an offline deck carries beside it: reveal.js, subset Chinese fonts, and a check for web links.

Everything a deck loads must sit in its build folder and be referenced by a relative path, so the
folder can be copied to a USB stick and opened by double-click on a machine with no internet and
no CJK fonts. `external_refs` finds anything that would still be fetched from the web.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

from jihua_kit.core.charts import font_path
from jihua_kit.core.checkout import checkout
from jihua_kit.core.errors import KitError
from jihua_kit.core.paths import REPO_ROOT

NODE_MODULES = REPO_ROOT / "slides" / "node_modules"
# The parts of the reveal.js npm package a deck uses: the core, theme `white` with its local fonts,
# the speaker-notes plugin. Not the other themes: some of them import fonts from Google.
REVEAL_PARTS = (
    "dist/reveal.js", "dist/reveal.css", "dist/theme/white.css", "dist/theme/fonts/source-sans-pro",
    "plugin/notes/notes.js", "LICENSE",
)  # fmt: skip
_MONO_FONT_FILE = "NotoSansMonoCJKsc-Regular.otf"  # same OFL family as charts.font_path(), fixed width
# Always in a subset, whatever the deck says: ASCII, and the punctuation reveal.js or a browser may add.
_BASE_CHARS = "".join(chr(c) for c in range(0x20, 0x7F)) + "\u00a0·–—‘’“”…、。，：；！？（）《》「」【】〔〕％／"
_URL_ATTRS = {"src", "href", "srcset", "poster", "data", "background"}
_CSS_REF = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])\s*((?:https?:)?//[^"')\s]+)""", re.IGNORECASE)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_JS_REF = re.compile(r"""["'`]((?:https?:)?//[^"'`\s]+)""", re.IGNORECASE)
_WEB = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)


def copy_reveal(assets: Path, node_modules: Path | None = None) -> Path:
    """Copy the needed reveal.js files from `node_modules` into `assets/reveal.js`; returns that folder."""
    if node_modules is None:
        checkout("slides/node_modules")
    source = (node_modules or NODE_MODULES) / "reveal.js"
    if not (source / "dist" / "reveal.js").is_file():
        raise KitError("slides.no_reveal", path=source)
    target = assets / "reveal.js"
    for part in REVEAL_PARTS:
        src, dst = source / part, target / part
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dst)
    return target


def mono_font_path() -> Path:
    """The fixed-width CJK font shipped with the sans one (mplfonts); the sans font if it is absent."""
    mono = font_path().with_name(_MONO_FONT_FILE)
    return mono if mono.exists() else font_path()


def subset_font(source: Path, text: str, dest: Path) -> Path:
    """Write a WOFF subset of `source` holding the glyphs of `text` (plus ASCII) to `dest`."""
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff"  # zlib; WOFF2 would need brotli, which is not installed
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(source), options, lazy=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(set(text) | set(_BASE_CHARS))))
    subsetter.subset(font)
    dest.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(dest), options)
    return dest


def write_font_license(fonts: Path) -> None:
    """A short note beside the subset fonts: what they are and their licence."""
    fonts.mkdir(parents=True, exist_ok=True)
    (fonts / "README.txt").write_text(
        "Subsets of Noto Sans CJK SC and Noto Sans Mono CJK SC (SIL Open Font License 1.1),\n"
        "taken from the mplfonts package by jihua_kit/decks/assets.py; one pair per deck.\n",
        encoding="utf-8",
    )


class _RefFinder(HTMLParser):
    """Collects every URL a page would fetch: resource attributes, <style> and <script> blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[str] = []
        self._block = ""  # "style" or "script" while inside one

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._block = tag if tag in ("style", "script") else ""
        for name, value in attrs:
            if value is None:
                continue
            if name == "style":
                self.refs += css_refs(value)
            elif name in _URL_ATTRS and tag != "a":  # a plain hyperlink is not loaded by the page
                self.refs += (
                    [part.split()[0] for part in value.split(",") if part.strip()] if name == "srcset" else [value]
                )

    def handle_endtag(self, tag: str) -> None:
        self._block = ""

    def handle_data(self, data: str) -> None:
        if self._block == "style":
            self.refs += css_refs(data)
        elif self._block == "script":  # a URL in a string that a script could load
            self.refs += _JS_REF.findall(data)


def css_refs(css: str) -> list[str]:
    """Web URLs in CSS `url(...)` and `@import` (comments ignored)."""
    return _CSS_REF.findall(_CSS_COMMENT.sub("", css))


def external_refs(html: str) -> list[str]:
    """Every http(s) or protocol-relative URL the page could load as a script, style, font or image.

    Plain hyperlinks (`<a href>`) are not loads and are allowed.
    """
    finder = _RefFinder()
    finder.feed(html)
    finder.close()
    return [ref for ref in finder.refs if _WEB.match(ref)]
