"""The household calculator without widgets: flat form values -> a case -> the explanation's HTML.

A form holds one value per input, keyed by the case-format path it fills (`residence`,
`mother.age`, `children[2].sex`, `events.child_died`; `children` is the number of children), so
an error the library raises about a field names the input to correct. The calculator widget
(`household_widget`) and the Voilà app call these functions; so do the tests, without ipywidgets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import t
from jihua_kit.core.textfmt import named
from jihua_kit.course.widgets_common import Field, error_html, field_labels, pending_html
from jihua_kit.explanations.household import Explanation, compare, explain
from jihua_kit.explanations.household_render import figures_text, money
from jihua_kit.explanations.household_render import readings_text as _readings_text
from jihua_kit.params.store import load_parameters
from jihua_kit.tables.cases import case_from_row, example_cases, load_case, read_case_file
from jihua_kit.tables.columns import SLOTS
from jihua_kit.tables.households import CATEGORIES, DECLARATION, EMPTY, EVENT_BOOLS, EVENT_INTS, INTS

__all__ = [
    "CHILD_EVENTS", "CHILDREN_STEP", "COMPARE", "FIELDS", "PARENTS", "SCENARIOS", "blank_values", "compare_html",
    "example_choices", "form_labels", "form_to_case", "household_result_html", "lines_frame", "missing_inputs",
    "reading_fields", "totals_line", "values_from_case",
]  # fmt: skip

COMPARE = "compare"  # the scenario switch's third position: baseline against raised
SCENARIOS = ("raised", "baseline", COMPARE)
CHILD_EVENTS = ("college_child", "graduate_child", "child_died")  # name a child by number (0 = none)
PARENTS = ("mother", "father")
# The household table's columns as the form's inputs (the case format's keys; household_id is `id`).
HOUSEHOLD_TEXT = tuple(c.name for c in DECLARATION if c.group == "household" and c.dtype == "str" and not c.required)
HOUSEHOLD_CHOICES = tuple(c.name for c in DECLARATION if c.group == "household" and c.dtype != "str")
PARENT_FIELDS = tuple(dict.fromkeys(c.field for c in DECLARATION if c.group == "parent"))
CHILD_FIELDS = tuple(dict.fromkeys(c.field for c in DECLARATION if c.group == "child" and c.field != "present"))
# Checks that hold between the household type and the children: on the form they are settled on the
# 子女 step, so a trainee who has not reached it yet is told what comes next instead of an error.
CHILDREN_STEP = {"case.onechild_count": "widget.step.onechild", "case.twogirl_children": "widget.step.twogirl"}


def _choice(key: str, label: str, default: Any, values: tuple[Any, ...], group: str, opt: str = "") -> Field:
    opt = opt or key.rsplit(".", 1)[-1]
    return Field(key, label, "choice", default, tuple((f"widget.opt.{opt}.{v}", v) for v in values), group=group)


def _child_number_choices(key: str) -> Field:
    choices = (("widget.opt.child.0", 0),) + tuple((f"widget.opt.child.{k}", k) for k in SLOTS)
    return Field(f"events.{key}", f"widget.field.events.{key}", "choice", 0, choices, group="events")


def _fields() -> tuple[Field, ...]:
    """Every case field of docs/case-format.md as a form input, in the order the form shows them:
    the household table's columns as declared (jihua_kit/tables/columns.py), grouped as on the form."""
    out = [Field("id", "widget.field.id", "text", "", group="household")]
    out += [Field(k, f"widget.field.{k}", "text", "", group="household") for k in HOUSEHOLD_TEXT]
    for k in HOUSEHOLD_CHOICES:  # a blank form: a household with nothing recorded
        if k in CATEGORIES:
            out.append(_choice(k, f"widget.field.{k}", EMPTY[k], CATEGORIES[k], "household"))
        else:
            out.append(Field(k, f"widget.field.{k}", "bool", EMPTY[k], group="household"))
    for p, (role, age) in enumerate(zip(PARENTS, (30, 32), strict=True), start=1):  # starting ages, not rule figures
        for name in PARENT_FIELDS:
            default = age if name == "age" else EMPTY[f"p{p}_{name}"]
            kind = "int" if f"p{p}_{name}" in INTS else "bool"
            out.append(Field(f"{role}.{name}", f"widget.field.{name}", kind, default, group=role))
    out.append(_choice("children", "widget.field.children", 0, (0, *SLOTS), "children"))
    for k in SLOTS:
        group = f"child{k}"
        for name in CHILD_FIELDS:
            key, col = f"children[{k}].{name}", f"c{k}_{name}"
            if col in CATEGORIES:
                values = tuple(v for v in CATEGORIES[col] if v)
                out.append(_choice(key, f"widget.field.{name}", values[0], values, group, opt=name))
            elif col in INTS:  # blank until typed
                out.append(Field(key, f"widget.field.{name}", "optint", None, group=group))
            else:  # a recorded child is alive unless marked otherwise
                out.append(Field(key, f"widget.field.{name}", "bool", name == "alive" or EMPTY[col], group=group))
    for name in EVENT_BOOLS + EVENT_INTS:
        key = f"events.{name}"
        if name in CHILD_EVENTS:
            out.append(_child_number_choices(name))
        elif name == "college_tier":
            out.append(_choice(key, f"widget.field.{key}", 1, (1, 2, 3, 4), "events"))
        elif name == "spouse_died":
            out.append(_choice(key, f"widget.field.{key}", False, (False, *PARENTS), "events"))
        else:
            kind = "bool" if name in EVENT_BOOLS else "int"
            out.append(Field(key, f"widget.field.{key}", kind, EMPTY[f"ev_{name}"], group="events"))
    return tuple(out)


