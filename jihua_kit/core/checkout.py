"""The parts of the kit that need a repository checkout ask for it here."""

from pathlib import Path

from jihua_kit.core import paths
from jihua_kit.core.errors import KitError


def checkout(what: str) -> Path:
    """The repository root, for a part of the kit that needs the checkout (`what` names it);
    a KitError saying so when the kit was installed from a wheel."""
    if not paths.in_checkout():
        raise KitError("paths.needs_checkout", what=what)
    return paths.REPO_ROOT
