"""Hostile and malformed spreadsheets (issue 14): no sheet or merged cell dropped silently, no ID number
in any output, no traceback, bounded memory. Every input is made here; none is checked in.

Each test states the exit code (2: the file cannot be used; 3: some rows rejected), the message (in
Chinese and English, naming the sheet, column or bound), and that rows read = accepted + rejected.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jihua_kit.core.masking import check_character, mask_id

from .hostile import (
    assert_refused,
    flat,
    hidden_part,
    id_number,
    roster_rows,
    run_limited,
    sheet_xml,
    write_roster,
    write_zip,
    xlsx_parts,
)
from .sheet_fixtures import all_cells, run_cli, run_json, sheet_records


def _reconciles(sheet: dict, rows_in: int, rejected: int) -> None:
    assert (sheet["rows_in"], sheet["rejected"]) == (rows_in, rejected)
    # rows read = accepted + rejected + set aside as not inspected (blank audit rows)
    assert sheet["rows_in"] == sheet["accepted"] + sheet["rejected"] + len(sheet.get("uninspected_rows", []))


# 1, 2: which sheet is read ------------------------------------------------------------------------


def test_two_roster_sheets_stop_and_ask_which(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "two.xlsx"
    book = write_roster(path, roster_rows(10), sheet="一组")
    write_roster(path, roster_rows(1, household_id=lambda i: f"B{i}"), sheet="二组", book=book)
    book.save(path)
    code, out, err = run_cli(capsys, "explain", str(path), "--json")
    assert_refused(code, out, err, "一组", "二组", "--sheet")
    assert "--sheet NAME" in err  # English too
    code, data = run_json(capsys, "explain", str(path), "--sheet", "二组")
    assert code == 0 and data["sheet"]["sheet"] == "二组"
    _reconciles(data["sheet"], 1, 0)
    code, out, err = run_cli(capsys, "explain", str(path), "--sheet", "三组")
    assert_refused(code, out, err, "三组", "一组、二组")


def test_a_hidden_old_sheet_is_not_read_instead_of_the_visible_one(tmp_path: Path, capsys) -> None:
    path = tmp_path / "hidden.xlsx"
    visible = roster_rows(4)
    book = write_roster(path, visible, sheet="今年")
    old = roster_rows(7, c1_age=5, c1_sex="女")  # more of our columns filled in, and hidden
    write_roster(path, old, sheet="去年", book=book, extra={"c2_age": "孩子2年龄（c2_age）"})
    book["去年"].sheet_state = "hidden"
    book.save(path)
    code, data = run_json(capsys, "explain", str(path))
    assert code == 0 and data["sheet"]["sheet"] == "今年"
    _reconciles(data["sheet"], 4, 0)
    assert data["sheet"]["hidden_sheets_not_read"] == ["去年"]
    code, out, _ = run_cli(capsys, "explain", str(path))
    assert "去年" in out and "--sheet" in out  # said on the terminal too, not silent
    del book["今年"]
    book.create_sheet("说明", 0)["A1"] = "数据见另一张表"  # a workbook needs one visible sheet
    book.save(path)
    code, out, err = run_cli(capsys, "explain", str(path))
    assert_refused(code, out, err, "去年", "--sheet")  # only a hidden sheet: asked, not guessed
    code, data = run_json(capsys, "explain", str(path), "--sheet", "去年")
    assert code == 0
    _reconciles(data["sheet"], 7, 0)


# 3, 4: merged cells -------------------------------------------------------------------------------


def test_a_village_merged_down_counts_for_every_household(tmp_path: Path, capsys) -> None:
    path = tmp_path / "merged.xlsx"
    rows = roster_rows(6, village=lambda i: "上村" if i == 0 else "下村" if i == 3 else None,
                       p1_age=62, p2_age=64, household_type="独生子女户", c1_age=30, c1_sex="男")  # fmt: skip
    write_roster(path, rows)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    col = next(c.column_letter for c in ws[1] if str(c.value).endswith("（village）"))
    ws.merge_cells(f"{col}2:{col}4")
    ws.merge_cells(f"{col}5:{col}7")
    wb.save(path)
    out = tmp_path / "pay.xlsx"
    code, data = run_json(capsys, "explain", str(path), "--out", str(out))
    assert code == 0
    _reconciles(data["sheet"], 6, 0)
    assert data["sheet"]["merged_cells_filled"] == [f"{col}2:{col}4", f"{col}5:{col}7"]
    villages = {r["村（居）"]: r["户数"] for r in sheet_records(out, "按村汇总")}
    assert villages == {"上村": 3, "下村": 3}  # before: 上村 1, 下村 1 and a blank village 4
    assert {r["村（居）"] for r in sheet_records(out, "各户合计")} == {"上村", "下村"}


def test_a_note_merged_past_the_last_row_is_no_traceback(tmp_path: Path, capsys) -> None:
    path = tmp_path / "note.xlsx"
    write_roster(path, roster_rows(2), extra={"note": "备注"})
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws.cell(2, ws.max_column).value = "以下为空"
    last = ws.cell(2, ws.max_column).column_letter
    ws.merge_cells(f"{last}2:{last}30")  # past the last row any reader sees (was an IndexError)
    wb.save(path)
    code, data = run_json(capsys, "explain", str(path))
    assert code == 0
    _reconciles(data["sheet"], 2, 0)
    assert data["sheet"]["extra_columns"] == [f"{last} 备注"]  # a column not ours: read for nothing


# 5: personal data in every output -----------------------------------------------------------------

SEPARATED = (lambda n: n, lambda n: f"ID{n}", lambda n: f"身份证{n}号", lambda n: f"{n[:6]} {n[6:14]} {n[14:]}",
             lambda n: "-".join(n[i : i + 4] for i in range(0, 18, 4)), lambda n: n.lower())  # fmt: skip


def _outputs(capsys: pytest.CaptureFixture, path: Path, tmp: Path) -> tuple[int, str]:
    """Everything `explain ROSTER` shows: stdout, stderr, --json, and every cell of the workbook."""
    out = tmp / f"{path.stem}-out.xlsx"
    code, printed, err = run_cli(capsys, "explain", str(path), "--out", str(out))
    code_json, as_json, err_json = run_cli(capsys, "explain", str(path), "--json")
    assert code == code_json and "Traceback" not in err + err_json
    json.loads(as_json)
    return code, "\n".join([printed, err, as_json, err_json, *all_cells(out)])


def test_id_numbers_in_other_columns_are_masked_everywhere(tmp_path: Path, capsys) -> None:
    planted = [id_number(100 + k) for k in range(8)]
    path = tmp_path / "ids.xlsx"
    rows = roster_rows(4)
    rows[0]["household_id"] = f"ID{planted[0]}"  # a household ID made from an ID number
    rows[1]["head_name"], rows[1]["village"] = planted[1], f"{planted[2][:6]} {planted[2][6:]}"
    rows[2]["township"] = planted[3].replace("X", "x")
    rows[3]["p1_age"] = planted[4][:16]  # a 16-digit partial ID typed in an age: rejected, shown in 错误
    write_roster(path, rows + roster_rows(1, household_id="H9", p2_age=planted[5]))
    code, text = _outputs(capsys, path, tmp_path)
    assert code == 3
    for number in planted[:6]:
        assert hidden_part(number) not in flat(text), number
    assert f"ID{mask_id(planted[0])}" in text and mask_id(planted[1]) in text
    assert mask_id(planted[4][:16]) in text  # the 错误 sheet names the cell with the value masked


@st.composite
def _planted_roster(draw: st.DrawFn) -> tuple[list[dict], list[str]]:
    n = draw(st.integers(1, 6))
    rows = roster_rows(n)
    numbers = []
    for _ in range(draw(st.integers(1, 5))):
        first17 = "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=17, max_size=17)))
        number = first17 + check_character(first17)
        shown = draw(st.sampled_from(SEPARATED))(number)
        row = draw(st.integers(0, n - 1))
        code = draw(st.sampled_from(["household_id", "head_name", "village", "township", "p1_age", "note"]))
        text = f"{draw(st.sampled_from(['', '户主', 'No.', 'a']))}{shown}{draw(st.sampled_from(['', '号', ' ']))}"
        rows[row][code] = f"{text}-{row}" if code == "household_id" else text
        numbers.append(number)
    return rows, numbers


@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_planted_roster())
def test_no_unmasked_id_number_in_any_output_of_a_random_roster(tmp_path: Path, capsys, planted: tuple) -> None:
    rows, numbers = planted
    path = tmp_path / "random.xlsx"
    write_roster(path, rows, extra={"note": "备注"})
    code, text = _outputs(capsys, path, tmp_path)
    assert code in (0, 3)
    for number in numbers:
        assert hidden_part(number) not in flat(text), number


# 8, 9: bounded resources --------------------------------------------------------------------------


def test_a_5_kb_sheet_reaching_xfd1048576_is_refused_before_reading(tmp_path: Path) -> None:
    cells = '<row r="1"><c r="A1" t="inlineStr"><is><t>户编号</t></is></c></row>'
    cells += '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    path = write_zip(tmp_path / "corner.xlsx", xlsx_parts(sheet_xml(cells)))  # the dimension says A1:A1
    assert path.stat().st_size < 5_000
    done = run_limited("explain", str(path), cwd=tmp_path)  # was: 512 GiB asked for, abort (exit 134)
    assert_refused(done.returncode, done.stdout, done.stderr, "XFD1048576", "TR-FILE-BOUNDS sheet_cells_max")


CORNER = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
FAR_CELLS = {  # the far cell written as lenient readers still read it
    "lowercase": CORNER.replace("XFD", "xfd"), "tab": CORNER.replace("<c r", "<c\tr"),
    "single quotes": CORNER.replace('r="XFD1048576"', "r='XFD1048576'"),
    "entity": CORNER.replace('r="XFD', 'r="&#88;FD'), "style first": CORNER.replace("<c r", '<c s="0" r'),
    "leading zero": CORNER.replace("1048576\"><v", "01048576\"><v"),
    "prefix": CORNER.replace("<c ", '<x:c xmlns:x="urn:x" ').replace("</c>", "</x:c>"),
    "no address": '<row r="1048576">' + "<c><v>1</v></c>" * 16_384 + "</row>",
}  # fmt: skip


@pytest.mark.parametrize("variant", list(FAR_CELLS) + ["renamed part"])
def test_a_far_cell_is_found_however_it_is_written(variant: str, tmp_path: Path) -> None:
    from jihua_kit.core.errors import KitError
    from jihua_kit.sheets.limits import check_sheet_file

    first = '<row r="1"><c r="A1" t="inlineStr"><is><t>户编号</t></is></c></row>'
    parts = xlsx_parts(sheet_xml(first + FAR_CELLS.get(variant, CORNER)))
    if variant == "renamed part":  # the workbook's relationship points at a part with another name
        parts["xl/data.bin"] = parts.pop("xl/worksheets/sheet1.xml")
    path = write_zip(tmp_path / "far.xlsx", parts)
    with pytest.raises(KitError) as err:
        check_sheet_file(path)
    assert err.value.key == "limits.sheet_too_large" and err.value.info["rows"] == 1_048_576


def test_a_shared_string_of_1_5_gb_is_refused_before_reading(tmp_path: Path) -> None:
    bomb = (b"<sst><si><t>", b"x" * (1 << 24), 96, b"</t></si></sst>")  # 1.6 GB unpacked
    path = write_zip(tmp_path / "string.xlsx", xlsx_parts(sheet_xml(""), bomb))
    assert path.stat().st_size < 2 << 20
    done = run_limited("explain", str(path), cwd=tmp_path)
    assert_refused(done.returncode, done.stdout, done.stderr, "TR-FILE-BOUNDS xlsx_mb_max")


def test_twenty_million_shared_strings_are_refused_before_reading(tmp_path: Path) -> None:
    bomb = (b"<sst>", b"<si><t/></si>" * 100_000, 200, b"</sst>")
    path = write_zip(tmp_path / "strings.xlsx", xlsx_parts(sheet_xml(""), bomb))
    assert path.stat().st_size < 1 << 20
    done = run_limited("explain", str(path), cwd=tmp_path)
    assert_refused(done.returncode, done.stdout, done.stderr, "20000000", "TR-FILE-BOUNDS shared_strings_max")


def test_a_csv_of_commas_is_refused_before_it_becomes_a_grid(tmp_path: Path, capsys) -> None:
    path = tmp_path / "commas.csv"
    path.write_text(("户编号" + "," * 500_000 + "\n") * 30, encoding="utf-8")  # 15 MB, 15 million cells
    code, out, err = run_cli(capsys, "explain", str(path))
    assert_refused(code, out, err, "TR-FILE-BOUNDS sheet_cells_max", "commas")


def test_a_csv_cell_over_131072_characters_rejects_its_row(tmp_path: Path, capsys) -> None:
    path = tmp_path / "long.csv"
    rows = roster_rows(3)
    heads = list(rows[0])
    lines = [",".join(f"{c}" for c in heads)]
    for i, row in enumerate(rows):
        values = [str(row[c]) for c in heads]
        if i == 1:
            values[heads.index("village")] = "村" * 200_000  # was a _csv.Error traceback
        lines.append(",".join(values))
    path.write_text("\n".join(lines), encoding="utf-8")
    code, data = run_json(capsys, "explain", str(path))
    assert code == 3
    _reconciles(data["sheet"], 3, 1)
    (err,) = data["errors"]
    assert err["row"] == 3 and err["field"] == "village" and "32767" in err["zh"] and "32767" in err["en"]
    assert len(err["zh"]) < 200  # the value is not quoted


def test_an_audit_count_of_1e308_is_rejected_by_its_bound_not_wrapped(tmp_path: Path, capsys) -> None:
    from jihua_kit.sheets.templates import audit_template

    from .sheet_fixtures import columns

    path = audit_template(tmp_path / "audit.xlsx", "2013Q2")
    col = columns(path)
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0].cell(3, col["D-EXAM"]).value = 1e308
    wb.worksheets[0].cell(4, col["D-EXAM"]).value = 2**70
    wb.save(path)
    code, data = run_json(capsys, "score", str(path))
    assert code == 3
    _reconciles(data["sheet"], 497, 2)
    # (the template starts blank: the other findings of an inspected row are reported empty too)
    assert [(e["row"], e["field"], e["key"]) for e in data["errors"] if e["field"] == "D-EXAM"] == [
        (3, "D-EXAM", "audit.count_over"), (4, "D-EXAM", "audit.count_over")]  # fmt: skip
    over = next(e for e in data["errors"] if e["field"] == "D-EXAM")
    assert "1000" in over["zh"] and "1000" in over["en"]


# 12, 13: --out and odd digits ---------------------------------------------------------------------


def test_out_never_overwrites_the_roster_nor_fails_with_a_traceback(tmp_path: Path, capsys) -> None:
    path = tmp_path / "roster.xlsx"
    write_roster(path, roster_rows(2))
    before = path.read_bytes()
    (tmp_path / "folder.xlsx").mkdir()
    for out, name in ((path, "roster.xlsx"), (tmp_path / "folder.xlsx", "folder.xlsx"),
                      (tmp_path / "no" / "p.xlsx", "no"), (tmp_path / "p.csv", ".xlsx")):  # fmt: skip
        code, stdout, err = run_cli(capsys, "explain", str(path), "--out", str(out))
        assert_refused(code, stdout, err, "--out", name)
    assert path.read_bytes() == before
    code, stdout, err = run_cli(capsys, "explain", str(path), "--out", "/proc/self/cannot.xlsx")
    assert_refused(code, stdout, err, "/proc/self")
    if os.getuid() != 0:  # root may write anywhere: the permission check cannot be seen
        locked = tmp_path / "locked.xlsx"
        locked.write_bytes(b"")
        locked.chmod(0o444)
        code, stdout, err = run_cli(capsys, "explain", str(path), "--out", str(locked))
        assert_refused(code, stdout, err, "locked.xlsx")


def test_a_failed_write_leaves_the_earlier_file_and_no_traceback(tmp_path: Path, monkeypatch) -> None:
    from jihua_kit.core.errors import KitError
    from jihua_kit.core.xlsx_write import Workbook

    target = tmp_path / "result.xlsx"
    target.write_bytes(b"earlier")
    book = Workbook()
    book.add("a").rows([["x"]])

    def full_disk(*args: object, **kw: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Workbook, "_write", full_disk)
    with pytest.raises(KitError) as err:
        book.save(target)
    assert err.value.key == "out.cannot_write" and "No space left" in str(err.value)
    assert target.read_bytes() == b"earlier" and [p.name for p in tmp_path.iterdir()] == ["result.xlsx"]


def test_digits_of_other_scripts_are_not_read_as_numbers(tmp_path: Path, capsys) -> None:
    odd = ["٤٠", "⁴⁰", "④⓪", "4⓪", "③"]
    path = tmp_path / "digits.xlsx"
    write_roster(path, roster_rows(len(odd) + 1, p1_age=lambda i: odd[i] if i < len(odd) else "４０"))
    code, data = run_json(capsys, "explain", str(path))
    assert code == 3
    _reconciles(data["sheet"], len(odd) + 1, len(odd))  # full-width ４０ is 40; the others are not numbers
    assert {e["field"] for e in data["errors"]} == {"p1_age"}
    assert all(e["key"] == "sheets.not_integer" for e in data["errors"])


# 14: a whole column wrong costs what a good column costs ------------------------------------------


def test_a_roster_whose_whole_age_column_is_birth_years_is_checked_in_one_pass(tmp_path: Path) -> None:
    from jihua_kit.tables.households import check_all_rows

    path = tmp_path / "years.csv"
    rows = roster_rows(10_000, p1_age=lambda i: 1950 + i % 40)
    heads = list(rows[0])
    text = "\n".join([",".join(heads)] + [",".join(str(r[c]) for c in heads) for r in rows])
    path.write_text(text, encoding="utf-8")
    done = run_limited("explain", str(path), "--json", cwd=tmp_path, memory_mb=1024)  # was 53 s and 1.9 GB
    assert done.returncode == 3 and "Traceback" not in done.stderr
    data = json.loads(done.stdout)
    _reconciles(data["sheet"], 10_000, 10_000)
    assert {e["key"] for e in data["errors"]} == {"case.too_large"}
    assert "TR-CASE-BOUNDS" in data["errors"][0]["zh"] and "TR-CASE-BOUNDS" in data["errors"][0]["en"]
    assert not any(id_number(i)[4:-4] in done.stdout for i in range(100))
    import numpy as np
    import pandas as pd

    table, errors = check_all_rows({"household_id": np.array(["a", "b", "c"], dtype=object),
                                    "residence": np.array(["rural"] * 3, dtype=object),
                                    "household_type": np.array(["other"] * 3, dtype=object),
                                    "p1_age": np.array([1975.0, 40.0, 2e300]), "p2_age": np.array([40, 41, 42])},
                                   pd.Index([5, 6, 7]))  # fmt: skip
    assert list(table.index) == [6] and [(e.row, e.field, e.key) for e in errors] == [
        (5, "p1_age", "case.too_large"), (7, "p1_age", "case.too_large")]  # fmt: skip
