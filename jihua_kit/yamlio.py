"""YAML reading for every data file: libyaml's C parser when available (several times faster)."""

from __future__ import annotations

from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """Parse YAML text with safe semantics."""
    return yaml.load(text, Loader=_LOADER)
