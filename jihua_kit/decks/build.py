"""Offline reveal.js decks from the training notebooks: one deck per notebook, all assets beside it.

Conventions (also in slides/README.md, "For notebook authors"):
- `metadata.jihua_kit = {"chapter": "00", "title": "...", "goals": ["...", ...]}` in the notebook;
  the builder turns it into the title slide (chapter, title, goals, the 2013-snapshot caveat).
- Each cell's `metadata.slideshow.slide_type` is slide / subslide / fragment / notes / skip / "-".
- Code inputs are hidden; their outputs (charts, tables, printed text) are shown. Widgets do not
  run in a deck and are left out; markdown must not use TeX math (no MathJax is shipped).

Layout of a build folder: `<stem>.html` per notebook, `index.html` listing them, `assets/reveal.js/`
(copied from slides/node_modules) and `assets/fonts/<stem>.woff` + `<stem>-mono.woff` (subsets).
A chapter with `"answer_key": "quiz"` in its metadata (07) also gets the trainer's answer key,
`<stem>-answer-key.html` (see `slide_answer_key`), listed apart on the index page.
"""

from __future__ import annotations

import copy
import html
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

import nbformat

from jihua_kit.core.charts import font_path
from jihua_kit.core.checkout import checkout
from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import t
from jihua_kit.core.paths import REPO_ROOT
from jihua_kit.decks.answer_key import KEY_SUFFIX, answer_key_notebook, has_answer_key, is_answer_key
from jihua_kit.decks.assets import (
    copy_reveal,
    external_refs,
    mono_font_path,
    subset_font,
    write_font_license,
)

NOTEBOOKS = REPO_ROOT / "notebooks"
BUILD = REPO_ROOT / "slides" / "build"
TEMPLATES = REPO_ROOT / "slides" / "templates"
TEMPLATE = "jihua"
META_KEY = "jihua_kit"
MARKER = ".jihua-slides"  # marks a folder the builder made, so it may empty it
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_NBCONVERT_ALT = 'alt="No description has been provided for this image"'  # nbconvert's, in English
_MATH = re.compile(r"\$|\\\(|\\\[")
_TEXT_TABLE = re.compile(r"^-{2,}(?: {2}-{2,})+\s*$", re.M)  # the rule under a textfmt.table header
# Deck geometry (16:9 projector); reveal.js scales it to the screen.
REVEAL = {"reveal_theme": "white", "reveal_transition": "slide", "reveal_number": "c/t",
          "reveal_width": "1280", "reveal_height": "720"}  # fmt: skip


