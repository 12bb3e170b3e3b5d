"""Reading a spreadsheet as offices save it: xlsx/xls (cached formula values) or CSV (UTF-8 with or
without BOM, or GBK/GB18030), with the header found under title rows and across merged cells.

`read_sheet(path, headers)` returns a `RawSheet`: the data columns by code, as cleaned cells
(None for blank, float for numbers, stripped text otherwise), the spreadsheet row number of every
non-blank data row, the interior blank rows, and the columns that are not ours (kept out).

Nothing is dropped without a word: the data sheet is the one visible sheet whose header has every
required column (two such sheets, or only a hidden one: stop and ask for `--sheet`); a cell merged
down over data rows gives its value to each of them; a file beyond TR-FILE-BOUNDS is refused before
it is read (`sheet_limits`), and a cell longer than `cell_chars_max` rejects its row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jihua_kit.core.a1 import col_letter
from jihua_kit.core.errors import KitError
from jihua_kit.params.limits import FILE_BOUNDS
from jihua_kit.sheets.formulas import uncached_formulas
from jihua_kit.sheets.headers import Headers
from jihua_kit.sheets.limits import FileBounds, check_sheet_file

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
CSV_SUFFIXES = (".csv",)
SHEET_SUFFIXES = EXCEL_SUFFIXES + CSV_SUFFIXES
HEADER_SCAN = 12  # rows searched for the header (titles and notes may sit above it)
ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 is a superset of GBK and GB2312
# Full-width ASCII (Ａ-Ｚ, ０-９, （）…) and the ideographic space fold to ASCII; other compatibility forms
# (①, ³, ⓪) are not digits to the kit and stay as typed, so a number cell holding them is an error.
_WIDTH = {0x3000: " ", **{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}}
_ODD_DIGIT = re.compile(r"[^\x00-\x7f\uff10-\uff19]")


@dataclass
class Grid:
    rows: list[list[Any]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]]
    sheet: str
    encoding: str = ""
    hidden: bool = False


@dataclass
class RawSheet:
    """The data part of a sheet: columns by code, with the spreadsheet row numbers."""

    file: str
    sheet: str
    encoding: str
    header_row: int  # 1-based row of the (lowest) header row
    columns: dict[str, np.ndarray]  # code -> cleaned cells of the non-blank data rows
    letters: dict[str, str]  # code -> column letter
    headers: dict[str, str]  # code -> header as written
    rows: np.ndarray  # spreadsheet row number of each non-blank data row
    blank_rows: list[int] = field(default_factory=list)
    extras: list[tuple[str, str]] = field(default_factory=list)  # (letter, header) of columns not ours
    formulas: dict[str, list[int]] = field(default_factory=dict)  # code -> rows of formulas with no saved value
    too_long: dict[str, list[int]] = field(default_factory=dict)  # code -> rows of cells over cell_chars_max
    merged: list[str] = field(default_factory=list)  # merged data cells whose value was given to every row
    skipped: list[str] = field(default_factory=list)  # hidden sheets with the same header, not read

    def __len__(self) -> int:
        return len(self.rows)


def clean(value: Any) -> Any:
    """One cell: None when blank; float for a number; text (width-folded, stripped) otherwise.

    Booleans and dates become the text a CSV export shows, so every format reads alike.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return _clean_text(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return float(value) if value == value else None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value).strip() or None


def _clean_text(text: str) -> str | None:
    """Stripped; NFKC-folded (full-width letters and digits to ASCII) unless that would turn a
    character that is not a plain digit (①, ³, ⓪, ٣) into one: then only full-width forms fold."""
    if not text.isascii():
        folded = unicodedata.normalize("NFKC", text)
        odd = folded != text and any(ch.isdigit() for ch in _ODD_DIGIT.findall(text))
        text = text.translate(_WIDTH) if odd else folded
    return text.strip() or None


