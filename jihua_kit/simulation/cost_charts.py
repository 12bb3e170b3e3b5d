"""Chapter 06 charts of the county cost, sized for a 1280×720 slide (figsize 10×4.8, fonts ≥ 12).

Each takes a table of `cost_views` (computed by the simulation) and returns a matplotlib
`Figure` titled and labelled in Chinese (English with lang="en"); amounts in 万元.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from jihua_kit.core.charts import LOW_HIGH_COLORS, SCENARIO_COLORS, use_chinese_font
from jihua_kit.core.i18n import t
from jihua_kit.simulation.cost_views import SCENARIOS, WAN, shown_value

__all__ = ["compare_chart", "tornado_chart", "year_chart"]

COLORS = SCENARIO_COLORS
SIZE = (10, 4.8)


def _figure() -> tuple[Figure, object]:
    use_chinese_font()
    fig = Figure(figsize=SIZE)
    return fig, fig.subplots()


def _thousands(axis: object) -> None:
    axis.set_major_formatter(lambda v, _pos: f"{v:,.0f}")


def compare_chart(table: pd.DataFrame, year: int, top: int = 6, lang: str = "zh") -> Figure:
    """Grouped bars: the `top` benefits by raised cost in `year` (and the rest together), baseline
    against raised, with the raised low-high range (R5) as an error bar."""
    rows = table[(table["year"] == year) & (table["kind"] != "non_monetary")]
    rows = rows.sort_values("raised_cost_central", ascending=False, kind="stable")
    head, rest = rows.head(top), rows.iloc[top:]
    labels = list(head["benefit_name"]) + ([t("costv.others", lang, n=len(rest))] if len(rest) else [])
    fig, ax = _figure()
    y = np.arange(len(labels))[::-1]
    for offset, scen in ((0.2, "baseline"), (-0.2, "raised")):
        cols = [f"{scen}_cost_{w}" for w in ("low", "central", "high")]
        vals = np.vstack([head[cols].to_numpy(), rest[cols].sum().to_numpy()[None, :]]) if len(rest) else head[cols]
        vals = np.asarray(vals, dtype=float) / WAN
        err = np.vstack([vals[:, 1] - vals[:, 0], vals[:, 2] - vals[:, 1]]) if scen == "raised" else None
        bars = ax.barh(y + offset, vals[:, 1], height=0.4, color=COLORS[scen], xerr=err, capsize=3,
                       label=t(f"scenario.{scen}", lang))  # fmt: skip
        ax.bar_label(bars, fmt="{:,.0f}", padding=4, fontsize=11)
    ax.set_yticks(y, labels, fontsize=12)
    ax.set_title(t("costc.compare", lang, year=year), fontsize=15)
    ax.set_xlabel(t("sim.chart.axis_cost", lang), fontsize=12)
    ax.tick_params(axis="x", labelsize=12)
    _thousands(ax.xaxis)
    ax.margins(x=0.12)
    ax.legend(loc="lower right", fontsize=12)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def sample_caption(tor: pd.DataFrame, lang: str = "zh") -> str:
    """Under a tornado: the sample that measured the swings and its distance from the full run."""
    if "sample_gap" not in tor.columns or tor.empty:
        return ""
    row = tor.iloc[0]
    return t("costc.sample_caption", lang, n=f"{int(row['sample_households']):,}", gap=f"{row['sample_gap']:+.1%}",
             sample=f"{row['sample_total'] / WAN:,.1f}", full=f"{row['base_total'] / WAN:,.1f}")  # fmt: skip


def year_chart(years: pd.DataFrame, lang: str = "zh") -> Figure:
    """Lines: the county total per year under each scenario, with its low-high band (R5)."""
    fig, ax = _figure()
    for scen in SCENARIOS:
        central = years[f"{scen}_cost_central"] / WAN
        ax.plot(years["year"], central, marker="o", color=COLORS[scen], label=t(f"scenario.{scen}", lang))
        band = t("costc.band", lang, scenario=t(f"scenario.{scen}", lang))
        ax.fill_between(years["year"], years[f"{scen}_cost_low"] / WAN, years[f"{scen}_cost_high"] / WAN,
                        color=COLORS[scen], alpha=0.25, label=band)  # fmt: skip
        last = years.iloc[-1]
        ax.annotate(f"{last[f'{scen}_cost_central'] / WAN:,.0f}", (last["year"], last[f"{scen}_cost_central"] / WAN),
                    textcoords="offset points", xytext=(6, 0), va="center", fontsize=11)  # fmt: skip
    ax.set_ylim(0, float(years["raised_cost_high"].max()) / WAN * 1.15)
    ax.set_title(t("costc.by_year", lang, first=int(years["year"].min()), last=int(years["year"].max())), fontsize=15)
    ax.set_xlabel(t("sim.chart.axis_year", lang), fontsize=12)
    ax.set_ylabel(t("sim.chart.axis_cost", lang), fontsize=12)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _thousands(ax.yaxis)
    ax.tick_params(labelsize=12)
    ax.margins(x=0.08)
    ax.legend(loc="lower right", fontsize=11, ncol=2)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def tornado_chart(tor: pd.DataFrame, year: int, top: int = 8, lang: str = "zh") -> Figure:
    """Bars from the all-central total to the total with one assumption at its low / high value."""
    rows = tor.head(top).iloc[::-1]
    base = float(tor["base_total"].iloc[0]) / WAN
    fig, ax = _figure()
    y = np.arange(len(rows))
    ax.barh(
        y, rows["total_low"] / WAN - base, left=base, color=LOW_HIGH_COLORS["low"], label=t("sim.chart.at_low", lang)
    )
    ax.barh(y, rows["total_high"] / WAN - base, left=base, color=LOW_HIGH_COLORS["high"],
            label=t("sim.chart.at_high", lang))  # fmt: skip
    ax.axvline(base, color="#333333", linewidth=1, label=t("costc.central_total", lang, base=f"{base:,.0f}"))
    labels = [f"{n}（{shown_value(lo, u)}–{shown_value(hi, u)}）" for n, lo, hi, u in
              rows[["name", "low", "high", "unit"]].to_numpy()]  # fmt: skip
    ax.set_yticks(y, labels, fontsize=11)
    ax.set_title(t("costc.tornado", lang, year=year), fontsize=15)
    ax.set_xlabel(t("sim.chart.axis_cost", lang), fontsize=12)
    ax.tick_params(axis="x", labelsize=12)
    _thousands(ax.xaxis)
    ax.legend(loc="lower right", fontsize=12)
    ax.spines[["top", "right"]].set_visible(False)
    note = sample_caption(tor, lang)
    if note:
        fig.text(0.01, 0.01, note, fontsize=10, color="#555555")
    fig.tight_layout(rect=(0, 0.05 if note else 0, 1, 1))
    return fig