def chapter_meta(nb: nbformat.NotebookNode, name: str) -> dict:
    """The notebook's `metadata.jihua_kit` (chapter, title, goals), checked."""
    meta = nb.metadata.get(META_KEY)
    if not isinstance(meta, dict):
        raise KitError("slides.bad_meta", file=name, field=f"metadata.{META_KEY}")
    for key in ("chapter", "title"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            raise KitError("slides.bad_meta", file=name, field=f"metadata.{META_KEY}.{key}")
    goals = meta.get("goals")
    if not isinstance(goals, list) or not goals or not all(isinstance(g, str) and g.strip() for g in goals):
        raise KitError("slides.bad_meta", file=name, field=f"metadata.{META_KEY}.goals")
    return meta


def slide_type(cell: nbformat.NotebookNode) -> str:
    """A cell's slide type; '-' (continue the current slide) when unset."""
    return cell.metadata.get("slideshow", {}).get("slide_type", "-")


def title_cell(meta: dict, lang: str = "zh") -> nbformat.NotebookNode:
    """The title slide: a markdown cell with the chapter, title, goals and the 2013 caveat."""
    esc = html.escape
    goals = "\n".join(f"<li>{esc(goal)}</li>" for goal in meta["goals"])
    source = (
        f'<p class="jk-kicker">{esc(t("slides.kicker", lang, chapter=meta["chapter"]))}</p>\n\n'
        f"# {esc(meta['title'])}\n\n"
        f"<h3>{esc(t('slides.goals', lang))}</h3>\n"
        f'<ol class="jk-goals">\n{goals}\n</ol>\n\n'
        f'<p class="jk-caveat">{esc(t("slides.caveat", lang))}</p>\n'
    )
    return nbformat.v4.new_markdown_cell(source, metadata={"slideshow": {"slide_type": "slide"}})


def prepare(nb: nbformat.NotebookNode, name: str, lang: str = "zh") -> nbformat.NotebookNode:
    """A copy of `nb` ready for the exporter: title slide first, widgets out, math refused."""
    meta = chapter_meta(nb, name)
    out = copy.deepcopy(nb)
    for number, cell in enumerate(out.cells, start=1):
        if cell.cell_type == "markdown" and _MATH.search(cell.source):
            raise KitError("slides.math", file=name, cell=number)
        if cell.cell_type == "code":  # a widget has no kernel in a deck: drop its view, keep the rest
            cell.outputs = [_printed(o) for o in cell.outputs if WIDGET_VIEW not in o.get("data", {})]
    out.metadata.pop("widgets", None)
    shown = [c for c in out.cells if slide_type(c) not in ("skip", "notes")]
    if shown and slide_type(shown[0]) != "slide":  # the first content never shares the title slide
        shown[0].metadata.setdefault("slideshow", {})["slide_type"] = "slide"
    out.cells.insert(0, title_cell(meta, lang))
    out.metadata["title"] = f"{meta['chapter']} {meta['title']}"
    return out


_CELL = re.compile(r"<(td|th)>([^<]*)</\1>")
_CODE = re.compile(r"（[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+(?:=[A-Za-z0-9_]+)?）")
SHORT_CELL = 12  # characters: an amount, a section, 是/否 — kept on one line in a deck's table


def dress_tables(html_text: str) -> str:
    """A pandas table as a deck shows it: short cells (amounts, sections) on one line (class
    `jk-short`) so the long text columns take the wrapping, and each rule code after a name as a
    small grey label that never breaks (`jk-code`)."""

    def cell(m: re.Match) -> str:
        tag, text = m.group(1), m.group(2)
        short = len(html.unescape(text).strip()) <= SHORT_CELL
        text = _CODE.sub(lambda c: f'<span class="jk-code">{c.group(0)}</span>', text)
        return f'<{tag} class="jk-short">{text}</{tag}>' if short else f"<{tag}>{text}</{tag}>"

    return _CELL.sub(cell, html_text)


def _printed(output: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Printed text reads in the deck's proportional CJK font (jihua.css); a text table whose columns
    line up with spaces keeps a fixed-width font, marked `jk-mono`. Tables are dressed for a deck."""
    data = output.get("data", {})
    if "text/html" in data and "<table" in "".join(data["text/html"]):
        output = copy.deepcopy(output)
        output["data"]["text/html"] = dress_tables("".join(data["text/html"]))
        return output
    if output.get("output_type") != "stream" or output.get("name") != "stdout":
        return output
    text = output.get("text", "")
    if not _TEXT_TABLE.search(text):
        return output
    block = f'<pre class="jk-mono">{html.escape(text.rstrip())}</pre>'
    return nbformat.v4.new_output("display_data", data={"text/html": block, "text/plain": text})


def _exporter():
    from nbconvert import SlidesExporter

    checkout("slides/templates")
    return SlidesExporter(
        extra_template_basedirs=[str(TEMPLATES)],
        template_name=TEMPLATE,
        reveal_url_prefix="assets/reveal.js",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        language_code="zh",
        **REVEAL,
    )


def render(notebook: Path, lang: str = "zh", answer_key: bool = False) -> str:
    """The deck's HTML for one notebook (no files written); refuses any web reference. With
    `answer_key`, the trainer's answer key of the chapter instead (see `slide_answer_key`)."""
    nb = nbformat.read(notebook, as_version=4)
    stem = notebook.stem
    if answer_key:
        nb, stem = answer_key_notebook(chapter_meta(nb, notebook.name), lang), stem + KEY_SUFFIX
    resources = {
        "metadata": {"name": stem, "path": str(notebook.parent)},
        "jihua": {"font_url": f"assets/fonts/{stem}.woff", "mono_url": f"assets/fonts/{stem}-mono.woff"},
    }
    body, _ = _exporter().from_notebook_node(prepare(nb, notebook.name, lang), resources=resources)
    body = body.replace(" slides</title>", "</title>", 1).replace(
        _NBCONVERT_ALT, f'alt="{t("slides.image_alt", lang)}"'
    )
    refs = external_refs(body)
    if refs:
        raise KitError("slides.external", file=notebook.name, got=refs[0])
    return body


def build_deck(
    notebook: Path, out_dir: Path = BUILD, lang: str = "zh", node_modules: Path | None = None, answer_key: bool = False
) -> Path:
    """Build `<out_dir>/<stem>.html` (or the answer key, `<stem>-answer-key.html`) with its assets."""
    out_dir = Path(out_dir)
    _claim(out_dir)
    copy_reveal(out_dir / "assets", node_modules)
    body = render(Path(notebook), lang, answer_key)
    stem = Path(notebook).stem + (KEY_SUFFIX if answer_key else "")
    fonts = out_dir / "assets" / "fonts"
    subset_font(font_path(), body, fonts / f"{stem}.woff")
    subset_font(mono_font_path(), body, fonts / f"{stem}-mono.woff")
    write_font_license(fonts)
    deck = out_dir / f"{stem}.html"
    deck.write_text(body, encoding="utf-8")
    return deck


def is_current(notebook: Path, deck: Path) -> bool:
    """Whether `deck` is newer than its notebook, the deck template (CSS included) and this builder."""
    if not deck.is_file():
        return False
    sources = [Path(notebook), Path(__file__), *(p for p in TEMPLATES.rglob("*") if p.is_file())]
    return deck.stat().st_mtime >= max(p.stat().st_mtime for p in sources)


def build_decks(
    notebooks: Sequence[Path] | None = None,
    out_dir: Path = BUILD,
    lang: str = "zh",
    node_modules: Path | None = None,
    changed_only: bool = False,
) -> list[Path]:
    """Build one deck per notebook (default: every `notebooks/*.ipynb`) and an index page; returns
    the decks built.

    Building all of `notebooks/` first empties `out_dir` (only if the builder made it), so a
    renamed or deleted chapter leaves no stale deck behind. With `changed_only`, a deck newer than
    its notebook and the template is kept as it is, and only the decks of chapters that are gone
    are removed (`make handouts` uses this: current decks are not rebuilt).
    """
    checkout("slides/")
    out_dir = Path(out_dir)
    if notebooks is None:
        notebooks = sorted(NOTEBOOKS.glob("*.ipynb"))
        if not notebooks:
            raise KitError("slides.no_notebooks", path=NOTEBOOKS)
        if not changed_only:
            _empty(out_dir)
        elif out_dir.exists():
            _claim(out_dir)
            stems = {Path(nb).stem for nb in notebooks}
            for deck in out_dir.glob("*.html"):
                if deck.name != "index.html" and deck.stem.removesuffix(KEY_SUFFIX) not in stems:
                    deck.unlink()
    for nb in notebooks:
        if not Path(nb).is_file():
            raise KitError("slides.no_notebooks", path=nb)
    decks = []
    for nb in map(Path, notebooks):
        keyed = has_answer_key(chapter_meta(nbformat.read(nb, as_version=4), nb.name), nb.name)
        for answer_key in (False, True) if keyed else (False,):
            deck = out_dir / f"{nb.stem}{KEY_SUFFIX if answer_key else ''}.html"
            if not (changed_only and is_current(nb, deck)):
                decks.append(build_deck(nb, out_dir, lang, node_modules, answer_key=answer_key))
    if decks or not (out_dir / "index.html").exists():
        write_index(out_dir, lang)
    return decks


def write_index(out_dir: Path, lang: str = "zh") -> Path:
    """`index.html`: a link to every deck in `out_dir`, titled from the decks themselves."""
    items, keys = [], []
    for deck in sorted(out_dir.glob("*.html")):
        if deck.name == "index.html":
            continue
        found = re.search(r"<title>(.*?)</title>", deck.read_text(encoding="utf-8"), re.DOTALL)
        label = found.group(1).strip() if found else deck.stem  # already escaped by the exporter
        (keys if is_answer_key(deck.name) else items).append(f'<li><a href="{html.escape(deck.name)}">{label}</a></li>')
    if keys:  # the trainer's answer keys, apart from the decks trainees may see
        items.append(f"</ul>\n<h2>{html.escape(t('slides.index_keys', lang))}</h2>\n<ul>")
        items += keys
    title, hint = html.escape(t("slides.index_title", lang)), html.escape(t("slides.index_hint", lang))
    page = (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>\n"
        '@font-face { font-family: "JihuaKit CJK"; src: url("assets/fonts/index.woff") format("woff"); }\n'
        'body { font-family: "JihuaKit CJK", sans-serif; margin: 3em; font-size: 24px; line-height: 1.8; }\n'
        "</style>\n</head>\n<body>\n"
        f"<h1>{title}</h1>\n<p>{hint}</p>\n<ul>\n" + "\n".join(items) + "\n</ul>\n</body>\n</html>\n"
    )
    subset_font(font_path(), page, out_dir / "assets" / "fonts" / "index.woff")
    index = out_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def _claim(out_dir: Path) -> None:
    """Create `out_dir` (or accept an empty one / one we made) and mark it as the builder's."""
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / MARKER).exists():
        raise KitError("slides.not_ours", path=out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / MARKER).touch()


def _empty(out_dir: Path) -> None:
    """Remove a previous build, but only a folder the builder marked as its own."""
    if not out_dir.exists():
        return
    _claim(out_dir)
    shutil.rmtree(out_dir)
