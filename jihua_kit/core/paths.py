"""Where the kit's files live: in a repository checkout, or in an installed package.

The data folder is `$JIHUA_KIT_DATA` if set, else the checkout's `data/`, else the copy a wheel
carries as `jihua_kit/_data` (the build puts it there; the repository holds `data/` only). The
room, the slide decks and class sessions need more of the checkout (app/ notebooks, slides/
templates, node_modules): they ask `core.checkout.checkout()`, which says so when there is none.
"""

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
REPO_ROOT = PACKAGE.parent  # the checkout, when the package runs from one
BUNDLED_DATA = PACKAGE / "_data"


def in_checkout() -> bool:
    """True when the package runs from a repository checkout (an editable install counts)."""
    return (REPO_ROOT / "pyproject.toml").is_file() and (REPO_ROOT / "data").is_dir()


def data_dir() -> Path:
    """The data folder: $JIHUA_KIT_DATA if set, else `<repo>/data`, else the package's bundled copy."""
    override = os.environ.get("JIHUA_KIT_DATA")
    if override:
        return Path(override)
    return REPO_ROOT / "data" if in_checkout() else BUNDLED_DATA
