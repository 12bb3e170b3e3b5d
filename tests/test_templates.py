"""The fill-in workbooks: the audit template lists the county's villages with every finding column,
validation and instructions; the roster template has every household column; both read back."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from jihua_kit.params.store import default_params
from jihua_kit.sheets.headers import audit_headers, audit_specs, fold, roster_headers, roster_specs
from jihua_kit.tables.audit_table import layout
from jihua_kit.tables.households import COLUMNS

from .sheet_fixtures import columns, run_cli, run_json

VILLAGES = 497  # 全县497个村(居), handout 七·5(一)


@pytest.fixture(scope="module")
def audit_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from jihua_kit.sheets.templates import audit_template

    return audit_template(tmp_path_factory.mktemp("tpl") / "audit.xlsx", "2013Q2")


def test_audit_template_rows_headers_and_instructions(audit_book: Path) -> None:
    params = default_params()
    assert params.value("F-VILLAGES") == VILLAGES
    wb = openpyxl.load_workbook(audit_book)
    data, help_sheet = wb.worksheets[0], wb["说明"]
    ids = [data.cell(r, 1).value for r in range(3, data.max_row + 1)]
    assert len(ids) == VILLAGES and len(set(ids)) == VILLAGES and ids[0] == "V001"
    assert data["A1"].value.startswith("纳雍县") and "A1" in str(data.merged_cells.ranges)
    col = columns(audit_book)
    lay = layout(params)
    assert set(lay.finding_codes) - {"D-MISSED-BIRTH"} <= set(col)  # counts and flags by code
    assert {f"missed_out_{k}" for k in range(1, lay.parity_max + 1)} <= set(col)
    text = " ".join(str(c.value) for row in help_sheet.iter_rows() for c in row if c.value)
    assert "每个村（居）一行" in text and "one row per village" in text and "D-EXAM" in text


def test_audit_template_validation(audit_book: Path) -> None:
    ws = openpyxl.load_workbook(audit_book).worksheets[0]
    col = columns(audit_book)
    rules = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    exam = rules[f"{openpyxl.utils.get_column_letter(col['D-EXAM'])}3"]
    assert exam.type == "whole" and exam.formula1 == "0" and exam.formula2 == "1000"  # count_max, TR-AUDIT-BOUNDS
    weak = rules[f"{openpyxl.utils.get_column_letter(col['D-WEAK-PLEDGE'])}3"]
    assert weak.type == "list" and weak.formula1 == '"是,否"'


def test_untouched_template_is_every_village_not_inspected(audit_book: Path, capsys: pytest.CaptureFixture) -> None:
    """Blank findings are a unit not inspected: set aside, not scored as 0 (497 units tied at rank 1)."""
    ws = openpyxl.load_workbook(audit_book).worksheets[0]
    col = columns(audit_book)
    assert ws.cell(3, col["D-EXAM"]).value is None and ws.cell(3, col["D-WEAK-PLEDGE"]).value is None
    assert ws.cell(3, col["period"]).value == "2013Q2"
    code, data = run_json(capsys, "score", str(audit_book))
    assert code == 0 and data["errors"] == [] and data["units"] == []
    assert data["sheet"]["rows_in"] == VILLAGES == len(data["sheet"]["uninspected_rows"])
    assert data["sheet"]["accepted"] == data["sheet"]["rejected"] == 0


def test_template_needs_its_period(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    code, out, err = run_cli(capsys, "template", "audit", str(tmp_path / "a.xlsx"))
    assert code == 2 and not (tmp_path / "a.xlsx").exists()
    assert "考核期" in err and "--period" in err and "period" in err
    code, _, err = run_cli(capsys, "template", "audit", str(tmp_path / "a.xlsx"), "--period", "2013年二季度")
    assert code == 2 and "2013Q2" in err
    code, out, _ = run_cli(capsys, "template", "audit", str(tmp_path / "a.xlsx"), "--period", "2013q3")
    assert code == 0 and openpyxl.load_workbook(tmp_path / "a.xlsx").worksheets[0].cell(3, 5).value == "2013Q3"


def test_roster_template(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "roster.xlsx"
    assert run_cli(capsys, "template", "roster", str(path))[0] == 0
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    col = columns(path)
    expected = {c for c in COLUMNS if not c.endswith("_present")} | {"head_name", "id_number"}
    assert set(col) == expected
    id_col = openpyxl.utils.get_column_letter(col["id_number"])
    assert ws.column_dimensions[id_col].number_format == "@"  # ID numbers stay text
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists[f"{openpyxl.utils.get_column_letter(col['residence'])}3"] == '"农村,城镇"'
    assert "身份证号" in " ".join(str(c.value) for row in wb["说明"].iter_rows() for c in row if c.value)
    code, data = run_json(capsys, "explain", str(path))
    assert code == 0 and data["sheet"]["rows_in"] == 0 and data["households"] == []


@pytest.mark.parametrize("kind", ["audit", "roster"])
def test_header_names_are_unambiguous(kind: str) -> None:
    params = default_params()
    specs = audit_specs(params) if kind == "audit" else roster_specs()
    headers = audit_headers(params) if kind == "audit" else roster_headers()
    seen: dict[str, str] = {}
    for s in specs:
        for name in {s.code, s.zh, s.en, *s.also}:
            key = fold(name)
            assert seen.setdefault(key, s.code) == s.code, (name, seen[key], s.code)
        assert headers.code(s.header()) == s.code and headers.code(s.en) == s.code
        assert headers.code(f" {s.zh} ") == s.code
