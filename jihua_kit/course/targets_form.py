"""The targets checker and the quarter calendar without widgets: form values -> HTML.

Targets: one input per checked figure, keyed as `check_targets` names its fields (`T-EXAM-RATE`,
`T-INFO-ACCURACY.accuracy`, `T-MIGRANT-INPOLICY.previous`), so an error names the input to
correct. Calendar: a quarter or date, an optional start date for the payment deadline and
optional holidays, straight into `calendar_dates.due_dates`. Neither needs ipywidgets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import catalog, t
from jihua_kit.core.paths import data_dir
from jihua_kit.core.textfmt import named
from jihua_kit.course.widgets_common import error_html
from jihua_kit.params.figures import value_text
from jihua_kit.params.store import Params, default_params
from jihua_kit.rules.calendar_dates import due_dates, parse_when
from jihua_kit.rules.targets import check_targets, figure_text, load_figures

__all__ = [
    "TargetInput", "calendar_html", "figures_from_values", "sample_figures", "target_inputs", "target_labels",
    "target_values", "targets_in", "targets_overview", "targets_result_html",
]  # fmt: skip

_PREV = ">prev"
_TABLE = "border-collapse:collapse;margin:0.3em 0"
_CELL = "border:1px solid #ccc;padding:2px 8px;text-align:left"


def sample_figures() -> Path:
    """The path of the sample year-end figures the checker starts from (invented, marked as an assumption)."""
    return data_dir() / "targets" / "county-2013-sample.yaml"


@dataclass(frozen=True)
class TargetInput:
    """One number the checker asks for: `key` as check_targets names it, its target and part."""

    key: str
    id: str
    part: str | None
    label: str
    unit: str


def _target_ids(ids: Iterable[str] | None, params: Params) -> list[str]:
    known = [pid for pid in params.store.parameters if pid.startswith("T-")]
    if ids is None:
        return known
    ids = list(ids)
    for pid in ids:
        if pid not in known:
            raise KitError("target.unknown_id", field=str(pid), got=pid)
    return [pid for pid in known if pid in ids]


def target_inputs(
    ids: Iterable[str] | None = None, lang: str = "zh", params: Params | None = None
) -> list[TargetInput]:
    """The inputs for the targets `ids` (all T-* records by default), in the data's order."""
    params = params or default_params()
    out = []
    for pid in _target_ids(ids, params):
        p = params.get(pid)
        name = p.name(lang)
        for val in p.values:
            if val.comparator == _PREV:
                out.append(
                    TargetInput(f"{pid}.previous", pid, "previous", t("auditw.targets.previous", lang, name=name), "%")
                )
                out.append(
                    TargetInput(f"{pid}.actual", pid, "actual", t("auditw.targets.actual", lang, name=name), "%")
                )
            elif val.key:
                msg = f"target.key.{val.key}"
                part = t(msg, lang) if msg in catalog() else val.key
                out.append(TargetInput(f"{pid}.{val.key}", pid, val.key, f"{name} · {part}", val.unit))
            else:
                out.append(TargetInput(pid, pid, None, name, val.unit))
    return out


def target_labels(ids: Iterable[str] | None = None, lang: str = "zh") -> dict[str, str]:
    """Input key -> label (with its unit unless a plain count), for the form."""
    unit = {i.key: "" if i.unit == "count" else f"（{t(f'unit.{i.unit}', lang)}）" for i in target_inputs(ids, lang)}
    return {i.key: f"{i.label}{unit[i.key]}" for i in target_inputs(ids, lang)}


def target_values(figures: str | Path | Mapping | None = None, ids: Iterable[str] | None = None) -> dict[str, Any]:
    """Figures (a figures file, its content, or `{ID: ...}`; default the sample county file) as
    flat form values for the targets `ids`. A target missing from the figures starts at 0."""
    raw = load_figures(figures or sample_figures()) if not isinstance(figures, Mapping) else figures
    given = raw.get("figures", raw)
    out = {}
    for inp in target_inputs(ids):
        value = given.get(inp.id, 0)
        out[inp.key] = value.get(inp.part, 0) if isinstance(value, Mapping) and inp.part else value
    return out


def figures_from_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Flat form values -> the `{ID: number or {part: number}}` mapping `check_targets` reads."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        pid, _, part = str(key).partition(".")
        if part:
            out.setdefault(pid, {})[part] = value
        else:
            out[pid] = value
    return out


def targets_in(sections: Iterable[str], params: Params | None = None) -> list[str]:
    """The IDs of the 2013 targets cited in the given handout sections (e.g. ["七·2", "七·3"])."""
    params = params or default_params()
    prefixes = tuple(sections)
    return [pid for pid in _target_ids(None, params) if params.get(pid).section.startswith(prefixes)]


