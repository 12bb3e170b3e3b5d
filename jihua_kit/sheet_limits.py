"""A spreadsheet file checked against TR-FILE-BOUNDS before any reader allocates memory for it.

A reader lays a sheet out as a grid from its first to its last filled cell, so a 5 KB xlsx with cells
in A1 and XFD1048576 asks for 17 billion cells, and a 1 MB file can unpack to a 1.5 GB string. So:
the file's size, the unpacked size of the xlsx parts (each part is streamed and counted, never trusted
from the zip directory alone), the rectangle each sheet's cells span and the number of shared strings
are checked first, each against its bound in `data/parameters/input_bounds.yaml`. An .xls file is
bounded by its size (its format caps a sheet at 65,536 x 256 cells); a CSV file by its size.
"""

from __future__ import annotations

import itertools
import re
import string
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from jihua_kit.errors import KitError
from jihua_kit.limits import FILE_BOUNDS, MB, bound, check_file_size
from jihua_kit.sheet_formulas import sheet_paths
from jihua_kit.xlsx_write import col_letter

CHUNK = 1 << 22  # bytes of unpacked XML scanned at a time
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="(?:[A-Z]+[0-9]+:)?([A-Z]+)([0-9]+)"')
_PREFIXED = re.compile(rb"<\w+:worksheet\b")
_TAG = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*)>")
_R_ATTR = re.compile(rb'\br="([A-Z]*)([0-9]*)"')


@dataclass(frozen=True)
class FileBounds:
    """TR-FILE-BOUNDS in the units the checks use."""

    file_mb: int
    xlsx_mb: int
    cells: int
    strings: int
    chars: int

    @classmethod
    def load(cls) -> FileBounds:
        keys = ("file_mb_max", "xlsx_mb_max", "sheet_cells_max", "shared_strings_max", "cell_chars_max")
        return cls(*(bound(FILE_BOUNDS, k) for k in keys))


@dataclass
class _Extent:
    """How far the cells of one sheet reach: the last row and column (1-based) any cell names."""

    rows: int = 0
    cols: int = 0


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _greater(value: str, alphabet: str) -> str:
    """A regex for the strings over `alphabet` that sort after `value` (longer ones first)."""
    cls = f"[{alphabet[0]}-{alphabet[-1]}]"
    lead = f"[{alphabet[1]}-{alphabet[-1]}]" if alphabet[0] == "0" else cls
    options = [f"{lead}{cls}{{{len(value)},}}"]
    for i, ch in enumerate(value):
        if ch != alphabet[-1]:
            nxt = alphabet[alphabet.index(ch) + 1]
            options.append(f"{value[:i]}[{nxt}-{alphabet[-1]}]{cls}{{{len(value) - i - 1}}}")
    return "|".join(options)


def _suspect(letters: str, row: int) -> re.Pattern:
    """A cell tag without an address first (`<c>`, `<c s="1" r=…>`), or addressed right of column
    `letters` or below `row`: one search of each chunk finds either."""
    cols = _greater(letters, string.ascii_uppercase)
    rows = _greater(str(row), string.digits)
    return re.compile(f'<c(?:[>/]| (?!r=")| r="(?:(?:{cols})[0-9]|[A-Z]+(?:{rows})"))'.encode())


def _stream(zf: zipfile.ZipFile, name: str, budget: list[int], file: str, limit: int) -> Iterator[bytes]:
    """The unpacked chunks of one part (cut after a '>'), counted against what is left of the budget."""
    rest = b""
    with zf.open(name) as part:
        while chunk := part.read(CHUNK):
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise KitError("limits.xlsx_too_large", file=file, max=limit, bound=f"{FILE_BOUNDS} xlsx_mb_max")
            data = rest + chunk
            cut = data.rfind(b">") + 1
            yield data[:cut]
            rest = data[cut:]
    yield rest


def _declared(chunks: Iterable[bytes]) -> _Extent | None:
    """The extent the sheet declares (<dimension>), if every cell is addressed and inside it; else None."""
    chunks = iter(chunks)
    first = next(chunks, b"")
    m = _DIMENSION.search(first)
    if not m:
        return None
    if _PREFIXED.search(first):  # tags with a namespace prefix (<x:c …>): measured the careful way
        return None
    ext = _Extent(int(m.group(2)), _column_number(m.group(1)))
    suspect = _suspect(m.group(1).decode(), ext.rows)
    return None if any(suspect.search(data) for data in itertools.chain([first], chunks)) else ext


def _measured(chunks: Iterable[bytes]) -> _Extent:
    """The extent from every cell, as a reader places it: at its address, or after the previous cell."""
    ext, row, col = _Extent(), 0, 0
    for data in chunks:
        for m in _TAG.finditer(data):
            ref = _R_ATTR.search(m.group(2))
            if m.group(1) == b"row":
                row = int(ref.group(2)) if ref and ref.group(2) else row + 1
                col = 0
            else:
                if ref and ref.group(1):
                    col, row = _column_number(ref.group(1)), int(ref.group(2)) if ref.group(2) else row
                else:
                    col += 1
                ext.rows, ext.cols = max(ext.rows, row), max(ext.cols, col)
    return ext


def _check_xlsx(path: Path, b: FileBounds) -> None:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise KitError("sheets.unreadable", file=path.name, detail=str(exc)) from exc
    with zf:
        declared = sum(info.file_size for info in zf.infolist())
        if declared > b.xlsx_mb * MB:
            raise KitError("limits.xlsx_too_large", file=path.name, max=b.xlsx_mb, bound=f"{FILE_BOUNDS} xlsx_mb_max")
        budget = [b.xlsx_mb * MB]
        try:
            parts = sheet_paths(zf)
            for sheet, part in parts.items():
                if part not in zf.namelist():
                    continue
                ext = _declared(_stream(zf, part, budget, path.name, b.xlsx_mb))
                if ext is None or ext.rows * ext.cols > b.cells:  # no <dimension>, a cell outside it, or too big
                    ext = _measured(_stream(zf, part, budget, path.name, b.xlsx_mb))
                if ext.rows * ext.cols > b.cells:
                    raise KitError("limits.sheet_too_large", file=path.name, sheet=sheet, rows=ext.rows, cols=ext.cols,
                                   last=f"{col_letter(max(ext.cols - 1, 0))}{ext.rows}", max=b.cells,
                                   bound=f"{FILE_BOUNDS} sheet_cells_max")  # fmt: skip
            strings = next((n for n in zf.namelist() if n.lower().endswith("sharedstrings.xml")), None)
            if strings:
                chunks = _stream(zf, strings, budget, path.name, b.xlsx_mb)  # cut after '>': no tag is split
                count = sum(c.count(b"<si>") + c.count(b"<si ") + c.count(b"<si/>") for c in chunks)
                if count > b.strings:
                    raise KitError("limits.too_many_strings", file=path.name, got=count, max=b.strings,
                                   bound=f"{FILE_BOUNDS} shared_strings_max")  # fmt: skip
        except (zipfile.BadZipFile, KeyError, OSError, EOFError) as exc:  # a part that does not unpack as declared
            raise KitError("sheets.unreadable", file=path.name, detail=str(exc)) from exc


def check_sheet_file(path: Path, bounds: FileBounds | None = None) -> FileBounds:
    """Refuse a spreadsheet file that exceeds TR-FILE-BOUNDS; returns the bounds (for the cell checks)."""
    b = bounds or FileBounds.load()
    check_file_size(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        _check_xlsx(path, b)
    return b
