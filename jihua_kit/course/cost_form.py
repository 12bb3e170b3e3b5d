"""The cost calculator without widgets: slider values -> the county's cost by benefit, as HTML.

The sliders move assumptions of the county file (`data/county/*.yaml`) within their low-high
range. `cost_result_html(values, scenario, year)` simulates a fixed-seed sample of households
under the moved county, blows it up to the county (`sim_views.by_benefit(scaled=True)`) and shows
each benefit's cost under baseline and raised, with the rules' low-high range (R5). Bad input
(a value outside the file's range, an unknown assumption, a year outside the projection) comes
back as the library's Chinese message in place, never as a traceback. The ipywidgets calculator
(`cost_widget`) and the tests call these functions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from typing import Any

import pandas as pd

from jihua_kit.core.charts import SCENARIO_COLORS
from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import t
from jihua_kit.core.textfmt import format_number
from jihua_kit.course.widgets_common import error_html, safe_html
from jihua_kit.simulation import views as sim_views
from jihua_kit.simulation.cost_views import WAN, project_both, shown_value, wan_text, wide
from jihua_kit.tables.county import County, load_county

__all__ = [
    "COMPARE", "PROJECTION_END", "SAMPLE", "SCENARIOS", "SEED", "SLIDER_KEYS", "SliderSpec", "central_values",
    "check_values", "check_year", "cost_frame", "cost_result_html", "slider_labels", "slider_specs", "sweep_frame",
    "years",
]  # fmt: skip

# The assumptions the chapter 06 sliders move (keys of County.sweeps(); ranges come from the file).
SLIDER_KEYS = (
    "rural_household_types.one_child",
    "rural_household_types.two_daughter",
    "urban_household_types.one_child",
    "rural_share",
    "people_60plus_share",
    "household_size",
    "birth_rate",
    "marriage_rate",
    "give_up_second_rate",
    "widowed_share_60plus",
    "uptake",
)
PROJECTION_END = 2020  # the chapter projects the reference year to this year
SAMPLE = 20_000  # households simulated per slider move, scaled to the county
SEED = 0
COMPARE = "compare"
SCENARIOS = (COMPARE, "raised", "baseline")


@dataclass(frozen=True)
class SliderSpec:
    """One slider: an assumption of the county file with its range and the basis of the range."""

    key: str
    label: str
    unit: str
    low: float
    central: float
    high: float
    basis: str

    @property
    def step(self) -> float:
        """A twentieth of the range, so every slider has the same number of positions."""
        return (self.high - self.low) / 20

    def shown(self, value: float) -> str:
        """'5.5%', '14.5‰', '3.2' (a share as a percentage, a rate per 1,000 people with ‰)."""
        return shown_value(value, self.unit)


def _basis(county: County, key: str, lang: str = "zh") -> str:
    if key in county.figures:
        return county.figures[key].basis_text(lang)
    return county.distributions[key.split(".", 1)[0]].basis_text(lang)


def slider_specs(
    county: County | None = None, lang: str = "zh", keys: tuple[str, ...] = SLIDER_KEYS
) -> list[SliderSpec]:
    """The sliders, in `keys` order, with the county file's names, ranges and bases."""
    county = county or load_county()
    sweeps = {s.key: s for s in county.sweeps()}
    out = []
    for key in keys:
        if key not in sweeps:
            raise KitError("county.unknown_key", file=county.file, got=key)
        s = sweeps[key]
        out.append(SliderSpec(key, s.name(lang), s.unit, s.low, s.central, s.high, _basis(county, key, lang)))
    return out


def slider_labels(lang: str = "zh", county: County | None = None) -> dict[str, str]:
    """Slider key -> its label, for error messages that name the slider to move."""
    labels = {s.key: s.label for s in slider_specs(county, lang)}
    return labels | {"year": t("cost.year", lang), "scenario": t("cost.scenario", lang)}


def central_values(county: County | None = None) -> dict[str, float]:
    """Every slider at the county file's central value."""
    return {s.key: s.central for s in slider_specs(county)}


