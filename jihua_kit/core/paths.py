"""Where the kit's data lives: `data/` at the repository root, or $JIHUA_KIT_DATA."""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    """The data folder: $JIHUA_KIT_DATA if set, else `<repo>/data`."""
    override = os.environ.get("JIHUA_KIT_DATA")
    return Path(override) if override else REPO_ROOT / "data"
