"""One household's entitlements, step by step: `explain(case)` and `compare(case, a, b)`.

An `Explanation` is built from the `RuleResult`s of a one-row table (`benefits.compute`): every
line's amount, persons and points are the vectorised result's, and the figures and readings it
cites are those the rule read inside `params.trace()`. The totals are sums of the lines, checked
against the vectorised totals (an assertion), so the text, the table and the JSON cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from jihua_kit.core.errors import InvariantError, KitError
from jihua_kit.core.i18n import catalog, check_lang, t
from jihua_kit.core.textfmt import format_number, named
from jihua_kit.explanations.household_render import CompareRendering, Rendering
from jihua_kit.params.figures import amount_text
from jihua_kit.params.store import DEFAULT_SCENARIO, FigureUse, Params
from jihua_kit.params.system import System, load_system
from jihua_kit.rules.benefits import RuleResult, compute, totals
from jihua_kit.tables.cases import COLUMNS, load_case, validate_table

__all__ = ["Comparison", "Explanation", "Line", "ReadingUse", "compare", "explain"]


@dataclass(frozen=True)
class ReadingUse:
    """A pinned reading a line depends on, with the option in force."""

    id: str
    title: str
    option: str
    label: str
    default: bool


@dataclass(frozen=True)
class Line:
    """One E-* benefit for the household: received (with its condition) or not (with the reason)."""

    id: str
    name: str
    kind: str
    received: bool
    low: float
    high: float
    persons: int
    points: float
    text: str  # the condition that held, or the first unmet condition
    reason_key: str  # message key of the unmet condition ('' when received)
    arithmetic: str
    section: str
    figures: tuple[FigureUse, ...] = ()
    readings: tuple[ReadingUse, ...] = ()


@dataclass(repr=False)
class Explanation(Rendering):
    """What one household receives under one scenario and choice of readings."""

    household: str
    scenario: str
    lang: str
    lines: list[Line]
    readings_changed: dict[str, str] = field(default_factory=dict)
    title: str = ""

    @property
    def received(self) -> list[Line]:
        return [line for line in self.lines if line.received]

    @property
    def not_received(self) -> list[Line]:
        return [line for line in self.lines if not line.received]

    @property
    def totals(self) -> dict[str, Any]:
        """{"one_time": {"min", "max"}, "annual": {"min", "max"}, "points": n}: sums of the lines."""
        out: dict[str, Any] = {}
        for kind in ("one_time", "annual"):
            rows = [line for line in self.received if line.kind == kind]
            out[kind] = {"min": sum((r.low for r in rows), 0.0), "max": sum((r.high for r in rows), 0.0)}
        out["points"] = sum((line.points for line in self.received), 0.0)
        return out


def _plain(value: Any) -> Any:
    value = value.item() if hasattr(value, "item") else value
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _as_table(obj: Any) -> tuple[pd.DataFrame, str, Any]:
    """A case path/name, case mapping, one-row table or table row -> (table, household id, title)."""
    if isinstance(obj, (str, Path, dict)):
        table = load_case(obj)
    else:
        if isinstance(obj, pd.Series):
            obj = obj.to_frame().T
        if not isinstance(obj, pd.DataFrame):
            raise KitError("ent.bad_input", got=type(obj).__name__)
        if len(obj) != 1:
            raise KitError("ent.explain_one_row", n=len(obj))
        table = validate_table(obj)
        table.attrs.update(obj.attrs)
    return table, str(table["household_id"].iloc[0]), table.attrs.get("title", "")


def _readings(res: RuleResult, params: Params, lang: str) -> tuple[ReadingUse, ...]:
    declared = params.get(res.id).readings
    out = []
    for rid in dict.fromkeys(declared + res.readings):
        reading = params.store.readings[rid]
        option = reading.option(params.choices[rid])
        out.append(ReadingUse(rid, reading.title(lang), option.key, option.label(lang), option.key == reading.default))
    return tuple(out)


def _arithmetic(res: RuleResult, lang: str) -> str:
    """'300 × 12 × 2 = 7,200 元' from the money figure the rule read and the result's count."""
    low, high, count = float(res.low[0]), float(res.high[0]), int(res.count[0])
    total = amount_text(low, high, "yuan", lang)
    money = [f for f in res.figures if f.unit.startswith("yuan")]
    if res.kind == "non_monetary" or len(money) != 1:
        return "" if res.kind == "non_monetary" else f"= {total}"
    fig = money[0]
    months = 12 if fig.unit.endswith("/month") else 1
    if abs(fig.low * months * count - low) > 1e-6 or abs(fig.high * months * count - high) > 1e-6:
        return f"= {total}"
    unit = format_number(fig.low) if fig.low == fig.high else f"{format_number(fig.low)}–{format_number(fig.high)}"
    per_person = "/person/" in fig.unit
    terms = [unit] + (["12"] if months == 12 else []) + ([str(count)] if count != 1 or per_person else [])
    return "" if len(terms) == 1 else f"{' × '.join(terms)} = {total}"


