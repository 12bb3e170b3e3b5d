"""The answers of the quiz, worked out by the library from the case behind each question.

A question names a `source` (a parameter, a household case, an audited unit, a figures sheet,
a quarter's calendar, the county simulation) and what to `ask` of it. `solve(source, ask)`
returns the answer and the library's own explanation of it: the household's lines with their
arithmetic (`explain`), the unit's deduction lines (`explain_unit`), the target rows
(`check_targets`), the due dates (`due_dates`) or the simulated costs. Nothing is typed in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import t
from jihua_kit.core.paths import data_dir
from jihua_kit.core.textfmt import code_label, format_number
from jihua_kit.course.selfcheck import read_parameter
from jihua_kit.explanations.assessment import explain_unit
from jihua_kit.explanations.household import compare, explain
from jihua_kit.explanations.household_render import money
from jihua_kit.params.figures import figure_text
from jihua_kit.params.store import load_parameters
from jihua_kit.rules.calendar_dates import due_dates

__all__ = ["ASKS", "NUMBER_ASKS", "Solution", "match_key", "solve"]

# What each source can be asked: number asks give a figure, the others pick a choice.
ASKS = {
    "parameter": ("value", "comparator"),
    "case": ("total", "line", "paid"),
    "compare": ("total",),
    "audit": ("total", "line", "flags", "due_by"),
    "targets": ("met", "shortfall"),
    "calendar": ("due",),
    "simulation": ("top_cost", "top_rise"),
    "sensitivity": ("top_swing",),
}
NUMBER_ASKS = {("parameter", "value"), ("case", "total"), ("case", "line"), ("compare", "total"),
               ("audit", "total"), ("audit", "line"), ("targets", "shortfall")}  # fmt: skip


@dataclass(frozen=True)
class Solution:
    """The answer (a number, or the key a choice must match) and the explanation behind it."""

    value: Any
    heading: str
    evidence: tuple[str, ...]


def match_key(value: Any) -> Any:
    """A comparable form of an answer or a choice's `match`: lists as sorted tuples, dates as text."""
    if isinstance(value, (list, tuple, set)):
        return tuple(sorted(str(v) for v in value))
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value.isoformat()
    return value


def _named(folder: str, name: str | Path) -> Path:
    path = Path(name)
    if path.is_file():
        return path
    for suffix in ("", ".yaml", ".yml", ".json"):
        candidate = data_dir() / folder / f"{name}{suffix}"
        if candidate.is_file():
            return candidate
    raise KitError("quiz.no_source_file", field="source", got=str(name))


def _parameter(src: Mapping, ask: str, arg: Any, lang: str, _cache: dict) -> Solution:
    value, used = read_parameter(src)
    pid, key = src["parameter"], src.get("key")
    p = load_parameters().parameters[pid]
    if ask == "comparator":
        value = next(v.comparator or "=" for v in p.values if v.key == key)
    evidence = [figure_text(f, lang) for f in used.figures] + [p.description(lang)]
    return Solution(value, f"{p.name(lang)}〔{p.section}〕{code_label(p.id, lang)}", tuple(evidence))


def _case_lines(expl: Any, ids: list[str] | None = None) -> list[str]:
    lang, out = expl.lang, []
    for line in expl.received:
        amount = money(line.low, line.high, line.kind, lang, line.points)
        how = f"：{line.arithmetic}" if line.arithmetic else ""
        out.append(f"{line.name} {amount}{how}〔{line.section}〕{code_label(line.id, lang)}")
    for line in expl.not_received:
        if ids and line.id in ids:
            out.append(t("quiz.not_paid", lang, id=line.id, name=line.name, reason=line.text))
    sep = "；" if lang == "zh" else "; "
    out.append(sep.join(f"{label}{'：' if lang == 'zh' else ': '}{value}" for label, value in expl.total_rows()))
    used = dict.fromkeys(f"{r.label}{code_label(r.id, lang)}" for line in expl.received for r in line.readings
                         if not r.default)  # fmt: skip
    if used:
        out.append(t("quiz.readings_changed", lang, readings=sep.join(used)))
    return out


def _case(src: Mapping, ask: str, arg: Any, lang: str, _cache: dict) -> Solution:
    expl = explain(src["case"], src.get("scenario", "raised"), src.get("readings"), lang)
    if ask == "paid":
        value = [ln.id for ln in expl.received if ln.id in arg]
    else:
        if ask == "total":
            total = expl.totals[arg]
            low, high = total["min"], total["max"]
        else:
            line = next((ln for ln in expl.lines if ln.id == arg), None)
            if line is None:
                raise KitError("quiz.bad_ask", field=f"ask.{ask}", got=arg)
            low, high = line.low, line.high
        if low != high:
            raise KitError("quiz.range_answer", field=f"ask.{ask}", got=arg)
        value = low
    return Solution(value, expl.heading(), tuple(_case_lines(expl, arg if ask == "paid" else None)))


def _compare(src: Mapping, ask: str, arg: Any, lang: str, _cache: dict) -> Solution:
    cmp = compare(src["compare"], src.get("a", "baseline"), src.get("b", "raised"), src.get("readings"), lang)
    diff = cmp.totals[arg]
    if diff["min"] != diff["max"]:
        raise KitError("quiz.range_answer", field=f"ask.{ask}", got=arg)
    rows = [r for r in cmp.rows if r["a_max"] or r["b_max"]]
    evidence = []
    for r in rows:
        a = money(r["a_min"], r["a_max"], r["kind"], lang) if r["a_max"] else "—"
        b = money(r["b_min"], r["b_max"], r["kind"], lang) if r["b_max"] else "—"
        evidence.append(t("quiz.compare_line", lang, id=r["id"], name=r["name"], a=a, b=b))
    labels = {s: t(f"scenario.{s}", lang) for s in (cmp.a.scenario, cmp.b.scenario)}
    for e in (cmp.a, cmp.b):
        total = e.totals[arg]
        evidence.append(f"{labels[e.scenario]}：{money(total['min'], total['max'], arg, lang)}")
    head = t("quiz.compare_heading", lang, title=cmp.a.title or t("ent.this_household", lang))
    return Solution(diff["min"], head, tuple(evidence))


def _audit(src: Mapping, ask: str, arg: Any, lang: str, _cache: dict) -> Solution:
    unit = src["audit"]
    unit = _named("audits", unit) if isinstance(unit, str) else unit
    expl = explain_unit(unit, lang=lang, unit_id=src.get("unit_id"))
    if ask == "total":
        value: Any = expl.total
    elif ask == "line":
        value = float(sum(ln.points for ln in expl.lines if ln.id == arg))
    elif ask == "flags":
        value = [f.name for f in expl.flags if f.raised and f.name in arg]
    else:
        value = expl.record["consequences"]["payment_deadline"]["due_by"] or ""
    evidence = [f"{ln.detail}：{ln.arithmetic}〔{ln.section}〕{code_label(ln.id, lang)}" for ln in expl.lines]
    evidence.append(t("quiz.unit_total", lang, total=expl.total_text()))
    evidence += [f"[{t('assess.yes' if f.raised else 'assess.no', lang)}] {f.label}：{f.reason}" for f in expl.flags
                 if ask == "flags" and f.name in arg]  # fmt: skip
    if ask == "due_by":
        evidence += list(expl.consequences)
    return Solution(value, expl.title(), tuple(evidence))


def _targets(src: Mapping, ask: str, arg: Any, lang: str, _cache: dict) -> Solution:
    from jihua_kit.rules.targets import check_targets, load_figures

    figures = src["targets"]
    figures = load_figures(_named("targets", figures)) if isinstance(figures, str) else figures
    table = check_targets(figures, lang=lang)
    pid, _, key = str(arg).partition(".")
    rows = table[(table["id"] == pid) & (table["key"].fillna("") == key)]
    if rows.empty:
        raise KitError("quiz.bad_ask", field=f"ask.{ask}", got=arg)
    row = rows.iloc[0]
    value = bool(row["met"]) if ask == "met" else float(row["shortfall"])
    yes = t("quiz.met" if row["met"] else "quiz.not_met", lang)
    line = t("quiz.target_line", lang, name=row["name"], target=row["target"], actual=format_number(row["actual"]),
             unit="" if row["unit"] == "count" else row["unit"], met=yes, section=row["section"])  # fmt: skip
    return Solution(value, str(figures.get("unit", "")) if isinstance(figures, Mapping) else "", (line,))


def _calendar(src: Mapping, ask: str, arg: Any, lang: str, _cache: dict) -> Solution:
    table = due_dates(src["calendar"], reward_from=src.get("reward_from"), lang=lang)
    rows = table[table["id"] == arg]
    if rows.empty or rows["due"].isna().all():
        raise KitError("quiz.bad_ask", field=f"ask.{ask}", got=arg)
    row = rows.iloc[-1]
    line = t("quiz.due_line", lang, name=row["name"], start=match_key(row["start"]), due=match_key(row["due"]),
             section=row["section"], note=row["note"])  # fmt: skip
    return Solution(match_key(row["due"]), str(src["calendar"]), (line,))


