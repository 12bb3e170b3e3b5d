"""PNG charts of a simulation, titled and labelled in Chinese (English with lang="en"):
cost by benefit, cost by year, two scenarios compared, and the tornado of assumptions.

Charts are plain `matplotlib.figure.Figure`s (no pyplot state, any backend): notebooks display
the returned figure, the CLI saves it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from jihua_kit.charts import use_chinese_font
from jihua_kit.i18n import t

WAN = 10_000  # charts show 万元 (10,000 yuan)
_META = {"Software": None}  # no version string in the PNG: the same run gives the same bytes


def _label(benefit: str, name: str, lang: str) -> str:
    return f"{name}（{benefit}）" if lang == "zh" else f"{name} ({benefit})"


def cost_by_benefit(df: pd.DataFrame, year: int, scenario: str, lang: str = "zh") -> Figure:
    """Horizontal bars: central cost per benefit, with the low-high range as an error bar."""
    use_chinese_font()
    rows = df[(df["year"] == year) & (df["scenario"] == scenario) & (df["kind"] != "non_monetary")]
    rows = rows.iloc[::-1]
    fig = Figure(figsize=(9, 7))
    ax = fig.subplots()
    central = rows["cost_central"] / WAN
    err = np.vstack([central - rows["cost_low"] / WAN, rows["cost_high"] / WAN - central])
    labels = [_label(b, n, lang) for b, n in zip(rows["benefit"], rows["benefit_name"], strict=True)]
    ax.barh(labels, central, xerr=err, color="#c0504d", ecolor="#333333", capsize=3, label=t("sim.chart.range", lang))
    scen = t(f"scenario.{scenario}", lang)
    ax.set_title(t("sim.chart.by_benefit", lang, year=year, scenario=scen))
    ax.set_xlabel(t("sim.chart.axis_cost", lang))
    fig.tight_layout()
    return fig


def cost_by_year(df: pd.DataFrame, lang: str = "zh") -> Figure:
    """Lines: the county total per year for each scenario, with the low-high band."""
    use_chinese_font()
    fig = Figure(figsize=(8, 5))
    ax = fig.subplots()
    for scenario, rows in df.groupby("scenario", sort=False):
        line = ax.plot(rows["year"], rows["cost_central"] / WAN, marker="o", label=t(f"scenario.{scenario}", lang))
        ax.fill_between(
            rows["year"], rows["cost_low"] / WAN, rows["cost_high"] / WAN, color=line[0].get_color(), alpha=0.2
        )
    ax.set_title(t("sim.chart.by_year", lang))
    ax.set_xlabel(t("sim.chart.axis_year", lang))
    ax.set_ylabel(t("sim.chart.axis_cost", lang))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend()
    fig.tight_layout()
    return fig


def compare(df: pd.DataFrame, year: int, lang: str = "zh") -> Figure:
    """Grouped horizontal bars: each benefit's central cost under the two scenarios."""
    use_chinese_font()
    rows = df[(df["year"] == year) & (df["kind"] != "non_monetary")].iloc[::-1]
    fig = Figure(figsize=(9, 7))
    ax = fig.subplots()
    y = np.arange(len(rows))
    for offset, side in ((0.2, "base"), (-0.2, "other")):
        scen = t(f"scenario.{rows[f'{side}_scenario'].iloc[0]}", lang)
        ax.barh(y + offset, rows[f"{side}_cost_central"] / WAN, height=0.4, label=scen)
    ax.set_yticks(y, [_label(b, n, lang) for b, n in zip(rows["benefit"], rows["benefit_name"], strict=True)])
    ax.set_title(t("sim.chart.compare", lang, year=year))
    ax.set_xlabel(t("sim.chart.axis_cost", lang))
    ax.legend()
    fig.tight_layout()
    return fig


def tornado(df: pd.DataFrame, year: int, lang: str = "zh", top: int = 15) -> Figure:
    """Bars from the central total to the total at each assumption's low and high value."""
    use_chinese_font()
    rows = df.head(top).iloc[::-1]
    base = df["base_total"].iloc[0] / WAN
    fig = Figure(figsize=(9, 7))
    ax = fig.subplots()
    y = np.arange(len(rows))
    ax.barh(y, rows["total_low"] / WAN - base, left=base, color="#4f81bd", label=t("sim.chart.at_low", lang))
    ax.barh(
        y, rows["total_high"] / WAN - base, left=base, color="#c0504d", alpha=0.8, label=t("sim.chart.at_high", lang)
    )
    ax.axvline(base, color="#333333", linewidth=1, label=t("sim.chart.central_total", lang))
    ax.set_yticks(y, list(rows["name"]))
    ax.set_title(t("sim.chart.tornado", lang, year=year))
    ax.set_xlabel(t("sim.chart.axis_cost", lang))
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


def save(fig: Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100, metadata=_META)
    return path
