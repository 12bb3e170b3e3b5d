"""A household roster spreadsheet (one row per household) -> the valid household table and every error.

Cells are read here (numbers, choices, yes/no, ID numbers), with the case format's defaults for
blank optional cells. The household rules run once on the whole table (`households.check_all_rows`),
which keeps every failed row's first fault: a sheet whose every row is wrong costs what a good one
costs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jihua_kit.core.masking import id_format_ok
from jihua_kit.sheets.cells import (
    Bad,
    Cells,
    SheetError,
    SheetStats,
    as_text,
    from_kit_error,
    parse_whole,
    per_unique,
    stats_of,
    word_parser,
)
from jihua_kit.sheets.headers import offered_words, roster_headers, roster_specs
from jihua_kit.sheets.read import RawSheet, read_sheet
from jihua_kit.tables.households import COLUMNS, DECLARATION, EMPTY, INTS, REQUIRED, TEXT, check_all_rows, check_columns

CHILD_FIELDS = tuple(c.field for c in DECLARATION if c.group == "child" and c.sheet)  # the slot's cells


@dataclass
class RosterSheet:
    """Valid households (`table`, indexed by spreadsheet row), their personal columns, and the rest."""

    table: pd.DataFrame
    personal: pd.DataFrame  # head_name, id_number (unmasked: mask before any output), same index
    errors: list[SheetError]
    stats: SheetStats
    raw: RawSheet


def parse_id(value: Any) -> Any:
    """An ID-card number cell: text of 15 or 18 characters with a valid check character."""
    text = as_text(value).upper()
    if isinstance(value, float) or "E+" in text:
        return Bad("sheets.id_as_number")
    return text if id_format_ok(text) else Bad("sheets.bad_id")


def _words(kind: str) -> Callable[[Any], Any]:
    return word_parser(kind, "、".join(offered_words(kind)))


def _tier(value: Any) -> Any:
    """College tier: 1-4 or its name (一本 … 高职专科); other numbers are left to the table's check."""
    named = _words("college_tier")(value)
    return float(named) if not isinstance(named, Bad) else parse_whole(value)


class _Reader:
    def __init__(self, sheet: RawSheet) -> None:
        self.cells = Cells(sheet, "household_id")
        self.sheet = sheet
        self.specs = {s.code: s for s in roster_specs()}

    def required_blank(self, code: str, mask: np.ndarray | None = None) -> None:
        blank = self.cells.blank(code)
        self.cells.fail(blank if mask is None else blank & mask, code, "sheets.required")

    def choice(self, code: str, default: Any) -> np.ndarray:
        values = self.cells.parsed(code, _words(self.specs[code].values), default)
        if code in REQUIRED:
            self.required_blank(code)
        return values

    def whole(self, code: str, required: np.ndarray | None = None) -> np.ndarray:
        parse = _tier if code == "ev_college_tier" else parse_whole
        values = self.cells.parsed(code, parse, 0.0)
        if code in REQUIRED or required is not None:
            self.required_blank(code, required)
        return values.astype(float)  # whole numbers; the table check bounds them before any int64 conversion


def _columns(reader: _Reader) -> dict[str, np.ndarray]:
    """Every household-table column, typed, from the sheet (defaults for blank optional cells)."""
    cells, n = reader.cells, len(reader.sheet)
    col: dict[str, Any] = {}
    for c in DECLARATION:
        if c.dtype == "str":
            col[c.name] = per_unique(cells.column(c.name), as_text, "")
    reader.required_blank("household_id")
    for c in DECLARATION:
        if c.group == "child" and c.field == "present":
            _child(reader, col, c.index)
        elif c.group != "child" and c.dtype != "str":
            col[c.name] = reader.whole(c.name) if c.dtype == "int" else reader.choice(c.name, c.default)
    _spouse(reader, col)
    ids = col["household_id"]
    dup = pd.Series(ids).duplicated().to_numpy() & (ids != "")
    cells.fail(dup, "household_id", "case.duplicate_id", got=ids)
    for code in COLUMNS:
        if code not in INTS and code not in TEXT and col[code].dtype == object:
            col[code] = col[code] if isinstance(EMPTY[code], str) else col[code].astype(bool)
    assert all(len(v) == n for v in col.values())
    return col


