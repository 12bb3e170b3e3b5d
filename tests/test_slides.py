"""Offline slide decks (issue 7): build, web references, what Chromium shows, rebuild, handouts.

The browser tests open each deck from file:// with every other request aborted (tests/browser.py);
they skip without Chromium unless CI is set. Screenshots land in tests/screenshots/ (git-ignored).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import t
from jihua_kit.decks.assets import NODE_MODULES, external_refs
from jihua_kit.decks.build import build_deck, build_decks, prepare

from .browser import guarded_context, save_screenshot
from .conftest import REPO

pytestmark = pytest.mark.slow
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
GUIDE = REPO / "notebooks" / "00_guide.ipynb"
SLIDE_TYPES = {"slide", "subslide", "fragment", "notes", "skip", "-"}
# Loads a page makes: <script src>, <link href>, <img src>, CSS url()/@import. Written apart from
# jihua_kit.decks.assets so that a bug there cannot hide a web reference from this test.
_LOAD_ATTR = re.compile(
    r"<(?:script|link|img|source|iframe|video|audio|embed)\b[^>]*?\b(?:src|href|srcset)\s*=\s*[\"']?([^\"'\s>]+)", re.I
)
_CSS_LOAD = re.compile(r"(?:url\(\s*[\"']?|@import\s+[\"'])([^\"')\s]+)", re.I)
_WEB = re.compile(r"^(?:https?:)?//", re.I)


def _meta(nb_path: Path) -> dict:
    return json.loads(nb_path.read_text(encoding="utf-8"))["metadata"]["jihua_kit"]


def _loads(html: str) -> list[str]:
    """Every URL the page loads as script, style, font or image (CSS comments ignored)."""
    css = "\n".join(re.findall(r"<style[^>]*>(.*?)</style>", html, re.S | re.I))
    return _LOAD_ATTR.findall(html) + _CSS_LOAD.findall(re.sub(r"/\*.*?\*/", "", css, flags=re.S))


def need_reveal() -> None:
    """Skip (fail under CI) when reveal.js has not been installed from slides/package-lock.json."""
    if not (NODE_MODULES / "reveal.js" / "dist" / "reveal.js").is_file():
        reason = "reveal.js is not installed: run make slides (npm ci --prefix slides) once"
        if os.environ.get("CI"):
            pytest.fail(reason + " [CI is set, so this is a failure]")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def deck(tmp_path_factory) -> Path:
    """The chapter 00 deck, built into a fresh folder."""
    need_reveal()
    return build_deck(GUIDE, tmp_path_factory.mktemp("decks"))


def _open(page, deck_path: Path, fragment: str = "") -> None:
    page.goto(deck_path.as_uri() + fragment)
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    page.evaluate("document.fonts.ready.then(() => true)")
    page.evaluate("Reveal.configure({transition: 'none'})")


def _font_of(page, selector: str) -> list[dict]:
    """The fonts Chromium really used to draw the first node matching `selector`."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    assert node, selector
    return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]


# --- conventions every notebook follows (so a deck can be built from it) ------------------------


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_follows_the_slide_conventions(nb_path):
    nb = nbformat.read(nb_path, as_version=4)
    meta = nb.metadata["jihua_kit"]
    assert nb_path.stem.startswith(meta["chapter"] + "_"), "chapter must match the file name prefix"
    assert meta["title"].strip() and meta["goals"]
    for number, cell in enumerate(nb.cells, start=1):
        assert cell.metadata.get("slideshow", {}).get("slide_type") in SLIDE_TYPES, f"cell {number}"
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.metadata.slideshow.slide_type == "skip"
    for goal in meta["goals"]:  # the goals at the top of the notebook are the title slide's
        assert goal in first.source, goal


def test_guide_has_every_kind_of_slide_cell():
    kinds = {c.metadata.slideshow.slide_type for c in nbformat.read(GUIDE, as_version=4).cells}
    assert {"slide", "subslide", "fragment", "notes", "skip"} <= kinds


# --- the builder, without a browser --------------------------------------------------------------


def _tiny_notebook(**meta) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["jihua_kit"] = {"chapter": "99", "title": "测试章", "goals": ["目标甲", "目标乙"]} | meta
    nb.cells = [nbformat.v4.new_markdown_cell("正文", metadata={"slideshow": {"slide_type": "-"}})]
    return nb


