"""Shared fixtures: a private copy of the parameter folder to corrupt, and the spec location."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# Browser fixtures are registered here, once for the whole run: a session-scoped fixture imported
# into several test modules would start one Playwright driver per module, and a second sync
# driver cannot start while the first runs.
from .browser import (  # noqa: F401  (fixtures, found by name)
    browser,
    browser_context,
    browser_log,
    browser_without_cjk_fonts,
    page,
    playwright_session,
    screenshot,
)

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("JIHUA_SHARED", REPO.parent / "shared"))

# Deterministic property tests: the same examples on every run and machine.
settings.register_profile("kit", derandomize=True, deadline=None, max_examples=200)
settings.load_profile("kit")


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of data/ that the test may edit; $JIHUA_KIT_DATA points at it."""
    target = tmp_path / "data"
    shutil.copytree(REPO / "data", target)
    monkeypatch.setenv("JIHUA_KIT_DATA", str(target))
    return target
