"""Charts of the joint-uncertainty run, in the style of `charts.py`: the fan chart (P5-P95 band
around P50 by year, both scenarios) and the drivers of the spread."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from jihua_kit.core.charts import SCENARIO_COLORS
from jihua_kit.core.i18n import t
from jihua_kit.simulation.charts import _FONT, WAN, _axes, _thousands
from jihua_kit.simulation.uncertainty import TOTAL


def fan(df: pd.DataFrame, county: str, draws: int, lang: str = "zh") -> Figure:
    """The county total by year: the P5-P95 band and the P50 line of each scenario; y from 0."""
    rows = df[(df["county"] == county) & (df["benefit"] == TOTAL)]
    fig, ax = _axes((10, 5.6))
    top = 0.0
    for scenario in [s for s in ("baseline", "raised") if s in set(rows["scenario"])]:
        r = rows[rows["scenario"] == scenario].sort_values("year")
        colour = SCENARIO_COLORS[scenario]
        name = t(f"scenario.{scenario}", lang)
        ax.fill_between(r["year"], r["p05"] / WAN, r["p95"] / WAN, color=colour, alpha=0.25,
                        label=t("unc.chart.band", lang, scenario=name))  # fmt: skip
        ax.plot(r["year"], r["p50"] / WAN, marker="o", color=colour, label=t("unc.chart.median", lang, scenario=name))
        last = r.iloc[-1]
        ax.annotate(f"{last['p05'] / WAN:,.0f}–{last['p95'] / WAN:,.0f}", (last["year"], last["p50"] / WAN),
                    textcoords="offset points", xytext=(6, 0), va="center", fontsize=_FONT - 2)  # fmt: skip
        top = max(top, float(r["p95"].max()) / WAN)
    ax.set_ylim(0, top * 1.15)
    ax.set_title(t("unc.chart.fan", lang, draws=draws), fontsize=_FONT + 3)
    ax.set_xlabel(t("sim.chart.axis_year", lang), fontsize=_FONT)
    ax.set_ylabel(t("sim.chart.axis_cost", lang), fontsize=_FONT)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _thousands(ax.yaxis)
    ax.margins(x=0.1)
    ax.legend(loc="lower right", fontsize=_FONT - 2)
    fig.text(0.01, 0.01, t("unc.chart.fan_note", lang), fontsize=_FONT - 3, color="#555555")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def drivers(df: pd.DataFrame, lang: str = "zh", top: int = 12) -> Figure:
    """Horizontal bars: each assumption's share of the spread of the first year's total."""
    rows = df.head(top).iloc[::-1]
    fig, ax = _axes((10, 6.5))
    colours = [SCENARIO_COLORS["raised"] if r >= 0 else SCENARIO_COLORS["baseline"] for r in rows["rho"]]
    bars = ax.barh(list(rows["name"]), rows["share"] * 100, color=colours)
    ax.bar_label(bars, fmt="{:.0f}%", padding=4, fontsize=_FONT - 2)
    year = int(df["year"].iloc[0]) if len(df) else ""
    ax.set_title(t("unc.chart.drivers", lang, year=year), fontsize=_FONT + 3)
    ax.set_xlabel(t("unc.chart.share_axis", lang), fontsize=_FONT)
    ax.set_xlim(0, max(5.0, float(rows["share"].max()) * 100 * 1.2) if len(rows) else 100)
    fig.text(0.01, 0.01, t("unc.chart.drivers_note", lang), fontsize=_FONT - 3, color="#555555")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig
