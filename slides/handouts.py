"""`make handouts`: two PDFs of every deck in slides/build/, in slides/build/handouts/:
`<deck>.pdf` with one 16:9 page per slide (to project or to print full size), and
`<deck>-A4.pdf` with three slides to an A4 page (to hand out and write on). The trainer's answer
keys (`*-answer-key.html`) go to slides/build/handouts/trainer/, apart.

Headless Chromium prints each deck opened with `?print-pdf` (reveal.js's print layout). The print
is driven through the `playwright` package (dev extra) with Debian's /usr/bin/chromium, because the
bare `chromium --headless --print-to-pdf` prints before reveal.js has finished its print layout
(seen with Chromium 156: Letter pages instead of one 16:9 page per slide). The A4 handout is made
of screenshots of the slides at 1280×720 (every fragment shown), laid out three to a page and
printed on A4. Every request that is not a local file is refused, as in the tests. A PDF newer
than its deck is kept (`--all` prints every deck again). Without Chromium or playwright this
prints why and exits 0, so `make handouts` is skipped with a clear message rather than failing.

    python slides/handouts.py [--build DIR] [--all]
"""

from __future__ import annotations

import argparse
import base64
import html
import os
import sys
from pathlib import Path

from jihua_kit.core.chromium import LAUNCH_ARGS, chromium_path
from jihua_kit.decks.answer_key import KEY_SUFFIX

BUILD = Path(__file__).resolve().parent / "build"
PER_PAGE = 3  # slides on an A4 page (portrait): 180 mm wide each, text still about 12 pt
_PDF_READY = """() => new Promise(done => {
  if (document.querySelector('.reveal .pdf-page')) return done(true);
  Reveal.on('pdf-ready', () => done(true));
})"""
_A4_CSS = """
@page { size: A4 portrait; margin: 12mm 15mm; }
body { margin: 0; font-family: "JihuaKit CJK", sans-serif; }
.page { page-break-after: always; break-after: page; height: 270mm; display: flex; flex-direction: column; }
.page:last-child { page-break-after: auto; break-after: auto; }
header { font-size: 10pt; color: #555; border-bottom: 1px solid #bbb; margin-bottom: 4mm; display: flex;
         justify-content: space-between; }
img { width: 180mm; height: auto; border: 1px solid #999; margin: 0 0 6mm 0; display: block; }
"""


def skip_reason() -> str | None:
    """Why handouts cannot be printed here (zh / en), or None."""
    if chromium_path() is None:
        return (
            "跳过讲义 PDF：本机没有安装 Chromium（apt-get install -y --no-install-recommends chromium）。\n"
            "Skipping handouts: Chromium is not installed (apt-get install -y --no-install-recommends chromium)."
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return (
            "跳过讲义 PDF：缺少 playwright 包（make setup 会安装）。\n"
            "Skipping handouts: the playwright package is missing (make setup installs it)."
        )
    return None


def _current(pdf: Path, deck: Path) -> bool:
    return pdf.exists() and pdf.stat().st_mtime >= deck.stat().st_mtime


def _guarded_page(browser, **kwargs):
    page = browser.new_page(**kwargs)
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    return page


def _slide_pdf(page, deck: Path, pdf: Path) -> None:
    page.goto(deck.as_uri() + "?print-pdf")
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    page.evaluate(_PDF_READY)
    page.evaluate("document.fonts.ready.then(() => true)")
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)


def slide_images(page, deck: Path) -> list[bytes]:
    """A PNG of every slide at 1280×720, with all its fragments shown (speaker notes left out)."""
    page.goto(deck.as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    page.evaluate("document.fonts.ready.then(() => true)")
    page.evaluate("Reveal.configure({transition: 'none', backgroundTransition: 'none', fragments: false, "
                  "controls: false, progress: false, slideNumber: false})")  # fmt: skip
    where = page.evaluate("Reveal.getSlides().map(s => { const i = Reveal.getIndices(s); return [i.h, i.v || 0]; })")
    shots = []
    for h, v in where:
        page.evaluate(f"Reveal.slide({h}, {v})")
        page.wait_for_timeout(50)
        shots.append(page.screenshot(type="png"))
    return shots


def a4_html(title: str, shots: list[bytes], per_page: int = PER_PAGE, font: str = "") -> str:
    """A page per `per_page` slides, each a screenshot 180 mm wide, headed with the deck's title."""
    pages = []
    total = (len(shots) + per_page - 1) // per_page
    for k in range(total):
        imgs = "".join(
            f'<img alt="" src="data:image/png;base64,{base64.b64encode(s).decode()}">'
            for s in shots[k * per_page : (k + 1) * per_page]
        )
        head = f"<header><span>{html.escape(title)}</span><span>{k + 1} / {total}</span></header>"
        pages.append(f'<section class="page">{head}{imgs}</section>')
    face = f'@font-face {{ font-family: "JihuaKit CJK"; src: url("{font}") format("woff"); }}' if font else ""
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{face}{_A4_CSS}</style></head><body>{''.join(pages)}</body></html>")  # fmt: skip


def print_decks(build: Path = BUILD, browser=None, everything: bool = False) -> list[Path]:
    """Print every deck of `build` to `build/handouts/<deck>.pdf` (slide-sized) and
    `<deck>-A4.pdf` (three slides per A4 page); returns the PDFs written (a PDF newer than its
    deck is kept unless `everything`).

    `browser` is a running playwright Chromium to reuse (the tests pass theirs); else one is started.
    """
    decks = sorted(p for p in build.glob("*.html") if p.name != "index.html")
    if not decks:
        raise SystemExit(f"没有幻灯片，请先运行 make slides / no decks in {build}: run make slides first")
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            own = pw.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS)
            try:
                return print_decks(build, own, everything)
            finally:
                own.close()
    out = build / "handouts"
    out.mkdir(exist_ok=True)
    printer = _guarded_page(browser)
    camera = _guarded_page(browser, viewport={"width": 1280, "height": 720})
    pdfs = []
    for deck in decks:
        folder = out / "trainer" if deck.stem.endswith(KEY_SUFFIX) else out  # answer keys apart, for the trainer
        folder.mkdir(exist_ok=True)
        slide_pdf, a4_pdf = folder / f"{deck.stem}.pdf", folder / f"{deck.stem}-A4.pdf"
        if not everything and _current(slide_pdf, deck) and _current(a4_pdf, deck):
            continue
        _slide_pdf(printer, deck, slide_pdf)
        shots = slide_images(camera, deck)
        title = camera.title() or deck.stem
        sheet = folder / f".{deck.stem}-A4.html"
        font = os.path.relpath(
            build / "assets" / "fonts" / f"{deck.stem}.woff", folder
        )  # the deck's own subset holds its title's characters
        sheet.write_text(a4_html(title, shots, font=font), encoding="utf-8")
        printer.goto(sheet.as_uri())
        printer.pdf(path=str(a4_pdf), format="A4", print_background=True, prefer_css_page_size=True)
        sheet.unlink()
        pdfs += [slide_pdf, a4_pdf]
    printer.close()
    camera.close()
    return pdfs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=BUILD, help="folder holding the decks (default slides/build)")
    parser.add_argument("--all", action="store_true", help="print every deck again, even when its PDFs are current")
    args = parser.parse_args(argv)
    reason = skip_reason()
    if reason:
        print(reason)
        return 0
    pdfs = print_decks(args.build, everything=args.all)
    for pdf in pdfs:
        print(pdf)
    if not pdfs:
        print("讲义都是最新的，没有重新打印。 / Every handout is current; nothing printed again.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
