"""Formula cells with no saved value: a workbook written by a program and never opened in Excel.

Readers see such a cell as blank; this finds them in the sheet XML, so the cell is rejected with a
message saying why (in a roster a blank would otherwise take its default). Only sheets that hold
formulas at all are searched.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from pathlib import Path

from jihua_kit.core.a1 import col_index

_SHEET = re.compile(rb"<sheet\b[^>]*>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_REL = re.compile(rb"<Relationship\b[^>]*>")
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_VALUE = re.compile(rb"<v>[^<]+</v>")
_FORMULA = re.compile(rb"<f[ >/]")  # a cell formula element (not <formula1> of a validation)


def _attrs(tag: bytes) -> dict[bytes, bytes]:
    return dict(_ATTR.findall(tag))


def sheet_paths(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the part holding its XML."""
    rels = {a[b"Id"]: a[b"Target"].decode() for a in map(_attrs, _REL.findall(zf.read("xl/_rels/workbook.xml.rels")))}
    out = {}
    for a in map(_attrs, _SHEET.findall(zf.read("xl/workbook.xml"))):
        target = rels.get(a.get(b"r:id", b""), "")
        if target:
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            out[html.unescape(a[b"name"].decode())] = path
    return out


def uncached_formulas(path: str | Path, sheet: str) -> set[tuple[int, int]]:
    """(0-based row, 0-based column) of every formula cell of `sheet` that has no saved value."""
    try:
        with zipfile.ZipFile(path) as zf:
            part = sheet_paths(zf).get(sheet)
            if part is None:
                return set()
            data = zf.read(part)
    except (zipfile.BadZipFile, KeyError, OSError):
        return set()
    found = set()
    # Only the cells: a data validation's <formula1> after </sheetData> is not a cell formula.
    data = data[: data.find(b"</sheetData>")] if b"</sheetData>" in data else data
    at = _FORMULA.search(data)
    while at is not None:
        start, end = data.rfind(b"<c ", 0, at.start()), data.find(b"</c>", at.start())
        cell = data[start:end]
        ref = _REF.search(cell)
        if ref and not _VALUE.search(cell):
            found.add((int(ref.group(2)) - 1, col_index(ref.group(1))))
        at = _FORMULA.search(data, end if end != -1 else at.end())
    return found