def targets_overview(sections: Iterable[str], params: Params | None = None, lang: str = "zh") -> pd.DataFrame:
    """The 2013 targets cited in the given handout sections (e.g. ["七·2", "七·3"]): what, how much."""
    params = params or default_params()
    prefixes = tuple(sections)
    rows = []
    for pid in _target_ids(None, params):
        p = params.get(pid)
        if not p.section.startswith(prefixes):
            continue
        for val in p.values:
            name = p.name(lang) + (f" · {val.label(lang) or val.key}" if val.key else "")
            required = value_text(val, lang, show_scenario=False, with_label=False)
            rows.append((named(name, pid, lang), required, p.section))
    cols = [t(f"auditw.col.{c}", lang) for c in ("target", "required", "section")]
    return pd.DataFrame(rows, columns=cols).set_index(cols[0])


def _table(headers: list[str], rows: list[list[str]], wrap: int = -1) -> str:
    """An HTML table; only column `wrap` may break across lines (dates and figures stay whole)."""

    def cell(tag: str, text: str, i: int) -> str:
        style = _CELL if i == wrap % len(headers) else f"{_CELL};white-space:nowrap"
        return f"<{tag} style='{style}'>{text}</{tag}>"

    head = "".join(cell("th", escape(h), i) for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(cell("td", c, i) for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f"<table style='{_TABLE}'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _targets_html(values: Mapping[str, Any], lang: str, params: Params | None) -> str:
    table = check_targets(figures_from_values(values), params, lang)
    rows = []
    for r in table.itertuples(index=False):
        met = t("auditw.targets.met" if r.met else "auditw.targets.missed", lang)
        colour = "#2a7a3b" if r.met else "#c0392b"
        short = "—" if r.met else escape(figure_text(r.shortfall, r.unit, lang, r.measure))
        rows.append([escape(r.name), escape(r.target), escape(r.actual_text),
                     f"<b style='color:{colour}'>{escape(met)}</b>", short, escape(r.section)])  # fmt: skip
    headers = [t(f"auditw.targets.col.{c}", lang) for c in ("name", "target", "actual", "met", "shortfall", "section")]
    count = t("targets.count", lang, met=int(table["met"].sum()), n=len(table))
    return (
        f"<div class='jihua-targets'>{_table(headers, rows, wrap=0)}<p><b>{escape(count)}</b></p>"
        f"<p><small>{escape(t('auditw.targets.caveat', lang))}</small></p></div>"
    )


def targets_result_html(values: Mapping[str, Any], lang: str = "zh", params: Params | None = None) -> str:
    """Each figure on the form against its 2013 target (met or not, and the shortfall), or the
    library's message naming the input to correct. Never raises `KitError`."""
    try:
        return _targets_html(values, lang, params)
    except KitError as err:
        labels = {i.key: i.label for i in target_inputs(lang=lang)}
        return error_html(err, lang, labels)


def _holidays(holidays: str | Iterable[str] | None) -> list[str] | None:
    """'2013-10-01, 2013-10-02' or a list -> a list; blank -> None (use the data's list)."""
    if holidays is None:
        return None
    items = re.split(r"[,，;；\s]+", holidays) if isinstance(holidays, str) else [str(h) for h in holidays]
    items = [h.strip() for h in items if h.strip()]
    return items or None


def _day(value: Any) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _calendar_html(quarter: Any, reward_from: Any, holidays: Any, lang: str, params: Params | None) -> str:
    quarter = quarter.strip() if isinstance(quarter, str) else quarter
    start = reward_from.strip() if isinstance(reward_from, str) else reward_from
    table = due_dates(quarter, params, _holidays(holidays), start or None, lang)
    year, q, _ = parse_when(quarter)
    rows = [
        [escape(r.name), _day(r.start), _day(r.due) or escape(t("auditw.cal.no_day", lang)), escape(r.section),
         escape(r.note)]
        for r in table.itertuples(index=False)
    ]  # fmt: skip
    headers = [t(f"auditw.cal.col.{c}", lang) for c in ("name", "start", "due", "section", "note")]
    title = t("auditw.cal.title", lang, year=year, q=q)
    return f"<div class='jihua-calendar'><h4>{escape(title)}</h4>{_table(headers, rows)}</div>"


def calendar_html(
    quarter_or_date: Any,
    reward_from: Any = None,
    holidays: str | Iterable[str] | None = None,
    lang: str = "zh",
    params: Params | None = None,
) -> str:
    """The due dates of a quarter ('2013Q3') or of the quarter of a date (from which the payment
    deadline is then counted) as an HTML table; `reward_from` dates the payment deadline
    explicitly, `holidays` replaces the data's holiday list. Bad input gives the message in place."""
    try:
        return _calendar_html(quarter_or_date, reward_from, holidays, lang, params)
    except KitError as err:
        labels = {"quarter": t("auditw.cal.quarter", lang), "reward_from": t("auditw.cal.reward_from", lang),
                  "start": t("auditw.cal.reward_from", lang)}  # fmt: skip
        labels |= {f"dates[{i}]": t("auditw.cal.holidays", lang) for i in range(len(_holidays(holidays) or []))}
        return error_html(err, lang, labels)
