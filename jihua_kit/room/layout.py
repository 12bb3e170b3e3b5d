"""The trainee app: the household and the assessment calculators in two tabs, laid out for a phone too.

`TraineeApp().widget` is what `app/trainee.ipynb` shows (Voilà serves it with `make app`). The
calculators are the chapters' own (`HouseholdCalculator`, `AuditCalculator`); this module only
arranges them: a style block (`APP_CSS`) lets rows wrap and inputs shrink so a 390-pixel-wide
screen needs no horizontal scrolling, and the assessment form's grids of births by parity (ten
columns wide) become rows of small labelled boxes that wrap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from html import escape, unescape
from typing import Any

import ipywidgets as w

from jihua_kit.core.i18n import t
from jihua_kit.course.audit_form import audit_params
from jihua_kit.course.audit_widget import AuditCalculator
from jihua_kit.course.household_widget import HouseholdCalculator
from jihua_kit.course.widgets_common import WidgetApp
from jihua_kit.tables.audit_table import POLICIES, birth_column, layout

__all__ = ["APP_CLASS", "APP_CSS", "AUDIT", "HOUSEHOLD", "TraineeApp", "css_name", "label_cells", "parity_rows"]

APP_CLASS = "jihua-app"
HOUSEHOLD, AUDIT = "jihua-hh", "jihua-au"  # class prefixes of the two calculators' parts (for tests, styles)
SHORT_CELL = 12  # characters: a cell this short ('4,320 元/年') keeps to one line on a wide screen
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
  text-align: left; overflow-wrap: break-word; }}
.{APP_CLASS} tr.jihua-head th, .{APP_CLASS} td.jihua-short {{ white-space: nowrap; }}
.{APP_CLASS} caption {{ text-align: left; font-weight: bold; padding: 0.4em 0; }}
.{APP_CLASS} .jihua-parity-cell {{ width: 4.8em; }}
.{APP_CLASS} .jihua-parity-cell .widget-inline-hbox {{ width: 100% !important; min-width: 0; margin: 1px 0; }}
.{APP_CLASS} .jihua-parity-cell input {{ width: 100%; min-width: 0; flex: 1 1 auto; }}
.{APP_CLASS} details.jihua-basis {{ margin: 0.6em 0; border: 1px solid #ddd; border-radius: 4px; padding: 0 0.5em; }}
.{APP_CLASS} details.jihua-basis > summary {{ cursor: pointer; padding: 0.45em 0; color: #2e6f9e; font-weight: bold; }}
.{APP_CLASS} details.jihua-basis[open] > summary {{ border-bottom: 1px solid #eee; margin-bottom: 0.4em; }}
.{APP_CLASS} details.jihua-basis td, .{APP_CLASS} details.jihua-basis li {{ font-size: 0.92em; }}
@media (max-width: {PHONE}) {{
  body, #rendered_cells {{ padding-left: 4px !important; padding-right: 4px !important; }}
  .{APP_CLASS} .widget-hbox > .widget-html:first-child {{ width: auto !important; min-width: 0 !important;
    flex: 1 1 100%; }}
  .{APP_CLASS} .widget-gridbox {{ grid-template-columns: minmax(0, 1fr) !important; }}
  .{APP_CLASS} .widget-text input, .{APP_CLASS} .widget-text {{ min-width: 0; }}
  .{APP_CLASS} table, .{APP_CLASS} tbody, .{APP_CLASS} thead, .{APP_CLASS} tr, .{APP_CLASS} td,
  .{APP_CLASS} caption {{ display: block; width: auto; }}
  .{APP_CLASS} tr.jihua-head {{ display: none; }}
  .{APP_CLASS} tr {{ border: 1px solid #ddd; margin: 0 0 0.5em 0; padding: 0.2em 0.4em; }}
  .{APP_CLASS} td, .{APP_CLASS} th {{ border: none; padding: 0.1em 0; overflow-wrap: anywhere; }}
  .{APP_CLASS} td.jihua-short {{ white-space: normal; }}
  .{APP_CLASS} td:empty {{ display: none; }}
  .{APP_CLASS} td[data-label]::before {{ content: attr(data-label) "："; font-weight: bold; }}
  .{APP_CLASS} th {{ display: inline-block; margin-right: 0.8em; }}
}}
"""


_TABLE = re.compile(r"<table\b.*?</table>", re.S)
_ROW = re.compile(r"<tr\b([^>]*)>(.*?)</tr>", re.S)
_CELL = re.compile(r"<(t[dh])\b([^>]*)>(.*?)</\1>", re.S)
_TAG = re.compile(r"<[^>]+>")
SHORT = ' class="jihua-short"'


def _text(cell_html: str) -> str:
    return unescape(_TAG.sub("", cell_html)).strip()


