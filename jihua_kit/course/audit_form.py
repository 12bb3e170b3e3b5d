"""The assessment calculator without widgets: flat form values -> an audit record -> the explanation.

A form holds one value per input, keyed by the unit-table column it fills (`unit_id`, `period`,
`missed_out_5`, `D-WRONG-SEX`, `resident_out_births_4`, `resident_backlog`, `D-WEAK-PLEDGE`;
see docs/tables.md). `form_to_audit` turns the values into a record of the audit format
(docs/audit-format.md), which the library validates and scores; an error it raises about a
record field is shown with the label of the input to correct. The widgets (`audit_widget`), the
Voilà app and the tests all call these functions. The targets checker and the quarter calendar
live in `targets_form` and are re-exported here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import t
from jihua_kit.core.paths import data_dir
from jihua_kit.core.textfmt import named
from jihua_kit.course.targets_form import (
    TargetInput,
    calendar_html,
    figures_from_values,
    sample_figures,
    target_inputs,
    target_labels,
    target_values,
    targets_in,
    targets_overview,
    targets_result_html,
)
from jihua_kit.course.widgets_common import Field, error_html, field_labels
from jihua_kit.explanations.assessment import UnitExplanation, explain_unit
from jihua_kit.explanations.scorecard import number
from jihua_kit.params.store import Params, load_parameters
from jihua_kit.tables.audit_table import (
    BIRTHS_ID,
    LEVELS,
    POLICIES,
    RESIDENT_BACKLOG,
    TEXT_COLUMNS,
    birth_column,
    layout,
)
from jihua_kit.tables.audits import load_audit

__all__ = [
    "DEFAULT_PERIOD", "SECTIONS", "SECTION_FLAGS", "TargetInput", "UNIT", "audit_examples", "audit_params",
    "audit_result_html", "blank_values", "calendar_html", "explain_values", "figures_from_values", "flags_frame",
    "form_fields", "form_labels", "form_to_audit", "lines_frame", "reading_fields", "sample_figures", "section_of",
    "target_inputs", "target_labels", "target_values", "targets_in", "targets_overview", "targets_result_html",
    "values_from_audit",
]  # fmt: skip

UNIT = "unit"  # the group of the inputs naming the unit; always shown
SECTIONS = ("stats", "shuangwu", "exam", "integrity")
# The flags each part of the form can raise (a raised flag is shown whatever the sections).
SECTION_FLAGS = {
    "stats": (),
    "shuangwu": ("shuangwu_breach", "case_file_required"),
    "exam": (),
    "integrity": ("no_commendation", "award_cancelled", "pledge_redo"),
}
_BY_SECTION = (("七·1", "stats"), ("七·2", "exam"), ("七·5", "integrity"))  # handout section -> form part
DEFAULT_PERIOD = "2013"  # the handout's year: where a blank form starts (not a rule figure)
_TEXT = ("unit_id", "unit_name", "township")


def audit_params(readings: Mapping[str, str] | None = None) -> Params:
    """The parameters the calculator scores with (deductions are the same in both scenarios)."""
    return load_parameters().view(readings=dict(readings or {}))


def section_of(code: str, params: Params | None = None) -> str:
    """The form part of a D-* finding, from the handout section its record cites (else "stats")."""
    cited = (params or audit_params()).get(code).section
    return next((part for prefix, part in _BY_SECTION if cited.startswith(prefix)), "stats")


def form_fields(lang: str = "zh", params: Params | None = None) -> tuple[Field, ...]:
    """Every input of the form, in order; parities and finding codes come from the data."""
    params = params or audit_params()
    lay = layout(params)
    out = [Field(c, f"auditw.field.{c}", "text", "", group=UNIT) for c in _TEXT]
    levels = tuple((f"auditw.opt.level.{v}", v) for v in LEVELS)
    out.append(Field("level", "auditw.field.level", "choice", LEVELS[0], levels, group=UNIT))
    out.append(Field("period", "auditw.field.period", "text", DEFAULT_PERIOD, group=UNIT))
    out.append(Field("inspection_date", "auditw.field.inspection_date", "text", "", group=UNIT))
    for policy in POLICIES:
        label = t(f"auditw.policy.{policy}", lang)
        out += [Field(birth_column(policy, k), "auditw.birth", "int", 0, label_args={"policy": label, "k": k},
                      group="stats") for k in range(1, lay.parity_max + 1)]  # fmt: skip
    for code in lay.count_codes:
        out.append(Field(code, params.get(code).name(lang), "int", 0, group=section_of(code, params), literal=True))
    for code in lay.flag_codes:
        out.append(
            Field(code, params.get(code).name(lang), "bool", False, group=section_of(code, params), literal=True)
        )
    out += [Field(f"resident_out_births_{k}", "auditw.resident_birth", "int", 0, label_args={"k": k},
                  group="shuangwu") for k in range(1, lay.parity_max + 1)]  # fmt: skip
    out.append(Field(RESIDENT_BACKLOG, "auditw.field.resident_backlog", "int", 0, group="shuangwu"))
    return tuple(out)


def blank_values(params: Params | None = None) -> dict[str, Any]:
    """A form with nothing found: every input at its default."""
    return {f.key: f.default for f in form_fields("zh", params)}


def form_labels(lang: str = "zh", params: Params | None = None) -> dict[str, str]:
    """Input key -> the label a trainee reads on the form."""
    return field_labels(form_fields(lang, params), lang)


def reading_fields(lang: str = "zh", params: Params | None = None) -> tuple[Field, ...]:
    """A choice per reading that changes a deduction and has alternatives (from readings.yaml)."""
    store = (params or audit_params()).store
    out = []
    for rid, reading in store.readings.items():
        if len(reading.options) < 2 or not any(a.startswith("D-") for a in reading.applies_to):
            continue
        choices = tuple((opt.label(lang), opt.key) for opt in reading.options)
        out.append(Field(rid, named(reading.title(lang), rid, lang), "choice", reading.default, choices, literal=True))
    return tuple(out)


def _given(value: Any) -> bool:
    """Whether an input holds a finding (a zero or an unticked box is none; anything else is sent)."""
    if value is False:
        return False
    return not (isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0)


def _build(values: Mapping[str, Any], params: Params, lang: str = "zh") -> tuple[dict[str, Any], dict[str, str]]:
    """(the audit record, record path -> the form key it came from)."""
    keys = {f.key: f for f in form_fields("zh", params)}
    unknown = [key for key in values if key not in keys]
    if unknown:
        raise KitError("widget.unknown_input", field=unknown[0])
    v = {k: f.default for k, f in keys.items()} | dict(values)
    lay = layout(params)
    record: dict[str, Any] = {}
    paths = {name: name for name in TEXT_COLUMNS}
    for name in TEXT_COLUMNS:
        text = "" if v[name] is None else str(v[name]).strip()
        if name == "unit_id" and not text:
            text = t("auditw.default_unit", lang)
        if text or name == "period":
            record[name] = text
    findings: dict[str, Any] = {}
    births = []
    for policy in POLICIES:
        for k in range(1, lay.parity_max + 1):
            col = birth_column(policy, k)
            if _given(v[col]):
                where = f"findings.{BIRTHS_ID}[{len(births)}]"
                paths |= {where: col, f"{where}.count": col}
                births.append({"policy": policy, "parity": k, "count": v[col]})
    if births:
        findings[BIRTHS_ID] = births
    for code in (*lay.count_codes, *lay.flag_codes):
        if _given(v[code]):
            findings[code] = v[code]
            paths[f"findings.{code}"] = code
    resident: dict[str, Any] = {}
    out_births = []
    for k in range(1, lay.parity_max + 1):
        col = f"resident_out_births_{k}"
        if _given(v[col]):
            where = f"resident.out_of_policy_births[{len(out_births)}]"
            paths |= {where: col, f"{where}.count": col}
            out_births.append({"parity": k, "count": v[col]})
    if out_births:
        resident["out_of_policy_births"] = out_births
    if _given(v[RESIDENT_BACKLOG]):
        resident["surgery_backlog"] = v[RESIDENT_BACKLOG]
        paths["resident.surgery_backlog"] = RESIDENT_BACKLOG
    if findings:
        record["findings"] = findings
    if resident:
        record["resident"] = resident
    return record, paths


def form_to_audit(values: Mapping[str, Any], params: Params | None = None, lang: str = "zh") -> dict[str, Any]:
    """Flat form values (missing keys take the blank form's value) -> one unit in the audit format.

    Zero counts and unticked boxes are left out ("none found"); everything else is passed on as
    typed, so the audit format's checks name the field of a bad value. A blank unit ID becomes
    "本单位" ("this unit" with lang="en"); an unknown key raises `KitError`.
    """
    return _build(values, params or audit_params(), lang)[0]


def explain_values(
    values: Mapping[str, Any], readings: Mapping[str, str] | None = None, lang: str = "zh"
) -> UnitExplanation:
    """The library's explanation of the unit on the form (raises `KitError` for bad input)."""
    params = audit_params(readings)
    return explain_unit(form_to_audit(values, params, lang), params, lang)


def lines_frame(expl: UnitExplanation) -> pd.DataFrame:
    """The deduction lines of an explanation as a table, points as whole numbers where they are;
    indexed by the finding's name with its rule code as the label ('出生人口漏报（D-MISSED-BIRTH）')."""
    frame = expl.to_frame()
    points = t("assess.col.points", expl.lang)
    frame[points] = [number(x) for x in frame[points]]
    index = [named(name, pid, expl.lang) for pid, name in zip(frame.iloc[:, 0], frame.iloc[:, 1], strict=True)]
    return frame.iloc[:, 2:].set_axis(index)


def flags_frame(expl: UnitExplanation) -> pd.DataFrame:
    """The flags of an explanation as a table: raised or not, and why (in the explanation's language)."""
    lang = expl.lang
    cols = [t(f"auditw.col.{c}", lang) for c in ("flag", "raised", "reason", "section")]
    rows = [(f.label, t("assess.yes" if f.raised else "assess.no", lang), f.reason, f.section) for f in expl.flags]
    return pd.DataFrame(rows, columns=cols).set_index(cols[0])


def _shown(expl: UnitExplanation, sections: Iterable[str] | None) -> UnitExplanation:
    """The explanation with only the flags of the form parts shown (and any flag raised)."""
    if sections is None:
        return expl
    names = {name for part in sections for name in SECTION_FLAGS[part]}
    return dataclasses.replace(expl, flags=[f for f in expl.flags if f.raised or f.name in names])


def audit_result_html(
    values: Mapping[str, Any],
    lang: str = "zh",
    readings: Mapping[str, str] | None = None,
    sections: Iterable[str] | None = None,
    view: str = "full",
) -> str:
    """The explanation of the unit on the form as HTML: each deduction line with its arithmetic and
    section, the total, the flags with their reasons, the consequences (the 双无 ladder when the
    pledge is broken), the figures and readings used. For bad input: the library's Chinese (or
    English) message naming the input to correct. Never raises `KitError`.

    `sections` (a subset of `SECTIONS`) limits the flags listed to those parts of the form. `view`
    "trainee" (the trainee app) leads with the findings' names and keeps rule IDs, figures and
    readings in a collapsed 依据 part; "full" (the chapters) shows everything.
    """
    labels = form_labels(lang) | {f.key: f.text(lang) for f in reading_fields(lang)}
    labels["readings"] = t("auditw.section.readings", lang)
    paths: dict[str, str] = {}
    try:
        params = audit_params(readings)
        record, paths = _build(values, params, lang)
        expl = explain_unit(record, params, lang)
    except KitError as err:
        return error_html(err, lang, labels | {path: labels[key] for path, key in paths.items()})
    shown = _shown(expl, sections)
    return f"<div class='jihua-audit-result'>{shown.to_trainee_html() if view == 'trainee' else shown.to_html()}</div>"


def _resolve(source: str | Path) -> tuple[Path, str | None]:
    """'name#UNIT' or a path: the audit file (a bare name is looked up in data/audits/) and unit."""
    text, _, unit = str(source).partition("#")
    path = Path(text)
    if not path.exists() and path.parent == Path("."):
        folder = data_dir() / "audits"
        found = [
            p for p in (folder / text, *(folder / f"{text}{s}" for s in (".yaml", ".yml", ".json"))) if p.is_file()
        ]
        path = found[0] if found else path
    return path, unit or None


def values_from_audit(
    source: str | Path | Mapping[str, Any] | pd.DataFrame, unit_id: str | None = None, params: Params | None = None
) -> dict[str, Any]:
    """One unit of an audit as form values: a file (a name in data/audits/ will do; 'file#UNIT'
    picks a unit), a unit record, or a unit table. The audit is validated first."""
    params = params or audit_params()
    if isinstance(source, (str, Path)):
        source, picked = _resolve(source)
        unit_id = unit_id or picked
    table = source if isinstance(source, pd.DataFrame) else load_audit(source, params)
    if unit_id is not None:
        table = table[table["unit_id"].astype(str) == str(unit_id)]
        if table.empty:
            raise KitError("assess.no_such_unit", field="unit_id", got=unit_id)
    if len(table) != 1:
        raise KitError("assess.one_unit", field="unit_id", got=len(table))
    row = table.iloc[0]
    cast = {"int": int, "bool": bool, "text": lambda x: "" if pd.isna(x) else str(x), "choice": str}
    return {f.key: cast[f.kind](row[f.key]) for f in form_fields("zh", params) if f.key in row.index}


def audit_examples(lang: str = "zh") -> list[tuple[str, str]]:
    """(label, 'file#UNIT') of every unit in the worked examples of data/audits/, for a picker."""
    out = []
    for path in sorted((data_dir() / "audits").glob("*.*")):
        if path.suffix.lower() not in (".yaml", ".yml", ".json"):
            continue
        for uid, name in load_audit(path)[["unit_id", "unit_name"]].itertuples(index=False):
            label = f"{name or uid}（{uid}）" if lang == "zh" else f"{name or uid} ({uid})"
            out.append((label, f"{path.name}#{uid}"))
    return out
