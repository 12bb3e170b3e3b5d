"""Reading a spreadsheet as offices save it: xlsx/xls (cached formula values) or CSV (UTF-8 with or
without BOM, or GBK/GB18030), with the header found under title rows and across merged cells.

`read_sheet(path, headers)` returns a `RawSheet`: the data columns by code, as cleaned cells
(None for blank, float for numbers, stripped text otherwise), the spreadsheet row number of every
non-blank data row, the interior blank rows, and the columns that are not ours (kept out).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jihua_kit.errors import KitError
from jihua_kit.sheet_formulas import uncached_formulas
from jihua_kit.sheet_headers import Headers
from jihua_kit.xlsx_write import col_letter

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
CSV_SUFFIXES = (".csv",)
SHEET_SUFFIXES = EXCEL_SUFFIXES + CSV_SUFFIXES
HEADER_SCAN = 12  # rows searched for the header (titles and notes may sit above it)
ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 is a superset of GBK and GB2312


@dataclass
class Grid:
    rows: list[list[Any]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]]
    sheet: str
    encoding: str = ""


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

    def __len__(self) -> int:
        return len(self.rows)


def clean(value: Any) -> Any:
    """One cell: None when blank; float for a number; text (width-folded, stripped) otherwise.

    Booleans and dates become the text a CSV export shows, so every format reads alike.
    """
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip() if value.isascii() else unicodedata.normalize("NFKC", value).strip()
        return text or None
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
    text = text.strip() if text.isascii() else unicodedata.normalize("NFKC", text).strip()
    return text or None


def _clean_block(rows: list[list[Any]], width: int) -> np.ndarray:
    """Rows of raw cells -> a 2-D object array of cleaned cells (ragged CSV rows padded).

    Works by cell type over the whole block: floats and empty strings need no Python call, so only
    text and the rare other types (booleans, dates) go through `clean`.
    """
    if not rows or width == 0:
        return np.empty((len(rows), width), dtype=object)
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
    cleaned = np.empty(len(uniques), dtype=object)
    cleaned[:] = [_clean_text(v) for v in uniques.tolist()]
    flat[filled] = cleaned[codes]
    other = np.flatnonzero(~is_float & ~is_str & ~np.equal(types, type(None)))
    flat[other] = [clean(v) for v in flat[other].tolist()]
    return block


def _decode(data: bytes, file: str) -> tuple[str, str]:
    for enc in ENCODINGS:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise KitError("sheets.bad_encoding", file=file)


def _read_csv(path: Path) -> list[Grid]:
    text, enc = _decode(path.read_bytes(), path.name)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), dialect)]
    return [Grid(rows, [], path.stem, "GB18030" if enc == "gb18030" else "UTF-8")]


def _read_excel(path: Path) -> list[Grid]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        grids = []
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            grids.append(Grid(rows, list(sheet.merged_cell_ranges or []), name))
        return grids
    except (CalamineError, OSError, ValueError) as exc:
        raise KitError("sheets.unreadable", file=path.name, detail=str(exc).splitlines()[0][:200]) from exc


def read_grids(path: str | Path) -> list[Grid]:
    """Every sheet of a workbook, or the one table of a CSV file, as rows of raw cells."""
    path = Path(path)
    if not path.is_file():
        raise KitError("sheets.no_file", file=str(path))
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return _read_csv(path)
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path)
    raise KitError("sheets.bad_suffix", file=path.name, allowed=", ".join(SHEET_SUFFIXES))


def _filled_header_rows(grid: Grid, upto: int) -> list[list[Any]]:
    """The first rows, cleaned, with each merged range's value copied into all its cells."""
    width = max((len(r) for r in grid.rows[:upto]), default=0)
    top = [[clean(v) for v in r] + [None] * (width - len(r)) for r in grid.rows[:upto]]
    for (r0, c0), (r1, c1) in grid.merged:
        if r0 >= upto or c0 >= width:
            continue
        value = top[r0][c0]
        for r in range(r0, min(r1, upto - 1) + 1):
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


def choose(grids: list[Grid], headers: Headers, file: str) -> Grid:
    """The sheet whose header names the most of our columns (the first one on a tie)."""
    scored = []
    for i, grid in enumerate(grids):
        top = _filled_header_rows(grid, HEADER_SCAN)
        score = max((len(_match_row(top, r, headers)) for r in range(len(top))), default=0)
        scored.append((score, -i, grid))
    if not scored or max(s[0] for s in scored) == 0:
        raise KitError("sheets.no_header", file=file, sheet=", ".join(g.sheet for g in grids))
    return max(scored, key=lambda s: (s[0], s[1]))[2]


def read_sheet(path: str | Path, headers: Headers, required: tuple[str, ...]) -> RawSheet:
    """Read the data table of a file: header found, columns mapped, blank rows skipped and counted.

    Fails (KitError) when the file cannot be read, no header is found, a required column is missing,
    two columns name the same code, or a header is written like one of our codes but is not one.
    """
    path = Path(path)
    grid = choose(read_grids(path), headers, path.name)
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
    cells = _clean_block(body, width)
    filled = cells != None  # noqa: E711 (element-wise)
    used = filled.any(axis=1)
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
    return RawSheet(
        file=path.name, sheet=grid.sheet, encoding=grid.encoding, header_row=r + 1,
        columns={code: cells[keep, j] for j, (code, _) in mapping.items()},
        letters={code: col_letter(j) for j, (code, _) in mapping.items()},
        headers={code: text for j, (code, text) in mapping.items()},
        rows=numbers[keep], blank_rows=blank, extras=extras, formulas=formulas,
    )  # fmt: skip
