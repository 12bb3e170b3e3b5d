"""Writing simulation tables: one CSV per view and one Excel workbook (a sheet per view, headers
in Chinese by default). Both are byte-for-byte reproducible: no timestamps inside."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from jihua_kit.i18n import t
from jihua_kit.sim_views import headers

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


def write_workbook(tables: dict[str, pd.DataFrame], path: Path, lang: str = "zh") -> Path:
    """One sheet per view, labelled in `lang`; numbers stay numbers."""
    wb = Workbook(write_only=True)
    for name, df in tables.items():
        ws = wb.create_sheet(t(f"sim.sheet.{name}", lang))
        labelled = headers(df, lang)
        for i, col in enumerate(labelled.columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = max(10, min(40, 2 * len(str(col)) + 2))
        ws.freeze_panes = "A2"
        ws.append(list(labelled.columns))
        for row in labelled.itertuples(index=False, name=None):
            ws.append([v.item() if hasattr(v, "item") else v for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_reproducible(buf.getvalue()))
    return path
