"""A spreadsheet of audit findings (one row per unit) -> the valid unit table and every error.

Cells are read here (numbers, yes/no, dates); everything the unit table's own validation knows
(required fields, periods, levels, bounds, duplicates) is left to `audit_table.partition_table`,
so the rules are written once. A row with any fault is rejected whole, never scored in part.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from jihua_kit.params.store import Params
from jihua_kit.sheets.cells import (
    Cells,
    SheetError,
    SheetStats,
    as_text,
    from_kit_error,
    iso_date,
    parse_whole,
    per_unique,
    stats_of,
    word_parser,
)
from jihua_kit.sheets.headers import audit_headers, offered_words
from jihua_kit.sheets.read import RawSheet, read_sheet
from jihua_kit.tables.audit_table import OPTIONAL_COLUMNS, TEXT_COLUMNS, layout, partition_table

REQUIRED = ("unit_id", "period")


@dataclass
class AuditSheet:
    """The scored part of a sheet (`table`, with the spreadsheet row of each unit) and the rest."""

    table: pd.DataFrame
    rows: np.ndarray
    errors: list[SheetError]
    stats: SheetStats
    raw: RawSheet
    uninspected: pd.DataFrame | None = None  # units listed but not inspected: row, unit_id, unit_name, township


def _text_column(code: str, col: np.ndarray) -> np.ndarray:
    if code == "inspection_date":
        return per_unique(col, iso_date, "")
    if code == "period":
        return per_unique(col, lambda v: as_text(v).upper(), "")
    return per_unique(col, as_text, "")


def read_audit(path: str | Path, params: Params, sheet_name: str | None = None) -> AuditSheet:
    """Read an audit spreadsheet (its data sheet, or the one named): valid units as a unit table,
    every rejected cell and row listed."""
    lay = layout(params)
    sheet = read_sheet(path, audit_headers(params), REQUIRED, sheet_name)
    cells = Cells(sheet, "unit_id")
    frame: dict[str, object] = {}
    for code in (*TEXT_COLUMNS, *OPTIONAL_COLUMNS):
        if code in sheet.columns:
            frame[code] = _text_column(code, sheet.columns[code])
    counts = [c for c in sheet.columns if c not in frame and c not in lay.flag_codes]
    findings = counts + [c for c in lay.flag_codes if c in sheet.columns]
    # A unit with every finding and the inspection date blank was not inspected: listed apart, not
    # scored as zero (it would tie every clean unit at rank 1), not rejected either.
    missing = [cells.blank(c) for c in findings] + (
        [cells.blank("inspection_date")] if "inspection_date" in frame else []
    )
    uninspected = np.logical_and.reduce(missing) if findings else np.zeros(len(sheet), dtype=bool)
    uninspected &= ~cells.blank("unit_id")
    for code in counts:  # the layout's count columns, and any parity columns beyond the bound
        values = cells.parsed(code, parse_whole, np.nan)
        empty = cells.blank(code)
        cells.fail(empty & ~uninspected, code, "sheets.empty")
        values = values.astype(float)  # NaN: blank, or a cell that is not a whole number (recorded above)
        frame[code] = np.where(np.isnan(values), 0.0, values)  # bounds: partition_table, before any int64
    yes_no = word_parser("yes_no", "、".join(offered_words("yes_no")))
    for code in lay.flag_codes:
        if code in sheet.columns:
            values = cells.parsed(code, yes_no, None)
            cells.fail(cells.blank(code) & ~uninspected, code, "sheets.empty")
            frame[code] = np.where(values == None, False, values).astype(bool)  # noqa: E711 (blank or bad: recorded)
    df = pd.DataFrame(frame, index=pd.RangeIndex(len(sheet)))
    valid, table_errors = partition_table(df, params, first_row=0)
    errors = cells.errors + [from_kit_error(e, sheet, sheet.rows) for e in table_errors]
    keep = np.zeros(len(sheet), dtype=bool)
    keep[valid.index.to_numpy()] = True
    keep &= ~cells.bad
    aside = uninspected & ~cells.bad & keep  # a faulty row is rejected, never set aside
    keep &= ~aside
    order = {letter: i for i, letter in enumerate(sorted(sheet.letters.values(), key=lambda s: (len(s), s)))}
    errors.sort(key=lambda e: (e.row or 0, order.get(e.letter, len(order)), e.key))
    table = valid.loc[keep[valid.index.to_numpy()]].reset_index(drop=True)
    expected = [*lay.columns, *OPTIONAL_COLUMNS]
    stats = stats_of(sheet, len(table), ~keep & ~aside, [c for c in expected if c not in ("notes",)])
    stats.uninspected = [int(r) for r in sheet.rows[aside]]
    listed = pd.DataFrame({"row": sheet.rows[aside].astype(np.int64)})
    for code in ("unit_id", "unit_name", "township"):
        listed[code] = np.asarray(frame.get(code, np.full(len(sheet), "", dtype=object)))[aside]
    return AuditSheet(table, sheet.rows[keep], errors, stats, sheet, listed)
