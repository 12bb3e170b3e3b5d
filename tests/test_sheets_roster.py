"""Household rosters in, payment lists out: the worked cases typed into the roster template with
names and ID numbers, plus every kind of bad row; payments equal `jihua-kit explain CASE --json`,
rows reconcile, the 错误 sheet names each bad cell, CSV exports agree, and no ID number appears
unmasked in any output or on the terminal (nor any name on the terminal)."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from jihua_kit.core.masking import mask_id
from jihua_kit.sheets.headers import roster_specs
from jihua_kit.sheets.templates import roster_template
from jihua_kit.tables.cases import example_cases, load_case

from .sheet_fixtures import all_cells, id_number, run_json, save_csv, sheet_records, sheet_rows

WORDS = {
    "residence": {"rural": "农村", "urban": "城镇"},
    "household_type": {"one_child": "独生子女户", "two_daughter": "二女户", "other": "其他"},
    "method": {"sterilization": "结扎", "long_term": "其他长效措施", "none": "无"},
}
CASES = example_cases()
FIRST = 3  # row of the first household (row 1 title, row 2 headers)
TYPED_ID = id_number(99)  # an ID number typed into an age column by mistake
FLOAT_ID = 520525198001011234.0  # an ID number Excel stored as a number
# (row, column code, message key): the bad rows written after the worked cases.
BAD = [
    (19, "p1_age", "sheets.chinese_numeral"),
    (20, "c1_age", "sheets.not_integer"),
    (21, "residence", "sheets.bad_choice"),
    (22, "household_type", "case.onechild_count"),
    (23, "id_number", "sheets.id_as_number"),
    (24, "id_number", "sheets.bad_id"),
    (25, "household_id", "case.duplicate_id"),
    (28, "p2_age", "case.too_large"),
]
BLANK = 26
LATE_GOOD = 27  # a good household after the blank row (a copy of the disability case)


def _values(case: Path, seq: int, hid: str | None = None) -> dict[str, object]:
    row = load_case(case).iloc[0]
    out: dict[str, object] = {"head_name": f"测试户主{seq:02d}", "id_number": id_number(seq)}
    for s in roster_specs():
        c = s.code
        if c in ("head_name", "id_number"):
            continue
        m = re.match(r"c(\d)_", c)
        if m and not row[f"c{m.group(1)}_present"]:
            continue
        v = row[c].item() if hasattr(row[c], "item") else row[c]
        if c in WORDS:
            v = WORDS[c][v]
        elif c.endswith("_sex"):
            v = {"F": "女", "M": "男"}[v]
        elif isinstance(v, bool):
            v = "是" if v else "否"
        out[c] = v
    out["household_id"] = hid or case.stem
    out["village"] = "村001" if seq < 8 else "村002"
    out["township"] = "乡镇01"
    return out


@pytest.fixture(scope="module")
def roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = roster_template(tmp_path_factory.mktemp("roster") / "roster.xlsx")
    ws = (wb := openpyxl.load_workbook(path)).worksheets[0]
    col = {s.code: j for j, s in enumerate(roster_specs(), start=1)}

    def write(r: int, values: dict[str, object]) -> None:
        for code, v in values.items():
            ws.cell(r, col[code]).value = v

    for i, case in enumerate(CASES):
        write(FIRST + i, _values(case, i))
    one_child = CASES[0]
    bad = {19: {"p1_age": "四十"}, 20: {"c1_age": "12岁"}, 21: {"residence": "乡下"},
           22: {"c2_age": 3, "c2_sex": "女"}, 23: {"id_number": FLOAT_ID}, 24: {"id_number": id_number(24)[:-1] + "0"},
           25: {"household_id": CASES[0].stem}, 28: {"p2_age": TYPED_ID}}  # fmt: skip
    if id_number(24).endswith("0"):
        bad[24]["id_number"] = id_number(24)[:-1] + "1"
    for r, change in bad.items():
        values = _values(one_child, r, f"bad-{r}")
        values.update({k: v for k, v in change.items() if k != "household_id"})
        if "household_id" in change:
            values["household_id"] = change["household_id"]
        write(r, values)
    disability = next(c for c in CASES if c.stem == "12-disability")
    write(LATE_GOOD, _values(disability, LATE_GOOD, "12-disability-b"))
    extra = len(col) + 1
    ws.cell(2, extra).value = "联系电话"
    ws.cell(FIRST, extra).value = "13800000000"
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def paid(roster: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    import contextlib
    import io
    import json

    from jihua_kit.cli.main import main

    out = tmp_path_factory.mktemp("pay") / "payments.xlsx"
    buf, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(err):
        code = main(["explain", str(roster), "--out", str(out), "--json"])
    return {"code": code, "json": json.loads(buf.getvalue()), "out": out, "printed": buf.getvalue() + err.getvalue()}


def test_rows_reconcile_and_every_bad_row_is_named(paid: dict) -> None:
    sheet = paid["json"]["sheet"]
    assert paid["code"] == 3
    assert sheet["blank_rows"] == [BLANK]
    assert sheet["rows_in"] == len(CASES) + len(BAD) + 1
    assert sheet["accepted"] == len(CASES) + 1 and sheet["rejected"] == len(BAD)
    assert sheet["extra_columns"] and sheet["extra_columns"][0].endswith("联系电话")
    records = sheet_records(paid["out"], "错误")
    assert {(r["原表行号"], r["列代码"]) for r in records} == {(row, code) for row, code, _ in BAD}
    assert sorted(e["key"] for e in paid["json"]["errors"]) == sorted(key for _, _, key in BAD)
    numeral = next(r for r in records if r["原表行号"] == 19)
    assert "'四十' 不是整数" in numeral["说明（中文）"]


def test_payments_equal_the_single_case_cli(paid: dict, capsys: pytest.CaptureFixture) -> None:
    lines = sheet_records(paid["out"], "兑现清单")
    totals = {r["户编号"]: r for r in sheet_records(paid["out"], "各户合计")}
    assert set(totals) == {c.stem for c in CASES} | {"12-disability-b"}
    for case in CASES:
        code, one = run_json(capsys, "explain", str(case))
        assert code == 0
        mine = {(r["项目编号"], r["金额下限（元）"], r["金额上限（元）"], r["人数"], r["加分"])
                for r in lines if r["户编号"] == case.stem}  # fmt: skip
        assert mine == {(i["id"], i["min"], i["max"], i["persons"], i["points"]) for i in one["items"]}, case.stem
        row = totals[case.stem]
        assert (row["一次性合计下限（元）"], row["一次性合计上限（元）"]) == (
            one["one_time"]["min"],
            one["one_time"]["max"],
        )
        assert (row["每年合计下限（元）"], row["每年合计上限（元）"]) == (one["annual"]["min"], one["annual"]["max"])
        assert row["加分"] == one["exam_points"]
    copy = {(r["项目编号"], r["金额下限（元）"]) for r in lines if r["户编号"] == "12-disability-b"}
    assert copy == {(r["项目编号"], r["金额下限（元）"]) for r in lines if r["户编号"] == "12-disability"}
    assert next(r for r in lines if r["户编号"] == "12-disability-b")["原表行号"] == LATE_GOOD


def test_scenario_and_readings_reach_the_roster(roster: Path, capsys: pytest.CaptureFixture) -> None:
    case = next(c for c in CASES if c.stem == "01-rural-onechild-elderly")
    args = ("--scenario", "baseline", "--reading", "RA-PENSION-AGE=age65")
    _, one = run_json(capsys, "explain", str(case), *args)
    _, many = run_json(capsys, "explain", str(roster), *args)
    mine = next(h for h in many["households"] if h["household_id"] == case.stem)
    assert {(i["id"], i["min"], i["max"]) for i in mine["items"]} == {
        (i["id"], i["min"], i["max"]) for i in one["items"]
    }


def test_totals_by_benefit_and_village_add_up(paid: dict) -> None:
    lines = sheet_records(paid["out"], "兑现清单")
    for rec in sheet_records(paid["out"], "按项目汇总"):
        mine = [r for r in lines if r["项目编号"] == rec["项目编号"]]
        assert rec["户数"] == len(mine)
        assert rec["金额下限（元）"] == sum(r["金额下限（元）"] for r in mine)
        assert rec["人数"] == sum(r["人数"] for r in mine)
    villages = {r["村（居）"]: r for r in sheet_records(paid["out"], "按村汇总")}
    households = sheet_records(paid["out"], "各户合计")
    for name, rec in villages.items():
        mine = [h for h in households if h["村（居）"] == name]
        assert rec["户数"] == len(mine)
        assert rec["每年合计下限（元）"] == sum(h["每年合计下限（元）"] for h in mine)
    assert villages["村001"]["户数"] == 8  # cases 0-7 were put in 村001


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_exports_give_identical_payments(paid: dict, roster: Path, encoding: str, tmp_path: Path, capsys) -> None:
    csv_path = save_csv(roster, tmp_path / f"roster-{encoding}.csv", encoding)
    out = tmp_path / "payments.xlsx"
    code, data = run_json(capsys, "explain", str(csv_path), "--out", str(out))
    assert code == paid["code"]
    assert data["households"] == paid["json"]["households"] and data["errors"] == paid["json"]["errors"]
    for name in ("兑现清单", "各户合计", "按项目汇总", "按村汇总", "错误"):
        assert sheet_rows(out, name) == sheet_rows(paid["out"], name), name
    assert not re.search(r"\d{15,}", "\n".join(all_cells(out)))  # masked from CSV input too


def _ids_used() -> list[str]:
    return [id_number(i) for i in range(LATE_GOOD + 2)] + [TYPED_ID, "520525198001011234"]


def test_no_id_number_unmasked_anywhere_and_no_name_on_the_terminal(
    paid: dict, roster: Path, capfd: pytest.CaptureFixture, tmp_path: Path
) -> None:
    from jihua_kit.cli.main import main

    out = tmp_path / "again.xlsx"
    code = main(["explain", str(roster), "--out", str(out)])
    main(["explain", str(roster), "--lang", "en"])
    printed = capfd.readouterr()
    terminal = printed.out + printed.err + paid["printed"]
    assert code == 3 and "第 19 行" in terminal and "四十" not in terminal  # cells named, values not shown
    cells = "\n".join(all_cells(out) + all_cells(paid["out"]))
    for number in _ids_used():
        assert number not in terminal and number not in cells
    assert not re.search(r"\d{15,}", terminal + cells)  # no long digit run of any kind
    assert mask_id(id_number(0)) in cells  # the masked form is there: first 4 and last 4 kept
    assert "测试户主00" in cells  # names go to the workbook the user asked for ...
    assert "测试户主" not in terminal  # ... never to the terminal
    assert "13800000000" not in cells  # extra columns are reported, not copied
