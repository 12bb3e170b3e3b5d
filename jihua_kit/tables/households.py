"""The household table of `docs/tables.md`: its columns, defaults and vectorised validation.

`validate_table(df)` checks a table of any size column by column (numpy, no per-row Python
for well-typed columns) and returns a normalised copy: canonical dtypes, categories with fixed
codes, the columns in contract order, extra columns kept at the end. The first fault raises
`KitError` naming the row (the DataFrame index label) and the column. `check_all_rows` runs the
same checks once and keeps every row's first fault instead (a roster's rejected rows), so a table
full of bad rows costs what a good one costs.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from jihua_kit.core.errors import KitError
from jihua_kit.params.store import load_parameters
from jihua_kit.tables.columns import SLOTS, Column, household_columns

BOUNDS_ID = "TR-CASE-BOUNDS"  # plausibility bounds (assumptions) in data/parameters/case_bounds.yaml

# Everything below is derived from the declaration (jihua_kit/tables/columns.py).
DECLARATION: tuple[Column, ...] = household_columns()
COLUMNS: tuple[str, ...] = tuple(c.name for c in DECLARATION)
TEXT = tuple(c.name for c in DECLARATION if c.dtype == "str")
CATEGORIES: dict[str, tuple[str, ...]] = {c.name: c.choices for c in DECLARATION if c.dtype == "category"}
INTS = frozenset(c.name for c in DECLARATION if c.dtype == "int")
BOOLS = frozenset(c.name for c in DECLARATION if c.dtype == "bool")
REQUIRED = tuple(c.name for c in DECLARATION if c.required)
EVENT_BOOLS = tuple(c.field for c in DECLARATION if c.group == "event" and c.dtype == "bool")
EVENT_INTS = tuple(c.field for c in DECLARATION if c.group == "event" and c.dtype == "int")
BOUNDS = {c.name: c.bound for c in DECLARATION if c.bound}  # column -> its TR-CASE-BOUNDS key

# A household with nothing recorded: the value of every optional column when it is left out.
EMPTY: dict[str, Any] = {c.name: c.default for c in DECLARATION}
_OURS = re.compile(r"^(p[12]_|c\d_|ev_)")
SAFE_INT = 2**53  # whole numbers a float holds exactly; larger ones are refused before any conversion


def _plain(value: Any) -> Any:
    """A numpy scalar as a Python value; a whole float as an int (1970, not 1970.0, in messages)."""
    value = value.item() if hasattr(value, "item") else value
    return int(value) if isinstance(value, float) and value.is_integer() and abs(value) <= SAFE_INT else value


class Faults:
    """The rows where checks fail. By default the first fault raises `KitError` (row = index label);
    with `collect=True` every row keeps its first fault and later checks skip it, as if the row had
    been taken out of the table (the result is the same as checking row by row, in one pass)."""

    def __init__(self, index: pd.Index, collect: bool = False) -> None:
        self.index, self.collect = index, collect
        self.failed = np.zeros(len(index), dtype=bool)
        self.errors: list[KitError] = []

    def check(self, mask: np.ndarray, key: str, col: str, got: Any = None, **info: Any) -> None:
        """A fault in every row where `mask` holds; `got` and any array in `info` are per row."""
        hits = np.flatnonzero(mask & ~self.failed if self.collect else mask)
        for pos in hits if self.collect else hits[:1]:
            extra = {k: _plain(v[pos]) if isinstance(v, np.ndarray) else v for k, v in info.items()}
            value = _plain(got[pos]) if got is not None else None
            err = KitError(key, row=_plain(self.index[pos]), field=col, got=value, **extra)
            if not self.collect:
                raise err
            self.errors.append(err)
        self.failed[hits] = True

    @property
    def live(self) -> np.ndarray:
        """Rows with no fault yet."""
        return ~self.failed


def _raw(source: Any, col: str) -> Any:
    """A column of a DataFrame (categoricals kept as such) or of a mapping of sequences, or None."""
    if col not in source:
        return None
    raw = source[col]
    if isinstance(raw, pd.Series):
        return raw.array if isinstance(raw.dtype, pd.CategoricalDtype) else raw.to_numpy()
    return raw if isinstance(raw, (np.ndarray, pd.Categorical)) else np.asarray(raw)


def _codes(col: str, raw: Any, faults: Faults) -> np.ndarray:
    """Category codes (int8, in the order of CATEGORIES[col]) of a text or categorical column."""
    allowed = CATEGORIES[col]
    blank = allowed.index("") if "" in allowed else -1  # a missing sex means no child
    if isinstance(raw, pd.Categorical):
        remap = np.array([allowed.index(c) if c in allowed else -1 for c in raw.categories] + [blank])
        codes, shown = remap[raw.codes], np.asarray(raw, dtype=object)
    elif len(raw) <= 64:
        lookup = {a: i for i, a in enumerate(allowed)}
        codes = np.array([lookup.get(v, -1) if isinstance(v, str) else blank if _missing(v) else -1 for v in raw])
        shown = raw
    else:
        shown = np.where(pd.isna(raw), "", raw) if blank >= 0 else raw
        codes = pd.Categorical(shown, categories=allowed).codes
    faults.check(codes < 0, "case.bad_choice", col, shown, allowed=", ".join(a or "''" for a in allowed))
    return np.where(codes < 0, max(blank, 0), codes).astype(np.int8)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def _number(value: Any) -> float:
    """A number as float; a whole number too large for one exactly becomes +-inf (refused as too large)."""
    if isinstance(value, (int, np.integer)) and not -SAFE_INT <= value <= SAFE_INT:
        return float("inf") if value > 0 else float("-inf")
    return float(value)


def _coerce(col: str, raw: Any, faults: Faults) -> tuple[np.ndarray, np.ndarray | None]:
    """One column, checked for type and converted: text -> object, categories -> int8 codes,
    flags -> bool, counts and ages -> int64 (with their values as float, for the range checks: a
    value beyond int64 is clipped here and refused by those checks, never wrapped around)."""
    n = len(faults.index)
    if raw is None:
        if col in REQUIRED:
            raise KitError("case.missing_column", field=col)
        if col in CATEGORIES:
            return np.full(n, CATEGORIES[col].index(EMPTY[col]), dtype=np.int8), None
        return np.full(n, EMPTY[col], dtype=object if col in TEXT else None), None
    if col in CATEGORIES:
        return _codes(col, raw, faults), None
    values = np.asarray(raw, dtype=object) if isinstance(raw, pd.Categorical) else raw
    if col in TEXT:
        missing = pd.isna(values)
        text = np.where(missing, "", values).astype(str)
        if col == "household_id":
            faults.check(missing | (np.char.strip(text) == ""), "case.missing_value", col)
        return text.astype(object), None
    if col in BOOLS:
        if values.dtype == bool:
            return values, None
        if values.dtype == object:
            ok = np.array([isinstance(v, (bool, np.bool_)) or (type(v) is int and v in (0, 1)) for v in values], bool)
        else:
            ok = (values == 0) | (values == 1)
        faults.check(~ok, "case.not_bool", col, values)
        return np.where(ok, values, False).astype(bool), None
    if values.dtype.kind == "i":  # integer columns: exact already
        return values.astype(np.int64, copy=False), values
    if values.dtype == bool:
        faults.check(np.ones(n, bool), "case.not_int", col, values)
        return np.zeros(n, dtype=np.int64), None
    if values.dtype == object:
        typed = np.array([isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
                          for v in values], dtype=bool)  # fmt: skip
        faults.check(~typed, "case.not_int", col, values)
        nums = np.array([_number(v) if ok else np.nan for v, ok in zip(values, typed, strict=True)], dtype=float)
        faults.check(np.isnan(nums) | (np.isfinite(nums) & (nums != np.round(nums))), "case.not_int", col, values)
    else:
        nums = values.astype(float)
        faults.check(np.isnan(nums) | (np.isfinite(nums) & (nums != np.round(nums))), "case.not_int", col, values)
    nums = np.where(np.isnan(nums), 0.0, nums)
    return np.clip(nums, -SAFE_INT, SAFE_INT).astype(np.int64), nums


def _limits() -> dict[str, float]:
    """The TR-CASE-BOUNDS bound of each bounded count or age column."""
    bounds = load_parameters().view()
    return {c: bounds.value(BOUNDS_ID, key) for c, key in BOUNDS.items()}


def _run_checks(source: Any, faults: Faults) -> pd.DataFrame:
    col, nums = {}, {}
    for c in COLUMNS:
        col[c], nums[c] = _coerce(c, _raw(source, c), faults)
    ids = col["household_id"]
    live = faults.live
    dup = np.zeros(len(ids), dtype=bool)
    dup[live] = pd.Series(ids[live]).duplicated().to_numpy()  # a row already failed is not there
    faults.check(dup, "case.duplicate_id", "household_id", ids)
    ranged = {c: v for c, v in nums.items() if v is not None}
    given = {c: _raw(source, c) for c in ranged}
    for c, v in ranged.items():  # checked on the values as given: no conversion can wrap them around
        faults.check(v < 0, "case.negative", c, given[c])
    limits = _limits()
    for c, top in limits.items():
        if c in ranged:
            faults.check(ranged[c] > top, "case.too_large", c, given[c], max=int(top), bound=BOUNDS_ID)
    for c, v in ranged.items():  # a child's number or tier too large for any check below to read
        if c not in limits:
            faults.check(
                v > SAFE_INT, "case.tier_range" if c == "ev_college_tier" else "case.child_missing", c, given[c]
            )
    _check_children(col, faults)
    _check_household(col, faults)
    _check_events(col, faults)
    data = {c: pd.Categorical.from_codes(v, CATEGORIES[c]) if c in CATEGORIES else v for c, v in col.items()}
    return pd.DataFrame(data, index=faults.index)


def check_columns(source: Any, index: pd.Index) -> pd.DataFrame:
    """Type-check, convert and cross-check the columns of `source` (a DataFrame or a mapping of
    equal-length sequences) and return the normalised table with `index`; the first fault raises."""
    return _run_checks(source, Faults(index))


def check_all_rows(source: Any, index: pd.Index) -> tuple[pd.DataFrame, list[KitError]]:
    """As `check_columns`, but every row is checked: (the rows without a fault, each failed row's
    first fault). A fault of a whole column (a required column missing) still raises."""
    faults = Faults(index, collect=True)
    table = _run_checks(source, faults)
    return table[faults.live], faults.errors


def validate_table(df: pd.DataFrame) -> pd.DataFrame:
    """Check a household table (many rows) and return it normalised; KitError names row and column.

    Columns other than `household_id`, `residence`, `household_type`, `p1_age` and `p2_age` may be
    left out: they take the value of `EMPTY` (nothing recorded). Extra columns are kept at the end,
    unless they look like the table's own (`p1_…`, `c3_…`, `ev_…`) and are misspelt.
    """
    if not isinstance(df, pd.DataFrame):
        raise KitError("case.not_a_table", got=type(df).__name__)
    for col in df.columns:
        if isinstance(col, str) and _OURS.match(col) and col not in COLUMNS:
            raise KitError("case.unknown_column", field=col)
    table = check_columns(df, df.index)
    extra = [c for c in df.columns if c not in COLUMNS]
    return pd.concat([table, df[extra]], axis=1) if extra else table


def _sex(col: dict, k: int, letter: str) -> np.ndarray:
    return col[f"c{k}_sex"] == CATEGORIES[f"c{k}_sex"].index(letter)


def _check_children(col: dict, faults: Faults) -> None:
    for k in SLOTS:
        absent = ~col[f"c{k}_present"]
        for field, filled in (
            ("age", col[f"c{k}_age"] != 0), ("sex", ~_sex(col, k, "")),
            ("alive", col[f"c{k}_alive"]), ("disabled", col[f"c{k}_disabled"]),
        ):  # fmt: skip
            faults.check(absent & filled, "case.absent_slot_filled", f"c{k}_{field}", slot=k)
        faults.check(~absent & _sex(col, k, ""), "case.missing_value", f"c{k}_sex")


def _check_household(col: dict, faults: Faults) -> None:
    kinds = CATEGORIES["household_type"]
    present = np.stack([col[f"c{k}_present"] for k in SLOTS])
    n_kids = present.sum(axis=0)
    n_alive = np.stack([col[f"c{k}_alive"] for k in SLOTS]).sum(axis=0)
    n_girls = np.stack([_sex(col, k, "F") for k in SLOTS]).sum(axis=0)
    one = col["household_type"] == kinds.index("one_child")
    two = col["household_type"] == kinds.index("two_daughter")
    faults.check(one & (n_kids != 1), "case.onechild_count", "household_type", n_kids, alive=n_alive)
    faults.check(two & ((n_kids != 2) | (n_girls != 2)), "case.twogirl_children", "household_type", n_kids,
                 girls=n_girls)  # fmt: skip
    urban = col["residence"] == CATEGORIES["residence"].index("urban")
    faults.check(col["urban_dibao"] & ~urban, "case.dibao_rural", "urban_dibao")


def _slot_values(col: dict, slot: np.ndarray, field: str) -> np.ndarray:
    """The value of child field `field` in the slot each row names (False/0 for slot 0)."""
    stacked = np.stack([np.zeros_like(col[f"c1_{field}"])] + [col[f"c{k}_{field}"] for k in SLOTS])
    return stacked[np.clip(slot, 0, len(SLOTS)), np.arange(len(slot))]


def _check_events(col: dict, faults: Faults) -> None:
    for name, need_alive in (("college_child", True), ("graduate_child", True), ("child_died", False)):
        slot = col[f"ev_{name}"]
        c = f"ev_{name}"
        named = slot > 0
        faults.check(slot > len(SLOTS), "case.child_missing", c, slot)
        faults.check(named & ~_slot_values(col, slot, "present"), "case.child_missing", c, slot)
        alive = _slot_values(col, slot, "alive")
        key = "case.child_not_alive" if need_alive else "case.child_still_alive"
        faults.check(named & (alive != need_alive), key, c, slot)
    tier, college = col["ev_college_tier"], col["ev_college_child"] > 0
    faults.check(college & ((tier < 1) | (tier > 4)), "case.tier_range", "ev_college_tier", tier)
    faults.check(~college & (tier != 0), "case.tier_without_child", "ev_college_tier", tier)
    both_alive = col["p1_alive"] & col["p2_alive"]
    faults.check(col["ev_spouse_died"] & both_alive, "case.spouse_died_both_alive", "ev_spouse_died")
    n_kids = np.stack([col[f"c{k}_present"] for k in SLOTS]).sum(axis=0)
    ocd = col["ev_only_child_disabled"]
    faults.check(ocd & (n_kids != 1), "case.only_child_count", "ev_only_child_disabled", n_kids)
    any_disabled = np.stack([col[f"c{k}_disabled"] for k in SLOTS]).any(axis=0)
    faults.check(ocd & ~any_disabled, "case.only_child_not_disabled", "ev_only_child_disabled")
    none = col["method"] == CATEGORIES["method"].index("none")
    faults.check(col["ev_long_term_adopted"] & none, "case.adopted_without_method", "ev_long_term_adopted")
