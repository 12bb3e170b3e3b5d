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
from jihua_kit.params import load_parameters

SLOTS = (1, 2, 3, 4)
PARENTS = (1, 2)  # p1 = mother, p2 = father
BOUNDS_ID = "TR-CASE-BOUNDS"  # plausibility bounds (assumptions) in data/parameters/case_bounds.yaml

TEXT = ("household_id", "village", "township")
CATEGORIES: dict[str, tuple[str, ...]] = {
    "residence": ("rural", "urban"),
    "household_type": ("one_child", "two_daughter", "other"),
    "method": ("sterilization", "long_term", "none"),
    **{f"c{k}_sex": ("F", "M", "") for k in SLOTS},
}
EVENT_BOOLS = ("late_marriage", "late_first_birth", "gave_up_second", "long_term_adopted", "spouse_died")
EVENT_BOOLS += ("only_child_disabled", "postpone_running")
EVENT_INTS = ("postpone_years", "college_child", "college_tier", "graduate_child", "child_died", "member_disabled")

COLUMNS: tuple[str, ...] = (
    *TEXT, "residence", "household_type", "urban_dibao", "method",
    *(f"p{p}_{f}" for p in PARENTS for f in ("age", "alive", "state_employee")),
    *(f"c{k}_{f}" for k in SLOTS for f in ("present", "age", "sex", "alive", "disabled")),
    "ev_late_marriage", "ev_late_first_birth", "ev_gave_up_second", "ev_postpone_years",
    "ev_long_term_adopted", "ev_college_child", "ev_college_tier", "ev_graduate_child",
    "ev_spouse_died", "ev_child_died", "ev_only_child_disabled", "ev_member_disabled", "ev_postpone_running",
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


def _raw(source: Any, col: str) -> Any:
    """A column of a DataFrame (categoricals kept as such) or of a mapping of sequences, or None."""
    if col not in source:
        return None
    raw = source[col]
    if isinstance(raw, pd.Series):
        return raw.array if isinstance(raw.dtype, pd.CategoricalDtype) else raw.to_numpy()
    return raw if isinstance(raw, (np.ndarray, pd.Categorical)) else np.asarray(raw)


def _codes(col: str, raw: Any, index: pd.Index) -> np.ndarray:
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
    _check(codes < 0, "case.bad_choice", index, col, shown, allowed=", ".join(a or "''" for a in allowed))
    return codes.astype(np.int8)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def _coerce(col: str, raw: Any, index: pd.Index) -> np.ndarray:
    """One column, checked for type and converted: text -> object, categories -> int8 codes,
    flags -> bool, counts and ages -> int64."""
    n = len(index)
    if raw is None:
        if col in REQUIRED:
            raise KitError("case.missing_column", field=col)
        if col in CATEGORIES:
            return np.full(n, CATEGORIES[col].index(EMPTY[col]), dtype=np.int8)
        return np.full(n, EMPTY[col], dtype=object if col in TEXT else None)
    if col in CATEGORIES:
        return _codes(col, raw, index)
    values = np.asarray(raw, dtype=object) if isinstance(raw, pd.Categorical) else raw
    if col in TEXT:
        missing = pd.isna(values)
        text = np.where(missing, "", values).astype(str)
        if col == "household_id":
            _check(missing | (np.char.strip(text) == ""), "case.missing_value", index, col)
        return text.astype(object)
    if col in BOOLS:
        if values.dtype == bool:
            return values
        if values.dtype == object:
            ok = np.array([isinstance(v, (bool, np.bool_)) or (type(v) is int and v in (0, 1)) for v in values], bool)
        else:
            ok = (values == 0) | (values == 1)
        _check(~ok, "case.not_bool", index, col, values)
        return values.astype(bool)
    if values.dtype.kind in "iu":  # integer columns
        return values.astype(np.int64, copy=False)
    if values.dtype == bool:
        _check(np.ones(n, bool), "case.not_int", index, col, values)
    if values.dtype == object:
        typed = np.array([isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
                          for v in values], dtype=bool)  # fmt: skip
        _check(~typed, "case.not_int", index, col, values)
    nums = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    _check(~np.isfinite(nums) | (nums != np.round(nums)), "case.not_int", index, col, values)
    return nums.astype(np.int64)


def check_columns(source: Any, index: pd.Index) -> pd.DataFrame:
    """Type-check, convert and cross-check the columns of `source` (a DataFrame or a mapping of
    equal-length sequences) and return the normalised table with `index`."""
    col = {c: _coerce(c, _raw(source, c), index) for c in COLUMNS}
    ids = col["household_id"]
    idx = index
    _check(pd.Series(ids).duplicated().to_numpy(), "case.duplicate_id", idx, "household_id", ids)
    for c in INTS:
        _check(col[c] < 0, "case.negative", idx, c, col[c])
    bounds = load_parameters().view()
    limits = {f"p{p}_age": "age_max" for p in PARENTS} | {f"c{k}_age": "age_max" for k in SLOTS}
    limits |= {"ev_postpone_years": "postpone_max", "ev_member_disabled": "member_disabled_max"}
    for c, key in limits.items():
        top = bounds.value(BOUNDS_ID, key)
        _check(col[c] > top, "case.too_large", idx, c, col[c], max=int(top), bound=BOUNDS_ID)
    _check_children(col, idx)
    _check_household(col, idx)
    _check_events(col, idx)
    data = {c: pd.Categorical.from_codes(v, CATEGORIES[c]) if c in CATEGORIES else v for c, v in col.items()}
    return pd.DataFrame(data, index=index)


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
