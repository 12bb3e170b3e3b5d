"""Where a command may write: checked before any work starts, so a mistyped `--out` never costs a
long computation, never overwrites the file being read, and is never a traceback.

`check_output_file` is for one file (`--out PAYMENTS.xlsx`, a template, a chart); `check_output_folder`
for a folder of results (`simulate --out DIR`). Writing itself is atomic in `xlsx_write`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from jihua_kit.core.errors import KitError


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def check_output_file(path: str | Path, inputs: Iterable[str | Path] = (), suffixes: tuple[str, ...] = (".xlsx",),
                      field: str = "--out") -> Path:  # fmt: skip
    """`path` as a Path, if a file may be written there: the right suffix, not a folder, in a folder
    that exists, not one of `inputs`, and writable if it exists already."""
    out = Path(path)
    if out.suffix.lower() not in suffixes:
        raise KitError("out.bad_suffix", field=field, got=str(path), allowed=", ".join(suffixes))
    if out.is_dir():
        raise KitError("out.is_folder", field=field, got=str(path))
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise KitError("out.no_folder", field=field, got=str(folder))
    for source in inputs:
        if _same(out, Path(source)):
            raise KitError("out.is_input", field=field, got=str(path))
    if out.exists() and not os.access(out, os.W_OK):
        raise KitError("out.not_writable", field=field, got=str(path))
    if not os.access(folder, os.W_OK):
        raise KitError("out.not_writable", field=field, got=str(folder))
    return out


def check_output_folder(path: str | Path, inputs: Iterable[str | Path] = (), field: str = "--out") -> Path:
    """`path` as a Path, if results may be written in it: a folder, or a name free to become one
    (created later, with its parents), and none of `inputs`."""
    out = Path(path)
    for source in inputs:
        if source is not None and _same(out, Path(source)):
            raise KitError("out.is_input", field=field, got=str(path))
    probe = out
    while not probe.exists():  # the nearest existing ancestor must be a writable folder
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise KitError("out.not_a_folder", field=field, got=str(probe))
    if probe.exists() and not os.access(probe, os.W_OK):
        raise KitError("out.not_writable", field=field, got=str(probe))
    return out
