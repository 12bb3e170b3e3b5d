"""The scorecard workbook of an audit spreadsheet: 汇总, per-unit lines, township roll-up, ranking,
a chart and the 错误 sheet. Every number comes from one `deductions.score` over the valid table."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jihua_kit.core.charts import use_chinese_font
from jihua_kit.core.i18n import t
from jihua_kit.core.xlsx_write import Picture, Workbook
from jihua_kit.params.store import Params
from jihua_kit.rules.deductions import FLAG_NAMES, ScoreResult
from jihua_kit.sheets.audit import AuditSheet
from jihua_kit.sheets.headers import header_data
from jihua_kit.sheets.write import errors_sheet, save_book, summary_sheet

TOP_UNITS = 20  # units shown in the chart's second panel


def _yes_no(values: np.ndarray, lang: str) -> np.ndarray:
    return np.where(np.asarray(values, dtype=bool), t("sheets.yes", lang), t("sheets.no", lang)).astype(object)


def units_frame(sheet: AuditSheet, result: ScoreResult, params: Params, lang: str) -> pd.DataFrame:
    """One row per scored unit: where it came from, points per finding, total, flags, consequences."""
    table = result.table
    out: dict[str, Any] = {t("sheets.col.row", lang): sheet.rows.astype(np.int64)}
    for code in ("unit_id", "unit_name", "township", "level", "period", "inspection_date"):
        out[params_label(code, lang)] = table[code].to_numpy(dtype=object)
    levels = {v: t(f"sheets.level.{v}", lang) for v in ("village", "township", "department")}
    out[params_label("level", lang)] = table["level"].map(levels).fillna(table["level"]).to_numpy(dtype=object)
    for pid, pts in result.points.items():
        out[f"{t('sheets.col.points_of', lang, name=params.get(pid).name(lang))} ({pid})"] = pts
    out[t("sheets.col.total_points", lang)] = result.total
    for name in FLAG_NAMES:
        out[t(f"assess.flag.{name}", lang)] = _yes_no(result.flags[name], lang)
    due = pd.Series(result.payment_due_by).astype("datetime64[ns]").dt.strftime("%Y-%m-%d")
    out[t("sheets.col.due_by", lang)] = due.fillna("").to_numpy(dtype=object)
    out[t("sheets.col.judicial", lang)] = _yes_no(result.consequences["judicial_referral"], lang)
    return pd.DataFrame(out)


def params_label(code: str, lang: str) -> str:
    """The audit sheet's own header for an identity column (单位编号, 乡镇, ...)."""
    return header_data()["audit"]["columns"][code][lang]


def uninspected_frame(sheet: AuditSheet, lang: str) -> pd.DataFrame:
    """The units listed but not inspected (every finding blank): where they are, nothing scored."""
    listed = sheet.uninspected if sheet.uninspected is not None else pd.DataFrame(columns=["row"])
    out = {t("sheets.col.row", lang): listed["row"].to_numpy(dtype=np.int64)}
    for code in ("unit_id", "unit_name", "township"):
        out[params_label(code, lang)] = listed[code].to_numpy(dtype=object) if code in listed else []
    out[t("sheets.col.state", lang)] = [t("sheets.uninspected", lang)] * len(listed)
    return pd.DataFrame(out)


def townships_frame(result: ScoreResult, lang: str, sheet: AuditSheet | None = None) -> pd.DataFrame:
    """Per township: inspected units, total, mean and highest points, units with points, units per
    flag, and units not inspected (outside the means); ranked by mean points."""
    df = pd.DataFrame({"township": result.table["township"].to_numpy(dtype=object), "points": result.total})
    for name in FLAG_NAMES:
        df[name] = result.flags[name]
    g = df.groupby("township", sort=True)
    out = pd.DataFrame({
        params_label("township", lang): list(g.groups),
        t("sheets.col.units", lang): g.size().to_numpy(),
        t("sheets.col.total_points", lang): g["points"].sum().to_numpy(),
        t("sheets.col.mean_points", lang): g["points"].mean().round(2).to_numpy(),
        t("sheets.col.max_points", lang): g["points"].max().to_numpy(),
        t("sheets.col.with_points", lang): g["points"].apply(lambda s: int((s > 0).sum())).to_numpy(),
    })  # fmt: skip
    for name in FLAG_NAMES:
        out[t(f"assess.flag.{name}", lang)] = g[name].sum().to_numpy().astype(np.int64)
    if sheet is not None and sheet.uninspected is not None and len(sheet.uninspected):
        aside = sheet.uninspected.groupby("township").size()
        out[t("sheets.col.uninspected", lang)] = [int(aside.get(x, 0)) for x in g.groups]
    rank = out[t("sheets.col.mean_points", lang)].rank(method="min").astype(np.int64)
    out.insert(0, t("sheets.col.rank", lang), rank)
    return out.sort_values([t("sheets.col.rank", lang), params_label("township", lang)], kind="stable")