def _child(reader: _Reader, col: dict[str, Any], k: int) -> None:
    """Slot k: a child when any of its cells is filled; then the age is required, a blank 在世 is alive."""
    present = ~np.logical_and.reduce([reader.cells.blank(f"c{k}_{f}") for f in CHILD_FIELDS])
    col[f"c{k}_present"] = present
    col[f"c{k}_age"] = reader.whole(f"c{k}_age", required=present)
    col[f"c{k}_sex"] = reader.choice(f"c{k}_sex", "")
    alive = reader.choice(f"c{k}_alive", None)
    col[f"c{k}_alive"] = np.where(alive == None, present, alive)  # noqa: E711 (blank: alive if present)
    col[f"c{k}_disabled"] = reader.choice(f"c{k}_disabled", False)


def _spouse(reader: _Reader, col: dict[str, Any]) -> None:
    """spouse_died may name the parent who died (母亲 / 父亲): that parent must not be marked alive."""
    died = col["ev_spouse_died"]
    for p, who in ((1, "mother"), (2, "father")):
        named = died == who
        reader.cells.fail(named & col[f"p{p}_alive"].astype(bool), "ev_spouse_died", f"sheets.{who}_named_alive")
    col["ev_spouse_died"] = np.array([v is True or v in ("mother", "father") for v in died], dtype=bool)


def check_rows(col: dict[str, np.ndarray], rows: np.ndarray, tick: Callable[[int], None]) -> tuple[list, list]:
    """(valid tables, errors): the household rules over the whole table, each failed row's first fault."""
    if len(rows) == 0:
        return [], []
    table, errors = check_all_rows(col, pd.Index(rows))
    tick(len(rows))
    return [table], errors


def _empty_table() -> pd.DataFrame:
    """A zero-row household table with the normalised dtypes (the table check needs one row to run)."""
    one = {c: np.array([EMPTY[c] if c != "household_id" else "-"]) for c in COLUMNS}
    return check_columns(one, pd.Index([0])).iloc[:0]


def read_roster(path: str | Path, tick: Callable[[int], None] = lambda n: None, sheet_name: str | None = None
                ) -> RosterSheet:  # fmt: skip
    """Read a roster (its data sheet, or the one named): valid households as a household table,
    every rejected cell and row listed."""
    sheet = read_sheet(path, roster_headers(), REQUIRED, sheet_name)
    reader = _Reader(sheet)
    col = _columns(reader)
    personal = {"head_name": per_unique(reader.cells.column("head_name"), as_text, "")}
    personal["id_number"] = reader.cells.parsed("id_number", parse_id, "")
    ok = ~reader.cells.bad
    tables, table_errors = check_rows({c: v[ok] for c, v in col.items()}, sheet.rows[ok], tick)
    table = pd.concat(tables) if tables else _empty_table()
    ident = dict(zip(sheet.rows.tolist(), col["household_id"].tolist(), strict=True))
    errors = reader.cells.errors + [from_kit_error(e, sheet) for e in table_errors]
    for err in errors:
        err.ident = err.ident or ident.get(err.row, "")
    order = {c: i for i, c in enumerate(s.code for s in roster_specs())}
    errors.sort(key=lambda e: (e.row or 0, order.get(e.field, len(order)), e.key))
    accepted = np.isin(sheet.rows, table.index.to_numpy())
    pers = pd.DataFrame(personal, index=sheet.rows).loc[table.index]
    expected = [s.code for s in roster_specs()]
    return RosterSheet(table, pers, errors, stats_of(sheet, len(table), ~accepted, expected), sheet)
