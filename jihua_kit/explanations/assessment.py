"""The explanation of one unit's assessment: each deduction line with its rule, figures, section
and arithmetic; the flags with their reasons; the consequences that are not points.

Built from the `ScoreResult` of a one-row table (no second implementation of any rule): the
points shown are the result's, the arithmetic is spelled out from the figures the rule read.
Rendering (text, HTML, DataFrame, JSON) lives in `jihua_kit.explanations.assessment_render`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import catalog, check_lang, t
from jihua_kit.core.textfmt import format_number
from jihua_kit.explanations.assessment_render import Rendering
from jihua_kit.explanations.scorecard import number, unit_record
from jihua_kit.params.figures import figure_text
from jihua_kit.params.store import Params, Trace
from jihua_kit.params.system import System, load_system
from jihua_kit.rules.deductions import (
    BIRTHS_ID,
    CASE_FILE,
    CERT,
    EXAM,
    FLAG_NAMES,
    SHUANGWU,
    UNPAID,
    WEAK,
    WRONG,
    WRONG_SEX,
    BirthRate,
    ScoreResult,
    resident_births,
    score,
)
from jihua_kit.tables.audit_table import layout
from jihua_kit.tables.audits import load_audit


@dataclass
class Line:
    """One deduction line: a finding (or one parity of missed births) and its points."""

    id: str
    name: str
    detail: str
    arithmetic: str
    points: float
    section: str
    figures: list[str] = field(default_factory=list)


@dataclass
class FlagLine:
    name: str
    label: str
    raised: bool
    reason: str
    section: str


@dataclass(repr=False)
class UnitExplanation(Rendering):
    """What one unit loses and why; render with to_text / to_html / to_frame / to_dict / to_json."""

    unit: dict[str, Any]
    lines: list[Line]
    zero_ids: list[str]
    flags: list[FlagLine]
    consequences: list[str]
    ladder: list[str]
    figures: list[str]
    readings: list[dict[str, str]]
    record: dict[str, Any]
    lang: str = "zh"
    parallel: list[str] = field(default_factory=list)  # measures beside the ladder (一票否决), not rungs

    @property
    def total(self) -> float:
        return float(self.record["total_points"])


def _pts(x: float, lang: str) -> str:
    return t("assess.points", lang, n=format_number(x))


def _birth_arithmetic(rate: BirthRate, n: int, lang: str) -> str:
    parts = []
    for term in rate.terms:
        v = format_number(term.value)
        parts.append(f"{v}×({rate.parity}−{term.base})" if term.steps is not None else v)
    expr = " + ".join(parts)
    if len(parts) == 1:
        return f"{n} × {expr}"
    return expr if n == 1 else f"{n} × ({expr})"


def _birth_lines(result: ScoreResult, params: Params, lang: str) -> list[Line]:
    p, lines = params.get(BIRTHS_ID), []
    for col, rate in result.rates.items():
        n = int(result.table[col].iat[0])
        if n == 0:
            continue
        pts = float(result.birth_points[col][0])
        figs = [f for f in result.traces[BIRTHS_ID].figures if f.key in {term.key for term in rate.terms}]
        detail = t(f"assess.birth.{rate.policy}", lang, k=rate.parity, n=n)
        arith = f"{_birth_arithmetic(rate, n, lang)} = {_pts(pts, lang)}"
        lines.append(Line(BIRTHS_ID, p.name(lang), detail, arith, pts, p.section, [figure_text(f, lang) for f in figs]))
    return lines


def _count_line(result: ScoreResult, pid: str, params: Params, lang: str) -> Line:
    p, tr = params.get(pid), result.traces[pid]
    n, pts = int(result.counts[pid][0]), float(result.points[pid][0])
    value = format_number(params.value(pid))
    count_text = str(n)
    if pid == WRONG and n != int(result.table[WRONG].iat[0]):  # RA-WRONG-SEX-INSTEAD = on_top
        count_text = f"({int(result.table[WRONG].iat[0])} + {int(result.table[WRONG_SEX].iat[0])})"
    key = f"assess.count.{pid}" if f"assess.count.{pid}" in catalog() else "assess.count.default"
    detail = t(key, lang, n=n)
    arith = f"{count_text} × {value} = {_pts(pts, lang)}"
    return Line(pid, p.name(lang), detail, arith, pts, p.section, [figure_text(f, lang) for f in tr.figures])


def _flag_lines(result: ScoreResult, params: Params, lang: str) -> list[FlagLine]:
    tab, out, lay = result.table.iloc[0], [], layout(params)
    births = int(resident_births(result.table, lay)[0])
    at_case = int(params.value(CASE_FILE, "parity_at"))
    high = int(resident_births(result.table, lay, at_case)[0])
    info = {
        "no_commendation": {"n": int(tab[CERT]), "at": format_number(params.value(CERT, "no_commendation_at"))},
        "award_cancelled": {"n": int(tab[CERT]), "at": format_number(params.value(CERT, "award_cancelled_at")),
                            "m": int(tab[UNPAID]), "at2": format_number(params.value(UNPAID, "award_cancelled_at"))},
        "pledge_redo": {"state": t("assess.yes" if bool(tab[WEAK]) else "assess.no", lang)},
        "shuangwu_breach": {"b": births, "s": int(tab["resident_backlog"]),
                            "at": format_number(params.value(SHUANGWU, "breach_at"))},
        "case_file_required": {"n": high, "at": at_case},
    }  # fmt: skip
    for name in FLAG_NAMES:
        sections = dict.fromkeys(f.section for f in result.traces[name].figures)
        raised = bool(result.flags[name][0])
        reason = t(f"assess.flag.{name}.reason", lang, **info[name])
        out.append(FlagLine(name, t(f"assess.flag.{name}", lang), raised, reason, "; ".join(sections)))
    return out


def _consequences(result: ScoreResult, params: Params, record: dict, lang: str) -> tuple[list[str], list[str]]:
    tab, notes = result.table.iloc[0], []
    pay = record["consequences"]["payment_deadline"]
    if pay["applies"]:
        when = (
            t("assess.due_by", lang, start=record["inspection_date"], due=pay["due_by"])
            if pay["due_by"]
            else t("assess.no_date", lang)
        )
        notes.append(t("assess.payment", lang, m=int(tab[UNPAID]), days=pay["working_days"], when=when,
                       section=params.get(UNPAID).section))  # fmt: skip
    if record["consequences"]["judicial_referral"]:
        notes.append(t("assess.judicial", lang, n=int(tab[EXAM]), section=params.get(EXAM).section))
    ladder: list[str] = []
    if record["flags"]["shuangwu_breach"]:
        rec = params.get(SHUANGWU)
        ladder = [step["en" if lang == "en" else "zh"] for step in rec.ladder]
        beside = [m["en" if lang == "en" else "zh"] for m in rec.parallel]
        sep = "、" if lang == "zh" else ", "
        notes.append(t("assess.ladder", lang, ladder=" → ".join(ladder), n=len(ladder), section=rec.section))
        if beside:
            notes.append(t("assess.parallel", lang, measures=sep.join(beside), n=len(ladder), section=rec.section))
    return notes, ladder


def _readings(traces: Iterable[Trace], params: Params, lang: str) -> list[dict[str, str]]:
    ids = dict.fromkeys(rid for tr in traces for rid in tr.readings)
    out = []
    for rid in ids:
        reading, option = params.store.readings[rid], params.option(rid)
        out.append({"id": rid, "title": reading.title(lang), "option": option.key, "label": option.label(lang)})
    return out


def explain_result(result: ScoreResult, params: Params, lang: str = "zh") -> UnitExplanation:
    """The explanation of a scored one-row table."""
    check_lang(lang)
    if len(result) != 1:
        raise KitError("assess.one_unit", field="unit_id", got=len(result))
    record = unit_record(result, 0, params, lang)
    lines = _birth_lines(result, params, lang)
    lines += [_count_line(result, pid, params, lang) for pid in result.points if pid != BIRTHS_ID]
    lines = [ln for ln in lines if ln.points != 0]
    zero_ids = [pid for pid, pts in result.points.items() if pts[0] == 0]
    flags = _flag_lines(result, params, lang)
    notes, ladder = _consequences(result, params, record, lang)
    used = [result.traces[ln.id] for ln in lines] + [result.traces[f.name] for f in flags]
    if record["consequences"]["payment_deadline"]["applies"]:
        used.append(result.traces["payment_deadline"])
    line_figures = [f for ln in lines for f in ln.figures]
    figures = list(
        dict.fromkeys(line_figures + [figure_text(f, lang) for tr in used[len(lines) :] for f in tr.figures])
    )
    unit = {k: record[k] for k in ("unit_id", "unit_name", "township", "level", "period", "inspection_date")}
    parallel = [m["en" if lang == "en" else "zh"] for m in params.get(SHUANGWU).parallel] if ladder else []
    return UnitExplanation(
        unit, lines, zero_ids, flags, notes, ladder, figures, _readings(used, params, lang), record, lang, parallel
    )


def explain_unit(
    unit: Mapping | pd.DataFrame | str | Path,
    params: Params | None = None,
    lang: str = "zh",
    unit_id: str | None = None,
    holidays: Iterable[str] | None = None,
    system: System | None = None,
) -> UnitExplanation:
    """Explain one unit: a unit record (mapping), a unit table (pick `unit_id` if it has many
    rows) or an audit file. Chinese by default; `lang="en"` for English. The figures are
    `params`, else those of `system` (default: the standard data)."""
    params = params or (system or load_system()).view()
    table = unit if isinstance(unit, pd.DataFrame) else load_audit(unit, params)
    if unit_id is not None:
        table = table[table["unit_id"].astype(str) == str(unit_id)]
        if table.empty:
            raise KitError("assess.no_such_unit", field="unit_id", got=unit_id)
    return explain_result(score(table, params, holidays), params, lang)


__all__ = ["FlagLine", "Line", "UnitExplanation", "explain_result", "explain_unit", "number"]
