"""Fill-in workbooks: the quarter's audit (one row per village of the county) and the household roster.

Headers are "中文名（code）" from `data/sheets/headers.yaml`, so the readers find every column by its
code whatever the office writes before it. Count cells carry data validation (whole numbers from 0
to the bound in `data/parameters/audit_bounds.yaml`), choices carry drop-down lists, and a 说明
sheet explains the columns in Chinese and English.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jihua_kit.core.a1 import col_letter
from jihua_kit.core.i18n import t
from jihua_kit.core.outputs import check_output_file
from jihua_kit.core.paths import data_dir
from jihua_kit.core.xlsx_write import HEADER, TEXT, TITLE, WRAP, Sheet, Workbook
from jihua_kit.core.yamlio import load_yaml
from jihua_kit.params.store import Params, default_params
from jihua_kit.sheets.headers import Spec, audit_specs, offered_words, roster_specs
from jihua_kit.simulation.population import layout as village_layout
from jihua_kit.tables.audit_table import check_period, layout
from jihua_kit.tables.columns import SLOTS
from jihua_kit.tables.county import load_county
from jihua_kit.tables.households import BOUNDS, BOUNDS_ID, INTS, REQUIRED

ROSTER_ROWS = 50_000  # rows of the roster that carry validation and the text format for ID numbers
EXTRA_AUDIT_ROWS = 200  # validated rows below the listed villages (for units added by hand)
LEVEL_WORDS = ("村", "乡镇", "部门")
FIRST_DATA_ROW = 3  # row 1: title (merged), row 2: headers


def villages() -> pd.DataFrame:
    """The county's villages (unit_id, unit_name, township), from the county file's layout."""
    lay = village_layout(load_county(), seed=0)  # names do not depend on the seed (only sizes do)
    return pd.DataFrame({
        "unit_id": [f"V{i + 1:03d}" for i in range(len(lay.villages))],
        "unit_name": list(lay.villages),
        "township": [lay.townships[k] for k in lay.village_township],
    })  # fmt: skip


def _instructions(book: Workbook, kind: str, rows: list[list[str]]) -> None:
    sheet = book.add(t("sheets.sheet.instructions"))
    paragraphs = load_yaml((data_dir() / "sheets" / "instructions.yaml").read_text(encoding="utf-8"))[kind]
    for par in paragraphs:
        sheet.rows([[par["zh"]], [par["en"]], [""]], WRAP)
    sheet.rows([t("sheets.tpl.col_header").split("|")], HEADER)
    sheet.rows(rows, WRAP)
    sheet.widths = {0: 60, 1: 22, 2: 40, 3: 40}


def _title(sheet: Sheet, text: str, ncols: int) -> None:
    sheet.rows([[text]], TITLE)
    sheet.merge(1, 0, 1, max(ncols - 1, 0))


def _headers(sheet: Sheet, specs: list[Spec]) -> None:
    sheet.rows([[s.header() for s in specs]], HEADER)
    for j, s in enumerate(specs):
        sheet.widths[j] = max(10.0, min(24.0, len(s.zh) * 1.6 + 4))
    sheet.freeze = (2, 2)


def audit_template(path: str | Path, period: str, params: Params | None = None) -> Path:
    """Write the audit fill-in workbook for one `period` (2013 or 2013Q2, required: every row is
    rejected later without it): one row per village, the findings left blank. A row whose findings
    stay blank is a unit not inspected: the scorecard lists it apart, outside rankings and means."""
    path = check_output_file(path, field="file")
    period = check_period(period, field="--period")
    params = params or default_params()
    lay = layout(params)
    specs = audit_specs(params)
    units = villages()
    book = Workbook()
    sheet = book.add(t("sheets.sheet.audit_data"))
    _title(sheet, t("sheets.tpl.audit_title", period=f"（{period}）" if period else ""), len(specs))
    _headers(sheet, specs)
    fill = {"level": "村", "period": period}
    rows = []
    for unit in units.itertuples(index=False):
        row = []
        for s in specs:
            if s.code in ("unit_id", "unit_name", "township"):
                row.append(getattr(unit, s.code))
            else:  # findings, date and notes blank: filled in when the unit is inspected
                row.append(fill.get(s.code, ""))
        rows.append(row)
    sheet.rows(rows)
    last = FIRST_DATA_ROW + len(units) + EXTRA_AUDIT_ROWS - 1
    yes_no = offered_words("yes_no")
    help_rows = []
    for j, s in enumerate(specs):
        ref = f"{col_letter(j)}{FIRST_DATA_ROW}:{col_letter(j)}{last}"
        if s.code in lay.int_columns:
            sheet.validate(ref, "whole", "0", str(lay.count_max), t("sheets.tpl.whole_number", max=lay.count_max))
            how = _both("sheets.tpl.count", max=lay.count_max)
        elif s.code in lay.flag_codes:
            sheet.validate(ref, "list", f'"{",".join(yes_no)}"', None, t("sheets.tpl.pick", words="、".join(yes_no)))
            how = _both("sheets.tpl.words", words=" / ".join(yes_no))
        elif s.code == "level":
            sheet.validate(
                ref, "list", f'"{",".join(LEVEL_WORDS)}"', None, t("sheets.tpl.pick", words="、".join(LEVEL_WORDS))
            )
            how = _both("sheets.tpl.words", words=" / ".join(LEVEL_WORDS))
        else:
            how = _both("sheets.tpl.text")
        if s.code in ("unit_id", "period"):
            how += t("sheets.tpl.required", "zh")
        help_rows.append([s.header(), s.code, s.en, how])
    _instructions(book, "audit", help_rows)
    return book.save(path)


def _both(key: str, **kw: object) -> str:
    return f"{t(key, 'zh', **kw)} / {t(key, 'en', **kw)}"


def _int_bound(code: str, params: Params) -> int:
    """The largest value a roster number column accepts (TR-CASE-BOUNDS; child numbers up to the slots)."""
    key = BOUNDS.get(code)
    if code == "ev_college_tier":
        return len(offered_words("college_tier"))
    return int(params.value(BOUNDS_ID, key)) if key else len(SLOTS)


def roster_template(path: str | Path) -> Path:
    """Write the household roster workbook: headers, validation and drop-down lists, no rows."""
    path = check_output_file(path, field="file")
    specs = roster_specs()
    bounds = default_params()
    book = Workbook()
    sheet = book.add(t("sheets.sheet.roster_data"))
    _title(sheet, t("sheets.tpl.roster_title"), len(specs))
    _headers(sheet, specs)
    last = FIRST_DATA_ROW + ROSTER_ROWS - 1
    help_rows = []
    for j, s in enumerate(specs):
        ref = f"{col_letter(j)}{FIRST_DATA_ROW}:{col_letter(j)}{last}"
        if s.values:
            words = offered_words(s.values)
            sheet.validate(ref, "list", f'"{",".join(words)}"', None, t("sheets.tpl.pick", words="、".join(words)))
            how = _both("sheets.tpl.words", words=" / ".join(words))
        elif s.code in INTS:
            top = _int_bound(s.code, bounds)
            sheet.validate(ref, "whole", "0", str(top), t("sheets.tpl.whole_number", max=top))
            how = _both("sheets.tpl.age" if s.code.endswith("_age") else "sheets.tpl.number")
        else:
            how = _both("sheets.tpl.text")
        if s.personal == "id_number":
            sheet.col_styles[j] = TEXT
        if s.code in REQUIRED:
            how += t("sheets.tpl.required", "zh")
        if s.personal:
            how += t("sheets.tpl.personal", "zh")
        help_rows.append([s.header(), s.code, s.en, how])
    _instructions(book, "roster", help_rows)
    return book.save(path)
