"""The formula scan (`sheets.formulas`): a data validation's <formula1> is not a cell formula, so a
sheet the kit writes with drop-down lists reads back without "a formula with no saved value"."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from jihua_kit.core.a1 import col_index, col_letter
from jihua_kit.core.xlsx_write import HEADER, Workbook
from jihua_kit.sheets.formulas import uncached_formulas
from jihua_kit.sheets.headers import Headers, Spec
from jihua_kit.sheets.read import read_sheet

HEADERS = Headers([Spec("household_id", "户编号", "household"), Spec("residence", "户籍", "residence")])


def _validated(path: Path) -> Path:
    """Two text columns, a drop-down list on the last one, the last cell text."""
    book = Workbook()
    sheet = book.add("花名册")
    sheet.rows([["户编号", "户籍"]], HEADER)
    sheet.rows([["H1", "农村"], ["H2", "城镇"]])
    sheet.validate("B2:B100", "list", '"农村,城镇"', message="请选择")
    return book.save(path)


def test_a_validation_is_not_a_formula(tmp_path: Path) -> None:
    path = _validated(tmp_path / "v.xlsx")
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml")
    assert b"<formula1>" in xml and b"<f>" not in xml  # the case the scan must tell apart
    assert uncached_formulas(path, "花名册") == set()
    raw = read_sheet(path, HEADERS, ("household_id", "residence"))
    assert raw.formulas == {}
    assert raw.columns["residence"].tolist() == ["农村", "城镇"]


def test_a_cell_formula_without_a_value_is_still_found(tmp_path: Path) -> None:
    path = _validated(tmp_path / "v.xlsx")
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"]
    cell = '<c r="B3" t="inlineStr"><is><t xml:space="preserve">城镇</t></is></c>'.encode()
    parts["xl/worksheets/sheet1.xml"] = xml.replace(cell, b'<c r="B3"><f>A3&amp;""</f></c>')
    assert parts["xl/worksheets/sheet1.xml"] != xml
    with zipfile.ZipFile(path, "w") as zf:
        for name, body in parts.items():
            zf.writestr(name, body)
    assert uncached_formulas(path, "花名册") == {(2, 1)}
    assert read_sheet(path, HEADERS, ("household_id",)).formulas == {"residence": [3]}


@pytest.mark.parametrize(
    ("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA"), (16383, "XFD")]
)
def test_column_letters_both_ways(index: int, letters: str) -> None:
    assert col_letter(index) == letters
    assert col_index(letters) == col_index(letters.encode()) == index