def test_prepare_puts_a_title_slide_with_goals_and_caveat_first():
    out = prepare(_tiny_notebook(), "99_test.ipynb")
    title = out.cells[0]
    assert title.metadata.slideshow.slide_type == "slide"
    for text in ("测试章", "目标甲", "目标乙", t("slides.caveat"), t("slides.goals")):
        assert text in title.source
    assert out.cells[1].metadata.slideshow.slide_type == "slide"  # content never shares the title slide
    assert out.metadata.title == "99 测试章"


@pytest.mark.parametrize(
    ("meta", "field"),
    [({"goals": []}, "metadata.jihua_kit.goals"), ({"title": " "}, "metadata.jihua_kit.title")],
)
def test_prepare_names_the_missing_metadata(meta, field):
    with pytest.raises(KitError) as err:
        prepare(_tiny_notebook(**meta), "99_test.ipynb")
    assert err.value.field == field and err.value.where["file"] == "99_test.ipynb"
    bare = _tiny_notebook()
    del bare.metadata["jihua_kit"]
    with pytest.raises(KitError, match="metadata.jihua_kit"):
        prepare(bare, "99_test.ipynb")


def test_prepare_refuses_tex_math_and_drops_widget_views():
    nb = _tiny_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell("公式 $a+b$"))
    with pytest.raises(KitError, match="MathJax"):
        prepare(nb, "99_test.ipynb")
    nb = _tiny_notebook()
    widget = {"output_type": "display_data", "metadata": {}, "data": {"application/vnd.jupyter.widget-view+json": {}}}
    text = {"output_type": "stream", "name": "stdout", "text": "结果"}
    nb.cells.append(nbformat.v4.new_code_cell("w", outputs=[nbformat.from_dict(widget), nbformat.from_dict(text)]))
    nb.metadata["widgets"] = {"state": {}}
    out = prepare(nb, "99_test.ipynb")
    assert [o["output_type"] for o in out.cells[-1].outputs] == ["stream"] and "widgets" not in out.metadata


def test_external_refs_catches_every_kind_of_web_load():
    html = """<html><head>
    <script src="https://cdn.example/a.js"></script><link rel="stylesheet" href="http://cdn.example/b.css">
    <style>/* see https://example.org/comment */ @font-face { src: url("https://fonts.example/c.woff"); }
    @import "//cdn.example/d.css";</style>
    <script>var s = document.createElement('script'); s.src = 'https://cdn.example/e.js';</script>
    </head><body><img src="//cdn.example/f.png"><img srcset="https://cdn.example/g.png 2x">
    <div style="background: url(http://cdn.example/h.png)"></div>
    <a href="https://example.org/a-plain-link">ok</a><img src="assets/local.png"><img src="data:image/png;base64,AA">
    </body></html>"""
    assert sorted(external_refs(html)) == sorted(
        ["https://cdn.example/a.js", "http://cdn.example/b.css", "https://fonts.example/c.woff", "//cdn.example/d.css",
         "https://cdn.example/e.js", "//cdn.example/f.png", "https://cdn.example/g.png", "http://cdn.example/h.png"]
    )  # fmt: skip


def test_built_deck_loads_nothing_from_the_web_and_everything_from_beside_it(deck):
    html = deck.read_text(encoding="utf-8")
    loads = _loads(html)
    assert [u for u in loads if _WEB.match(u)] == []
    assert external_refs(html) == []
    local = {u.split("?")[0].split("#")[0] for u in loads if not u.startswith(("data:", "#"))}
    assert {"assets/reveal.js/dist/reveal.js", "assets/fonts/00_guide.woff"} <= local
    for url in local:  # every referenced file sits beside the deck
        assert (deck.parent / url).is_file(), url
    for css in (deck.parent / "assets").rglob("*.css"):  # reveal.js's own styles and their fonts
        for url in _CSS_LOAD.findall(re.sub(r"/\*.*?\*/", "", css.read_text(encoding="utf-8"), flags=re.S)):
            assert not _WEB.match(url), f"{css.name}: {url}"
            assert url.startswith("data:") or (css.parent / url.split("?")[0].split("#")[0]).is_file(), url


def test_built_deck_shows_outputs_hides_code_and_keeps_notes(deck):
    html = deck.read_text(encoding="utf-8")
    meta = _meta(GUIDE)
    assert f"<title>00 {meta['title']}</title>" in html
    assert all(goal in html for goal in meta["goals"])
    assert t("slides.caveat") in html
    assert 'src="data:image/png;base64,' in html  # the chart
    assert "<table" in html  # the parameter table
    assert 'class="notes"' in html and "讲解提示" in html  # speaker notes
    assert 'class="fragment' in html
    for code in ("store.parameters[pid]", "use_chinese_font()", "my_answers = {"):  # code inputs hidden
        assert code not in html, code
    assert "准备完成" not in html  # the skipped setup cell's output


