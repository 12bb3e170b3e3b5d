"""The household calculator as ipywidgets: every case field, the scenario, the readings, a reset.

A thin layer: its inputs hold the flat form values of `household_form`, and every change calls
`household_form.household_result_html`, whose HTML (the explanation, the comparison, or the
Chinese error message) goes into `.output`. `HouseholdCalculator(...).widget` is what a notebook
or a Voilà page displays; a notebook cell may also end with the calculator itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from pathlib import Path
from typing import Any

import ipywidgets as w

from jihua_kit.core.i18n import t
from jihua_kit.course.household_form import (
    FIELDS,
    PARENTS,
    SCENARIOS,
    blank_values,
    example_choices,
    household_result_html,
    reading_fields,
    values_from_case,
)
from jihua_kit.course.widgets_common import WidgetApp, build_form, form_values, set_form_values
from jihua_kit.tables.columns import SLOTS

__all__ = ["HouseholdCalculator"]

_HOUSEHOLD = ("id", "village", "township", "residence", "household_type", "urban_dibao", "method")
TABS = ("household", "parents", "children", "events", "readings")  # the form's steps, in order


def _heading(text: str) -> w.HTML:
    return w.HTML(f"<b>{escape(text)}</b>")


def _note(text: str) -> w.HTML:
    return w.HTML(f"<small>{escape(text)}</small>")


class HouseholdCalculator(WidgetApp):
    """The household calculator of chapter 03 (and of the Voilà app).

    `initial`: a case (a name in data/cases/, a file, or a case mapping), flat form values, or
    None for a blank household; the reset button returns to it. `scenario` is "raised",
    "baseline" or "compare"; `readings` maps reading IDs to options (others keep their default).
    """

    plain_key = "widget.household.plain"

    def __init__(
        self,
        initial: str | Path | Mapping[str, Any] | None = None,
        scenario: str = "raised",
        readings: Mapping[str, str] | None = None,
        lang: str = "zh",
    ) -> None:
        self.lang = lang
        self.initial = self._as_values(initial)
        self.initial_scenario = scenario
        # Whether the trainee has come to the 子女 step (opened it or a later tab, changed a child, or
        # loaded a household): until then a household type that needs children is a note, not an error.
        self.children_reached = initial is not None
        self._hold = False
        self.inputs, rows = build_form(FIELDS, lang)
        self.reading_fields = reading_fields(lang)
        self.reading_inputs, _ = build_form(self.reading_fields, lang)
        self.scenario = w.ToggleButtons(options=[(t(f"widget.scenario.{s}", lang), s) for s in SCENARIOS])
        self.example = w.Dropdown(
            options=[(t("widget.example.none", lang), "")] + example_choices(lang),
            value="",
            description=t("widget.example", lang),
            style={"description_width": "initial"},
            layout=w.Layout(width="26em"),
        )
        self.reset_button = w.Button(description=t("widget.reset", lang), button_style="warning")
        self.output = w.HTML()
        self.child_boxes = [
            w.VBox([_heading(t("widget.group.child", lang, k=k))] + [rows[f"children[{k}].{n}"] for n in
                   ("age", "sex", "alive", "disabled")], layout=w.Layout(border="1px solid #ddd", padding="4px"))
            for k in SLOTS
        ]  # fmt: skip
        self.widget = w.VBox([
            w.HBox([self.example, self.reset_button]),
            w.HBox([_heading(t("widget.scenario.label", lang)), self.scenario], layout=w.Layout(align_items="center")),
            self._tabs(rows),
            self.output,
        ])  # fmt: skip
        for key, widget in self.inputs.items():  # before the recompute below, which then sees the step
            if key.startswith("children"):
                widget.observe(self._at_children, names="value")
        for widget in [*self.inputs.values(), *self.reading_inputs.values(), self.scenario]:
            widget.observe(self._changed, names="value")
        self.form_tabs.observe(self._tab_opened, names="selected_index")
        self.example.observe(self._load_example, names="value")
        self.reset_button.on_click(lambda _button: self.reset())
        self._apply(self.initial, readings or {}, scenario)

    # --- layout ----------------------------------------------------------------------------------

    def _tabs(self, rows: dict[str, w.Widget]) -> w.Tab:
        lang = self.lang
        household = w.VBox([rows[k] for k in _HOUSEHOLD])
        parents = w.HBox([
            w.VBox([_heading(t(f"widget.group.{role}", lang))] + [rows[f"{role}.{n}"] for n in
                   ("age", "alive", "state_employee")], layout=w.Layout(margin="0 2em 0 0"))
            for role in PARENTS
        ])  # fmt: skip
        grid = w.GridBox(self.child_boxes, layout=w.Layout(grid_template_columns="repeat(2, 1fr)", grid_gap="6px"))
        children = w.VBox([_note(t("widget.children_note", lang)), rows["children"], grid])
        events = w.VBox([_note(t("widget.events_note", lang))] + [rows[f.key] for f in FIELDS if f.group == "events"])
        readings = w.VBox([_note(t("widget.readings_note", lang))] + [
            w.VBox([w.HTML(escape(f.text(lang))), self.reading_inputs[f.key]]) for f in self.reading_fields
        ])  # fmt: skip
        tabs = w.Tab([household, parents, children, events, readings])
        tabs.titles = [t(f"widget.tab.{k}", lang) for k in TABS]
        self.form_tabs = tabs
        return tabs

    def _show_children(self) -> None:
        n = self.inputs["children"].value
        for k, box in enumerate(self.child_boxes, start=1):
            box.layout.display = "" if k <= n else "none"

    # --- state -----------------------------------------------------------------------------------

    @staticmethod
    def _as_values(initial: str | Path | Mapping[str, Any] | None) -> dict[str, Any]:
        if initial is None:
            return blank_values()
        keys = {f.key for f in FIELDS}
        if isinstance(initial, Mapping) and initial and set(initial) <= keys and "mother" not in initial:
            return blank_values() | dict(initial)
        return values_from_case(initial)

    def values(self) -> dict[str, Any]:
        """The form's flat values (the input of `household_form.form_to_case`)."""
        return form_values(self.inputs)

    def readings(self) -> dict[str, str]:
        """The readings switched away from their default."""
        return {f.key: v for f in self.reading_fields if (v := self.reading_inputs[f.key].value) != f.default}

    def _apply(self, values: Mapping[str, Any], readings: Mapping[str, str], scenario: str | None = None) -> str:
        """Set inputs, readings and scenario together, then compute once."""
        self._hold = True
        try:
            set_form_values(self.inputs, values)
            set_form_values(self.reading_inputs, {f.key: readings.get(f.key, f.default) for f in self.reading_fields})
            if scenario is not None:
                self.scenario.value = scenario
        finally:
            self._hold = False
        return self.update()

    def set_values(self, values: Mapping[str, Any]) -> str:
        """Change some inputs (flat form keys) and recompute; returns the new result HTML. Setting a
        child counts as having come to the 子女 step."""
        self.children_reached = self.children_reached or any(key.startswith("children") for key in values)
        return self._apply(values, self.readings())

    def load(self, case: str | Path | Mapping[str, Any]) -> str:
        """Fill the form with a case (name, file or mapping); readings and scenario stay."""
        self.children_reached = True
        return self._apply(self._as_values(case), self.readings())

    def reset(self) -> str:
        """Back to the initial household, default readings and the initial scenario (and, for a
        blank form, to its first step)."""
        self._hold = True
        self.example.value = ""
        self.children_reached = self.initial != blank_values()
        if not self.children_reached:
            self.form_tabs.selected_index = 0
        self._hold = False
        return self._apply(self.initial, {}, self.initial_scenario)

    def _render(self) -> str:
        self._show_children()
        return household_result_html(
            self.values(), self.scenario.value, self.readings(), self.lang, self.children_reached, self.view
        )

    # --- callbacks -------------------------------------------------------------------------------

    def _tab_opened(self, change: Any) -> None:
        if change["new"] is not None and change["new"] >= TABS.index("children") and not self.children_reached:
            self.children_reached = True
            if not self._hold:
                self.update()

    def _at_children(self, _change: Any) -> None:
        if not self._hold:  # a trainee's change, not the form being filled or reset
            self.children_reached = True

    def _load_example(self, change: Any) -> None:
        if change["new"] and not self._hold:
            self.load(change["new"])
