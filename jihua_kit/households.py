"""The household table of `docs/tables.md`: its columns, defaults and vectorised validation.

`validate_table(df)` checks a table of any size column by column (numpy, no per-row Python
for well-typed columns) and returns a normalised copy: canonical dtypes, categories with fixed
codes, the columns in contract order, extra columns kept at the end. The first fault raises
`KitError` naming the row (the DataFrame index label) and the column.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from jihua_kit.errors import KitError

SLOTS = (1, 2, 3, 4)
PARENTS = (1, 2)  # p1 = mother, p2 = father
MAX_AGE = 120  # a sanity bound for data entry, not a rule figure

TEXT = ("household_id", "village", "township")
CATEGORIES: dict[str, tuple[str, ...]] = {
    "residence": ("rural", "urban"),
    "household_type": ("one_child", "two_daughter", "other"),
    "method": ("sterilization", "long_term", "none"),
    **{f"c{k}_sex": ("F", "M", "") for k in SLOTS},
}
EVENT_BOOLS = ("late_marriage", "late_first_birth", "gave_up_second", "long_term_adopted", "spouse_died")
EVENT_BOOLS += ("only_child_disabled",)
EVENT_INTS = ("postpone_years", "college_child", "college_tier", "graduate_child", "child_died", "member_disabled")

COLUMNS: tuple[str, ...] = (
    *TEXT, "residence", "household_type", "urban_dibao", "method",
    *(f"p{p}_{f}" for p in PARENTS for f in ("age", "alive", "state_employee")),
    *(f"c{k}_{f}" for k in SLOTS for f in ("present", "age", "sex", "alive", "disabled")),
    "ev_late_marriage", "ev_late_first_birth", "ev_gave_up_second", "ev_postpone_years",
    "ev_long_term_adopted", "ev_college_child", "ev_college_tier", "ev_graduate_child",
    "ev_spouse_died", "ev_child_died", "ev_only_child_disabled", "ev_member_disabled",
)  # fmt: skip
INTS = frozenset([f"p{p}_age" for p in PARENTS] + [f"c{k}_age" for k in SLOTS] + [f"ev_{e}" for e in EVENT_INTS])
BOOLS = frozenset(c for c in COLUMNS if c not in INTS and c not in CATEGORIES and c not in TEXT)
REQUIRED = ("household_id", "residence", "household_type", "p1_age", "p2_age")

# A household with nothing recorded: the value of every optional column when it is left out.
EMPTY: dict[str, Any] = {c: ("" if c in TEXT or c in CATEGORIES else 0 if c in INTS else False) for c in COLUMNS} | {
    "method": "none",
    "p1_alive": True,
    "p2_alive": True,
    "residence": "rural",
    "household_type": "other",
}
_OURS = re.compile(r"^(p[12]_|c\d_|ev_)")


def _fail(key: str, df_index: pd.Index, pos: int | None, col: str, **info: Any) -> KitError:
    row = None
    if pos is not None:
        row = df_index[pos]
        row = row.item() if hasattr(row, "item") else row
    return KitError(key, row=row, field=col, **info)


def _first(mask: np.ndarray) -> int | None:
    hits = np.flatnonzero(mask)
    return int(hits[0]) if hits.size else None


def _check(mask: np.ndarray, key: str, index: pd.Index, col: str, got: Any = None, **info: Any) -> None:
    """Raise for the first row where `mask` holds; `got` (an array) supplies the offending value."""
    pos = _first(mask)
    if pos is not None:
        value = got[pos] if got is not None else None
        value = value.item() if hasattr(value, "item") else value
        raise _fail(key, index, pos, col, got=value, **info)


def _coerce(col: str, raw: pd.Series | None, index: pd.Index) -> Any:
    if raw is None:
        if col in REQUIRED:
            raise KitError("case.missing_column", field=col)
        if col in CATEGORIES:
            return pd.Categorical([EMPTY[col]] * len(index), categories=CATEGORIES[col])
        return np.full(len(index), EMPTY[col], dtype=object if col in TEXT else None)
    if isinstance(raw.dtype, pd.CategoricalDtype):
        raw = raw.astype(object)
    values = raw.to_numpy()
    if col in TEXT:
        missing = pd.isna(values)
        if col == "household_id":
            _check(missing, "case.missing_value", index, col)
            _check(raw.astype(str).str.strip().to_numpy() == "", "case.missing_value", index, col)
        return np.where(missing, "", raw.astype(str).to_numpy()).astype(object)
    if col in CATEGORIES:
        if col.endswith("_sex"):
            values = np.where(pd.isna(values), "", values)
        allowed = CATEGORIES[col]
        bad = ~pd.Series(values).isin(allowed).to_numpy()
        _check(bad, "case.bad_choice", index, col, values, allowed=", ".join(a or "''" for a in allowed))
        return pd.Categorical(values, categories=allowed)
    if col in BOOLS:
        if values.dtype == bool:
            return values
        ok = pd.Series(values).isin([True, False]).to_numpy() & ~pd.isna(values)
        if values.dtype == object:
            ok &= np.array([isinstance(v, (bool, np.bool_, int, np.integer)) for v in values], dtype=bool)
        _check(~ok, "case.not_bool", index, col, values)
        return values.astype(bool)
    # integer columns
    if values.dtype.kind in "iu":
        return values.astype(np.int64)
    if values.dtype == bool:
        _check(np.ones(len(values), bool), "case.not_int", index, col, values)
    if values.dtype == object:
        typed = np.array([isinstance(v, (int, float, np.integer, np.floating)) for v in values], dtype=bool)
        typed &= np.array([not isinstance(v, (bool, np.bool_)) for v in values], dtype=bool)
        _check(~typed, "case.not_int", index, col, values)
    nums = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    _check(~np.isfinite(nums) | (nums != np.round(nums)), "case.not_int", index, col, values)
    return nums.astype(np.int64)


def normalise(df: pd.DataFrame) -> pd.DataFrame:
    """Column presence and dtypes only (no cross-field checks); see `validate_table`."""
    if not isinstance(df, pd.DataFrame):
        raise KitError("case.not_a_table", got=type(df).__name__)
    for col in df.columns:
        if isinstance(col, str) and _OURS.match(col) and col not in COLUMNS:
            raise KitError("case.unknown_column", field=col)
    data = {col: _coerce(col, df[col] if col in df.columns else None, df.index) for col in COLUMNS}
    out = pd.DataFrame(data, index=df.index)
    extra = [c for c in df.columns if c not in COLUMNS]
    return pd.concat([out, df[extra]], axis=1) if extra else out


def validate_table(df: pd.DataFrame) -> pd.DataFrame:
    """Check a household table (many rows) and return it normalised; KitError names row and column."""
    table = normalise(df)
    idx = table.index
    col = {c: (table[c].cat.codes.to_numpy() if c in CATEGORIES else table[c].to_numpy()) for c in COLUMNS}
    ids = col["household_id"]
    _check(pd.Series(ids).duplicated().to_numpy(), "case.duplicate_id", idx, "household_id", ids)
    for c in INTS:
        _check(col[c] < 0, "case.negative", idx, c, col[c])
    for c in [f"p{p}_age" for p in PARENTS] + [f"c{k}_age" for k in SLOTS]:
        _check(col[c] > MAX_AGE, "case.too_large", idx, c, col[c], max=MAX_AGE)
    _check_children(col, idx)
    _check_household(col, idx)
    _check_events(col, idx)
    return table


def _sex(col: dict, k: int, letter: str) -> np.ndarray:
    return col[f"c{k}_sex"] == CATEGORIES[f"c{k}_sex"].index(letter)


def _check_children(col: dict, idx: pd.Index) -> None:
    for k in SLOTS:
        absent = ~col[f"c{k}_present"]
        for field, filled in (
            ("age", col[f"c{k}_age"] != 0), ("sex", ~_sex(col, k, "")),
            ("alive", col[f"c{k}_alive"]), ("disabled", col[f"c{k}_disabled"]),
        ):  # fmt: skip
            _check(absent & filled, "case.absent_slot_filled", idx, f"c{k}_{field}", slot=k)
        _check(~absent & _sex(col, k, ""), "case.missing_value", idx, f"c{k}_sex")


def _check_household(col: dict, idx: pd.Index) -> None:
    kinds = CATEGORIES["household_type"]
    present = np.stack([col[f"c{k}_present"] for k in SLOTS])
    n_kids = present.sum(axis=0)
    n_alive = np.stack([col[f"c{k}_alive"] for k in SLOTS]).sum(axis=0)
    n_girls = np.stack([_sex(col, k, "F") for k in SLOTS]).sum(axis=0)
    one = col["household_type"] == kinds.index("one_child")
    two = col["household_type"] == kinds.index("two_daughter")
    _check(
        one & (n_kids != 1), "case.onechild_count", idx, "household_type", n_kids, alive=n_alive[_pos(one, n_kids != 1)]
    )
    _check(two & ((n_kids != 2) | (n_girls != 2)), "case.twogirl_children", idx, "household_type", n_kids,
           girls=n_girls[_pos(two, (n_kids != 2) | (n_girls != 2))])  # fmt: skip
    urban = col["residence"] == CATEGORIES["residence"].index("urban")
    _check(col["urban_dibao"] & ~urban, "case.dibao_rural", idx, "urban_dibao")


def _pos(a: np.ndarray, b: np.ndarray) -> int:
    """Position of the first row where both masks hold (0 when none, for message filling)."""
    hit = _first(a & b)
    return 0 if hit is None else hit


def _slot_values(col: dict, slot: np.ndarray, field: str) -> np.ndarray:
    """The value of child field `field` in the slot each row names (False/0 for slot 0)."""
    stacked = np.stack([np.zeros_like(col[f"c1_{field}"])] + [col[f"c{k}_{field}"] for k in SLOTS])
    return stacked[np.clip(slot, 0, len(SLOTS)), np.arange(len(slot))]


def _check_events(col: dict, idx: pd.Index) -> None:
    for name, need_alive in (("college_child", True), ("graduate_child", True), ("child_died", False)):
        slot = col[f"ev_{name}"]
        c = f"ev_{name}"
        named = slot > 0
        _check(slot > len(SLOTS), "case.child_missing", idx, c, slot)
        _check(named & ~_slot_values(col, slot, "present"), "case.child_missing", idx, c, slot)
        alive = _slot_values(col, slot, "alive")
        key = "case.child_not_alive" if need_alive else "case.child_still_alive"
        _check(named & (alive != need_alive), key, idx, c, slot)
    tier, college = col["ev_college_tier"], col["ev_college_child"] > 0
    _check(college & ((tier < 1) | (tier > 4)), "case.tier_range", idx, "ev_college_tier", tier)
    _check(~college & (tier != 0), "case.tier_without_child", idx, "ev_college_tier", tier)
    both_alive = col["p1_alive"] & col["p2_alive"]
    _check(col["ev_spouse_died"] & both_alive, "case.spouse_died_both_alive", idx, "ev_spouse_died")
    n_kids = np.stack([col[f"c{k}_present"] for k in SLOTS]).sum(axis=0)
    ocd = col["ev_only_child_disabled"]
    _check(ocd & (n_kids != 1), "case.only_child_count", idx, "ev_only_child_disabled", n_kids)
    any_disabled = np.stack([col[f"c{k}_disabled"] for k in SLOTS]).any(axis=0)
    _check(ocd & ~any_disabled, "case.only_child_not_disabled", idx, "ev_only_child_disabled")
    none = col["method"] == CATEGORIES["method"].index("none")
    _check(col["ev_long_term_adopted"] & none, "case.adopted_without_method", idx, "ev_long_term_adopted")