def _label_row(row: re.Match, heads: list[str]) -> str:
    """One <tr>: the heading row gets its class (and fills `heads`); a body row its cells' labels."""
    cells = _CELL.findall(row.group(2))
    if not heads and cells and all(kind == "th" and "colspan" not in attrs for kind, attrs, _ in cells):
        heads.extend(_text(text) for *_, text in cells)
        return f'<tr class="jihua-head"{row.group(1)}>{row.group(2)}</tr>'
    if not heads or len(cells) != len(heads) or any(kind != "td" for kind, *_ in cells):
        return row.group(0)
    names = iter(heads)

    def cell(c: re.Match) -> str:
        short = len(_text(c.group(3))) <= SHORT_CELL and "<br" not in c.group(3)
        return f'<td data-label="{escape(next(names))}"{SHORT if short else ""}{c.group(2)}>{c.group(3)}</td>'

    return f"<tr{row.group(1)}>{_CELL.sub(cell, row.group(2))}</tr>"


def _label_table(table: re.Match) -> str:
    heads: list[str] = []
    return _ROW.sub(lambda row: _label_row(row, heads), table.group(0))


def label_cells(html: str) -> str:
    """Give every body cell of each table its column's heading as `data-label`, and the heading row
    the class `jihua-head`, so a phone can show each row as a card ('金额：4,320 元/年'); short cells
    (an amount, a type) get the class `jihua-short` and stay on one line on a wide screen.

    A heading row is the first row made only of <th> without colspan; a row is labelled when it has
    one <td> per heading. Everything else (totals rows with colspan, text around tables) is kept."""
    return _TABLE.sub(_label_table, html)


class _Cards:
    """Mixin for a calculator: the result's tables get `label_cells` (sent to the page once)."""

    output: w.HTML

    def update(self) -> str:
        with self.output.hold_sync():
            html = label_cells(super().update())  # type: ignore[misc]
            self.output.value = html
        return html


class _Household(_Cards, HouseholdCalculator):
    view = "trainee"


class _Audit(_Cards, AuditCalculator):
    view = "trainee"


def css_name(key: str) -> str:
    """A form key as a CSS class suffix: 'children[2].age' -> 'children-2-age'."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", key).strip("-")


def _tag(calc: Any, prefix: str) -> None:
    """Name the calculator's parts by class: each input `<prefix>-<key>`, and -result, -reset, -example."""
    for key, widget in [*calc.inputs.items(), *calc.reading_inputs.items()]:
        widget.add_class(f"{prefix}-{css_name(key)}")
    for part, widget in (("result", calc.output), ("reset", calc.reset_button), ("example", calc.example)):
        widget.add_class(f"{prefix}-{part}")


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
    n = layout(audit_params()).parity_max
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
    `widget` is what to display. The assessment calculator (about 700 widgets, half the page) is
    built when its tab is first opened, or when `audit` is first used: a page then opens with half
    the widget state to send, and a pooled kernel holds half the memory.
    """

    plain_key = "app.plain"

    def __init__(self, lang: str = "zh", extra_tabs: Iterable[tuple[str, Any]] = ()) -> None:
        self.lang = lang
        self.household = _Household(lang=lang)
        _tag(self.household, HOUSEHOLD)
        self.household.scenario.add_class(f"{HOUSEHOLD}-scenario")
        extra = list(extra_tabs)  # (title, widget) shown first, e.g. the class quiz (class_quiz_widget.class_tabs)
        self._audit: _Audit | None = None
        self.audit_slot = w.VBox([w.HTML(f"<p>{escape(t('app.opening_audit', lang))}</p>")])
        self.audit_tab = len(extra) + 1  # the assessment calculator's tab, built when first opened
        self.tabs = w.Tab([*(widget for _, widget in extra), self.household.widget, self.audit_slot])
        self.tabs.titles = [*(title for title, _ in extra), t("app.tab.household", lang), t("app.tab.audit", lang)]
        self.tabs.observe(self._tab_opened, names="selected_index")
        self.widget = w.VBox([w.HTML(f"<style>{APP_CSS}</style>"), self.tabs], layout=w.Layout(width="100%"))
        self.widget.add_class(APP_CLASS)

    @property
    def audit(self) -> AuditCalculator:
        """The assessment calculator, built (and put in its tab) on first use."""
        if self._audit is None:
            audit = _Audit(lang=self.lang)
            _replace_grids(audit, self.lang)
            _tag(audit, AUDIT)
            self._audit = audit
            self.audit_slot.children = (audit.widget,)
        return self._audit

    def _tab_opened(self, change: Any) -> None:
        if change["new"] == self.audit_tab:
            self.audit  # noqa: B018 -- builds it
