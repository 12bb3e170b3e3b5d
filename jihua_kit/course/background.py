"""The county's situation for chapter 01: its facts as a table and a chart, all read from `data/`.

Facts come from two places: the handout's context figures (F-MIGRANT-SHARE, F-VILLAGES in
`data/parameters/context.yaml`) and the facts of the county file (`data/county/nayong.yaml`,
registered and resident population, with their source and confidence). Nothing here is typed in.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from jihua_kit.core.charts import use_chinese_font
from jihua_kit.core.i18n import t
from jihua_kit.core.textfmt import format_number
from jihua_kit.params.figures import value_text
from jihua_kit.params.store import load_parameters
from jihua_kit.tables.county import County, load_county

__all__ = ["CONTEXT_IDS", "COUNTY_FACTS", "background_chart", "facts_frame", "migrant_share", "population_gap"]

CONTEXT_IDS = ("F-VILLAGES", "F-MIGRANT-SHARE")
COUNTY_FACTS = ("registered_population", "resident_population")


def migrant_share() -> tuple[float, str]:
    """(share in %, comparator) of out-of-policy births to migrants: (70, '>') means 'more than 70%'."""
    val = load_parameters().parameters["F-MIGRANT-SHARE"].values[0]
    return val.low, val.comparator or "="


def population_gap(county: County | None = None) -> dict[str, float]:
    """Registered and resident population, their difference and its share of the registered."""
    county = county or load_county()
    reg, res = county.value("registered_population"), county.value("resident_population")
    return {"registered": reg, "resident": res, "gap": reg - res, "gap_share": (reg - res) / reg}


def facts_frame(lang: str = "zh", county: County | None = None) -> pd.DataFrame:
    """One row per fact: what it is, its value, where it comes from and how sure it is."""
    county = county or load_county()
    params = load_parameters().parameters
    rows = []
    for pid in CONTEXT_IDS:
        p = params[pid]
        source = t("bg.handout", lang, section=p.section)
        rows.append((p.name(lang), value_text(p.values[0], lang, show_scenario=False), source, t("bg.sure", lang)))
    for fid in COUNTY_FACTS:
        f = county.figures[fid]
        sure = "/".join(t(f"bg.conf.{c}", lang) for c in f.confidence.split("/")) if f.confidence else "—"
        rows.append((f.name(lang), f"{format_number(f.central)} {t('bg.persons', lang)}", f.basis_text(lang), sure))
    cols = [t(f"bg.col.{c}", lang) for c in ("fact", "value", "source", "confidence")]
    return pd.DataFrame(rows, columns=cols).set_index(cols[0]).rename_axis(None)


def _population_panel(ax: plt.Axes, gap: dict[str, float], lang: str) -> None:
    labels = [t("bg.registered", lang), t("bg.resident", lang)]
    values = [gap["registered"], gap["resident"]]
    bars = ax.bar(labels, values, color=["#34495e", "#7f8c8d"], width=0.55)
    ax.bar_label(bars, labels=[format_number(v) for v in values], padding=3, fontsize=12)
    ax.annotate(
        "", xy=(1.4, gap["resident"]), xytext=(1.4, gap["registered"]),
        arrowprops={"arrowstyle": "<->", "color": "#c0392b", "lw": 2},
    )  # fmt: skip
    ax.axhline(gap["registered"], color="#c0392b", lw=1, ls="--")
    share = format_number(round(gap["gap_share"] * 100))
    text = t("bg.gap", lang, gap=format_number(round(gap["gap"] / 1e4, 1)), share=share)
    ax.hlines(gap["resident"], 0.72, 1.45, color="#c0392b", lw=1, ls="--")
    ax.text(1.5, gap["resident"] + gap["gap"] / 2, text, va="center", fontsize=11, color="#c0392b")
    ax.set_xlim(-0.5, 2.6)
    ax.set_ylim(0, gap["registered"] * 1.15)
    ax.set_ylabel(t("bg.persons_axis", lang), fontsize=12)
    ax.yaxis.set_major_formatter(lambda v, _pos: format_number(v / 1e4))
    ax.set_title(t("bg.population_title", lang), fontsize=14)
    ax.spines[["top", "right"]].set_visible(False)


def _migrant_panel(ax: plt.Axes, lang: str) -> None:
    share, comparator = migrant_share()
    ax.barh([0], [share], color="#c0392b", height=0.5)
    ax.barh([0], [100 - share], left=[share], color="#f5d5d0", hatch="//", edgecolor="#c0392b", height=0.5)
    more = comparator == ">"
    ax.text(share / 2, 0, t("bg.migrants" if more else "bg.migrants_exact", lang, share=format_number(share)),
            ha="center", va="center", color="white", fontsize=12)  # fmt: skip
    ax.text(share + (100 - share) / 2, 0, t("bg.others", lang, rest=format_number(100 - share)),
            ha="center", va="center", color="#2c3e50", fontsize=11, bbox={"fc": "white", "ec": "none"})  # fmt: skip
    if more:
        ax.annotate(t("bg.lower_bound", lang), xy=(share, 0.27), xytext=(share, 0.55), ha="center", fontsize=11,
                    arrowprops={"arrowstyle": "->", "color": "#2c3e50"})  # fmt: skip
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.6, 0.8)
    ax.set_yticks([])
    ax.set_xlabel(t("bg.share_axis", lang), fontsize=12)
    ax.set_title(t("bg.migrant_title", lang), fontsize=14)
    ax.spines[["top", "right", "left"]].set_visible(False)


def background_chart(lang: str = "zh", county: County | None = None) -> Figure:
    """Two panels: registered against resident population; who the out-of-policy births are to."""
    use_chinese_font()
    county = county or load_county()
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.8), gridspec_kw={"width_ratios": [1, 1.2]})
    _population_panel(left, population_gap(county), lang)
    _migrant_panel(right, lang)
    section = load_parameters().parameters["F-MIGRANT-SHARE"].section
    source = t("bg.chart_source", lang, file=county.file, section=section)
    fig.text(0.01, 0.01, source, fontsize=9, color="#7f8c8d")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig
