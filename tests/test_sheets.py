"""Audit spreadsheets in, scorecards out: a template filled in with good rows and every kind of bad
row, the row reconciliation, the 错误 sheet, the same file as xlsx and three CSV encodings, and the
file's scores against `jihua-kit score --json` on one-unit YAML files of the same rows.

Expected points are worked out from the handout's figures (rules.md section B): missed birth out
of policy at parity 5 = 5 + 2 x (5 - 3) = 9, in policy at any parity 3; D-EXAM 2 each; wrong sex 2;
missed household 3; unsigned pledge 1; unchecked certificate 2 (2 in a year: no commendation).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from jihua_kit.sheets.templates import audit_template

from .sheet_fixtures import (
    all_cells,
    columns,
    header_with,
    run_cli,
    run_json,
    save_csv,
    set_cached_value,
    sheet_records,
    sheet_rows,
)

PERIOD = "2013Q2"
EXPECTED_POINTS = {"V001": 9 + 2 * 2, "V002": 2 + 3, "V003": 2 * 1, "V004": 2 * 2, "V012": 2 * 3}
# (sheet row, column code, message key) of every bad row the test writes.
BAD = [
    (7, "D-EXAM", "sheets.chinese_numeral"),
    (8, "D-EXAM", "sheets.not_integer"),
    (9, "D-WRONG-BIRTH", "audit.negative"),
    (10, "D-WEAK-PLEDGE", "sheets.bad_choice"),
    (11, "D-UNSIGNED", "sheets.empty"),
    (13, "D-MISSED-PERSON", "sheets.not_whole"),
]
BLANK_ROW = 12
VILLAGES = 497  # F-VILLAGES: the county's 村(居), handout 七·5(一)
INSPECTED = [r for r in range(3, 15) if r != BLANK_ROW]  # rows the office fills in; the rest stay blank
UNINSPECTED = VILLAGES - 1 - len(INSPECTED)
IDENTITY = ("unit_id", "unit_name", "township", "level", "period", "inspection_date", "notes")


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The audit template as an office fills it in (row 3 = V001, row 4 = V002, ...)."""
    folder = tmp_path_factory.mktemp("audit")
    path = audit_template(folder / "template.xlsx", PERIOD)
    col = columns(path)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]

    def put(row: int, code: str, value: object) -> None:
        ws.cell(row, col[code]).value = value

    for row in INSPECTED:  # an inspected unit has every finding filled in: 0 (否) for none
        for code in col:
            if code not in IDENTITY:
                put(row, code, "否" if code == "D-WEAK-PLEDGE" else 0)
    put(3, "missed_out_5", 1)
    put(3, "D-EXAM", 2)
    put(3, "resident_out_births_4", 1)  # flags only: 双无 breach and a case file (parity >= 4)
    put(4, "D-WRONG-SEX", 1)
    put(4, "D-MISSED-HOUSEHOLD", "1")  # a number stored as text
    put(5, "D-UNSIGNED", "=1+1")  # a formula; its cached value is set below
    put(6, "D-UNCHECKED-CERT", 2)
    put(6, "inspection_date", "2013/7/5")
    put(7, "D-EXAM", "三")  # a Chinese numeral
    put(8, "D-EXAM", "2例")  # free text
    put(9, "D-WRONG-BIRTH", -1)
    put(10, "D-WEAK-PLEDGE", "可能")
    put(11, "D-UNSIGNED", None)
    for cell in ws[BLANK_ROW]:
        cell.value = None
    put(13, "D-MISSED-PERSON", 2.5)
    put(14, "missed_in_2", "２")  # a full-width digit is the digit 2
    extra = ws.max_column + 1
    ws.cell(2, extra, "检查人")
    ws.cell(3, extra, "李四")
    wb.save(path)
    set_cached_value(path, f"{openpyxl.utils.get_column_letter(col['D-UNSIGNED'])}5", "2")
    return path


@pytest.fixture(scope="module")
def scored(filled: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("out") / "scorecard.xlsx"
    capsys = _Capture()
    code, data = capsys.json("score", str(filled), "--out", str(out))
    return {"code": code, "json": data, "out": out}


class _Capture:
    """A capsys stand-in for module fixtures: runs the CLI with stdout captured."""

    def json(self, *argv: str) -> tuple[int, dict]:
        import contextlib
        import io
        import json

        from jihua_kit.cli.main import main

        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            code = main([*argv, "--json"])
        return code, json.loads(buf.getvalue())


def test_rows_reconcile_and_bad_rows_exit_3(scored: dict, filled: Path, capsys: pytest.CaptureFixture) -> None:
    sheet = scored["json"]["sheet"]
    assert scored["code"] == 3
    assert sheet["blank_rows"] == [BLANK_ROW]
    assert sheet["rows_in"] == VILLAGES - 1
    assert sheet["rejected"] == len(BAD)
    assert sheet["accepted"] == len(INSPECTED) - len(BAD)
    assert len(sheet["uninspected_rows"]) == UNINSPECTED and sheet["uninspected_rows"][0] == 15
    assert sheet["rows_in"] == sheet["accepted"] + sheet["rejected"] + len(sheet["uninspected_rows"])
    assert [c.split()[-1] for c in sheet["extra_columns"]] == ["检查人"]
    code, text, _ = run_cli(capsys, "score", str(filled))
    assert code == 3
    accepted = len(INSPECTED) - len(BAD)
    assert f"读入 {VILLAGES - 1} 行 = 计入 {accepted} 行 + 拒收 {len(BAD)} 行 + 未检查 {UNINSPECTED} 行" in text
    assert "检查人" in text  # the extra column is reported


def test_every_bad_row_is_in_the_errors_sheet_with_its_cell(scored: dict, filled: Path) -> None:
    col = columns(filled)
    letters = {code: openpyxl.utils.get_column_letter(j) for code, j in col.items()}
    records = sheet_records(scored["out"], "错误")
    got = {(r["原表行号"], r["列"], r["列代码"]) for r in records}
    assert got == {(row, letters[code], code) for row, code, _ in BAD}
    assert [e["key"] for e in scored["json"]["errors"]] == [key for _, _, key in BAD]
    first = next(r for r in records if r["原表行号"] == 7)
    # the column as the office's heading reads, the code after it
    assert first["说明（中文）"].startswith(
        f"第 7 行“妇检漏检、漏统或虚假(D-EXAM)”列（{letters['D-EXAM']}）：'三' 不是整数"
    )
    assert "'三' is not a whole number" in first["说明（英文）"]
    assert {r["编号"] for r in records} == {"V005", "V006", "V007", "V008", "V009", "V011"}


def test_scores_totals_flags_townships_and_ranking(scored: dict) -> None:
    units = {r["单位编号"]: r for r in sheet_records(scored["out"], "各单位扣分")}
    assert len(units) == len(INSPECTED) - len(BAD)  # units not inspected are not scored
    for uid, points in EXPECTED_POINTS.items():
        assert units[uid]["合计扣分"] == points, uid
    assert sum(r["合计扣分"] for r in units.values()) == sum(EXPECTED_POINTS.values())
    v001, v004 = units["V001"], units["V004"]
    assert v001[header_with(v001, "D-MISSED-BIRTH")] == 9 and v001[header_with(v001, "D-EXAM")] == 4
    assert v001["违反“双无”承诺"] == "是" and v001["须建立个案档案"] == "是" and v001["年度不能评先选优"] == "否"
    assert v004["年度不能评先选优"] == "是" and v004["检查日期"] == "2013-07-05"
    assert units["V003"]["原表行号"] == 5 and units["V012"]["原表行号"] == 14
    town = units["V001"]["乡镇"]
    same_town = [r for r in units.values() if r["乡镇"] == town]
    roll = {r["乡镇"]: r for r in sheet_records(scored["out"], "乡镇汇总")}
    assert roll[town]["单位数"] == len(same_town)
    assert roll[town]["合计扣分"] == sum(r["合计扣分"] for r in same_town)
    ranking = sheet_records(scored["out"], "排名")
    assert ranking[-1]["单位编号"] == "V001" and ranking[-1]["名次"] == len(units) == len(ranking)
    assert ranking[0]["名次"] == 1 and ranking[0]["单位编号"] == "V003" and ranking[0]["合计扣分"] == 2
    aside = sheet_records(scored["out"], "未检查")
    assert len(aside) == UNINSPECTED and aside[0]["单位编号"] == "V013" and aside[0]["原表行号"] == 15
    assert roll[town]["未检查的单位数"] == sum(r["乡镇"] == town for r in aside)


def test_summary_sheet_says_how_rows_were_counted(scored: dict) -> None:
    rows = {r[0]: r[1] for r in sheet_rows(scored["out"], "汇总")[2:]}
    accepted = len(INSPECTED) - len(BAD)
    assert rows["读入行数"] == VILLAGES - 1 and rows["计入行数"] == accepted
    assert rows["拒收行数"] == len(BAD) and rows["空行数（已跳过）"] == 1
    assert rows["未检查的单位（检查项目和检查日期都空着）"] == UNINSPECTED
    assert rows["核对"].startswith(f"读入 {VILLAGES - 1} 行 = 计入 {accepted} 行 + 拒收 {len(BAD)} 行 + 未检查")
    assert rows["计分的单位数（已检查）"] == accepted
    assert "检查人" in rows["未使用的列"]
    assert rows["合计扣分"] == sum(EXPECTED_POINTS.values())


def test_chart_is_an_embedded_png(scored: dict) -> None:
    with zipfile.ZipFile(scored["out"]) as zf:
        images = [n for n in zf.namelist() if n.startswith("xl/media/")]
        assert len(images) == 1 and zf.read(images[0])[:8] == b"\x89PNG\r\n\x1a\n"
        assert any(n.startswith("xl/drawings/drawing") for n in zf.namelist())
    assert "图表" in openpyxl.load_workbook(scored["out"], read_only=True).sheetnames


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_exports_give_identical_results(scored: dict, filled: Path, encoding: str, tmp_path: Path) -> None:
    csv_path = save_csv(filled, tmp_path / f"audit-{encoding}.csv", encoding)
    out = tmp_path / "scorecard.xlsx"
    code, data = _Capture().json("score", str(csv_path), "--out", str(out))
    assert code == scored["code"]
    assert data["units"] == scored["json"]["units"] and data["summary"] == scored["json"]["summary"]
    assert data["errors"] == scored["json"]["errors"]
    same = ("rows_in", "accepted", "rejected", "blank_rows", "extra_columns", "missing_columns", "header_row",
            "uninspected_rows")  # fmt: skip
    assert {k: data["sheet"][k] for k in same} == {k: scored["json"]["sheet"][k] for k in same}
    for name in ("各单位扣分", "乡镇汇总", "排名", "错误"):
        assert sheet_rows(out, name) == sheet_rows(scored["out"], name), name
    expected_enc = "GB18030" if encoding == "gbk" else "UTF-8"
    assert data["sheet"]["encoding"] == expected_enc


def _unit_yaml(path: Path, uid: str, findings: dict, resident: dict | None = None, date: str | None = None) -> Path:
    rec = {"unit_id": uid, "period": PERIOD, "findings": findings}
    if resident:
        rec["resident"] = resident
    if date:
        rec["inspection_date"] = date
    path.write_text(yaml.safe_dump(rec, allow_unicode=True), encoding="utf-8")
    return path


def test_file_scores_equal_the_single_unit_cli(scored: dict, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    cases = {
        "V001": ({"D-MISSED-BIRTH": [{"policy": "外", "parity": 5}], "D-EXAM": 2},
                 {"out_of_policy_births": [{"parity": 4, "count": 1}]}, None),
        "V002": ({"D-WRONG-SEX": 1, "D-MISSED-HOUSEHOLD": 1}, None, None),
        "V003": ({"D-UNSIGNED": 2}, None, None),
        "V004": ({"D-UNCHECKED-CERT": 2}, None, "2013-07-05"),
        "V012": ({"D-MISSED-BIRTH": [{"policy": "内", "parity": 2, "count": 2}]}, None, None),
    }  # fmt: skip
    from_file = {u["unit_id"]: u for u in scored["json"]["units"]}
    for uid, (findings, resident, date) in cases.items():
        code, one = run_json(capsys, "score", str(_unit_yaml(tmp_path / f"{uid}.yaml", uid, findings, resident, date)))
        assert code == 0
        mine = from_file[uid]
        assert one["total_points"] == mine["total_points"] == EXPECTED_POINTS[uid]
        assert {i["id"]: i["points"] for i in one["items"]} == {i["id"]: i["points"] for i in mine["items"]}
        assert one["flags"] == mine["flags"]
        assert one["consequences"] == mine["consequences"]


def test_two_row_header_with_merged_cells(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """Offices group columns under merged cells: '漏报出生（政策外）' over '第4孩' '第5孩'."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "新房乡2013年第二季度考核"
    ws.merge_cells("A1:E1")
    for col, text in (("A", "单位编号"), ("B", "考核期"), ("E", "妇检漏检、漏统或虚假")):
        ws[f"{col}2"] = text
        ws.merge_cells(f"{col}2:{col}3")
    ws["C2"] = "漏报出生（政策外）"
    ws.merge_cells("C2:D2")
    ws["C3"], ws["D3"] = "第4孩", "第5孩"
    ws.append(["X1", "2013Q2", 0, 1, 1])
    ws.append(["X2", "2013Q2", 1, 0, "一"])
    path = tmp_path / "grouped.xlsx"
    wb.save(path)
    code, data = run_json(capsys, "score", str(path))
    assert code == 3
    assert data["sheet"]["header_row"] == 3 and data["sheet"]["rows_in"] == 2
    assert [u["total_points"] for u in data["units"]] == [9 + 2]  # parity 5 out of policy + one D-EXAM
    assert [(e["row"], e["column"], e["field"]) for e in data["errors"]] == [(5, "E", "D-EXAM")]
    # a heading typed without the code: the message names it, then the code
    assert data["errors"][0]["zh"].startswith("第 5 行“妇检漏检、漏统或虚假（D-EXAM）”列（E）：")
    assert data["errors"][0]["en"].startswith('row 5, column "妇检漏检、漏统或虚假 (D-EXAM)" (E)')


def test_english_headers_and_bare_codes(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "english.csv"
    path.write_text('Unit ID,Period,D-EXAM,"Missed births in policy, parity 2",Level\nA,2013,1,2,village\n', "utf-8")
    code, data = run_json(capsys, "score", str(path))
    assert code == 0
    assert data["units"][0]["total_points"] == 2 + 2 * 3
    assert "D-WRONG-SEX" in data["sheet"]["missing_columns"]  # absent columns are reported (taken as 0)


@pytest.mark.parametrize(
    ("header", "key"),
    [("D-EXAMS", "sheets.unknown_code_column"), ("考核期", "sheets.duplicate_column")],
)
def test_unusable_headers_stop_with_exit_2(header: str, key: str, tmp_path: Path, capsys: pytest.CaptureFixture):
    path = tmp_path / "bad.csv"
    path.write_text(f"单位编号,考核期,{header}\nA,2013,1\n", "utf-8")
    code, out, err = run_cli(capsys, "score", str(path))
    assert code == 2 and out == ""
    assert "错误" in err and "Error" in err


def test_missing_unit_id_column_and_bad_encoding(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "no-id.csv"
    path.write_text("考核期,D-EXAM\n2013,1\n", "utf-8")
    code, _, err = run_cli(capsys, "score", str(path))
    assert code == 2 and "unit_id" in err
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"\xff\xfe\x00")
    code, _, err = run_cli(capsys, "score", str(latin))
    assert code == 2 and "GB18030" in err


def test_yaml_input_is_unchanged_and_no_progress_bar_off_a_terminal(filled: Path, capfd: pytest.CaptureFixture):
    from jihua_kit.cli.main import main

    assert main(["score", str(Path(__file__).parent.parent / "data/audits/xinfang-township-2013q2.yaml")]) == 0
    assert "共 5 个单位，合计扣 29 分" in capfd.readouterr().out
    main(["score", str(filled)])
    assert "%|" not in capfd.readouterr().err


def test_outputs_hold_no_personal_data_from_an_audit(scored: dict) -> None:
    assert "李四" not in all_cells(scored["out"])  # the extra column's content is not copied


@pytest.mark.parametrize("kind", ["audit", "roster"])
def test_formula_without_saved_value_is_rejected_not_read_as_blank(kind: str, tmp_path: Path, capsys) -> None:
    """openpyxl writes formulas without results; a blank would be 0 (roster) or 'empty' (audit)."""
    from jihua_kit.sheets.templates import roster_template

    if kind == "audit":
        path, code = audit_template(tmp_path / "a.xlsx", PERIOD), "D-EXAM"
    else:
        path, code = roster_template(tmp_path / "r.xlsx"), "ev_member_disabled"
    col = columns(path)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    if kind == "roster":
        for field, value in (("household_id", "H1"), ("residence", "农村"), ("household_type", "其他"),
                             ("p1_age", 30), ("p2_age", 31)):  # fmt: skip
            ws.cell(3, col[field]).value = value
    else:  # an inspected unit: every finding filled in
        for field in col:
            if field not in IDENTITY:
                ws.cell(3, col[field]).value = "否" if field == "D-WEAK-PLEDGE" else 0
    ws.cell(3, col[code]).value = "=1+1"
    wb.save(path)
    exit_code, data = run_json(capsys, "score" if kind == "audit" else "explain", str(path))
    assert exit_code == 3
    assert [(e["row"], e["field"], e["key"]) for e in data["errors"]] == [(3, code, "sheets.formula_no_value")]


COUNT_CODES = ["D-EXAM", "D-WRONG-BIRTH", "D-UNSIGNED", "missed_out_4"]
BAD_CELLS = ["三", "两", "x2", -1, 1.5, None]


@settings(max_examples=25)
@given(st.lists(st.lists(st.one_of(st.integers(0, 5), st.sampled_from(BAD_CELLS)), min_size=4, max_size=4),
                min_size=1, max_size=6))  # fmt: skip
def test_any_grid_reads_alike_as_xlsx_and_csv_and_scores_as_the_table(grid: list[list]) -> None:
    """Rows with only whole numbers >= 0 are scored exactly as the same unit table scored directly;
    a row with every finding blank is a unit not inspected (set aside); every other row is rejected
    with the bad cell named; xlsx and GBK CSV agree."""
    import tempfile

    import pandas as pd

    from jihua_kit.params.store import default_params
    from jihua_kit.rules.deductions import score
    from jihua_kit.sheets.audit import read_audit

    params = default_params()
    header = ["单位编号", "考核期", *COUNT_CODES]
    rows = [[f"U{i}", PERIOD, *cells] for i, cells in enumerate(grid)]
    with tempfile.TemporaryDirectory() as tmp:
        wb = openpyxl.Workbook()
        wb.active.append(header)
        for row in rows:
            wb.active.append(row)
        wb.save(Path(tmp) / "g.xlsx")
        csv_path = save_csv(Path(tmp) / "g.xlsx", Path(tmp) / "g.csv", "gbk")
        sheets = [read_audit(Path(tmp) / "g.xlsx", params), read_audit(csv_path, params)]
    good = [i for i, cells in enumerate(grid) if all(isinstance(c, int) and c >= 0 for c in cells)]
    aside = [i for i, cells in enumerate(grid) if all(c is None for c in cells)]
    bad_cells = {(i + 2, code) for i, cells in enumerate(grid) for code, c in zip(COUNT_CODES, cells, strict=True)
                 if not (isinstance(c, int) and c >= 0) and i not in aside}  # fmt: skip
    for sheet in sheets:
        assert sheet.stats.rows_in == len(grid) and sheet.stats.accepted == len(good)
        assert sheet.stats.uninspected == [i + 2 for i in aside] and sheet.stats.reconciles
        assert {(e.row, e.field) for e in sheet.errors} == bad_cells
        assert list(sheet.rows) == [i + 2 for i in good]
    if good:
        direct = pd.DataFrame([{"unit_id": f"U{i}", "period": PERIOD, **dict(zip(COUNT_CODES, grid[i], strict=True))}
                               for i in good])  # fmt: skip
        expected = score(direct, params).total
        for sheet in sheets:
            assert list(score(sheet.table, params).total) == list(expected)
