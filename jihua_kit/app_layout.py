"""The trainee app: the household and the assessment calculators in two tabs, laid out for a phone too.

`TraineeApp().widget` is what `app/trainee.ipynb` shows (Voilà serves it with `make app`). The
calculators are the chapters' own (`HouseholdCalculator`, `AuditCalculator`); this module only
arranges them: a style block (`APP_CSS`) lets rows wrap and inputs shrink so a 390-pixel-wide
screen needs no horizontal scrolling, and the assessment form's grids of births by parity (ten
columns wide) become rows of small labelled boxes that wrap.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

import ipywidgets as w

from jihua_kit.audit_table import POLICIES, birth_column
from jihua_kit.audit_widget import AuditCalculator
from jihua_kit.household_widget import HouseholdCalculator
from jihua_kit.i18n import t
from jihua_kit.widgets_common import WidgetApp

__all__ = ["APP_CLASS", "APP_CSS", "TraineeApp", "parity_rows"]

APP_CLASS = "jihua-app"
PHONE = "600px"  # below this width the form stacks: labels above their inputs, one column of children

APP_CSS = f"""
.{APP_CLASS} {{ max-width: 1100px; box-sizing: border-box; }}
.{APP_CLASS} * {{ box-sizing: border-box; max-width: 100%; }}
.{APP_CLASS} .widget-hbox {{ flex-wrap: wrap; }}
.{APP_CLASS} .widget-dropdown select, .{APP_CLASS} .widget-dropdown {{ max-width: 100%; min-width: 0; }}
.{APP_CLASS} .lm-TabBar-content {{ flex-wrap: wrap; }}
.{APP_CLASS} .lm-TabBar-tab {{ flex: 0 1 auto !important; min-width: 0; }}
.{APP_CLASS} table {{ border-collapse: collapse; width: 100%; }}
.{APP_CLASS} th, .{APP_CLASS} td {{ border: 1px solid #ddd; padding: 0.25em 0.4em; vertical-align: top;
  text-align: left; overflow-wrap: anywhere; }}
.{APP_CLASS} caption {{ text-align: left; font-weight: bold; padding: 0.4em 0; }}
.{APP_CLASS} .jihua-parity-cell {{ width: 4.8em; }}
.{APP_CLASS} .jihua-parity-cell input {{ width: 100%; }}
@media (max-width: {PHONE}) {{
  body, #rendered_cells {{ padding-left: 4px !important; padding-right: 4px !important; }}
  .{APP_CLASS} .widget-hbox > .widget-html:first-child {{ width: auto !important; min-width: 0 !important;
    flex: 1 1 100%; }}
  .{APP_CLASS} .widget-gridbox {{ grid-template-columns: minmax(0, 1fr) !important; }}
  .{APP_CLASS} .widget-text input, .{APP_CLASS} .widget-text {{ min-width: 0; }}
  .{APP_CLASS} table {{ font-size: 0.9em; }}
}}
"""


def parity_rows(
    inputs: Mapping[str, Any], rows: Iterable[tuple[str, list[str]]], parity_label: str = "app.parity", lang: str = "zh"
) -> w.VBox:
    """A table of inputs by parity as wrapping rows: for each (row label, input keys), the label and
    one small box per parity ('第3孩' over its input) that flows onto the next line when narrow."""
    out = []
    for label, keys in rows:
        cells = [
            w.VBox([w.HTML(escape(t(parity_label, lang, k=k))), inputs[key]], layout=w.Layout(width="4.8em"))
            for k, key in enumerate(keys, start=1)
        ]
        for cell in cells:
            cell.add_class("jihua-parity-cell")
        box = w.HBox(cells, layout=w.Layout(flex_flow="row wrap", grid_gap="2px 6px"))
        out.append(w.VBox([w.HTML(f"<b>{escape(label)}</b>"), box]))
    return w.VBox(out)


def _replace_grids(calc: AuditCalculator, lang: str) -> None:
    """Swap the calculator's parity grids (GridBoxes of its own inputs) for wrapping rows."""
    n = max(int(key.rsplit("_", 1)[1]) for key in calc.inputs if key.startswith("resident_out_births_"))
    births = [(t(f"auditw.policy.{p}", lang), [birth_column(p, k) for k in range(1, n + 1)]) for p in POLICIES]
    resident = [(t("auditw.policy.out", lang), [f"resident_out_births_{k}" for k in range(1, n + 1)])]
    for page in calc.tabs.children:
        children = list(page.children)
        for i, child in enumerate(children):
            if not isinstance(child, w.GridBox):
                continue
            held = {id(c) for c in child.children}
            for table in (births, resident):
                if id(calc.inputs[table[0][1][0]]) in held:
                    for _, keys in table:
                        for key in keys:
                            calc.inputs[key].layout = w.Layout(width="100%")
                    children[i] = parity_rows(calc.inputs, table, lang=lang)
        page.children = tuple(children)


class TraineeApp(WidgetApp):
    """The household calculator and the assessment calculator in tabs, with the app's style block.

    `household` and `audit` are the two calculators (their `.output` holds the result HTML);
    `widget` is what to display.
    """

    plain_key = "app.plain"

    def __init__(self, lang: str = "zh") -> None:
        self.lang = lang
        self.household = HouseholdCalculator(lang=lang)
        self.audit = AuditCalculator(lang=lang)
        _replace_grids(self.audit, lang)
        self.tabs = w.Tab([self.household.widget, self.audit.widget])
        self.tabs.titles = [t("app.tab.household", lang), t("app.tab.audit", lang)]
        self.widget = w.VBox([w.HTML(f"<style>{APP_CSS}</style>"), self.tabs], layout=w.Layout(width="100%"))
        self.widget.add_class(APP_CLASS)
