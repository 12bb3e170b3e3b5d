"""Section B: deduction points and the consequences that are not points, over a table of units.

Each rule is written once, vectorised over the unit table (`jihua_kit.tables.audit_table`); one unit is
a one-row table. Every figure is read through `Params` inside a trace per line, so the
explanation cites exactly the figures and readings each line used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from jihua_kit.params.store import Params, Trace
from jihua_kit.params.system import System, load_system
from jihua_kit.rules.calendar_dates import add_working_days, working_days
from jihua_kit.tables.audit_table import BIRTHS_ID, RESIDENT_BACKLOG, Layout, birth_column, layout, validate_table

FLAG_NAMES = ("no_commendation", "award_cancelled", "pledge_redo", "shuangwu_breach", "case_file_required")
CONSEQUENCE_NAMES = ("payment_deadline", "judicial_referral")
WRONG, WRONG_SEX, CERT, UNPAID, EXAM, WEAK = (
    "D-WRONG-BIRTH", "D-WRONG-SEX", "D-UNCHECKED-CERT", "D-UNPAID-REWARD", "D-EXAM", "D-WEAK-PLEDGE",
)  # fmt: skip
SHUANGWU, CASE_FILE = "TR-SHUANGWU", "TR-CASE-FILE"
_OUTSIDE_KEY = re.compile(r"^outside_(\d+)$")


@dataclass(frozen=True)
class Term:
    """One part of a per-birth rate: `value`, times `steps` parities above `base` if a step."""

    key: str
    value: float
    steps: int | None = None
    base: int | None = None

    @property
    def amount(self) -> float:
        return self.value * (self.steps if self.steps is not None else 1)


@dataclass(frozen=True)
class BirthRate:
    """Points per missed birth for one (policy, parity) column, and how they are made up."""

    column: str
    policy: str
    parity: int
    terms: tuple[Term, ...]

    @property
    def rate(self) -> float:
        return sum(term.amount for term in self.terms)


def birth_rates(params: Params, lay: Layout | None = None) -> list[BirthRate]:
    """D-MISSED-BIRTH per parity: inside any k: inside_any; outside k<=N: outside_k; beyond:
    outside_N + outside_step x (k - N), where N is the highest `outside_<n>` key in the data."""
    lay = lay or layout(params)
    keys = [v.key for v in params.get(BIRTHS_ID).values if v.key]
    top = max(int(m.group(1)) for k in keys if (m := _OUTSIDE_KEY.match(k)))
    rates = []
    for k in range(1, lay.parity_max + 1):
        rates.append(
            BirthRate(birth_column("in", k), "in", k, (Term("inside_any", params.value(BIRTHS_ID, "inside_any")),))
        )
    for k in range(1, lay.parity_max + 1):
        if k <= top:
            terms = (Term(f"outside_{k}", params.value(BIRTHS_ID, f"outside_{k}")),)
        else:
            step = params.value(BIRTHS_ID, "outside_step")
            terms = (Term(f"outside_{top}", params.value(BIRTHS_ID, f"outside_{top}")),
                     Term("outside_step", step, steps=k - top, base=top))  # fmt: skip
        rates.append(BirthRate(birth_column("out", k), "out", k, terms))
    return rates


@dataclass
class ScoreResult:
    """Points per finding ID, flags and consequences, one array element per unit (table row)."""

    table: pd.DataFrame
    points: dict[str, np.ndarray]
    counts: dict[str, np.ndarray]
    birth_points: dict[str, np.ndarray]
    rates: dict[str, BirthRate]
    flags: dict[str, np.ndarray]
    consequences: dict[str, np.ndarray]
    payment_due_by: np.ndarray
    traces: dict[str, Trace] = field(default_factory=dict)

    @cached_property
    def total(self) -> np.ndarray:
        """Total points per unit: the sum of the lines, by construction (computed once)."""
        return np.sum(list(self.points.values()), axis=0) if self.points else np.zeros(len(self.table))

    def __len__(self) -> int:
        return len(self.table)

    def to_frame(self) -> pd.DataFrame:
        """One row per unit: points per ID, total, flags, consequences, payment due date."""
        out = pd.DataFrame(self.points, index=self.table["unit_id"].to_numpy())
        out["total"] = self.total
        for name, arr in {**self.flags, **self.consequences}.items():
            out[name] = arr
        out["payment_due_by"] = pd.to_datetime(self.payment_due_by)
        out.index.name = "unit_id"
        return out


def _births(table: pd.DataFrame, lay: Layout, params: Params) -> tuple[np.ndarray, np.ndarray, dict, dict]:
    rates = {r.column: r for r in birth_rates(params, lay)}
    per_column = {col: table[col].to_numpy(dtype=float) * r.rate for col, r in rates.items()}
    counts = np.sum([table[col].to_numpy() for col in rates], axis=0)
    return np.sum(list(per_column.values()), axis=0), counts, per_column, rates


def _count_line(table: pd.DataFrame, code: str, params: Params) -> tuple[np.ndarray, np.ndarray]:
    """count x points per case; under RA-WRONG-SEX-INSTEAD=on_top a sex error is also a wrong birth."""
    n = table[code].to_numpy()
    if code == WRONG and params.chose("RA-WRONG-SEX-INSTEAD", "on_top"):
        n = n + table[WRONG_SEX].to_numpy()
    return n * params.value(code), n


def _check_declared(code: str, trace: Trace, params: Params) -> None:
    """A line cites the readings its record declares; reading an undeclared one is a maintainer's error."""
    declared = params.get(code).declared_readings
    undeclared = [r for r in trace.readings if r not in declared]
    if undeclared:
        raise RuntimeError(f"{code} read {undeclared}: add them to its `readings` in {params.get(code).file}")
    for rid in declared:
        trace.add_reading(rid)


def resident_births(table: pd.DataFrame, lay: Layout, from_parity: int = 1) -> np.ndarray:
    """Resident out-of-policy births per unit, at parity `from_parity` or above."""
    cols = [f"resident_out_births_{k}" for k in range(max(from_parity, 1), lay.parity_max + 1)]
    return table[cols].to_numpy().sum(axis=1) if cols else np.zeros(len(table), dtype=np.int64)


def _flags(table: pd.DataFrame, lay: Layout, params: Params, traces: dict[str, Trace]) -> dict[str, np.ndarray]:
    cert, unpaid = table[CERT].to_numpy(), table[UNPAID].to_numpy()
    out = {}
    with params.trace() as traces["no_commendation"]:
        lighter, heavier = params.value(CERT, "no_commendation_at"), params.value(CERT, "award_cancelled_at")
        cumulative = params.chose("RA-LADDER-CUMULATIVE", "cumulative")
        out["no_commendation"] = (cert >= lighter) | (cumulative & (cert >= heavier))
    with params.trace() as traces["award_cancelled"]:
        out["award_cancelled"] = (cert >= params.value(CERT, "award_cancelled_at")) | (
            unpaid >= params.value(UNPAID, "award_cancelled_at")
        )
    with params.trace() as traces["pledge_redo"]:
        params.value(WEAK)  # the pledge item scores this (zero) and is redone
        out["pledge_redo"] = table[WEAK].to_numpy(dtype=bool)
    with params.trace() as traces["shuangwu_breach"]:
        at = params.value(SHUANGWU, "breach_at")
        out["shuangwu_breach"] = (resident_births(table, lay) >= at) | (table[RESIDENT_BACKLOG].to_numpy() >= at)
    with params.trace() as traces["case_file_required"]:
        out["case_file_required"] = resident_births(table, lay, int(params.value(CASE_FILE, "parity_at"))) > 0
    return out


def score(
    table: pd.DataFrame,
    params: Params | None = None,
    holidays: Iterable[str] | None = None,
    system: System | None = None,
) -> ScoreResult:
    """Score a unit table (validated first: a bad row raises `KitError`, nothing is scored).

    Returns points per D-* ID (D-MISSED-BIRTH summed over its parity columns, also kept per
    column), the five flags, the consequences (payment within the working-day deadline, the
    judicial-referral note for D-EXAM) and the payment due date where an inspection date is given.
    """
    params = params or (system or load_system()).view()
    lay = layout(params)
    table = validate_table(table, params)
    traces: dict[str, Trace] = {}
    points, counts = {}, {}
    with params.trace() as traces[BIRTHS_ID]:
        points[BIRTHS_ID], counts[BIRTHS_ID], per_column, rates = _births(table, lay, params)
    for code in lay.count_codes:
        with params.trace() as traces[code]:
            points[code], counts[code] = _count_line(table, code, params)
        _check_declared(code, traces[code], params)
    points = {k: np.asarray(v, dtype=float) for k, v in points.items()}
    flags = _flags(table, lay, params, traces)
    unpaid = table[UNPAID].to_numpy() > 0
    with params.trace() as traces["payment_deadline"]:
        working_days(params)
        starts = table["inspection_date"].where(unpaid, "").to_numpy(dtype=object)
        due = add_working_days(np.where(starts == "", None, starts), params, holidays)
    consequences = {"payment_deadline": unpaid, "judicial_referral": table[EXAM].to_numpy() > 0}
    return ScoreResult(table, points, counts, per_column, rates, flags, consequences, due, traces)
