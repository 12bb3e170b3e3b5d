"""`make handouts`: a PDF of every deck in slides/build/ (one page per slide), in slides/build/handouts/;
the trainer's answer keys (`*-answer-key.html`) go to slides/build/handouts/trainer/, apart.

Headless Chromium prints each deck opened with `?print-pdf` (reveal.js's print layout). The print
is driven through the `playwright` package (dev extra) with Debian's /usr/bin/chromium, because the
bare `chromium --headless --print-to-pdf` prints before reveal.js has finished its print layout
(seen with Chromium 156: Letter pages instead of one 16:9 page per slide). Every request that is
not a local file is refused, as in the tests. Without Chromium or playwright this prints why and
exits 0, so `make handouts` is skipped with a clear message rather than failing.

    python slides/handouts.py [--build DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from jihua_kit.chromium import LAUNCH_ARGS, chromium_path
from jihua_kit.slide_answer_key import KEY_SUFFIX

BUILD = Path(__file__).resolve().parent / "build"
_PDF_READY = """() => new Promise(done => {
  if (document.querySelector('.reveal .pdf-page')) return done(true);
  Reveal.on('pdf-ready', () => done(true));
})"""


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


def print_decks(build: Path = BUILD, browser=None) -> list[Path]:
    """Print every deck of `build` to `build/handouts/<deck>.pdf`; returns the PDFs.

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
                return print_decks(build, own)
            finally:
                own.close()
    out = build / "handouts"
    out.mkdir(exist_ok=True)
    page = browser.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    pdfs = []
    for deck in decks:
        page.goto(deck.as_uri() + "?print-pdf")
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        page.evaluate(_PDF_READY)
        page.evaluate("document.fonts.ready.then(() => true)")
        folder = out / "trainer" if deck.stem.endswith(KEY_SUFFIX) else out  # answer keys apart, for the trainer
        folder.mkdir(exist_ok=True)
        pdf = folder / f"{deck.stem}.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        pdfs.append(pdf)
    page.close()
    return pdfs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=BUILD, help="folder holding the decks (default slides/build)")
    args = parser.parse_args(argv)
    reason = skip_reason()
    if reason:
        print(reason)
        return 0
    for pdf in print_decks(args.build):
        print(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
