"""What the E-* rules work on: the household table as numpy arrays, read once, and the shape
of a rule's answer (its conditions in order, the amount per unit and how many units).

A rule returns an `Outcome`: a list of (condition mask, message key when unmet), in the order an
explanation should test them, plus the amounts. `benefits.compute` turns it into a `RuleResult`
(applies = all conditions hold; why_not = the first that fails).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from jihua_kit.tables.columns import SLOTS
from jihua_kit.tables.households import BOOLS, COLUMNS

Cond = tuple[np.ndarray, str]
NOT_IN_FORCE = "ent.why.not_in_force"  # the reason for a rule that does not exist in the scenario
# The numeric and flag columns the rules read (text and category columns are compared on codes).
_CHILD_SLOTS = tuple(f"c{k}_" for k in SLOTS)
NEEDED = ["urban_dibao"] + [
    c for c in COLUMNS if c.startswith(("p1_", "p2_", "ev_")) or (c.startswith(_CHILD_SLOTS) and not c.endswith("_sex"))
]
BOOL_NEEDED = [c for c in NEEDED if c in BOOLS]


def _is(series: pd.Series, value: str) -> np.ndarray:
    """series == value as a bool array, on category codes when the column is categorical."""
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        cats = list(dtype.categories)
        if value not in cats:
            return np.zeros(len(series), dtype=bool)
        return series.cat.codes.to_numpy() == cats.index(value)
    return series.to_numpy() == value


def _count(masks: list[np.ndarray]) -> np.ndarray:
    """How many of the bool arrays hold, per row (uint8)."""
    total = masks[0].view(np.uint8).copy()
    for mask in masks[1:]:
        total += mask.view(np.uint8)
    return total


class Household:
    """The columns the rules need, as contiguous numpy arrays, read once (children per slot)."""

    def __init__(self, table: pd.DataFrame) -> None:
        col = {c: np.ascontiguousarray(table[c].to_numpy()) for c in NEEDED}
        for c in BOOL_NEEDED:
            if col[c].dtype != bool:
                col[c] = col[c].astype(bool)
        self.n = len(table)
        self.rural = _is(table["residence"], "rural")
        self.one = _is(table["household_type"], "one_child")
        self.two = _is(table["household_type"], "two_daughter")
        self.liang = self.one | self.two  # 两户
        self.rural_liang = self.rural & self.liang
        self.dibao = col["urban_dibao"]
        self.sterilized = _is(table["method"], "sterilization")
        self.long_term = ~_is(table["method"], "none")  # sterilization or another long-term method
        self.p_age = [col["p1_age"], col["p2_age"]]
        self.p_alive = [col["p1_alive"], col["p2_alive"]]
        self.mother_age = col["p1_age"]
        self.n_parents = _count(self.p_alive)
        self.staff = col["p1_state_employee"] | col["p2_state_employee"]
        self.c_present = [col[f"c{k}_present"] for k in SLOTS]
        self.c_age = [col[f"c{k}_age"] for k in SLOTS]
        self.c_alive = [col[f"c{k}_alive"] for k in SLOTS]
        self.n_living = _count(self.c_alive)
        # A child who has died or is disabled (for 两户: the only child, or a daughter).
        disabled = [col[f"c{k}_disabled"] for k in SLOTS]
        lost = [pr & (~al | dis) for pr, al, dis in zip(self.c_present, self.c_alive, disabled, strict=True)]
        self.child_lost = np.logical_or.reduce(lost)
        # The only child's age: absent slots hold age 0 (docs/tables.md), so the largest is the child's.
        self.only_child_age = np.maximum.reduce(self.c_age)
        self.ev = {c[3:]: col[c] for c in col if c.startswith("ev_")}

    def parents_aged(self, start: float) -> np.ndarray:
        """Living parents aged `start` or more, per household (uint8)."""
        return _count([alive & (age >= start) for alive, age in zip(self.p_alive, self.p_age, strict=True)])

    def children_under(self, limit: float) -> np.ndarray:
        """Living children under `limit`, per household (uint8)."""
        slots = zip(self.c_present, self.c_alive, self.c_age, strict=True)
        return _count([pr & al & (age < limit) for pr, al, age in slots])


@dataclass
class Outcome:
    """A rule's answer before assembly: conditions, amount per unit (low/high), units, persons."""

    conds: list[Cond]
    unit_low: float | np.ndarray = 0.0
    unit_high: float | np.ndarray | None = None
    count: np.ndarray | int = 1  # multiplier of the unit amount (parents, years, members, children)
    persons: np.ndarray | int | None = None  # people paid; defaults to `count`
    points: float = 0.0  # exam points for the non-monetary rule
    args: dict[str, Any] = field(default_factory=dict)
    kind: str | None = None  # one_time / annual when a reading changes it (else the parameter's kind)


def all_of(conds: list[Cond], n: int, out: np.ndarray | None = None) -> np.ndarray:
    """Where every condition holds (written into `out` when given)."""
    ok = np.empty(n, dtype=bool) if out is None else out
    np.copyto(ok, conds[0][0])
    for mask, _ in conds[1:]:
        ok &= mask
    return ok


def per_parent(params: Any, eligible: np.ndarray) -> np.ndarray:
    """Units paid for parents' rewards (R2): each eligible living parent, or one per household."""
    if params.reading("R2"):
        return eligible
    return (eligible > 0).astype(eligible.dtype)