def test_subset_font_holds_every_character_of_the_deck(deck):
    from fontTools.ttLib import TTFont

    cmap = TTFont(deck.parent / "assets" / "fonts" / "00_guide.woff").getBestCmap()
    text = deck.read_text(encoding="utf-8")
    chinese = {ch for ch in text if "\u4e00" <= ch <= "\u9fff"}
    assert len(chinese) > 200
    assert {ch for ch in chinese if ord(ch) not in cmap} == set()


def test_builder_will_not_empty_a_folder_it_did_not_make(tmp_path):
    (tmp_path / "mine.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(KitError) as err:
        build_deck(GUIDE, tmp_path)
    assert err.value.key == "slides.not_ours" and (tmp_path / "mine.txt").exists()


def test_index_links_every_deck(tmp_path):
    need_reveal()
    built = build_decks([GUIDE], tmp_path / "out")
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert [p.name for p in built] == ["00_guide.html"] and 'href="00_guide.html"' in index
    assert external_refs(index) == []


# --- what a person sees: headless Chromium, offline --------------------------------------------


def test_deck_opens_offline_with_title_chart_and_chinese_font(deck, page, browser_log, screenshot):
    _open(page, deck)
    title = page.locator(".reveal .slides section.present h1")
    assert title.is_visible() and _meta(GUIDE)["title"] in title.inner_text()
    assert page.locator("section.present .jk-caveat").is_visible()
    shot = screenshot("deck-00-title")
    # The shipped subset font draws the Chinese, not a system font (and not boxes).
    for selector in ("section.present h1", "section.present .jk-caveat"):
        fonts = _font_of(page, selector)
        assert fonts and all(f["isCustomFont"] and "Noto Sans CJK SC" in f["familyName"] for f in fonts), fonts

    h, v = page.evaluate(
        "(() => { const i = Reveal.getIndices(document.querySelector('.reveal img[src^=\"data:image/png\"]')"
        ".closest('section')); return [i.h, i.v]; })()"
    )
    page.evaluate(f"Reveal.slide({h}, {v})")
    chart = page.locator(".reveal .slides section.present img[src^='data:image/png']").first
    chart.wait_for(state="visible")
    box = chart.bounding_box()
    assert box and box["width"] > 400 and box["height"] > 200
    assert box["y"] + box["height"] <= page.viewport_size["height"]
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", chart.element_handle())
    screenshot("deck-00-chart")
    assert browser_log.blocked == [] and browser_log.errors == [] and browser_log.console_errors == []
    assert shot.stat().st_size > 10_000


def test_deck_renders_chinese_on_a_machine_without_cjk_fonts(deck, tmp_path, browser_without_cjk_fonts, browser_log):
    context = guarded_context(browser_without_cjk_fonts, browser_log)
    try:
        page = context.new_page()
        control = tmp_path / "control.html"  # Chinese with no font shipped: must fall back to boxes here
        control.write_text('<html lang="zh"><body><p>中文字体测试</p></body></html>', encoding="utf-8")
        page.goto(control.as_uri())
        assert not any("CJK" in f["familyName"] or "WenQuanYi" in f["familyName"] for f in _font_of(page, "p"))
        _open(page, deck)
        for selector in ("section.present h1", "section.present .jk-caveat", "section.present li"):
            fonts = _font_of(page, selector)
            assert fonts and all(f["isCustomFont"] for f in fonts), (selector, fonts)
        save_screenshot(page, "deck-00-no-system-cjk")
        assert browser_log.blocked == [] and browser_log.errors == []
    finally:
        context.close()


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_deck_fits_its_slides_and_runs_clean(nb_path, tmp_path, page, browser_log):
    need_reveal()
    built = build_deck(nb_path, tmp_path)
    _open(page, built)
    too_tall = page.evaluate(
        """(() => {
      const out = [], height = Reveal.getConfig().height;
      for (const s of Reveal.getSlides()) {
        const i = Reveal.getIndices(s); Reveal.slide(i.h, i.v);
        const name = (s.querySelector('h1,h2,h3') || s).textContent.slice(0, 30);
        if (s.scrollHeight > height) out.push(`${i.h}/${i.v} ${name}`);
      }
      return out; })()"""
    )
    assert too_tall == [], "slides taller than the screen (split them with subslides): " + "; ".join(too_tall)
    assert browser_log.blocked == [] and browser_log.errors == []


def test_speaker_view_shows_notes_in_the_shipped_font(deck, page, browser_log, screenshot):
    _open(page, deck)
    h, v = page.evaluate(
        "(() => { const i = Reveal.getIndices(document.querySelector('aside.notes').closest('section'));"
        " return [i.h, i.v]; })()"
    )
    page.evaluate(f"Reveal.slide({h}, {v})")
    with page.expect_popup() as popup:
        page.keyboard.press("s")
    speaker = popup.value
    notes = speaker.locator(".speaker-controls-notes .value")
    notes.wait_for(state="visible")
    speaker.wait_for_function(
        "document.querySelector('.speaker-controls-notes .value').textContent.includes('讲解提示')"
    )
    fonts = _font_of(speaker, ".speaker-controls-notes .value p")
    assert fonts and all(f["isCustomFont"] for f in fonts), fonts
    screenshot("deck-00-speaker", target=speaker)
    assert browser_log.blocked == [] and browser_log.errors == []


def test_browser_guard_blocks_and_records_web_requests(tmp_path, page, browser_log):
    html = tmp_path / "leaky.html"
    html.write_text('<html><body><img src="https://example.com/x.png"><p>本地</p></body></html>', encoding="utf-8")
    page.goto(html.as_uri())
    page.wait_for_load_state("load")
    assert browser_log.blocked == ["https://example.com/x.png"]


def test_rebuild_after_editing_a_notebook_shows_the_edit(tmp_path, page, browser_log):
    need_reveal()
    copy = tmp_path / "nb" / GUIDE.name
    copy.parent.mkdir()
    shutil.copy(GUIDE, copy)
    out = tmp_path / "out"
    build_decks([copy], out)
    nb = nbformat.read(copy, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "markdown" and c.metadata.slideshow.slide_type == "slide")
    marker = "讲师改过：鸭舌帽与蜻蜓"  # characters found nowhere else in the deck
    assert marker not in (out / "00_guide.html").read_text(encoding="utf-8")
    cell.source = f"## {marker}\n\n第二次生成后应当看到这一页。"
    nbformat.write(nb, copy)
    build_decks([copy], out)
    _open(page, out / "00_guide.html")
    page.evaluate("Reveal.slide(1, 0)")
    assert page.get_by_role("heading", name=marker).is_visible()
    fonts = _font_of(page, "section.present h2[id]")
    assert fonts and all(f["isCustomFont"] for f in fonts), fonts  # the new characters are in the new subset
    assert browser_log.blocked == [] and browser_log.errors == []


def _handouts_module():
    spec = importlib.util.spec_from_file_location("handouts", REPO / "slides" / "handouts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_handout_pdf_has_one_16_by_9_page_per_slide(deck, browser, page):
    handouts = _handouts_module()
    assert handouts.skip_reason() is None
    _open(page, deck)
    slides = page.evaluate("Reveal.getTotalSlides()")
    pdf, _a4 = handouts.print_decks(deck.parent, browser, everything=True)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert max(int(n) for n in re.findall(rb"/Count (\d+)", data)) == slides
    boxes = {tuple(float(x) for x in box.split()) for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data)}
    assert len(boxes) == 1
    (x0, y0, x1, y1) = boxes.pop()
    assert abs((x1 - x0) / (y1 - y0) - 16 / 9) < 0.01


# --- what a projected slide looks like (issue 16) ------------------------------------------------


def _goto(page, selector: str) -> None:
    """Show the slide holding the first element matching `selector` (fragments all shown)."""
    page.evaluate("Reveal.configure({fragments: false})")
    h, v = page.evaluate(
        f"(() => {{ const i = Reveal.getIndices(document.querySelector({json.dumps(selector)}).closest('section'));"
        " return [i.h, i.v || 0]; })()"
    )
    page.evaluate(f"Reveal.slide({h}, {v})")


@pytest.fixture(scope="module")
def decks(tmp_path_factory) -> Path:
    """Chapters 02, 03 and 04 built into one folder (printed tables, wide tables, the target chart)."""
    need_reveal()
    out = tmp_path_factory.mktemp("decks16")
    build_decks([REPO / "notebooks" / f"{n}.ipynb" for n in ("02_statistics", "03_incentives", "04_exams_targets")],
                out)  # fmt: skip
    return out


def test_printed_results_use_the_decks_proportional_font(deck, page, screenshot):
    _open(page, deck)
    selector = "section .jp-OutputArea-output pre"
    _goto(page, selector)
    fonts = _font_of(page, "section.present .jp-OutputArea-output pre")
    assert fonts and all(f["isCustomFont"] and "Mono" not in f["familyName"] for f in fonts), fonts
    style = page.evaluate("getComputedStyle(document.querySelector('section.present .jp-OutputArea-output pre'))"
                          ".whiteSpace")  # fmt: skip
    assert style == "pre-wrap"
    screenshot("deck-00-printed")


def test_a_printed_text_table_keeps_its_columns_aligned(decks, page, screenshot):
    _open(page, decks / "02_statistics.html")
    _goto(page, "pre.jk-mono")
    fonts = _font_of(page, "section.present pre.jk-mono")
    assert fonts and all("Mono" in f["familyName"] for f in fonts), fonts
    screenshot("deck-02-score-table")


def test_tables_wrap_the_long_name_column_not_two_characters_a_line(decks, page, screenshot):
    _open(page, decks / "03_incentives.html")
    _goto(page, ".jp-OutputArea-output table tbody th")
    widths = page.evaluate(
        """(() => { const t = document.querySelector('section.present .jp-OutputArea-output table');
        const size = parseFloat(getComputedStyle(t).fontSize);
        return {size, names: [...t.querySelectorAll('tbody th')].map(c => c.getBoundingClientRect().width),
                cells: [...t.querySelectorAll('td')].map(c => c.getBoundingClientRect().width),
                right: t.getBoundingClientRect().right}; })()"""
    )
    assert min(widths["names"]) >= 8 * widths["size"]  # a name column at least eight characters wide
    assert min(widths["cells"]) >= 3 * widths["size"]  # no column squeezed to two characters a line
    assert widths["right"] <= page.viewport_size["width"]
    screenshot("deck-03-table")


def test_target_chart_labels_are_at_least_16_px_on_the_projector(decks, page, screenshot):
    from jihua_kit.explanations.targets_chart import CHART_FONT, CHART_WIDTH

    _open(page, decks / "04_exams_targets.html")
    images = page.evaluate(
        """[...document.querySelectorAll('.reveal img[src^="data:image/png"]')].map(img => {
          const i = Reveal.getIndices(img.closest('section')); return [i.h, i.v || 0]; })"""
    )
    sizes = []
    for h, v in images:  # the chart of 七·2、七·3: the one whose slide says 完成程度
        page.evaluate(f"Reveal.slide({h}, {v})")
        if "完成程度" not in page.locator("section.present:not(.stack) h2").first.inner_text():
            continue
        box = page.locator("section.present:not(.stack) img[src^='data:image/png']").first.bounding_box()
        sizes.append(CHART_FONT / 72 * box["width"] / CHART_WIDTH)  # the labels' height in CSS pixels
        screenshot("deck-04-targets-chart")
    assert sizes and min(sizes) >= 16, sizes


def test_handouts_come_slide_sized_and_on_a4_and_current_ones_are_kept(deck, browser, page):
    handouts = _handouts_module()
    _open(page, deck)
    slides = page.evaluate("Reveal.getTotalSlides()")
    first = handouts.print_decks(deck.parent, browser, everything=True)
    assert [p.name for p in first] == ["00_guide.pdf", "00_guide-A4.pdf"]
    a4 = first[1].read_bytes()
    boxes = {tuple(round(float(x)) for x in b.split()) for b in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", a4)}
    assert boxes == {(0, 0, 595, 842)}  # A4 portrait, in points
    pages = max(int(n) for n in re.findall(rb"/Count (\d+)", a4))
    assert pages == -(-slides // handouts.PER_PAGE)  # three slides to a page
    assert handouts.print_decks(deck.parent, browser) == []  # current: not printed again
    os.utime(deck)  # the deck changed
    assert len(handouts.print_decks(deck.parent, browser)) == 2


def test_make_handouts_does_not_rebuild_current_decks(tmp_path):
    need_reveal()
    out = tmp_path / "out"
    assert [p.name for p in build_decks([GUIDE], out)] == ["00_guide.html"]
    assert build_decks([GUIDE], out, changed_only=True) == []
    deck_time = (out / "00_guide.html").stat().st_mtime
    copy = tmp_path / GUIDE.name
    shutil.copy(GUIDE, copy)
    assert build_decks([copy], out, changed_only=True) == [out / "00_guide.html"]  # a newer notebook
    assert (out / "00_guide.html").stat().st_mtime >= deck_time


# --- the quiz: a question-only deck for trainees, an answer key for the trainer (issue 13) ------------

QUIZ_NB = REPO / "notebooks" / "07_quiz.ipynb"


def _answer_marks(lang: str = "zh") -> list[str]:
    """Texts that only an answer carries: each question's reason and the answer's heading."""
    from jihua_kit.course.quiz import load_quiz

    quiz = load_quiz(lang)
    marks = [q.why[lang] for q in quiz.questions]
    marks += [t("quiz.answer", lang, n=n, answer="").rstrip("：: ") for n in range(1, len(quiz) + 1)]
    return marks


def _visible(html: str) -> str:
    """The text of a deck (tags out), with entities as characters."""
    import html as html_lib

    return html_lib.unescape(re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="module")
def quiz_decks(tmp_path_factory) -> tuple[Path, Path]:
    need_reveal()
    out = tmp_path_factory.mktemp("quiz-decks")
    decks = build_decks([QUIZ_NB], out)
    assert [d.name for d in decks] == ["07_quiz.html", "07_quiz-answer-key.html"]
    return decks[0], decks[1]


def test_quiz_deck_for_trainees_holds_no_answer(quiz_decks):
    deck, _ = quiz_decks
    text = _visible(deck.read_text(encoding="utf-8"))
    leaked = [m for m in _answer_marks() if m in text]
    assert leaked == [], leaked[:3]
    assert "第20题 / 共20题" in text and "jihua-quiz-answer" not in deck.read_text(encoding="utf-8")


def test_answer_key_holds_every_answer_and_says_who_it_is_for(quiz_decks):
    deck, key = quiz_decks
    text = _visible(key.read_text(encoding="utf-8"))
    assert [m for m in _answer_marks() if m not in text] == []
    assert "答案页（讲师用）" in text and "不要把答案页或它的讲义发给学员" in text
    assert external_refs(key.read_text(encoding="utf-8")) == []
    index = (deck.parent / "index.html").read_text(encoding="utf-8")
    trainees, trainer = index.split("讲师用：答案页")
    assert 'href="07_quiz.html"' in trainees and 'href="07_quiz-answer-key.html"' in trainer


def test_answer_key_slides_fit_and_run_clean(quiz_decks, page, browser_log):
    _, key = quiz_decks
    _open(page, key)
    assert page.evaluate("Reveal.getTotalSlides()") == 1 + 2 * 20
    too_tall = page.evaluate(
        """(() => { const out = [], height = Reveal.getConfig().height;
      for (const s of Reveal.getSlides()) { const i = Reveal.getIndices(s); Reveal.slide(i.h, i.v);
        if (s.scrollHeight > height) out.push(`${i.h}/${i.v}`); }
      return out; })()"""
    )
    assert too_tall == [] and browser_log.blocked == [] and browser_log.errors == []


def test_handouts_put_the_answer_key_apart(quiz_decks, browser):
    deck, _ = quiz_decks
    pdfs = _handouts_module().print_decks(deck.parent, browser)
    names = sorted(str(p.relative_to(deck.parent / "handouts")) for p in pdfs)
    assert names == [
        "07_quiz-A4.pdf",
        "07_quiz.pdf",
        "trainer/07_quiz-answer-key-A4.pdf",
        "trainer/07_quiz-answer-key.pdf",
    ]
    student = (deck.parent / "handouts" / "07_quiz.pdf").read_bytes()
    assert student.startswith(b"%PDF") and max(int(n) for n in re.findall(rb"/Count (\d+)", student)) > 20


def test_a_bad_answer_key_kind_is_named(tmp_path):
    nb = nbformat.read(QUIZ_NB, as_version=4)
    nb.metadata["jihua_kit"]["answer_key"] = "essay"
    bad = tmp_path / "07_quiz.ipynb"
    nbformat.write(nb, bad)
    with pytest.raises(KitError) as err:
        build_decks([bad], tmp_path / "out", node_modules=NODE_MODULES)
    assert err.value.key == "slides.bad_answer_key" and err.value.field == "metadata.jihua_kit.answer_key"