FIELDS: tuple[Field, ...] = _fields()
_KEYS = frozenset(f.key for f in FIELDS)


def blank_values() -> dict[str, Any]:
    """The form of a blank household: every input at its default."""
    return {f.key: f.default for f in FIELDS}


def form_labels(lang: str = "zh") -> dict[str, str]:
    """Input key -> the label on the form, with its group ('母亲 · 年龄'), for error messages."""
    groups = {"mother": t("widget.group.mother", lang), "father": t("widget.group.father", lang)}
    groups |= {f"child{k}": t("widget.group.child", lang, k=k) for k in SLOTS}
    groups["events"] = t("widget.group.events", lang)
    return field_labels(FIELDS, lang, groups)


def form_to_case(values: Mapping[str, Any]) -> dict[str, Any]:
    """Flat form values (missing keys take the blank form's value) -> a case mapping.

    Only the first `children` child slots are used; `events.college_tier` only when a child was
    admitted. Types and consistency are left to the case format, which names the field at fault.
    """
    unknown = [key for key in values if key not in _KEYS]
    if unknown:
        raise KitError("widget.unknown_input", field=unknown[0])
    v = blank_values() | dict(values)
    n = v["children"]
    if isinstance(n, bool) or not isinstance(n, int):
        raise KitError("case.not_int", field="children", got=n)
    if n < 0:
        raise KitError("case.negative", field="children", got=n)
    if n > len(SLOTS):
        raise KitError("case.too_many_children", field="children", n=n, max=len(SLOTS))
    case: dict[str, Any] = {"id": str(v["id"]).strip() or t("widget.default_id")}
    case |= {k: v[k] for k in HOUSEHOLD_TEXT if str(v[k]).strip()}
    case |= {k: v[k] for k in HOUSEHOLD_CHOICES}
    for role in PARENTS:
        case[role] = {name: v[f"{role}.{name}"] for name in PARENT_FIELDS}
    case["children"] = [{name: v[f"children[{k}].{name}"] for name in CHILD_FIELDS} for k in SLOTS[:n]]
    events = {name: v[f"events.{name}"] for name in EVENT_BOOLS + EVENT_INTS}
    if events["college_child"] == 0:
        events.pop("college_tier")
    case["events"] = events
    return case