def _clean_block(rows: list[list[Any]], width: int, chars_max: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Rows of raw cells -> (a 2-D object array of cleaned cells, where a text is over `chars_max`).

    Ragged CSV rows are padded. Works by cell type over the whole block: floats and empty strings
    need no Python call, so only text and the rare other types (booleans, dates) go through `clean`.
    A text longer than `chars_max` (when given) becomes None and is marked in the second array.
    """
    too_long = np.zeros((len(rows), width), dtype=bool)
    if not rows or width == 0:
        return np.empty((len(rows), width), dtype=object), too_long
    if any(len(row) != width for row in rows):
        rows = [list(row) + [None] * (width - len(row)) for row in rows]
    block = np.empty((len(rows), width), dtype=object)
    block[:] = rows
    flat = block.ravel()
    types = np.fromiter(map(type, flat), dtype=object, count=len(flat))  # compared by identity below, in C
    is_float, is_str = np.equal(types, float), np.equal(types, str)
    floats = np.flatnonzero(is_float)
    flat[floats[np.isnan(flat[floats].astype(float))]] = None
    texts = np.flatnonzero(is_str)
    empty = flat[texts] == ""
    flat[texts[empty]] = None
    filled = texts[~empty]
    codes, uniques = pd.factorize(flat[filled])  # columns of 是/否 and the like: few distinct texts
    texts = uniques.tolist()
    longer = np.array([chars_max > 0 and len(v) > chars_max for v in texts], dtype=bool)
    cleaned = np.empty(len(uniques), dtype=object)
    cleaned[:] = [None if big else _clean_text(v) for v, big in zip(texts, longer, strict=True)]
    flat[filled] = cleaned[codes]
    if longer.any():
        too_long.ravel()[filled[longer[codes]]] = True
    other = np.flatnonzero(~is_float & ~is_str & ~np.equal(types, type(None)))
    flat[other] = [clean(v) for v in flat[other].tolist()]
    return block, too_long


def _decode(data: bytes, file: str) -> tuple[str, str]:
    for enc in ENCODINGS:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise KitError("sheets.bad_encoding", file=file)


def _read_csv(path: Path, bounds: FileBounds) -> list[Grid]:
    text, enc = _decode(path.read_bytes(), path.name)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    lines = text.splitlines()
    width = max((line.count(dialect.delimiter) + 1 for line in lines), default=0)  # at most: quotes may hide some
    if len(lines) * width > bounds.cells:  # a few MB of commas would be a grid of billions of cells
        raise KitError("limits.sheet_too_large", file=path.name, sheet=path.stem, rows=len(lines), cols=width,
                       last=f"{col_letter(width - 1)}{len(lines)}", max=bounds.cells,
                       bound=f"{FILE_BOUNDS} sheet_cells_max")  # fmt: skip
    del lines
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # a long cell is the cell check's to reject, by row
    try:
        rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as exc:
        raise KitError("sheets.unreadable", file=path.name, detail=str(exc)) from exc
    finally:
        csv.field_size_limit(limit)
    return [Grid(rows, [], path.stem, "GB18030" if enc == "gb18030" else "UTF-8")]


def _read_excel(path: Path) -> list[Grid]:
    from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        book = CalamineWorkbook.from_path(str(path))
        grids = []
        for meta in book.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:  # chart and macro sheets hold no table
                continue
            sheet = book.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False)
            hidden = meta.visible != SheetVisibleEnum.Visible
            grids.append(Grid(rows, list(sheet.merged_cell_ranges or []), meta.name, hidden=hidden))
        return grids
    except (CalamineError, OSError, ValueError) as exc:
        raise KitError("sheets.unreadable", file=path.name, detail=str(exc).splitlines()[0][:200]) from exc


def read_grids(path: str | Path, bounds: FileBounds | None = None) -> list[Grid]:
    """Every worksheet of a workbook, or the one table of a CSV file, as rows of raw cells.

    The file is checked against TR-FILE-BOUNDS first (`sheet_limits.check_sheet_file`)."""
    path = Path(path)
    if not path.is_file():
        raise KitError("sheets.no_file", file=str(path))
    suffix = path.suffix.lower()
    if suffix not in SHEET_SUFFIXES:
        raise KitError("sheets.bad_suffix", file=path.name, allowed=", ".join(SHEET_SUFFIXES))
    bounds = check_sheet_file(path, bounds)
    return _read_csv(path, bounds) if suffix in CSV_SUFFIXES else _read_excel(path)


def _filled_header_rows(grid: Grid, upto: int) -> list[list[Any]]:
    """The first rows, cleaned, with each merged range's value copied into all its cells."""
    width = max((len(r) for r in grid.rows[:upto]), default=0)
    top = [[clean(v) for v in r] + [None] * (width - len(r)) for r in grid.rows[:upto]]
    for (r0, c0), (r1, c1) in grid.merged:
        if r0 >= len(top) or c0 >= width:  # a range below the first rows, or right of every cell
            continue
        value = top[r0][c0]
        for r in range(r0, min(r1, len(top) - 1) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                top[r][c] = value
    return top


def _candidates(top: list[list[Any]], r: int, j: int) -> list[Any]:
    """How the header of column j may read at header row r: alone, or under a group row above."""
    cell = top[r][j]
    above = top[r - 1][j] if r > 0 else None
    out = [cell]
    if above is not None and above != cell:
        out += [f"{above}{cell}" if cell is not None else above]
    return out


def _match_row(top: list[list[Any]], r: int, headers: Headers) -> dict[int, tuple[str, str]]:
    found = {}
    for j in range(len(top[r])):
        for text in _candidates(top, r, j):
            code = headers.code(text)
            if code:
                found[j] = (code, str(text))
                break
    return found


def find_header(grid: Grid, headers: Headers, file: str) -> tuple[int, dict[int, tuple[str, str]], list[Any]]:
    """(header row index, {column: (code, header text)}, the header row's cells) for the best row."""
    top = _filled_header_rows(grid, HEADER_SCAN)
    best = max(range(len(top)), key=lambda r: (len(_match_row(top, r, headers)), -r), default=None)
    if best is None or not _match_row(top, best, headers):
        raise KitError("sheets.no_header", file=file, sheet=grid.sheet)
    return best, _match_row(top, best, headers), top[best]


def _header_codes(grid: Grid, headers: Headers) -> set[str]:
    """The codes named by the best header row of a sheet (empty when it has none)."""
    top = _filled_header_rows(grid, HEADER_SCAN)
    rows = [{code for code, _ in _match_row(top, r, headers).values()} for r in range(len(top))]
    return max(rows, key=len, default=set())


def choose(grids: list[Grid], headers: Headers, file: str, required: tuple[str, ...] = (),
           sheet: str | None = None) -> tuple[Grid, list[str]]:  # fmt: skip
    """(the data sheet, hidden sheets with a full header left unread).

    `sheet` names it (hidden or not). Otherwise it is the one visible sheet whose header has every
    required column: two or more such sheets, or only hidden ones, are an error asking for `--sheet`
    (a sheet is never dropped without a word). With none, the visible sheet naming the most of our
    columns is read (the first on a tie), so the error then says which columns are missing.
    """
    names = [g.sheet for g in grids]
    if sheet is not None:
        for grid in grids:
            if grid.sheet == sheet or grid.sheet.strip() == str(sheet).strip():
                return grid, []
        raise KitError("sheets.no_such_sheet", file=file, field="--sheet", got=sheet, sheets="、".join(names))
    codes = [_header_codes(g, headers) for g in grids]
    full = [i for i, c in enumerate(codes) if c and set(required) <= c]
    shown = [i for i in full if not grids[i].hidden]
    hidden = [grids[i].sheet for i in full if grids[i].hidden]
    if len(shown) > 1:
        raise KitError("sheets.several_sheets", file=file, field="--sheet",
                       sheets="、".join(grids[i].sheet for i in shown))  # fmt: skip
    if shown:
        return grids[shown[0]], hidden
    if hidden:
        raise KitError("sheets.only_hidden", file=file, field="--sheet", sheets="、".join(hidden))
    visible = [i for i, g in enumerate(grids) if not g.hidden]
    best = max(visible, key=lambda i: (len(codes[i]), -i), default=None)
    if best is None or not codes[best]:
        raise KitError("sheets.no_header", file=file, sheet="、".join(names))
    return grids[best], []


def _fill_merged(cells: np.ndarray, used: np.ndarray, grid: Grid, header: int, mapped: set[int]) -> list[str]:
    """Give the value of each cell merged down or across data rows to every data row and column of
    ours it covers (a reader sees it only in the top-left cell). Returns the ranges filled."""
    filled = []
    first = header + 1  # grid row of cells[0]
    for (r0, c0), (r1, c1) in sorted(grid.merged):
        if r0 < first or r0 - first >= len(cells) or (r1 == r0 and c1 == c0):
            continue  # a header's merge, or beyond the data
        top, bottom = r0 - first, min(r1 - first, len(cells) - 1)
        cols = [c for c in range(c0, min(c1, cells.shape[1] - 1) + 1) if c in mapped]
        rows = top + np.flatnonzero(used[top : bottom + 1])
        if not cols or len(rows) == 0:
            continue
        value = cells[top, c0]
        if value is None:
            continue
        for c in cols:
            cells[rows, c] = value
        filled.append(f"{col_letter(c0)}{r0 + 1}:{col_letter(c1)}{r1 + 1}")
    return filled


def read_sheet(path: str | Path, headers: Headers, required: tuple[str, ...], sheet: str | None = None) -> RawSheet:
    """Read the data table of a file: header found, columns mapped, blank rows skipped and counted.

    Fails (KitError) when the file cannot be read or is beyond TR-FILE-BOUNDS, the data sheet is not
    clear (see `choose`; `sheet` names it), no header is found, a required column is missing, two
    columns name the same code, or a header is written like one of our codes but is not one.
    """
    path = Path(path)
    bounds = FileBounds.load()
    grid, skipped = choose(read_grids(path, bounds), headers, path.name, required, sheet)
    uncached = uncached_formulas(path, grid.sheet) if path.suffix.lower() in (".xlsx", ".xlsm") else set()
    r, mapping, header_cells = find_header(grid, headers, path.name)
    width = max((len(row) for row in grid.rows), default=0)
    seen: dict[str, int] = {}
    for j, (code, _) in sorted(mapping.items()):
        if code in seen:
            raise KitError("sheets.duplicate_column", file=path.name, field=code,
                           first=col_letter(seen[code]), second=col_letter(j))  # fmt: skip
        seen[code] = j
    for j, text in enumerate(header_cells):
        if j not in mapping and text is not None and headers.looks_like_code(text):
            raise KitError("sheets.unknown_code_column", file=path.name, field=str(text), letter=col_letter(j))
    missing = [c for c in required if c not in seen]
    if missing:
        raise KitError("sheets.missing_columns", file=path.name, field=", ".join(missing))
    body = grid.rows[r + 1 :]
    cells, too_long = _clean_block(body, width, bounds.chars)
    filled = (cells != None) | too_long  # noqa: E711 (element-wise)
    used = filled.any(axis=1)
    merged = _fill_merged(cells, used, grid, r, set(mapping))
    last = int(np.flatnonzero(used)[-1]) + 1 if used.any() else 0
    numbers = np.arange(r + 2, r + 2 + len(body))
    blank = [int(n) for n in numbers[:last][~used[:last]]]
    keep = used
    extras = []
    for j in range(width):
        head = header_cells[j] if j < len(header_cells) else None
        if j not in mapping and (head is not None or filled[:, j].any()):
            extras.append((col_letter(j), "" if head is None else str(head)))
    formulas: dict[str, list[int]] = {}
    for row, j in sorted(uncached):
        if row > r and j in mapping:
            formulas.setdefault(mapping[j][0], []).append(row + 1)
    long_rows = {code: [int(n) for n in numbers[too_long[:, j]]] for j, (code, _) in mapping.items()}
    return RawSheet(
        file=path.name, sheet=grid.sheet, encoding=grid.encoding, header_row=r + 1,
        columns={code: cells[keep, j] for j, (code, _) in mapping.items()},
        letters={code: col_letter(j) for j, (code, _) in mapping.items()},
        headers={code: text for j, (code, text) in mapping.items()},
        rows=numbers[keep], blank_rows=blank, extras=extras, formulas=formulas,
        too_long={code: rows for code, rows in long_rows.items() if rows}, merged=merged, skipped=skipped,
    )  # fmt: skip
