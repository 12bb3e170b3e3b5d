"""Headless Chromium for tests that must see what a person sees (slide decks, a Voilà app).

Uses Debian's /usr/bin/chromium through the PyPI `playwright` package; never `playwright install`.
Every request whose URL is not file:, data:, blob:, about: or http(s) on 127.0.0.1 / localhost is
aborted and recorded, so a page that reaches for the internet fails fast and the test can say
what it wanted. Without Chromium (or playwright) the tests skip with a reason, unless the
environment variable CI is set: then they fail.

The fixtures are registered once in tests/conftest.py; a test asks for them by name:

    def test_deck(page, browser_log, screenshot):
        page.goto(deck.as_uri())
        screenshot("deck-title")            # -> tests/screenshots/deck-title.png
        assert browser_log.blocked == []   # no request left the machine
        assert browser_log.errors == []    # no uncaught exception in any page

`browser_log.pages` lists every page of the context (pop-ups such as a speaker view included).
For a page that must not lean on system CJK fonts, open it in `guarded_context(browser_without_cjk_fonts,
browser_log)`. For a local server (Voilà), http://127.0.0.1 and localhost are allowed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import pytest

from jihua_kit.core.chromium import LAUNCH_ARGS, chromium_path

CHROMIUM_ARGS = LAUNCH_ARGS
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
LOCAL_SCHEMES = ("file", "data", "blob", "about")
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"  # git-ignored
VIEWPORT = {"width": 1280, "height": 720}


def need_browser() -> str:
    """Chromium's path; skip the test (fail under CI) when Chromium or playwright is missing."""
    missing = []
    path = chromium_path()
    if path is None:
        missing.append("Chromium (apt-get install -y --no-install-recommends chromium fonts-wqy-microhei)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package (pip install -e '.[dev]')")
    if missing:
        reason = "browser test needs " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(reason + " [CI is set, so this is a failure]")
        pytest.skip(reason)
    return path  # type: ignore[return-value]


def is_local(url: str) -> bool:
    """Whether a request stays on this machine."""
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return parts.scheme in ("http", "https", "ws", "wss") and (parts.hostname or "") in LOCAL_HOSTS


@dataclass
class BrowserLog:
    """What happened in a browser context: blocked requests, page errors, console errors, pages."""

    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    pages: list = field(default_factory=list)

    def watch(self, page) -> None:
        """Record errors of `page` (called for every page the context opens)."""
        self.pages.append(page)
        page.on("pageerror", lambda exc: self.errors.append(f"{page.url}: {exc}"))
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(f"{page.url}: {msg.text}"))


def cjk_font_files() -> list[str]:
    """System font files that cover Chinese (fontconfig's view), e.g. WenQuanYi."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    out = subprocess.run([fc_list, ":lang=zh", "file"], capture_output=True, text=True, check=False).stdout
    return sorted({line.split(":")[0].strip() for line in out.splitlines() if line.strip()})


def fontconfig_without_cjk(folder: Path) -> Path:
    """A fontconfig file that keeps the system's fonts but rejects every CJK one."""
    rejects = "".join(f"<glob>{escape(path)}</glob>" for path in cjk_font_files())
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"<cachedir>{escape(str(folder / 'cache'))}</cachedir>\n"
        f"<selectfont><rejectfont>{rejects}</rejectfont></selectfont>\n</fontconfig>\n",
        encoding="utf-8",
    )
    return conf


@pytest.fixture(scope="session")
def playwright_session() -> Iterator:
    """The playwright driver, started once (the sync API allows one per thread)."""
    need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_session) -> Iterator:
    """One headless Chromium for the session."""
    chromium = playwright_session.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def browser_without_cjk_fonts(playwright_session, tmp_path_factory) -> Iterator:
    """A headless Chromium that sees no system CJK font: what a deck meets on a bare machine.

    Use with `guarded_context(browser_without_cjk_fonts, browser_log)`; Chinese in a page that
    ships no font of its own shows as boxes here.
    """
    if not cjk_font_files():
        pytest.skip("fc-list finds no CJK font to hide (or fontconfig is missing)")
    conf = fontconfig_without_cjk(tmp_path_factory.mktemp("fontconfig"))
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    chromium = playwright_session.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, env=env)
    yield chromium
    chromium.close()


@pytest.fixture
def browser_log() -> BrowserLog:
    """The record of the test's browser context (see `page`)."""
    return BrowserLog()


def guarded_context(browser, log: BrowserLog):
    """A new context (zh-CN, 1280x720) where every non-local request is aborted and logged in `log`."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", service_workers="block")

    def guard(route) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            log.blocked.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", guard)
    context.on("page", log.watch)
    return context


@pytest.fixture
def browser_context(browser, browser_log: BrowserLog) -> Iterator:
    """A guarded context in the session's Chromium (see `guarded_context`)."""
    context = guarded_context(browser, browser_log)
    yield context
    context.close()


@pytest.fixture
def page(browser_context) -> Iterator:
    """A page in the guarded context; its errors and blocked requests go to `browser_log`."""
    yield browser_context.new_page()


def save_screenshot(target, name: str, full_page: bool = False) -> Path:
    """Save a screenshot of a page (or locator) as tests/screenshots/<name>.png; returns the path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    kwargs = {"full_page": full_page} if full_page else {}
    target.screenshot(path=str(path), **kwargs)
    return path


@pytest.fixture
def screenshot(page) -> Callable[..., Path]:
    """`screenshot(name, target=page, full_page=False)` saves tests/screenshots/<name>.png."""

    def take(name: str, target=None, full_page: bool = False) -> Path:
        return save_screenshot(target or page, name, full_page)

    return take
