"""Writing simulation tables: one CSV per view and one Excel workbook (a sheet per view, headers
in Chinese by default). Both are byte-for-byte reproducible: no timestamps inside."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from jihua_kit.core.i18n import t
from jihua_kit.core.textfmt import width
from jihua_kit.core.xlsx_write import HEADER, NORMAL, Workbook
from jihua_kit.simulation.views import headers

WORKBOOK = "simulation.xlsx"


def write_csvs(tables: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    """`<view>.csv` for each table (UTF-8 with BOM so Excel shows Chinese; machine column names)."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, df in tables.items():
        path = out / f"{name}.csv"
        df.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
        paths.append(path)
    return paths


# Number formats by the raw column key: money in whole yuan with thousands separators, counts with
# separators, shares as 0.0%; assumption values take the format of their row's unit.
MONEY_FMT, COUNT_FMT, SHARE_FMT = "#,##0", "#,##0", "0.0%"
_UNIT_FMT = {"share": SHARE_FMT, "per_1000_people": '0.0##"‰"', "persons": COUNT_FMT, "count": COUNT_FMT,
             "years": "0", "persons_per_household": "0.0#"}  # fmt: skip
_MONEY = re.compile(r"(^|_)(cost_(low|central|high)|total_(low|high)|swing|base_total|sample_total)$")
_COUNTS = ("households", "persons", "simulated_households")
_BY_UNIT = ("low", "central", "high")


def _format(key: str, unit: str | None) -> str | None:
    """The Excel number format of a cell, from its column's key (and the row's unit)."""
    if _MONEY.search(key) or key.startswith("diff_"):
        return MONEY_FMT
    if key in _COUNTS:
        return COUNT_FMT
    if key in ("mean", "p05", "p50", "p95", "stated") or key.startswith("mc_se"):
        return MONEY_FMT
    if key == "share":
        return SHARE_FMT
    if key == "rho":
        return "0.00"
    if key == "sample_gap":
        return "+0.0%;-0.0%;0.0%"
    if key in _BY_UNIT and unit:
        return _UNIT_FMT.get(unit, "General")
    return None


def _value(v: object, fmt: str | None) -> object:
    """Whole yuan for money, no float noise elsewhere (87263901.31799999 -> 87263901)."""
    v = v.item() if hasattr(v, "item") else v
    if isinstance(v, float):
        if v != v:  # NaN (a standard error from too few draws): an empty cell
            return None
        if fmt == MONEY_FMT:
            return round(v)
        return round(v, 6) if v != round(v) else (int(v) if abs(v) < 1e15 else v)
    return v


def _shown(v: object, fmt: str | None) -> str:
    """About what Excel shows, to size the column."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if fmt in (MONEY_FMT, COUNT_FMT):
            return f"{v:,.0f}"
        if fmt and "%" in fmt:
            return f"{v:+.1%}"
        return f"{v:,}"
    return "" if v is None else str(v)


def _sheet(wb: Workbook, title: str, df: pd.DataFrame, lang: str, money_rest: bool = False) -> None:
    labelled = headers(df, lang)
    units = df["unit"].tolist() if "unit" in df.columns else [None] * len(df)
    keys = list(df.columns)
    fmts = [[(_format(k, u) or (MONEY_FMT if money_rest and k not in ("township", "village") else None))
             for k in keys] for u in units]  # fmt: skip
    rows = [[_value(v, f) for v, f in zip(row, fr, strict=True)]
            for row, fr in zip(labelled.itertuples(index=False, name=None), fmts, strict=True)]  # fmt: skip
    styles = [[wb.number_format(f) if f and _is_number(v) else NORMAL for v, f in zip(row, fr, strict=True)]
              for row, fr in zip(rows, fmts, strict=True)]  # fmt: skip
    ws = wb.add(title)
    for i, col in enumerate(labelled.columns):
        cells = [width(str(col))] + [width(_shown(r[i], fr[i])) for r, fr in zip(rows, fmts, strict=True)]
        ws.widths[i] = max(8, min(60, max(cells) + 2))
    ws.freeze = (1, 0)
    ws.rows([[str(col) for col in labelled.columns]], HEADER)
    ws.rows(rows, styles=styles)


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def write_workbook(tables: dict[str, pd.DataFrame], path: Path, lang: str = "zh") -> Path:
    """One sheet per view, labelled in `lang`; numbers stay numbers, shown in whole yuan with
    thousands separators, shares as percentages, columns wide enough for what they hold. Written by
    the kit's own writer: no timestamps, so the same tables give the same bytes."""
    wb = Workbook()
    for name, df in tables.items():
        _sheet(wb, t(f"sim.sheet.{name}", lang), df, lang, money_rest=name == "by_village")
    path.parent.mkdir(parents=True, exist_ok=True)
    return wb.save(path)