def values_from_case(case: str | Path | Mapping[str, Any]) -> dict[str, Any]:
    """A case (file, name in data/cases/ or mapping) as form values; the case is validated first."""
    raw = read_case_file(case) if isinstance(case, (str, Path)) else dict(case)
    full = case_from_row(load_case(raw))
    v = blank_values()
    v["id"] = full["id"]
    v |= {k: full.get(k, "") for k in HOUSEHOLD_TEXT}
    v |= {k: full[k] for k in HOUSEHOLD_CHOICES}
    for role in PARENTS:
        v |= {f"{role}.{name}": value for name, value in full[role].items()}
    v["children"] = len(full["children"])
    for k, child in enumerate(full["children"], start=1):
        v |= {f"children[{k}].{name}": value for name, value in child.items()}
    events = full["events"]
    for name in EVENT_BOOLS + EVENT_INTS:
        if name in events:
            v[f"events.{name}"] = events[name]
    if raw.get("events", {}).get("spouse_died") in PARENTS:  # the case named who died: keep it
        v["events.spouse_died"] = raw["events"]["spouse_died"]
    elif events.get("spouse_died"):  # `true` without a name: the parent marked dead
        v["events.spouse_died"] = next(r for r in PARENTS if not full[r]["alive"])
    return v


def example_choices(lang: str = "zh") -> list[tuple[str, str]]:
    """(title, case name) of the worked households in data/cases/, for an example picker."""
    out = []
    for path in example_cases():
        title = read_case_file(path).get("title", "")
        if isinstance(title, dict):
            title = title.get(lang) or title.get("zh") or ""
        out.append((f"{path.stem[:2]} {title}".strip(), path.stem))
    return out


def reading_fields(lang: str = "zh") -> tuple[Field, ...]:
    """A choice per reading that changes an entitlement and has alternatives (from readings.yaml)."""
    out = []
    for rid, reading in load_parameters().readings.items():
        if len(reading.options) < 2 or not any(a.startswith("E-") for a in reading.applies_to):
            continue
        choices = tuple((opt.label(lang), opt.key) for opt in reading.options)
        out.append(Field(rid, named(reading.title(lang), rid, lang), "choice", reading.default, choices, literal=True))
    return tuple(out)


def lines_frame(expl: Explanation, received: bool = True, ids: Iterable[str] | None = None) -> pd.DataFrame:
    """An explanation's lines as a Chinese (or English) table, indexed by name with the rule code as
    its label ('养老保障金（E-PENSION）'; unnamed, to save a row); `ids` picks lines by rule code.

    Received: amount, condition, arithmetic, figures (with sections) and readings.
    Not received: the reason. The same words as the calculator's HTML."""
    lang = expl.lang
    cols = [t(f"widget.col.{c}", lang) for c in ("amount", "condition", "arithmetic", "figures", "readings", "reason")]
    lines = expl.received if received else expl.not_received
    if ids is not None:
        wanted = list(ids)
        lines = sorted((ln for ln in lines if ln.id in wanted), key=lambda ln: wanted.index(ln.id))
    index = [named(ln.name, ln.id, lang) for ln in lines]
    if received:
        rows = [(money(ln.low, ln.high, ln.kind, lang, ln.points), ln.text, ln.arithmetic or "—",
                 figures_text(ln, lang), _readings_text(ln, lang)) for ln in lines]  # fmt: skip
        frame = pd.DataFrame(rows, columns=cols[:5], index=index)
    else:
        frame = pd.DataFrame([(ln.text,) for ln in lines], columns=cols[5:], index=index)
    return frame


def totals_line(expl: Explanation) -> str:
    """'一次性合计：0 元；每年合计：11,520 元/年' (and the exam points when there are any)."""
    colon, sep = ("：", "；") if expl.lang == "zh" else (": ", "; ")
    return sep.join(f"{label}{colon}{value}" for label, value in expl.total_rows())