def _sim_settings(src: Mapping, name: str) -> tuple[int, int | None, int]:
    from jihua_kit.tables.county import load_county

    spec = src[name] or {}
    households = spec.get("households", 20_000)
    return (
        int(spec.get("year", load_county().reference_year)),
        None if households == "all" else int(households),  # "all": the full county, as chapter 06 projects
        int(spec.get("seed", 0)),
    )


def _simulation(src: Mapping, ask: str, arg: Any, lang: str, cache: dict) -> Solution:
    from jihua_kit.simulation import cost_views

    year, n, seed = _sim_settings(src, "simulation")
    if ("sim", year, n, seed) not in cache:
        cache[("sim", year, n, seed)] = cost_views.wide(cost_views.project_both(n, seed, [year]), lang)
    table = cache[("sim", year, n, seed)].set_index("benefit").loc[list(arg)]
    col = "raised_cost_central" if ask == "top_cost" else "diff"
    value = str(table[col].idxmax())
    wan = {c: table[c] / 1e4 for c in ("baseline_cost_central", "raised_cost_central", "diff")}
    evidence = [t(f"quiz.{ask}_line", lang, name=table.loc[b, "benefit_name"], id=b,
                  base=format_number(round(wan["baseline_cost_central"][b])),
                  raised=format_number(round(wan["raised_cost_central"][b])), diff=format_number(round(wan["diff"][b])))
                for b in table.index]  # fmt: skip
    heading = (
        t("quiz.sim_heading_full", lang, year=year, seed=seed)
        if n is None
        else t("quiz.sim_heading", lang, year=year, n=format_number(n), seed=seed)
    )
    return Solution(value, heading, tuple(evidence))


def _sensitivity(src: Mapping, ask: str, arg: Any, lang: str, cache: dict) -> Solution:
    from jihua_kit.simulation.cost_views import shown_value
    from jihua_kit.simulation.engine import simulate_year
    from jihua_kit.simulation.sensitivity import anchored, tornado

    year, n, seed = _sim_settings(src, "sensitivity")
    tor = tornado(
        params=load_parameters().view("raised"), seed=seed, households=n, year=year, keys=list(arg), lang=lang
    )
    if ("full", year, seed) not in cache:  # the sample's swings on the level of the full run (as chapter 06)
        cache[("full", year, seed)] = simulate_year(params=load_parameters().view("raised"), seed=seed, year=year)
    tor = anchored(tor, cache[("full", year, seed)].total())
    value = str(tor.iloc[0]["key"])  # sorted by swing, largest first
    tor = tor.set_index("key").loc[list(arg)].reset_index()  # the evidence in the order of the choices
    evidence = [
        t("quiz.swing_line", lang, name=r.name, low=shown_value(r.low, r.unit), high=shown_value(r.high, r.unit),
          at_low=format_number(round(r.total_low / 1e4)), at_high=format_number(round(r.total_high / 1e4)),
          swing=format_number(round(r.swing / 1e4)))
        for r in tor.itertuples()
    ]  # fmt: skip
    gap = f"{float(tor['sample_gap'].iloc[0]):+.1%}"
    heading = t("quiz.sim_heading_sample", lang, year=year, n=format_number(n), seed=seed, gap=gap)
    return Solution(value, heading, tuple(evidence))


_SOLVERS: dict[str, Callable[..., Solution]] = {
    "parameter": _parameter, "case": _case, "compare": _compare, "audit": _audit, "targets": _targets,
    "calendar": _calendar, "simulation": _simulation, "sensitivity": _sensitivity,
}  # fmt: skip


def solve(source: Mapping, ask: Mapping, lang: str = "zh", cache: dict | None = None) -> Solution:
    """Work out the answer of one question: `source` names the case, `ask` what to compute."""
    kind = next((k for k in ASKS if k in source), None)
    if kind is None:
        raise KitError("quiz.bad_source", field="source", got=sorted(source), allowed=", ".join(ASKS))
    if len(ask) != 1 or next(iter(ask)) not in ASKS[kind]:
        raise KitError("quiz.bad_ask", field="ask", got=dict(ask), allowed=", ".join(ASKS[kind]))
    ((name, arg),) = ask.items()
    return _SOLVERS[kind](source, name, arg, lang, {} if cache is None else cache)
