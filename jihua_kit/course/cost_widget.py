"""The county cost calculator as ipywidgets: a slider per main assumption, the year, the standard.

A thin layer over `cost_form`: each slider's range is the county file's low-high; when a slider
is released (or the year or standard changes), `cost_form.cost_result_html` recomputes the
county's cost by benefit on a fixed-seed sample and its HTML (or the Chinese error message) goes
into `.output`. `CostCalculator().widget` is what a notebook or a Voilà page displays; a cell
may also end with the calculator itself (its plain-text stand-in carries no widget id).
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

import ipywidgets as w

from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import t
from jihua_kit.course.cost_form import (
    COMPARE,
    SAMPLE,
    SCENARIOS,
    SEED,
    SliderSpec,
    check_values,
    cost_result_html,
    slider_labels,
    slider_specs,
    years,
)
from jihua_kit.course.widgets_common import WidgetApp, error_html, labelled
from jihua_kit.tables.county import County, load_county

__all__ = ["CostCalculator"]

_FORMATS = {"share": ".1%", "per_1000_people": ".3f"}


def _slider(spec: SliderSpec) -> w.FloatSlider:
    return w.FloatSlider(
        value=spec.central, min=spec.low, max=spec.high, step=spec.step, continuous_update=False,
        readout_format=_FORMATS.get(spec.unit, ".2f"), layout=w.Layout(width="22em"),
    )  # fmt: skip


class CostCalculator(WidgetApp):
    """Sliders over the county file's assumptions; the result is the county's cost by benefit.

    `values` sets some sliders at the start (keys of `cost_form.SLIDER_KEYS`); `scenario` is
    "compare", "raised" or "baseline"; `households` and `seed` fix the sample."""

    plain_key = "cost.plain"

    def __init__(
        self,
        values: Mapping[str, float] | None = None,
        scenario: str = COMPARE,
        year: int | None = None,
        lang: str = "zh",
        households: int = SAMPLE,
        seed: int = SEED,
        county: County | None = None,
    ) -> None:
        self.lang, self.households, self.seed = lang, households, seed
        self.county = county or load_county()
        self.specs = slider_specs(self.county, lang)
        self.sliders = {s.key: _slider(s) for s in self.specs}
        self.year = w.Dropdown(options=years(self.county), value=year or self.county.reference_year,
                               layout=w.Layout(width="8em"))  # fmt: skip
        self.scenario = w.ToggleButtons(options=[(t(f"cost.opt.{s}", lang), s) for s in SCENARIOS], value=scenario)
        self.reset_button = w.Button(description=t("cost.reset", lang), button_style="warning")
        self.output = w.HTML()
        rows = [labelled(self.sliders[s.key], s.label, width="22em") for s in self.specs]
        self.widget = w.VBox([
            w.HTML(f"<small>{escape(t('cost.sliders_note', lang))}</small>"),
            w.HBox([labelled(self.year, t("cost.year", lang), width="4em"), self.scenario, self.reset_button],
                   layout=w.Layout(align_items="center", flex_flow="row wrap")),
            w.VBox(rows),
            self.output,
        ])  # fmt: skip
        self._hold = False
        for widget in [*self.sliders.values(), self.year, self.scenario]:
            widget.observe(self._changed, names="value")
        self.reset_button.on_click(lambda _button: self.reset())
        self.set_values(dict(values or {}))

    def values(self) -> dict[str, float]:
        """Every slider's current value, by assumption key."""
        return {key: slider.value for key, slider in self.sliders.items()}

    def set_values(self, values: Mapping[str, float]) -> str:
        """Move some sliders (by assumption key), then compute once; returns the result HTML.

        A value a slider cannot take (unknown key, not a number, outside the range) is not
        clamped: the sliders stay and the output shows the library's message."""
        try:
            check_values(dict(values), self.county)
        except KitError as err:
            self.output.value = error_html(err, self.lang, slider_labels(self.lang, self.county))
            return self.output.value
        self._hold = True
        try:
            for key, value in values.items():
                self.sliders[key].value = value
        finally:
            self._hold = False
        return self.update()

    def reset(self) -> str:
        """Every slider back to the county file's central value."""
        return self.set_values({s.key: s.central for s in self.specs})

    def _render(self) -> str:
        return cost_result_html(self.values(), self.scenario.value, self.year.value, self.lang,
                                self.households, self.seed, self.county)  # fmt: skip