def check_values(values: Mapping[str, Any], county: County | None = None) -> dict[str, float]:
    """The values that differ from central, checked: a number, a known slider, inside low-high."""
    county = county or load_county()
    specs = {s.key: s for s in slider_specs(county)}
    out = {}
    for key, raw in values.items():
        if key not in specs:
            raise KitError("county.unknown_key", file=county.file, field=key, got=key)
        if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):
            raise KitError("county.bad_type", field=key, got=raw)
        spec, value = specs[key], float(raw)
        if not spec.low - 1e-12 <= value <= spec.high + 1e-12:
            lo, hi = spec.shown(spec.low), spec.shown(spec.high)
            raise KitError("cost.out_of_range", field=key, name=spec.label, got=spec.shown(value), low=lo, high=hi)
        if value != spec.central:
            out[key] = value
    return out


def years(county: County | None = None) -> list[int]:
    """The years the chapter projects: the county's reference year to PROJECTION_END."""
    county = county or load_county()
    return list(range(county.reference_year, PROJECTION_END + 1))


def check_year(year: Any, county: County | None = None) -> int:
    """A year of the projection, or KitError naming the `year` input."""
    allowed = years(county)
    if isinstance(year, bool) or not isinstance(year, int) or year not in allowed:
        raise KitError("cost.bad_year", field="year", got=year, first=allowed[0], last=allowed[-1])
    return year


def cost_frame(
    values: Mapping[str, Any] | None = None,
    year: int | None = None,
    households: int = SAMPLE,
    seed: int = SEED,
    county: County | None = None,
) -> pd.DataFrame:
    """The county's cost in `year` by benefit under both scenarios (a sample scaled to the county).

    Columns: benefit, benefit_name, kind, then per scenario (`baseline_`, `raised_`): households,
    cost_low, cost_central, cost_high (yuan); and `diff` = raised - baseline (central)."""
    county = county or load_county()
    year = check_year(county.reference_year if year is None else year, county)
    overrides = check_values(values or {}, county)
    out = wide(project_both(households, seed, [year], overrides, county)).drop(columns="year")
    out.attrs.update(year=year, households=households, seed=seed, county_households=county.with_overrides(overrides)
                     .households, overrides=overrides)  # fmt: skip
    return out


_TOTALS: dict[tuple, dict[str, float]] = {}


def _totals(county: County, year: int, households: int | None, seed: int) -> dict[str, float]:
    """County totals (central, yuan, scaled) per scenario with every assumption central: of the
    full run (`households=None`, what `jihua-kit simulate` and chapter 06 print) or of a sample.
    Kept per county content, year, size and seed (a slider move does not recompute them)."""
    figures = tuple((k, f.central, f.low, f.high) for k, f in county.figures.items())
    dists = tuple((k, d.central) for k, d in county.distributions.items())
    key = (county.file, county.id, county.overrides, figures, dists, year, households, seed)
    if key not in _TOTALS:
        table = wide(project_both(households, seed, [year], None, county))
        money = table[table["kind"] != "non_monetary"]
        _TOTALS[key] = {s: float(money[f"{s}_cost_central"].sum()) for s in ("baseline", "raised")}
    return _TOTALS[key]


def sample_gap(year: int | None = None, households: int = SAMPLE, seed: int = SEED,
               county: County | None = None) -> dict[str, tuple[float, float]]:  # fmt: skip
    """Per scenario (sample total, full-run total) with every assumption central: how far the
    sample that the sliders move is from the headline figure."""
    county = county or load_county()
    year = check_year(county.reference_year if year is None else year, county)
    sample, full = _totals(county, year, households, seed), _totals(county, year, None, seed)
    return {s: (sample[s], full[s]) for s in sample}


def sample_note(year: int | None = None, lang: str = "zh", households: int = SAMPLE, seed: int = SEED,
                county: County | None = None, scaled: bool = False) -> str:  # fmt: skip
    """'…抽样合计 24,429.2 万元，全县测算 23,793.7 万元，相差 +2.7%' (the raised standard)."""
    county = county or load_county()
    sample, full = sample_gap(year, households, seed, county)["raised"]
    key = "cost.sample_scaled" if scaled else "cost.sample_gap"
    return t(key, lang, n=format_number(households), seed=seed, sample=wan_text(sample), full=wan_text(full),
             gap=f"{sample / full - 1:+.1%}")  # fmt: skip


def sweep_frame(key: str, year: int | None = None, lang: str = "zh", households: int = SAMPLE, seed: int = SEED,
                county: County | None = None) -> pd.DataFrame:  # fmt: skip
    """The county total (万元) under both standards with one slider at its low, central and high value.

    The sample measures how far each value moves the total (in proportion); the totals are on the
    level of the full run, so the central row is the headline figure (`sample_note` says so)."""
    county = county or load_county()
    spec = next(s for s in slider_specs(county, lang) if s.key == key) if key in SLIDER_KEYS else None
    if spec is None:
        raise KitError("county.unknown_key", file=county.file, field=key, got=key)
    gap = sample_gap(year, households, seed, county)
    rows = {}
    for end in ("low", "central", "high"):
        value = getattr(spec, end)
        frame = cost_frame({key: value}, year, households, seed, county)
        money = frame[frame["kind"] != "non_monetary"]
        label = t("costv.at_value", lang, end=t(f"sim.col.{end}", lang), value=spec.shown(value))
        rows[label] = [
            wan_text(money[f"{s}_cost_central"].sum() * gap[s][1] / gap[s][0]) for s in ("baseline", "raised")
        ]
    heads = [t("scenario.baseline", lang), t("scenario.raised", lang)]
    return pd.DataFrame(rows, index=heads).T.rename_axis(t("costv.wan", lang), axis=1)


# --- HTML ----------------------------------------------------------------------------------------

_CELL = "padding:2px 8px;border-bottom:1px solid #eee;white-space:nowrap"
_COLORS = SCENARIO_COLORS


def _wan(x: float) -> str:
    return f"{x / WAN:,.1f}"


def _bars(row: pd.Series, scenarios: tuple[str, ...], top: float) -> str:
    bars = []
    for s in scenarios:
        width = 0 if top <= 0 else max(0.0, row[f"{s}_cost_central"]) / top * 160
        bars.append(f"<div style='background:{_COLORS[s]};height:7px;width:{width:.1f}px;margin:1px 0'></div>")
    return "".join(bars)


def _table_html(df: pd.DataFrame, scenario: str, lang: str) -> str:
    money = df[df["kind"] != "non_monetary"]
    scenarios = ("baseline", "raised") if scenario == COMPARE else (scenario,)
    if scenario == COMPARE:
        band = t("cost.col.range", lang, scenario=t("scenario.raised", lang))
        heads = [t("cost.col.benefit", lang), t("scenario.baseline", lang), t("scenario.raised", lang),
                 t("cost.col.diff", lang), band, ""]  # fmt: skip
    else:
        heads = [t("cost.col.benefit", lang), t("cost.col.households", lang), t("cost.col.central", lang),
                 t("cost.col.range", lang, scenario=t(f"scenario.{scenario}", lang)), ""]  # fmt: skip
    top = max(float(money[f"{s}_cost_central"].max()) for s in scenarios)
    rows = []
    for _, r in money.iterrows():
        shown = scenarios[-1]
        band = f"{_wan(r[f'{shown}_cost_low'])}–{_wan(r[f'{shown}_cost_high'])}"
        if r[f"{shown}_cost_low"] == r[f"{shown}_cost_high"]:
            band = "—"
        if scenario == COMPARE:
            cells = [r["baseline_cost_central"], r["raised_cost_central"], r["diff"]]
            cells = [_wan(c) for c in cells] + [band]
        else:
            cells = [format_number(round(r[f"{scenario}_households"])), _wan(r[f"{scenario}_cost_central"]), band]
        name = f"{escape(r['benefit_name'])} <small style='color:#888'>{r['benefit']}</small>"
        tds = "".join(f"<td style='{_CELL};text-align:right'>{escape(c)}</td>" for c in cells)
        rows.append(f"<tr><td style='{_CELL}'>{name}</td>{tds}<td style='{_CELL}'>{_bars(r, scenarios, top)}</td></tr>")
    totals = []
    for s in scenarios:
        totals.append((s, *(float(money[f"{s}_{c}"].sum()) for c in sim_views.COSTS)))
    if scenario == COMPARE:
        (_, _, base, _), (_, low, mid, high) = totals
        cells = [_wan(base), _wan(mid), _wan(mid - base), f"{_wan(low)}–{_wan(high)}"]
    else:
        (_, low, mid, high) = totals[0]
        cells = ["", _wan(mid), f"{_wan(low)}–{_wan(high)}"]
    tds = "".join(f"<td style='{_CELL};text-align:right'><b>{escape(c)}</b></td>" for c in cells)
    rows.append(f"<tr><td style='{_CELL}'><b>{escape(t('sim.total', lang))}</b></td>{tds}<td></td></tr>")
    head = "".join(f"<th style='{_CELL};text-align:left'>{escape(h)}</th>" for h in heads)
    return f"<table style='border-collapse:collapse'><tr>{head}</tr>{''.join(rows)}</table>"


