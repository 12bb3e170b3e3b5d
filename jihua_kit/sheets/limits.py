"""A spreadsheet file checked against TR-FILE-BOUNDS before any reader allocates memory for it.

A reader lays a sheet out as a grid from its first to its last filled cell, so a 5 KB xlsx with cells
in A1 and XFD1048576 asks for 17 billion cells, and a 1 MB file can unpack to a 1.5 GB string. So,
first: the file's size; the unpacked size of the xlsx parts (streamed and counted, never trusted from
the zip directory alone); in every part, whatever its name, the rectangle its cells span and the
number of shared strings; each against its bound in `data/parameters/input_bounds.yaml`.

A sheet's declared `<dimension>` is trusted only if one search of each chunk finds no cell tag written
otherwise than `<c r="B12"` and none outside it; else every `<row>` and `<c>` tag is placed as a
lenient reader would (any spacing or quotes, lowercase letters, entities, a namespace prefix, cells
without an address). An .xls file is bounded by its size (its format caps a sheet at 65,536 x 256
cells); a CSV file by its size and its grid (`sheet_read`).
"""

from __future__ import annotations

import html
import re
import string
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from jihua_kit.core.a1 import col_index, col_letter
from jihua_kit.core.errors import KitError
from jihua_kit.params.limits import FILE_BOUNDS, MB, bound, check_file_size
from jihua_kit.sheets.formulas import sheet_paths

CHUNK = 1 << 22  # bytes of unpacked XML scanned at a time
_DIMENSION = re.compile(rb'<dimension ref="(?:[A-Z]+[0-9]+:)?([A-Z]+)([0-9]+)"')
_PREFIXED = re.compile(rb":(?:c|row)[\s/>]")  # <x:c …>: a namespace prefix, placed the careful way
_PREFIXED_SI = re.compile(rb"<[\w.-]+:si[\s/>]")
_TAG = re.compile(rb"<(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*)>")
_R_ATTR = re.compile(rb"""(?:^|\s)r\s*=\s*(["'])(.*?)\1""", re.S)
_REF_TEXT = re.compile(r"\s*([A-Za-z]*)\s*([0-9]*)")


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
    """A cell tag not written exactly as `<c r="B12"` (no address, another attribute first, other
    spacing or quotes, lowercase letters), or addressed right of column `letters` or below `row`."""
    cols = _greater(letters, string.ascii_uppercase)
    rows = _greater(str(row), string.digits)
    return re.compile(f'<c(?:(?=[\\s/>])(?! r="[A-Z]+[0-9]+")| r="(?:(?:{cols})[0-9]|[A-Z]+(?:{rows})"))'.encode())


def _odd(suspect: re.Pattern, data: bytes) -> bool:
    """A cell the declared extent cannot vouch for: suspect, or a tag with a namespace prefix."""
    prefixed = (b":c" in data or b":row" in data) and _PREFIXED.search(data)  # bytes search first: quick
    return bool(prefixed or suspect.search(data))


def _strings(data: bytes) -> int:
    """Shared-string entries (<si>) in a chunk; an over-count at worst (one pass of bytes.count)."""
    return data.count(b"<si") + (len(_PREFIXED_SI.findall(data)) if b":si" in data else 0)


class _Placer:
    """Places every <row> and <c> tag as a lenient reader does: at its address, or after the previous one."""

    def __init__(self) -> None:
        self.rows = self.cols = self.row = self.col = 0

    def feed(self, data: bytes) -> None:
        for m in _TAG.finditer(data):
            letters, digits = self._address(m.group(2))
            if m.group(1) == b"row":
                self.row, self.col = (int(digits) if digits else self.row + 1), 0
                continue
            if letters:
                self.col = col_index(letters) + 1
                self.row = int(digits) if digits else self.row
            else:
                self.col += 1
            self.rows, self.cols = max(self.rows, self.row), max(self.cols, self.col)

    @staticmethod
    def _address(attrs: bytes) -> tuple[str, str]:
        m = _R_ATTR.search(attrs)
        if not m:
            return "", ""
        parts = _REF_TEXT.match(html.unescape(m.group(2).decode("utf-8", "replace")))
        return parts.group(1).upper(), parts.group(2)


def _scan(open_part: Callable[[], Iterator[bytes]], cells_max: int) -> tuple[int, int, int]:
    """(rows, columns, shared strings) of one part: the declared extent when it can be trusted, else
    every tag placed (a second pass only when the declared extent turns out wrong)."""
    chunks = open_part()
    first = next(chunks, b"")
    strings = _strings(first)
    m = _DIMENSION.search(first)
    if not m:
        placer = _Placer()
        placer.feed(first)
        for data in chunks:
            strings += _strings(data)
            placer.feed(data)
        return placer.rows, placer.cols, strings
    rows, cols = int(m.group(2)), col_index(m.group(1)) + 1
    suspect = _suspect(m.group(1).decode(), rows)
    trusted = rows * cols <= cells_max and not _odd(suspect, first)
    for data in chunks:
        strings += _strings(data)
        trusted = trusted and not _odd(suspect, data)
    if trusted:
        return rows, cols, strings
    placer = _Placer()
    for data in open_part():
        placer.feed(data)
    return placer.rows, placer.cols, strings


def _chunks(zf: zipfile.ZipFile, name: str, budget: list[int], file: str, limit: int) -> Iterator[bytes]:
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


def _sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Part -> sheet name, for messages (empty when the workbook part cannot be read)."""
    try:
        return {part: name for name, part in sheet_paths(zf).items()}
    except (KeyError, ValueError, zipfile.BadZipFile):
        return {}


def _check_xlsx(path: Path, b: FileBounds) -> None:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise KitError("sheets.unreadable", file=path.name, detail=str(exc)) from exc
    with zf:
        if sum(info.file_size for info in zf.infolist()) > b.xlsx_mb * MB:
            raise KitError("limits.xlsx_too_large", file=path.name, max=b.xlsx_mb, bound=f"{FILE_BOUNDS} xlsx_mb_max")
        budget, names = [b.xlsx_mb * MB], _sheet_names(zf)
        try:
            for info in zf.infolist():  # every part, whatever its name: a renamed sheet is still a sheet
                rows, cols, strings = _scan(lambda i=info: _chunks(zf, i.filename, budget, path.name, b.xlsx_mb),
                                            b.cells)  # fmt: skip
                if rows * cols > b.cells:
                    raise KitError("limits.sheet_too_large", file=path.name, sheet=names.get(info.filename,
                                   info.filename), rows=rows, cols=cols, last=f"{col_letter(max(cols - 1, 0))}{rows}",
                                   max=b.cells, bound=f"{FILE_BOUNDS} sheet_cells_max")  # fmt: skip
                if strings > b.strings:
                    raise KitError("limits.too_many_strings", file=path.name, got=strings, max=b.strings,
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