def missing_inputs(values: Mapping[str, Any]) -> list[str]:
    """Inputs of the form still blank that the household needs (a recorded child's age)."""
    v = blank_values() | dict(values)
    n = v["children"]
    if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= len(SLOTS):
        return []  # a bad count: form_to_case names it
    return [key for k in SLOTS[:n] if v[key := f"children[{k}].age"] is None]


def _step_html(err: KitError, lang: str, reached: bool) -> str:
    """A household-type/children mismatch: before the 子女 step a note of what comes next; after it
    an error that names the step to fix in plain words."""
    step, kind = t("widget.tab.children", lang), t("widget.tab.household", lang)
    if not reached:
        return pending_html(t("widget.pending.title", lang), [t("widget.pending.children", lang, step=step)])
    got = err.info.get("got")
    text = t(CHILDREN_STEP[err.key], lang, step=step, got=got, girls=err.info.get("girls", 0))
    return (
        "<div class='jihua-error' style='border-left:4px solid #c0392b;padding:0.4em 0.8em;background:#fdf0ef'>"
        f"<b>{escape(t('widget.error.title', lang))}</b><p>{escape(text)}</p>"
        f"<p><small>{escape(t('widget.step.or_type', lang, step=kind))}</small></p></div>"
    )


def _result(render: Any, values: Mapping[str, Any], *args: Any, lang: str, children_reached: bool) -> str:
    """`render(values, *args, lang)`, or what the trainee should see instead: the inputs still to
    fill in, a note or an error for the children step, the library's message naming the input."""
    missing = missing_inputs(values)
    if missing:
        labels = "、".join(form_labels(lang)[k] for k in missing)
        return pending_html(t("widget.pending.title", lang), [t("widget.pending.missing", lang, labels=labels)])
    try:
        return render(values, *args, lang=lang)
    except KitError as err:
        if err.key in CHILDREN_STEP:
            return _step_html(err, lang, children_reached)
        return error_html(err, lang, form_labels(lang))


def _explain_html(values: Mapping[str, Any], scenario: str, readings: Mapping[str, str] | None, view: str,
                  lang: str) -> str:  # fmt: skip
    expl = explain(form_to_case(values), scenario, dict(readings or {}), lang)
    return expl.to_trainee_html() if view == "trainee" else expl.to_html()


def _compare_html(values: Mapping[str, Any], readings: Mapping[str, str] | None, view: str, lang: str) -> str:
    comparison = compare(form_to_case(values), "baseline", "raised", dict(readings or {}), lang)
    return comparison.to_trainee_html() if view == "trainee" else comparison.to_html()


def household_result_html(
    values: Mapping[str, Any],
    scenario: str = "raised",
    readings: Mapping[str, str] | None = None,
    lang: str = "zh",
    children_reached: bool = True,
    view: str = "full",
) -> str:
    """The explanation of the household on the form (`scenario` "compare": baseline against raised),
    or, for bad input, the library's message naming the input to correct. Never raises KitError.

    A form not finished yet gets a neutral note instead: a recorded child's age still blank, or (while
    `children_reached` is False, i.e. the trainee has not come to the 子女 step) a household type
    that needs children not recorded yet. `view` "trainee" (the trainee app) leads with the benefits'
    names and keeps rule IDs, figures and readings in a collapsed 依据 part; "full" shows everything."""
    if scenario == COMPARE:
        return compare_html(values, readings, lang, children_reached, view)
    return _result(_explain_html, values, scenario, readings, view, lang=lang, children_reached=children_reached)


def compare_html(
    values: Mapping[str, Any],
    readings: Mapping[str, str] | None = None,
    lang: str = "zh",
    children_reached: bool = True,
    view: str = "full",
) -> str:
    """Baseline against raised, line by line, for the household on the form (or the message)."""
    return _result(_compare_html, values, readings, view, lang=lang, children_reached=children_reached)
