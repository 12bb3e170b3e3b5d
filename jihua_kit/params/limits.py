"""The kit's input bounds (`data/parameters/input_bounds.yaml`: TR-FILE-BOUNDS, TR-SIM-BOUNDS,
TR-DATE-BOUNDS) and the checks that use them, so every limit is stated once, in the data.

`bound(pid, key)` reads one; `check_at_most` / `check_year` raise a `KitError` naming the field,
the value, the bound and its record; `read_text` reads a document no larger than `file_mb_max`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jihua_kit.core.errors import KitError

FILE_BOUNDS, SIM_BOUNDS, DATE_BOUNDS = "TR-FILE-BOUNDS", "TR-SIM-BOUNDS", "TR-DATE-BOUNDS"
MB = 1 << 20


def bound(pid: str, key: str) -> int:
    """One bound, as a whole number (a parameter value of the default scenario)."""
    from jihua_kit.params.store import load_parameters  # params reads YAML; this module is imported by readers

    return int(load_parameters().view().value(pid, key))


def check_at_most(value: Any, pid: str, key: str, **where: Any) -> None:
    """`value` <= the bound `key` of record `pid`, else KitError('limits.over', ...)."""
    top = bound(pid, key)
    if value > top:
        raise KitError("limits.over", got=value, max=top, bound=f"{pid} {key}", **where)


def check_year(year: int, **where: Any) -> int:
    """A year within TR-DATE-BOUNDS (year_min-year_max)."""
    low, high = bound(DATE_BOUNDS, "year_min"), bound(DATE_BOUNDS, "year_max")
    if not low <= year <= high:
        raise KitError("limits.year", got=year, low=low, high=high, bound=DATE_BOUNDS, **where)
    return year


def check_file_size(path: Path) -> int:
    """The size of `path` in bytes, refused above `file_mb_max`."""
    size = path.stat().st_size
    top = bound(FILE_BOUNDS, "file_mb_max")
    if size > top * MB:
        raise KitError("limits.file_too_large", file=path.name, size=round(size / MB, 1), max=top,
                       bound=f"{FILE_BOUNDS} file_mb_max")  # fmt: skip
    return size


def read_text(path: Path, encoding: str = "utf-8") -> str:
    """A document's text, after the size check."""
    check_file_size(path)
    return path.read_text(encoding=encoding)
