"""The county's 十大优待 (handout section 六) over a household table: `compute(table, params)`.

Every E-* rule is written once, vectorised over all rows (`benefit_rules_reward`,
`benefit_rules_family`, each marked `@rule(ID)`); one household is a one-row table. The rules run
in the order of their records in the data, and a rule out of force in the scenario does not run. Each rule runs inside
`params.trace()`, so its `RuleResult` carries the figures and readings it read: explanations
cite those, never a second code path. R8 (rural and staff death payments for the same event:
the higher only) is settled after both clauses ran.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from jihua_kit.params.store import FigureUse, ParameterStore, Params, load_parameters
from jihua_kit.rules import benefit_rules_family, benefit_rules_reward  # noqa: F401  (they register the rules)
from jihua_kit.rules.benefit_base import NOT_IN_FORCE, Household, Outcome, all_of
from jihua_kit.rules.benefit_rules_family import OVERLAPS
from jihua_kit.rules.registry import function_for

KINDS = ("one_time", "annual", "non_monetary")
R8_LOWER = "ent.why.r8_lower"


def benefit_ids(store: ParameterStore | None = None) -> tuple[str, ...]:
    """The E-* rules in the order of their records in the data (the display order everywhere)."""
    store = store or load_parameters()
    return tuple(pid for pid, p in store.parameters.items() if pid.startswith("E-") and p.kind in KINDS)


def __getattr__(name: str) -> Any:
    if name == "BENEFIT_IDS":  # the default data's order, for callers that need no other data
        return benefit_ids()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class UndeclaredReading(RuntimeError):
    """A rule read a reading its record does not declare (a maintainer's error, never input's)."""


def _run_rule(rid: str, h: Household, params: Params) -> tuple[Outcome, tuple[FigureUse, ...], tuple[str, ...]]:
    """Run one rule where it is in force, traced; check it read only the readings it declares.

    The result cites the record's readings and any value-level ones the rule read (R1 on a floor)."""
    if not params.in_force(rid):
        return Outcome([(np.zeros(h.n, dtype=bool), NOT_IN_FORCE)]), (), ()
    with params.trace() as tr:
        out = function_for(rid)(h, params)
    undeclared = [r for r in tr.readings if r not in params.get(rid).declared_readings]
    if undeclared:
        raise UndeclaredReading(f"{rid} read {undeclared}: add them to its `readings` in {params.get(rid).file}")
    return out, tuple(tr.figures), tuple(dict.fromkeys(params.get(rid).readings + tuple(tr.readings)))


@dataclass
class RuleResult:
    """One E-* rule over n households (arrays of length n).

    `low` / `high` are yuan: the one-time amount, or the annual amount for a full year (R4);
    equal unless the figure is a range (R5). `persons` are the people paid (2 for a couple, 1 for
    a household payment), `count` the multiplier of the unit amount (parents, years postponed,
    members, children), `points` the exam points of the non-monetary E-EXAM-BONUS.
    `why_not` gives, per household, the message key of the first unmet condition ('' where the
    rule applies); it is worked out from the condition masks on first use.
    """

    id: str
    kind: str
    applies: np.ndarray
    low: np.ndarray
    high: np.ndarray
    persons: np.ndarray
    count: np.ndarray
    points: np.ndarray
    conds: tuple[np.ndarray, ...]
    why_keys: tuple[str, ...]  # why_keys[0] == '' (applies); why_keys[i] belongs to conds[i - 1]
    args: dict[str, Any] = field(default_factory=dict)
    figures: tuple[FigureUse, ...] = ()
    readings: tuple[str, ...] = ()
    overrides: list[tuple[np.ndarray, int]] = field(default_factory=list)  # (mask, code) set after the rule
    _why_code: np.ndarray | None = field(default=None, repr=False)

    @property
    def why_code(self) -> np.ndarray:
        """Index into `why_keys` per household: 0 where the rule applies, else the first failing condition."""
        if self._why_code is None:
            code = np.zeros(len(self.applies), dtype=np.uint8)
            failed = np.zeros(len(self.applies), dtype=bool)
            for i, mask in enumerate(self.conds, start=1):
                first = ~mask & ~failed
                code[first] = i
                failed |= first
            for mask, value in self.overrides:
                code[mask] = value
            self._why_code = code
        return self._why_code

    @property
    def why_not(self) -> np.ndarray:
        """Message key of the first unmet condition per household ('' where the rule applies)."""
        return np.asarray(self.why_keys, dtype=object)[self.why_code]

    def __len__(self) -> int:
        return len(self.applies)


