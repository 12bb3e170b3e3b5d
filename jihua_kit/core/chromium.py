"""Debian's Chromium for headless work (PDF handouts, browser tests): where it is, how to start it.

Never `playwright install`: the PyPI `playwright` package drives the system Chromium. The flags
keep a headless Chromium from reaching for the network on its own (updates, sync, first run).
"""

from __future__ import annotations

import shutil

CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """The Chromium executable, or None when it is not installed."""
    for candidate in CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None
