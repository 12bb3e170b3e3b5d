"""Writing simulation tables: one CSV per view and one Excel workbook (a sheet per view, headers
in Chinese by default). Both are byte-for-byte reproducible: no timestamps inside."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from jihua_kit.core.i18n import t
from jihua_kit.core.textfmt import width
from jihua_kit.simulation.views import headers

WORKBOOK = "simulation.xlsx"
_FIXED_TIME = "2013-05-01T00:00:00Z"  # the handout's month: a fixed stamp instead of "now"
_STAMP = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def write_csvs(tables: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    """`<view>.csv` for each table (UTF-8 with BOM so Excel shows Chinese; machine column names)."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, df in tables.items():
        path = out / f"{name}.csv"
        df.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
        paths.append(path)
    return paths


def _reproducible(data: bytes) -> bytes:
    """The same workbook with fixed document dates and zip entry times."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _STAMP.sub(rb"\g<1>" + _FIXED_TIME.encode() + rb"\g<3>", body)
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, body)
    return buf.getvalue()


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
    if key == "sample_gap":
        return "+0.0%;-0.0%;0.0%"
    if key in _BY_UNIT and unit:
        return _UNIT_FMT.get(unit, "General")
    return None


def _value(v: object, fmt: str | None) -> object:
    """Whole yuan for money, no float noise elsewhere (87263901.31799999 -> 87263901)."""
    v = v.item() if hasattr(v, "item") else v
    if isinstance(v, float):
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
    ws = wb.create_sheet(title)
    for i, col in enumerate(labelled.columns):
        cells = [width(str(col))] + [width(_shown(r[i], fr[i])) for r, fr in zip(rows, fmts, strict=True)]
        ws.column_dimensions[get_column_letter(i + 1)].width = max(8, min(60, max(cells) + 2))
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    head = []
    for col in labelled.columns:
        cell = WriteOnlyCell(ws, value=str(col))
        cell.font = bold
        head.append(cell)
    ws.append(head)
    for row, fr in zip(rows, fmts, strict=True):
        out = []
        for v, f in zip(row, fr, strict=True):
            cell = WriteOnlyCell(ws, value=v)
            if f and isinstance(v, (int, float)) and not isinstance(v, bool):
                cell.number_format = f
            out.append(cell)
        ws.append(out)


def write_workbook(tables: dict[str, pd.DataFrame], path: Path, lang: str = "zh") -> Path:
    """One sheet per view, labelled in `lang`; numbers stay numbers, shown in whole yuan with
    thousands separators, shares as percentages, columns wide enough for what they hold."""
    wb = Workbook(write_only=True)
    for name, df in tables.items():
        _sheet(wb, t(f"sim.sheet.{name}", lang), df, lang, money_rest=name == "by_village")
    buf = io.BytesIO()
    wb.save(buf)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_reproducible(buf.getvalue()))
    return path