def _moved_html(df: pd.DataFrame, lang: str, county: County) -> str:
    overrides = df.attrs["overrides"]
    if not overrides:
        return f"<p>{escape(t('cost.all_central', lang))}</p>"
    specs = {s.key: s for s in slider_specs(county, lang)}
    items = [t("cost.moved_item", lang, name=specs[k].label, central=specs[k].shown(specs[k].central),
               value=specs[k].shown(v)) for k, v in overrides.items()]  # fmt: skip
    return f"<p>{escape(t('cost.moved', lang))}</p><ul>{''.join(f'<li>{escape(i)}</li>' for i in items)}</ul>"


def _result_html(values: Mapping[str, Any], scenario: str, year: int | None, households: int, seed: int,
                 lang: str, county: County) -> str:  # fmt: skip
    if scenario not in SCENARIOS:
        raise KitError("cost.bad_scenario", field="scenario", got=scenario, allowed=", ".join(SCENARIOS))
    df = cost_frame(values, year, households, seed, county)
    a = df.attrs
    head = t("cost.title", lang, year=a["year"], county=county.name(lang))
    scen = t("cost.compare" if scenario == COMPARE else f"scenario.{scenario}", lang)
    sample = t("cost.sample", lang, n=format_number(a["households"]), total=format_number(a["county_households"]),
               seed=a["seed"])  # fmt: skip
    sample += " " + sample_note(a["year"], lang, households, seed, county)
    return (
        f"<div class='jihua-cost'><p><b>{escape(head)}</b>（{escape(scen)}）</p>"
        f"{_table_html(df, scenario, lang)}"
        f"<p><small>{escape(sample)} {escape(t('cost.range_note', lang))}</small></p>"
        f"{_moved_html(df, lang, county)}<p><small>{escape(t('cost.caveat', lang))}</small></p></div>"
    )


def cost_result_html(
    values: Mapping[str, Any] | None = None,
    scenario: str = COMPARE,
    year: int | None = None,
    lang: str = "zh",
    households: int = SAMPLE,
    seed: int = SEED,
    county: County | None = None,
) -> str:
    """The county's cost by benefit in `year` with the sliders at `values` (missing: central).

    `scenario` is "compare" (baseline against raised), "raised" or "baseline". Bad input gives
    the library's message naming the slider to move, never an exception."""
    try:
        county = county or load_county()
        labels = slider_labels(lang, county)
    except KitError as err:  # a broken county file: say so in place as well
        return error_html(err, lang)
    return safe_html(_result_html, dict(values or {}), scenario, year, households, seed, lang=lang, labels=labels,
                     county=county)  # fmt: skip