def _line(res: RuleResult, row: dict[str, Any], params: Params, lang: str) -> Line:
    param = params.get(res.id)
    received = bool(res.applies[0])
    key = "" if received else str(res.why_not[0])
    args = row | {k: _plain(v) for k, v in res.args.items()}
    if "other" in args:
        args["other"] = named(params.get(args["other"]).name(lang), args["other"], lang)
    if received:  # a scenario or a reading may word the condition differently (E-PENSION's scope)
        key_ok = args.pop("ok", None) or f"ent.ok.{res.id}.{params.scenario}"
        text = t(key_ok if key_ok in catalog() else f"ent.ok.{res.id}", lang, **args)
    else:
        text = t(key, lang, **args)
    return Line(
        id=res.id, name=param.name(lang), kind=res.kind, received=received,
        low=float(res.low[0]), high=float(res.high[0]), persons=int(res.persons[0]),
        points=float(res.points[0]), text=text, reason_key=key,
        arithmetic=_arithmetic(res, lang) if received else "", section=param.section_for(params.scenario),
        figures=res.figures if received else (), readings=_readings(res, params, lang),
    )  # fmt: skip


def _check_totals(expl: Explanation, results: dict[str, RuleResult]) -> None:
    """The lines must add up to the vectorised totals of the same results."""
    mine, theirs = expl.totals, totals(results)
    pairs = [
        (f"{k}.{e}", mine[k][e], float(theirs[k][e][0]), 1e-6) for k in ("one_time", "annual") for e in ("min", "max")
    ]
    pairs.append(("points", mine["points"], float(theirs["points"][0]), 1e-9))
    for what, line_sum, total, tol in pairs:
        if abs(line_sum - total) >= tol:  # an invariant of the kit, kept under `python -O` too
            raise InvariantError(f"explanation lines add up to {line_sum} but the rules' {what} total is {total}")


def explain(
    case_or_table_row: Any,
    scenario: str = DEFAULT_SCENARIO,
    readings: dict[str, str] | None = None,
    lang: str = "zh",
    system: System | None = None,
) -> Explanation:
    """Explain one household (a case file or name, a case mapping, or a one-row household table)
    with the rules and figures of `system` (default: the standard data)."""
    check_lang(lang)
    table, household, title = _as_table(case_or_table_row)
    params = (system or load_system()).view(scenario, readings)
    results = compute(table, params)
    row = {c: _plain(v) for c, v in table.iloc[0].to_dict().items() if c in COLUMNS}
    lines = [_line(results[rid], row, params, lang) for rid in results]
    changed = {k: v for k, v in params.choices.items() if v != params.store.readings[k].default}
    if isinstance(title, dict):
        title = title.get(lang) or title.get("zh") or ""
    expl = Explanation(household, scenario, lang, lines, changed, str(title or ""))
    _check_totals(expl, results)
    return expl


@dataclass(repr=False)
class Comparison(CompareRendering):
    """The same household under two scenarios (or two sets of readings): the difference per line."""

    a: Explanation
    b: Explanation

    @property
    def rows(self) -> list[dict[str, Any]]:
        out = []
        for la, lb in zip(self.a.lines, self.b.lines, strict=True):
            out.append({
                "id": la.id, "name": la.name, "kind": la.kind,
                "a_min": la.low, "a_max": la.high, "b_min": lb.low, "b_max": lb.high,
                "diff_min": lb.low - la.low, "diff_max": lb.high - la.high,
                "a_points": la.points, "b_points": lb.points, "diff_points": lb.points - la.points,
            })  # fmt: skip
        return out

    @property
    def totals(self) -> dict[str, Any]:
        """The difference (b − a) of the totals."""
        ta, tb = self.a.totals, self.b.totals
        out: dict[str, Any] = {k: {e: tb[k][e] - ta[k][e] for e in ("min", "max")} for k in ("one_time", "annual")}
        out["points"] = tb["points"] - ta["points"]
        return out


def compare(
    case: Any,
    a: str = "baseline",
    b: str = DEFAULT_SCENARIO,
    readings: dict[str, str] | None = None,
    lang: str = "zh",
    readings_b: dict[str, str] | None = None,
    system: System | None = None,
) -> Comparison:
    """Explain `case` under scenarios `a` and `b` (readings_b, if given, for `b` only)."""
    table, _, _ = _as_table(case)
    return Comparison(
        explain(table, a, readings, lang, system),
        explain(table, b, readings if readings_b is None else readings_b, lang, system),
    )
