"""The chart of the annual targets: attainment of each target, met in green, missed in red."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from jihua_kit.core.i18n import t
from jihua_kit.rules.targets import attainment, figure_text

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CHART_FONT = 15  # points: at 100 dpi on a 1280×720 slide about 18-20 px, readable from the back of a room
CHART_WIDTH = 12.5  # inches


def targets_chart(table: pd.DataFrame, lang: str = "zh", title: str | None = None) -> Figure:
    """A horizontal bar chart of attainment (% of each target), met in green, missed in red; every
    label at least `CHART_FONT` points, so a projected slide can be read from the back of the room."""
    import matplotlib.pyplot as plt

    from jihua_kit.core.charts import use_chinese_font

    use_chinese_font()
    values = np.clip(attainment(table), 2.0, 150.0)  # a missed zero-tolerance row stays visible
    fig, ax = plt.subplots(figsize=(CHART_WIDTH, 0.55 * len(table) + 1.3))
    colours = np.where(table["met"].to_numpy(), "#2a9d8f", "#e76f51")
    y = np.arange(len(table))[::-1]
    ax.barh(y, values, color=colours, height=0.7)
    ax.axvline(100, color="#264653", linestyle="--", linewidth=1)
    ax.set_yticks(y, labels=list(table["name"]), fontsize=CHART_FONT)
    for yi, v, row in zip(y, values, table.itertuples(index=False), strict=True):
        actual = getattr(row, "actual_text", None) or figure_text(row.actual, row.unit, lang)
        ax.text(v + 1.5, yi, f"{actual} / {row.target}", va="center", fontsize=CHART_FONT)
    ax.set_xlim(0, 200)
    ax.tick_params(axis="x", labelsize=CHART_FONT)
    ax.set_xlabel(t("target.chart.xlabel", lang), fontsize=CHART_FONT)
    ax.set_title(title or t("target.chart.title", lang), fontsize=CHART_FONT + 2)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig
