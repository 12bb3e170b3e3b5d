"""The unit table (one row per assessed unit): its columns and their vectorised validation.

The columns are listed in `docs/tables.md` ("Unit table"). They depend on the data only through
`TR-AUDIT-BOUNDS` (how many parity columns) and the D-* records (which finding codes exist), so a
new bound or finding in `data/parameters/` changes the table without a code change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jihua_kit.core.errors import KitError
from jihua_kit.params.limits import check_year
from jihua_kit.params.store import Params, default_params

BOUNDS_ID = "TR-AUDIT-BOUNDS"
BIRTHS_ID = "D-MISSED-BIRTH"
TEXT_COLUMNS = ("unit_id", "unit_name", "township", "level", "period", "inspection_date")
OPTIONAL_COLUMNS = ("notes",)
LEVELS = ("village", "township", "department")
LEVEL_ALIASES = {"村": "village", "居": "village", "村(居)": "village", "乡": "township", "乡镇": "township",
                 "镇": "township", "部门": "department", "县直部门": "department"}  # fmt: skip
POLICIES = ("in", "out")
RESIDENT_BACKLOG = "resident_backlog"
PERIOD = re.compile(r"^[0-9]{4}(Q[1-4])?$")  # 2013 or 2013Q2 (ASCII digits)
_PARITY_COLUMN = re.compile(r"^(missed_in|missed_out|resident_out_births)_(\d+)$")


@dataclass(frozen=True)
class Layout:
    """The unit-table columns for one `Params`: finding codes and bounds read from the data."""

    parity_max: int
    count_max: int
    count_codes: tuple[str, ...]  # D-* findings given as counts (D-MISSED-BIRTH is by parity)
    flag_codes: tuple[str, ...]  # D-* findings given as yes/no

    def birth_columns(self, policy: str) -> list[str]:
        return [birth_column(policy, k) for k in range(1, self.parity_max + 1)]

    def resident_columns(self) -> list[str]:
        return [f"resident_out_births_{k}" for k in range(1, self.parity_max + 1)]

    @property
    def int_columns(self) -> list[str]:
        births = self.birth_columns("in") + self.birth_columns("out")
        return births + list(self.count_codes) + self.resident_columns() + [RESIDENT_BACKLOG]

    @property
    def columns(self) -> list[str]:
        """Every column, in the contract's order."""
        births = self.birth_columns("in") + self.birth_columns("out")
        rest = list(self.count_codes) + list(self.flag_codes) + self.resident_columns() + [RESIDENT_BACKLOG]
        return list(TEXT_COLUMNS) + births + rest

    @property
    def finding_codes(self) -> tuple[str, ...]:
        return (BIRTHS_ID, *self.count_codes, *self.flag_codes)


def birth_column(policy: str, parity: int) -> str:
    """'missed_out_5': missed births outside the policy at parity 5."""
    return f"missed_{policy}_{parity}"


def layout(params: Params | None = None) -> Layout:
    """The table layout implied by the parameter data (bounds and D-* records)."""
    params = params or default_params()
    ds = [p for pid, p in params.store.parameters.items() if pid.startswith("D-") and params.in_force(pid)]
    counts = tuple(p.id for p in ds if p.kind == "points" and p.id != BIRTHS_ID)
    flags = tuple(p.id for p in ds if p.kind == "flag")
    return Layout(int(params.value(BOUNDS_ID, "parity_max")), int(params.value(BOUNDS_ID, "count_max")), counts, flags)


def empty_table(params: Params | None = None) -> pd.DataFrame:
    """A zero-row unit table with every column (for templates and readers)."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in layout(params).columns})


class _Rows:
    """Collects per-row errors for one table; remembers which rows failed."""

    def __init__(self, df: pd.DataFrame, units: pd.Series, first_row: int) -> None:
        self.df, self.units, self.first_row = df, units, first_row
        self.errors: list[tuple[int, int, KitError]] = []
        self.bad = np.zeros(len(df), dtype=bool)
        self.order = {c: i for i, c in enumerate(df.columns)}

    def fail(self, mask: np.ndarray, key: str, field: str, **info: object) -> None:
        if not mask.any():
            return
        raw = self.df[field] if field in self.df else pd.Series([None] * len(self.df), index=self.df.index)
        for pos in np.flatnonzero(mask):
            unit = self.units.iat[pos] or "?"
            got = raw.iat[pos]
            got = got.item() if isinstance(got, np.generic) else got
            err = KitError(key, unit=unit, row=int(pos) + self.first_row, field=field, got=got, **info)
            self.errors.append((int(pos), self.order.get(field, -1), err))
        self.bad |= mask


def _text(series: pd.Series) -> pd.Series:
    """Cells as stripped text; numbers that are whole print without '.0'; empty for missing."""

    def one(v: object) -> str:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA or v is pd.NaT:
            return ""
        if isinstance(v, (float, np.floating)) and float(v).is_integer():
            return str(int(v))
        return str(v).strip()

    return series.map(one).astype(object)


def _column(df: pd.DataFrame, name: str, default: object) -> pd.Series:
    return df[name] if name in df else pd.Series([default] * len(df), index=df.index, dtype=object)


def _counts(rows: _Rows, df: pd.DataFrame, col: str, bound: int, over_key: str) -> np.ndarray:
    if col not in df:
        return np.zeros(len(df))
    raw = df[col]
    if raw.dtype.kind in "iuf":  # numeric column: no text, no booleans to look for
        num = raw.to_numpy(dtype=float)
        rows.fail(np.isnan(num), "audit.empty", col)
    else:
        is_bool = raw.map(lambda v: isinstance(v, (bool, np.bool_))).to_numpy(dtype=bool)
        num = pd.to_numeric(raw.where(~is_bool, np.nan), errors="coerce").to_numpy(dtype=float)
        empty = raw.isna().to_numpy()
        rows.fail(empty, "audit.empty", col)
        rows.fail(~empty & (is_bool | np.isnan(num)), "audit.bad_number", col)
    ok = ~np.isnan(num)
    rows.fail(ok & (num < 0), "audit.negative", col)
    rows.fail(ok & (num >= 0) & (num % 1 != 0), "audit.not_whole", col)
    rows.fail(ok & (num % 1 == 0) & (num > bound), over_key, col, bound=bound)
    inside = ok & (num >= 0) & (num <= bound)  # rows with a fault are dropped, never truncated or wrapped
    return np.where(inside, num, 0).astype(np.int64)


def _flags(rows: _Rows, df: pd.DataFrame, col: str) -> np.ndarray:
    raw = _column(df, col, False)
    words = {"true": True, "false": False, "1": True, "0": False}

    def one(v: object) -> object:
        if isinstance(v, (bool, np.bool_)):
            return bool(v)
        if isinstance(v, (int, float, np.integer, np.floating)) and not pd.isna(v) and v in (0, 1):
            return bool(v)
        return words.get(str(v).strip().lower()) if isinstance(v, str) else None

    vals = raw.map(one)
    rows.fail(vals.isna().to_numpy(), "audit.bad_bool", col)
    return vals.fillna(False).to_numpy(dtype=bool)


def check_period(period: object, field: str = "period") -> str:
    """A period as the audit tables take it ('2013' or '2013Q2'), or KitError naming `field`."""
    text = str(period or "").strip().upper()
    if not text:
        raise KitError("audit.need_period", field=field)
    if not PERIOD.fullmatch(text):
        raise KitError("audit.bad_period", field=field, got=period)
    check_year(int(text[:4]), field=field)
    return text


def _identity(rows: _Rows, df: pd.DataFrame) -> dict[str, pd.Series]:
    out = {c: _text(_column(df, c, "")) for c in TEXT_COLUMNS + OPTIONAL_COLUMNS}
    uid = out["unit_id"]
    rows.fail((uid == "").to_numpy(), "audit.missing_unit_id", "unit_id")
    rows.fail((uid.duplicated() & (uid != "")).to_numpy(), "audit.duplicate_unit", "unit_id")
    rows.fail(~out["period"].str.fullmatch(PERIOD.pattern).to_numpy(dtype=bool), "audit.bad_period", "period")
    level = out["level"].replace("", "village").map(lambda v: LEVEL_ALIASES.get(v, v))
    rows.fail(~level.isin(LEVELS).to_numpy(), "audit.bad_level", "level", allowed=", ".join(LEVELS))
    out["level"] = level
    given = out["inspection_date"]
    dates = pd.to_datetime(given.where(given != "", None), errors="coerce", format="ISO8601")
    rows.fail((dates.isna() & (given != "")).to_numpy(), "audit.bad_date", "inspection_date")
    out["inspection_date"] = dates.dt.strftime("%Y-%m-%d").fillna("").astype(object)
    return out


def _column_errors(df: pd.DataFrame, lay: Layout, first_row: int) -> list[KitError]:
    known = set(lay.columns) | set(OPTIONAL_COLUMNS)
    errors = []
    for col in df.columns:
        name = str(col)
        if name in known or _PARITY_COLUMN.match(name):
            continue
        key = "audit.unknown_code" if name.startswith("D-") else "audit.unknown_column"
        errors.append(KitError(key, field=name, got=name, allowed=", ".join(lay.finding_codes)))
    for name in ("unit_id", "period"):
        if name not in df:
            errors.append(KitError("audit.missing_column", field=name))
    return errors


def partition_table(
    df: pd.DataFrame, params: Params | None = None, first_row: int = 1
) -> tuple[pd.DataFrame, list[KitError]]:
    """Split a unit table into its valid rows (normalised, full contract) and every error found.

    Each error names the row (`first_row` is the number of the table's first row), the unit and
    the column. A row with any error is left out of the valid table, never scored in part. A
    column-level fault (unknown finding code or column, missing unit_id/period) rejects all rows.
    """
    lay = layout(params)
    col_errors = _column_errors(df, lay, first_row)
    if col_errors:
        return pd.DataFrame(columns=lay.columns), col_errors
    units = _text(_column(df, "unit_id", ""))
    rows = _Rows(df, units, first_row)
    out: dict[str, object] = dict(_identity(rows, df))
    for col in lay.int_columns:
        bound = lay.count_max
        out[col] = _counts(rows, df, col, bound, "audit.count_over")
    for col in df.columns:
        match = _PARITY_COLUMN.match(str(col))
        if match and str(col) not in lay.int_columns:  # parity 0, or above the bound
            nonzero = _counts(rows, df, str(col), lay.count_max, "audit.count_over") != 0
            key = "audit.parity_zero" if int(match.group(2)) < 1 else "audit.parity_over"
            rows.fail(nonzero, key, str(col), parity=int(match.group(2)), bound=lay.parity_max)
    for col in lay.flag_codes:
        out[col] = _flags(rows, df, col)
    for col in (*TEXT_COLUMNS, *OPTIONAL_COLUMNS):
        out[col] = pd.Series(out[col], dtype=str)
    keep = ["notes"] if "notes" in df else []
    table = pd.DataFrame({c: out[c] for c in lay.columns + keep}, index=df.index)
    if rows.bad.any():
        table = table[~rows.bad]
    errors = [e for _, _, e in sorted(rows.errors, key=lambda x: (x[0], x[1]))]
    return table, errors


def validate_table(df: pd.DataFrame, params: Params | None = None, first_row: int = 1) -> pd.DataFrame:
    """The normalised unit table; raises the first `KitError` (row, unit, column) if any row is bad."""
    table, errors = partition_table(df, params, first_row)
    if errors:
        raise errors[0]
    return table
