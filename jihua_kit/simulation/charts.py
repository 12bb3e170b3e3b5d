"""PNG charts of a simulation (what `jihua-kit simulate` writes), in the style of chapter 06's
charts: titled and labelled in Chinese (English with lang="en"), amounts in 万元 with thousands
separators, fonts readable on a slide, 提标前 grey and 提标后 red in every chart, money axes from 0.

Charts are plain `matplotlib.figure.Figure`s (no pyplot state, any backend): notebooks display
the returned figure, the CLI saves it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from jihua_kit.core.charts import LOW_HIGH_COLORS, SCENARIO_COLORS, use_chinese_font
from jihua_kit.core.i18n import t
from jihua_kit.simulation.cost_charts import sample_caption

WAN = 10_000  # charts show 万元 (10,000 yuan)
_META = {"Software": None}  # no version string in the PNG: the same run gives the same bytes
_FONT = 12


def _label(benefit: str, name: str, lang: str) -> str:
    return f"{name}（{benefit}）" if lang == "zh" else f"{name} ({benefit})"


def _axes(size: tuple[float, float]) -> tuple[Figure, object]:
    use_chinese_font()
    fig = Figure(figsize=size)
    ax = fig.subplots()
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=_FONT - 1)
    return fig, ax


def _thousands(axis: object) -> None:
    axis.set_major_formatter(lambda v, _pos: f"{v:,.0f}")


def cost_by_benefit(df: pd.DataFrame, year: int, scenario: str, lang: str = "zh") -> Figure:
    """Horizontal bars: central cost per benefit, with the low-high range as an error bar."""
    rows = df[(df["year"] == year) & (df["scenario"] == scenario) & (df["kind"] != "non_monetary")]
    rows = rows.iloc[::-1]
    fig, ax = _axes((10, 7.5))
    central = rows["cost_central"] / WAN
    err = np.vstack([central - rows["cost_low"] / WAN, rows["cost_high"] / WAN - central])
    labels = [_label(b, n, lang) for b, n in zip(rows["benefit"], rows["benefit_name"], strict=True)]
    bars = ax.barh(labels, central, xerr=err, color=SCENARIO_COLORS[scenario], ecolor="#333333", capsize=3,
                   label=t("sim.chart.range", lang))  # fmt: skip
    ax.bar_label(bars, fmt="{:,.0f}", padding=4, fontsize=_FONT - 2)
    scen = t(f"scenario.{scenario}", lang)
    ax.set_title(t("sim.chart.by_benefit", lang, year=year, scenario=scen), fontsize=_FONT + 3)
    ax.set_xlabel(t("sim.chart.axis_cost", lang), fontsize=_FONT)
    ax.set_xlim(0, float(rows["cost_high"].max()) / WAN * 1.18)
    _thousands(ax.xaxis)
    fig.tight_layout()
    return fig


def cost_by_year(df: pd.DataFrame, lang: str = "zh") -> Figure:
    """Lines: the county total per year for each scenario, with the low-high band; y from 0."""
    fig, ax = _axes((10, 5.6))
    top = 0.0
    for scenario in [s for s in ("baseline", "raised") if s in set(df["scenario"])]:
        rows = df[df["scenario"] == scenario]
        colour = SCENARIO_COLORS[scenario]
        ax.plot(rows["year"], rows["cost_central"] / WAN, marker="o", color=colour,
                label=t(f"scenario.{scenario}", lang))  # fmt: skip
        ax.fill_between(rows["year"], rows["cost_low"] / WAN, rows["cost_high"] / WAN, color=colour, alpha=0.25)
        last = rows.iloc[-1]
        ax.annotate(f"{last['cost_central'] / WAN:,.0f}", (last["year"], last["cost_central"] / WAN),
                    textcoords="offset points", xytext=(6, 0), va="center", fontsize=_FONT - 1)  # fmt: skip
        top = max(top, float(rows["cost_high"].max()) / WAN)
    ax.set_ylim(0, top * 1.15)
    ax.set_title(t("sim.chart.by_year", lang), fontsize=_FONT + 3)
    ax.set_xlabel(t("sim.chart.axis_year", lang), fontsize=_FONT)
    ax.set_ylabel(t("sim.chart.axis_cost", lang), fontsize=_FONT)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _thousands(ax.yaxis)
    ax.margins(x=0.08)
    ax.legend(loc="lower right", fontsize=_FONT - 1)
    fig.tight_layout()
    return fig


def compare(df: pd.DataFrame, year: int, lang: str = "zh") -> Figure:
    """Grouped horizontal bars: each benefit's central cost under the two scenarios."""
    rows = df[(df["year"] == year) & (df["kind"] != "non_monetary")].iloc[::-1]
    fig, ax = _axes((10, 7.5))
    y = np.arange(len(rows))
    for offset, side in ((0.2, "base"), (-0.2, "other")):
        scenario = rows[f"{side}_scenario"].iloc[0]
        ax.barh(y + offset, rows[f"{side}_cost_central"] / WAN, height=0.4, color=SCENARIO_COLORS[scenario],
                label=t(f"scenario.{scenario}", lang))  # fmt: skip
    ax.set_yticks(y, [_label(b, n, lang) for b, n in zip(rows["benefit"], rows["benefit_name"], strict=True)])
    ax.set_title(t("sim.chart.compare", lang, year=year), fontsize=_FONT + 3)
    ax.set_xlabel(t("sim.chart.axis_cost", lang), fontsize=_FONT)
    ax.set_xlim(left=0)
    _thousands(ax.xaxis)
    ax.legend(loc="lower right", fontsize=_FONT - 1)
    fig.tight_layout()
    return fig


def tornado(df: pd.DataFrame, year: int, lang: str = "zh", top: int = 15) -> Figure:
    """Bars from the central total to the total at each assumption's low and high value."""
    rows = df.head(top).iloc[::-1]
    base = df["base_total"].iloc[0] / WAN
    fig, ax = _axes((10, 7.5))
    y = np.arange(len(rows))
    ax.barh(y, rows["total_low"] / WAN - base, left=base, color=LOW_HIGH_COLORS["low"],
            label=t("sim.chart.at_low", lang))  # fmt: skip
    ax.barh(y, rows["total_high"] / WAN - base, left=base, color=LOW_HIGH_COLORS["high"],
            label=t("sim.chart.at_high", lang))  # fmt: skip
    ax.axvline(base, color="#333333", linewidth=1, label=t("costc.central_total", lang, base=f"{base:,.0f}"))
    ax.set_yticks(y, list(rows["name"]))
    ax.set_title(t("sim.chart.tornado", lang, year=year), fontsize=_FONT + 3)
    ax.set_xlabel(t("sim.chart.axis_cost", lang), fontsize=_FONT)
    _thousands(ax.xaxis)
    ax.legend(loc="lower right", fontsize=_FONT - 1)
    note = sample_caption(df, lang)
    if note:
        fig.text(0.01, 0.01, note, fontsize=_FONT - 3, color="#555555")
    fig.tight_layout(rect=(0, 0.04 if note else 0, 1, 1))
    return fig


def save(fig: Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100, metadata=_META)
    return path