def ranking_frame(result: ScoreResult, lang: str) -> pd.DataFrame:
    """Units from the fewest points to the most; equal totals share a rank."""
    table = result.table
    df = pd.DataFrame({
        params_label("unit_id", lang): table["unit_id"].to_numpy(dtype=object),
        params_label("unit_name", lang): table["unit_name"].to_numpy(dtype=object),
        params_label("township", lang): table["township"].to_numpy(dtype=object),
        t("sheets.col.total_points", lang): result.total,
    })  # fmt: skip
    df.insert(0, t("sheets.col.rank", lang), df[t("sheets.col.total_points", lang)].rank(method="min").astype(np.int64))
    return df.sort_values([t("sheets.col.rank", lang), params_label("unit_id", lang)], kind="stable")


def chart_png(result: ScoreResult | None, lang: str) -> bytes:
    """Two bar charts: points by township, and the units with the most points (Chinese labels)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    use_chinese_font()
    fig, axes = plt.subplots(1, 2, figsize=(12, 7))
    if result is None or len(result) == 0:
        for ax in axes:
            ax.text(0.5, 0.5, t("sheets.chart.none", lang), ha="center", va="center")
            ax.axis("off")
    else:
        by_town = pd.Series(result.total, index=result.table["township"].to_numpy()).groupby(level=0).sum()
        axes[0].barh(by_town.index.astype(str), by_town.to_numpy(), color="#4472c4")
        axes[0].invert_yaxis()
        axes[0].set_title(t("sheets.chart.title", lang))
        axes[0].set_xlabel(t("sheets.chart.points", lang))
        order = np.lexsort((result.table["unit_id"].to_numpy(dtype=str), -result.total))
        order = order[result.total[order] > 0][:TOP_UNITS]  # units with points only: no row of zero bars
        if len(order):
            labels = [f"{result.table['unit_name'].iat[i] or result.table['unit_id'].iat[i]}" for i in order]
            axes[1].barh(labels, result.total[order], color="#c55a11")
            axes[1].invert_yaxis()
            axes[1].set_title(t("sheets.chart.top_title", lang, n=len(order)))
            axes[1].set_xlabel(t("sheets.chart.points", lang))
        else:
            axes[1].text(0.5, 0.5, t("sheets.chart.no_points", lang), ha="center", va="center")
            axes[1].axis("off")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def _summary_rows(result: ScoreResult | None, lang: str) -> list[list[Any]]:
    other = "en" if lang == "zh" else "zh"
    total = result.total if result is not None else np.zeros(0)
    rows = [
        [t("sheets.sum.scored_units", lang), len(total), t("sheets.sum.scored_units", other)],
        [t("sheets.sum.total_points", lang), float(total.sum()), t("sheets.sum.total_points", other)],
        [t("sheets.sum.mean_points", lang), round(float(total.mean()), 2) if len(total) else 0,
         t("sheets.sum.mean_points", other)],
        [t("sheets.sum.with_points", lang), int((total > 0).sum()), t("sheets.sum.with_points", other)],
    ]  # fmt: skip
    for name in FLAG_NAMES:
        n = int(result.flags[name].sum()) if result is not None else 0
        rows.append([t("sheets.sum.flag", lang, name=t(f"assess.flag.{name}", lang)), n,
                     t("sheets.sum.flag", other, name=t(f"assess.flag.{name}", other))])  # fmt: skip
    return rows


def write_scorecard(path: str | Path, sheet: AuditSheet, result: ScoreResult | None, params: Params,
                    lang: str = "zh") -> Path:  # fmt: skip
    """Write the scorecard workbook; `result` is None when no row could be scored."""
    book = Workbook()
    summary_sheet(book, t("sheets.title.scorecard", lang), sheet.stats, _summary_rows(result, lang), lang)
    if result is not None and len(result):
        frames = [(units_frame(sheet, result, params, lang), "units"),
                  (townships_frame(result, lang, sheet), "townships"),
                  (ranking_frame(result, lang), "ranking")]  # fmt: skip
    else:
        empty = pd.DataFrame({t("sheets.col.value", lang): [t("sheets.no_rows_scored", lang)]})
        frames = [(empty, name) for name in ("units", "townships", "ranking")]
    if sheet.uninspected is not None and len(sheet.uninspected):
        frames.append((uninspected_frame(sheet, lang), "uninspected"))
    for frame, name in frames:
        ws = book.add(t(f"sheets.sheet.{name}", "zh"))
        ws.frame(frame)
        ws.freeze = (1, 0)
    chart = book.add(t("sheets.sheet.chart", "zh"))
    chart.picture = Picture(chart_png(result, lang), 0, 0, 960, 560, t("sheets.chart.title", lang))
    errors_sheet(book, sheet.errors, lang)
    return save_book(book, path, t("sheets.sheet.units", lang))