class _Blocks:
    """One allocation per output field for all rules (rows are the rules): far fewer page faults
    than twenty separate arrays, which dominates the cost on a big table."""

    def __init__(self, n: int, rules: int) -> None:
        self.applies = np.empty((rules, n), dtype=bool)
        self.count = np.empty((rules, n), dtype=np.int32)
        self.low = np.empty((rules, n))
        self.zeros = np.zeros(n)
        self.zeros.flags.writeable = False  # shared by every rule without points


def _assemble(rid: str, kind: str, out: Outcome, n: int, blocks: _Blocks, i: int) -> RuleResult:
    applies = all_of(out.conds, n, blocks.applies[i])
    count = np.multiply(applies, out.count, out=blocks.count[i], casting="unsafe")  # 0 where not applying
    low = np.multiply(count, out.unit_low, out=blocks.low[i])
    high = low if out.unit_high is None else count * float(out.unit_high)
    persons = count if out.persons is None else applies * np.int32(out.persons)
    points = applies * float(out.points) if out.points else blocks.zeros
    keys = ("",) + tuple(key for _, key in out.conds)
    masks = tuple(mask for mask, _ in out.conds)
    return RuleResult(rid, kind, applies, low, high, persons, count, points, masks, keys, dict(out.args))


def _settle_overlaps(results: dict[str, RuleResult], params: Params) -> None:
    """R8: where a rural and a staff clause both pay for one event, keep the higher (ties: rural)."""
    for first, second in OVERLAPS:
        a, b = results[first], results[second]
        with params.trace() as tr:
            both_paid = params.chose("R8", "both")
        for res in (a, b):
            res.readings += tuple(r for r in tr.readings if r not in res.readings)
        if both_paid:
            continue
        both = a.applies & b.applies
        if not both.any():
            continue
        a_wins = a.high >= b.high
        for loser, other, mask in ((a, b, both & ~a_wins), (b, a, both & a_wins)):
            if not mask.any():
                continue
            loser.overrides.append((mask, len(loser.why_keys)))
            loser.why_keys += (R8_LOWER,)
            loser.args["other"] = other.id
            loser.applies = loser.applies & ~mask
            for name in ("low", "high", "points"):
                setattr(loser, name, np.where(mask, 0.0, getattr(loser, name)))
            loser.persons = np.where(mask, 0, loser.persons)
            loser.count = np.where(mask, 0, loser.count)


def compute(table: pd.DataFrame, params: Params) -> dict[str, RuleResult]:
    """Every E-* rule over `table` (a validated household table), in the data's order."""
    h = Household(table)
    ids = benefit_ids(params.store)
    blocks = _Blocks(h.n, len(ids))
    results: dict[str, RuleResult] = {}
    for i, rid in enumerate(ids):
        out, figures, readings = _run_rule(rid, h, params)
        res = _assemble(rid, out.kind or params.get(rid).kind, out, h.n, blocks, i)
        res.figures, res.readings = figures, readings
        results[rid] = res
    _settle_overlaps(results, params)
    for res in results.values():  # `high` may be `low`, `persons` may be `count`: no edits in place
        for arr in (res.applies, res.low, res.high, res.persons, res.count, res.points):
            arr.flags.writeable = False
    return results


def totals(results: dict[str, RuleResult]) -> dict[str, dict[str, np.ndarray]]:
    """Per household: {"one_time": {"min", "max"}, "annual": {...}} in yuan, and exam points."""
    out: dict[str, Any] = {}
    for kind in ("one_time", "annual"):
        rows = [r for r in results.values() if r.kind == kind]
        out[kind] = {"min": sum(r.low for r in rows), "max": sum(r.high for r in rows)}
    out["points"] = sum(r.points for r in results.values())
    return out
