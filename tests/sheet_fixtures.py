"""Helpers for the spreadsheet tests: fill templates the way an office would, save them as Excel's
CSV exports would look, patch a formula's cached value (openpyxl cannot write one), read outputs back."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from jihua_kit.cli.main import main
from jihua_kit.core.masking import check_character

CODE_IN_HEADER = re.compile(r"[（(]([^（）()]+)[）)]$")


def run_cli(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    """Run `jihua-kit ARGV` in this process; (exit code, stdout, stderr)."""
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def run_json(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, Any]:
    code, out, _ = run_cli(capsys, *argv, "--json")
    return code, json.loads(out)


def columns(path: Path, header_row: int = 2) -> dict[str, int]:
    """Code -> 1-based column of a template, read from the '名称（code）' headers."""
    ws = openpyxl.load_workbook(path).worksheets[0]
    out = {}
    for cell in ws[header_row]:
        m = CODE_IN_HEADER.search(str(cell.value or ""))
        if m:
            out[m.group(1)] = cell.column
    return out


def set_cached_value(path: Path, ref: str, value: str) -> None:
    """Give the formula in cell `ref` of the first sheet the cached value Excel would have saved."""
    data = {n: zipfile.ZipFile(path).read(n) for n in zipfile.ZipFile(path).namelist()}
    name = "xl/worksheets/sheet1.xml"
    xml = data[name].decode()
    pattern = re.compile(rf'(<c r="{ref}"[^>]*><f>[^<]*</f>)<v\s*/>(</c>)')
    assert pattern.search(xml), f"no formula in {ref}"
    data[name] = pattern.sub(rf"\g<1><v>{value}</v>\g<2>", xml).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, content in data.items():
            zf.writestr(n, content)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)) and abs(value) >= 1e11:  # Excel's General format: 5.20525E+17
        return f"{value:.5E}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def save_csv(xlsx: Path, out: Path, encoding: str) -> Path:
    """The first sheet as Excel's 'Save as CSV' writes it: cached values, merged cells' other parts blank."""
    ws = openpyxl.load_workbook(xlsx, data_only=True).worksheets[0]
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    for row in ws.iter_rows(values_only=True):
        writer.writerow([_text(v) for v in row])
    out.write_bytes(buf.getvalue().encode(encoding))
    return out


def all_cells(path: Path) -> list[str]:
    """Every non-empty cell of every sheet, as text."""
    wb = openpyxl.load_workbook(path, read_only=True)
    return [str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None]


def sheet_rows(path: Path, name: str) -> list[tuple]:
    ws = openpyxl.load_workbook(path, read_only=True)[name]
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def sheet_records(path: Path, name: str) -> list[dict[str, Any]]:
    """Rows of a result sheet as {header: value}."""
    rows = sheet_rows(path, name)
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def header_with(record: dict[str, Any], code: str) -> str:
    """The header of `record` that names `code` in brackets, e.g. '妇检…扣分 (D-EXAM)'."""
    hits = [h for h in record if str(h).endswith(f"({code})")]
    assert len(hits) == 1, (code, list(record))
    return hits[0]


def id_number(seq: int) -> str:
    """A valid 18-character ID number (check character computed), distinct per `seq`."""
    first17 = f"52052519{80 + seq % 20:02d}0101{seq % 1000:03d}"
    return first17 + check_character(first17)
