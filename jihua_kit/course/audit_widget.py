"""The assessment calculators as ipywidgets: deductions, targets checker, quarter calendar.

A thin layer over `audit_form` / `targets_form`: inputs hold flat form values, and every change
calls the plain function (`audit_result_html`, `targets_result_html`, `calendar_html`) whose HTML
(the result or the Chinese error message) goes into `.output`. Each calculator's `.widget` is what
a notebook or a Voilà page displays; a notebook cell may also end with the calculator itself
(its stored text is a fixed sentence, never a model id).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from html import escape
from pathlib import Path
from typing import Any

import ipywidgets as w
import pandas as pd

from jihua_kit.core.i18n import t
from jihua_kit.course.audit_form import (
    SECTIONS,
    UNIT,
    audit_examples,
    audit_params,
    audit_result_html,
    blank_values,
    calendar_html,
    form_fields,
    reading_fields,
    section_of,
    target_inputs,
    target_labels,
    target_values,
    targets_result_html,
    values_from_audit,
)
from jihua_kit.course.widgets_common import (
    WidgetApp,
    build_form,
    form_values,
    labelled,
    set_form_values,
)
from jihua_kit.tables.audit_table import POLICIES, layout

__all__ = ["AssessmentApp", "AuditCalculator", "CalendarPlanner", "TargetsChecker"]

WIDE_LABEL = "19em"
_CELL = w.Layout(width="4.6em")


def _note(text: str) -> w.HTML:
    return w.HTML(f"<small>{escape(text)}</small>")


class _Live(WidgetApp):
    """Recompute on every input change, except while several inputs are set together."""

    inputs: dict[str, Any]
    output: w.HTML

    def values(self) -> dict[str, Any]:
        """The current form values, by key."""
        return form_values(self.inputs)

    def _watch(self, widgets: Iterable[Any]) -> None:
        for widget in widgets:
            widget.observe(self._changed, names="value")

    def _set(self, setter: Callable[[], None]) -> str:
        """Run `setter` without recomputing at each input, then compute once."""
        self._hold = True
        try:
            setter()
        finally:
            self._hold = False
        return self.update()

    def set_values(self, values: Mapping[str, Any]) -> str:
        """Change some inputs (form keys) and recompute; returns the new result HTML."""
        return self._set(lambda: set_form_values(self.inputs, values))


class AuditCalculator(_Live):
    """Deduction points, flags and consequences for one unit (chapters 02, 04, 05; the Voilà app).

    `sections`: the parts of the form to show, from `SECTIONS` ("stats" 七·1 statistics findings,
    "shuangwu" resident births and backlog for the 双无 pledge and case files, "exam" 七·2
    pregnancy checks, "integrity" 七·5 pledges); the unit's own inputs are always shown.
    `initial`: an audit (a name in data/audits/, 'file#UNIT', a path, a unit record) or flat form
    values; the reset button returns to it. `readings` maps reading IDs to options.
    """

    plain_key = "auditw.plain"

    def __init__(
        self,
        sections: Iterable[str] = SECTIONS,
        initial: str | Path | Mapping[str, Any] | None = None,
        readings: Mapping[str, str] | None = None,
        lang: str = "zh",
        examples: bool = True,
    ) -> None:
        self.sections = tuple(sections)
        bad = [s for s in self.sections if s not in SECTIONS]
        if bad or not self.sections:
            raise ValueError(f"sections must be a non-empty subset of {SECTIONS}, not {bad or self.sections}")
        self.lang = lang
        self.fields = form_fields(lang)
        self.initial = self._as_values(initial)
        self.initial_readings = dict(readings or {})
        self.inputs, _ = build_form(self.fields, lang)
        self.reading_fields = reading_fields(lang)
        self.reading_inputs, reading_rows = build_form(self.reading_fields, lang)
        self.output = w.HTML()
        self.reset_button = w.Button(description=t("widget.reset", lang), button_style="warning")
        self.example = w.Dropdown(
            options=[(t("auditw.example.none", lang), "")] + (audit_examples(lang) if examples else []),
            value="", description=t("auditw.example", lang), style={"description_width": "initial"},
            layout=w.Layout(width="24em", display="" if examples else "none"),
        )  # fmt: skip
        self.tabs = self._tabs(reading_rows)
        self.widget = w.VBox([w.HBox([self.example, self.reset_button]), self.tabs, self.output])
        self._watch([*self.inputs.values(), *self.reading_inputs.values()])
        self.example.observe(self._load_example, names="value")
        self.reset_button.on_click(lambda _button: self.reset())
        self._apply(self.initial, self.initial_readings)

    # --- layout ----------------------------------------------------------------------------------

    def _grid(self, columns: list[str], rows: list[tuple[str, list[str]]]) -> w.GridBox:
        """A table of inputs: a header of parities, one row per policy (or one row of residents)."""
        head = [w.HTML("")] + [w.HTML(f"<b>{escape(t('auditw.parity', self.lang, k=k))}</b>") for k in columns]
        cells = list(head)
        for label, keys in rows:
            cells.append(w.HTML(escape(label)))
            for key in keys:
                self.inputs[key].layout = _CELL
                cells.append(self.inputs[key])
        template = f"7em repeat({len(columns)}, 4.8em)"
        return w.GridBox(cells, layout=w.Layout(grid_template_columns=template, grid_gap="2px 4px"))

    def _rows(self, part: str, skip: Iterable[str] = ()) -> list[w.Widget]:
        keys = [f.key for f in self.fields if f.group == part and f.key not in skip]
        return [labelled(self.inputs[k], next(f.text(self.lang) for f in self.fields if f.key == k), WIDE_LABEL)
                for k in keys]  # fmt: skip

    def _tabs(self, reading_rows: dict[str, w.Widget]) -> w.Tab:
        lang = self.lang
        ks = [str(k) for k in range(1, layout(audit_params()).parity_max + 1)]
        births = [(t(f"auditw.policy.{p}", lang), [f"missed_{p}_{k}" for k in ks]) for p in POLICIES]
        resident = [(t("auditw.policy.out", lang), [f"resident_out_births_{k}" for k in ks])]
        grids = {"stats": ("auditw.births_heading", births), "shuangwu": ("auditw.resident_heading", resident)}
        in_grids = {key for _, (_, grid) in grids.items() for _, keys in grid for key in keys}
        pages = [w.VBox([_note(t("auditw.note.unit", lang)), *self._rows(UNIT)])]
        titles = [t("auditw.section.unit", lang)]
        for part in self.sections:
            body: list[w.Widget] = [_note(t(f"auditw.note.{part}", lang))]
            if part in grids:
                head, grid = grids[part]
                body += [w.HTML(f"<b>{escape(t(head, lang))}</b>"), self._grid(ks, grid)]
            pages.append(w.VBox(body + self._rows(part, in_grids)))
            titles.append(t(f"auditw.section.{part}", lang))
        shown = [f.key for f in self.reading_fields if self._reading_shown(f.key)]
        if shown:
            pages.append(w.VBox([_note(t("auditw.note.readings", lang))] + [reading_rows[k] for k in shown]))
            titles.append(t("auditw.section.readings", lang))
        tabs = w.Tab(pages)
        tabs.titles = titles
        tabs.selected_index = 1
        return tabs

    def _reading_shown(self, rid: str) -> bool:
        """Whether a reading changes a finding of a part of the form that is shown."""
        params = audit_params()
        codes = [c for c in params.store.readings[rid].applies_to if c.startswith("D-")]
        return any(section_of(c, params) in self.sections for c in codes)

    # --- state -----------------------------------------------------------------------------------

    @staticmethod
    def _as_values(initial: str | Path | Mapping[str, Any] | None) -> dict[str, Any]:
        if initial is None:
            return blank_values()
        blank = blank_values()
        if isinstance(initial, Mapping) and set(initial) <= set(blank) and "findings" not in initial:
            return blank | dict(initial)
        return values_from_audit(initial)

    def readings(self) -> dict[str, str]:
        """The readings switched away from their default."""
        return {f.key: v for f in self.reading_fields if (v := self.reading_inputs[f.key].value) != f.default}

    def _render(self) -> str:
        return audit_result_html(self.values(), self.lang, self.readings(), self.sections, self.view)

    def _apply(self, values: Mapping[str, Any], readings: Mapping[str, str]) -> str:
        def setter() -> None:
            set_form_values(self.inputs, values)
            set_form_values(self.reading_inputs, {f.key: readings.get(f.key, f.default) for f in self.reading_fields})

        return self._set(setter)

    def load(self, source: str | Path | Mapping[str, Any] | pd.DataFrame, unit_id: str | None = None) -> str:
        """Fill the form with one unit of an audit (every input replaced); readings stay."""
        return self._apply(blank_values() | values_from_audit(source, unit_id), self.readings())

    def reset(self) -> str:
        """Back to the initial unit and readings."""
        self._hold = True
        self.example.value = ""
        self._hold = False
        return self._apply(self.initial, self.initial_readings)

    def _load_example(self, change: Any) -> None:
        if change["new"] and not self._hold:
            self.load(change["new"])


class TargetsChecker(_Live):
    """Figures against the 2013 annual targets (`ids`: the T-* IDs to ask for; all by default).

    Starts from `figures` (a figures file or mapping; default the sample county file, whose
    numbers are invented and marked as an assumption); the reset button returns to them.
    """

    plain_key = "auditw.targets.plain"

    def __init__(
        self, ids: Iterable[str] | None = None, figures: str | Path | Mapping | None = None, lang: str = "zh"
    ) -> None:
        self.lang = lang
        self.ids = list(ids) if ids is not None else None
        self.fields = target_inputs(self.ids, lang)
        self.initial = target_values(figures, self.ids)
        self.inputs = {f.key: w.FloatText(value=float(self.initial[f.key]), layout=w.Layout(width="8em"))
                       for f in self.fields}  # fmt: skip
        self.output = w.HTML()
        self.reset_button = w.Button(description=t("widget.reset", lang), button_style="warning")
        labels = target_labels(self.ids, lang)
        rows = [labelled(self.inputs[f.key], labels[f.key], WIDE_LABEL) for f in self.fields]
        self.widget = w.VBox([_note(t("auditw.targets.note", lang)), *rows, self.reset_button, self.output])
        self._watch(self.inputs.values())
        self.reset_button.on_click(lambda _button: self.reset())
        self.update()

    def _render(self) -> str:
        return targets_result_html(self.values(), self.lang)

    def reset(self) -> str:
        """Back to the starting figures."""
        return self.set_values(self.initial)


class CalendarPlanner(_Live):
    """The due dates of a quarter (section D): monthly reports, the exam roster and filing, the
    missed-exam list, and the 15-working-day payment deadline from `reward_from` when given."""

    plain_key = "auditw.cal.plain"

    def __init__(self, quarter: str = "2013Q2", reward_from: str = "", holidays: str = "", lang: str = "zh") -> None:
        self.lang = lang
        self.initial = {"quarter": quarter, "reward_from": reward_from, "holidays": holidays}
        self.inputs = {k: w.Text(value=str(v), layout=w.Layout(width="14em")) for k, v in self.initial.items()}
        self.output = w.HTML()
        self.reset_button = w.Button(description=t("widget.reset", lang), button_style="warning")
        rows = [labelled(self.inputs[k], t(f"auditw.cal.{k}", lang), "12em") for k in self.initial]
        self.widget = w.VBox([_note(t("auditw.cal.note", lang)), *rows, self.reset_button, self.output])
        self._watch(self.inputs.values())
        self.reset_button.on_click(lambda _button: self.reset())
        self.update()

    def _render(self) -> str:
        v = self.values()
        return calendar_html(v["quarter"], v["reward_from"], v["holidays"], self.lang)

    def reset(self) -> str:
        """Back to the starting quarter and dates."""
        return self.set_values(self.initial)


class AssessmentApp(WidgetApp):
    """The three calculators in tabs (for the Voilà app): deductions, targets, calendar."""

    plain_key = "auditw.app.plain"

    def __init__(self, lang: str = "zh", initial: str | Path | Mapping[str, Any] | None = None) -> None:
        self.lang = lang
        self.calculator = AuditCalculator(initial=initial, lang=lang)
        self.targets = TargetsChecker(lang=lang)
        self.calendar = CalendarPlanner(lang=lang)
        self.widget = w.Tab([self.calculator.widget, self.targets.widget, self.calendar.widget])
        self.widget.titles = [t("auditw.app.tab.audit", lang), t("auditw.app.tab.targets", lang),
                              t("auditw.app.tab.calendar", lang)]  # fmt: skip
