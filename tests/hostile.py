"""Helpers for the hostile-input tests: make rosters and bombs in the test (never checked in), run the
command line in a subprocess under a memory limit, and check what it printed and wrote."""

from __future__ import annotations

import os
import re
import resource
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import openpyxl

from jihua_kit.core.masking import check_character
from jihua_kit.sheets.headers import roster_specs

REPO = Path(__file__).resolve().parent.parent
MEMORY_MB = 1536  # address space a hostile-input subprocess may use (the kit itself needs a few hundred MB)
BOUND_S = 120  # a subprocess still running after this is killed: a bound on the test, not a timing

# A valid household: rural, "other" type, both parents, no children (every benefit rule sees it).
HOUSEHOLD = {"residence": "农村", "household_type": "其他", "p1_age": 40, "p2_age": 42}


def id_number(seq: int, year: int = 1980) -> str:
    """A valid 18-character ID number, distinct per `seq`."""
    first17 = f"520525{year:04d}{seq % 12 + 1:02d}{seq % 28 + 1:02d}{seq % 1000:03d}"
    return first17 + check_character(first17)


def hidden_part(number: str) -> str:
    """What masking hides: the characters between the first four and the last four."""
    return number[4:-4]


def flat(text: str) -> str:
    """Text without spaces and dashes (an ID split by them must not show either)."""
    return re.sub(r"[\s\-]", "", text)


def roster_rows(n: int, **columns: Any) -> list[dict[str, Any]]:
    """`n` valid households (IDs H0001 …, real ID numbers); `columns` overrides a code for every row
    (a value, or a function of the row number 0 … n-1)."""
    rows = []
    for i in range(n):
        row = {"household_id": f"H{i + 1:04d}", "head_name": f"户主{i + 1}", "id_number": id_number(i),
               "village": f"村{i % 3 + 1:03d}", "township": "乡镇01", **HOUSEHOLD}  # fmt: skip
        for code, value in columns.items():
            row[code] = value(i) if callable(value) else value
        rows.append(row)
    return rows


def write_roster(path: Path, rows: list[dict[str, Any]], sheet: str = "花名册", book: Any = None,
                 extra: dict[str, str] | None = None) -> Any:  # fmt: skip
    """A roster sheet as an office writes one (headers '名称（code）' in row 1), via openpyxl."""
    wb = book or openpyxl.Workbook()
    ws = wb.active if book is None else wb.create_sheet()
    ws.title = sheet
    codes = [s.code for s in roster_specs()]
    heads = {s.code: s.header() for s in roster_specs()} | (extra or {})
    used = codes + [c for c in (extra or {}) if c not in codes]
    ws.append([heads[c] for c in used])
    for row in rows:
        ws.append([row.get(c) for c in used])
    if book is None:
        wb.save(path)
    return wb


def run_limited(*argv: str, cwd: Path, memory_mb: int = MEMORY_MB) -> subprocess.CompletedProcess:
    """`jihua-kit ARGV` in a fresh process whose address space is capped at `memory_mb`."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))

    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "jihua_kit", *argv], capture_output=True, text=True, cwd=cwd,
                          env=env, preexec_fn=cap, timeout=BOUND_S)  # fmt: skip


def assert_refused(code: int, out: str, err: str, *names: str, exit_code: int = 2) -> None:
    """Exit code, no traceback, a message in Chinese and English naming each of `names`."""
    text = out + err
    assert code == exit_code, text[-2000:]
    assert "Traceback" not in text and "Error:" in err if exit_code == 2 else "Traceback" not in text
    if exit_code == 2:
        zh, en = err.split("\n", 2)[1], err.split("\n", 2)[2]
        assert re.search(r"[\u4e00-\u9fff]", zh) and re.search(r"[a-z]{3}", en), err
    for name in names:
        assert name in text, (name, text[-2000:])


# ---- xlsx packages made by hand: the parts a reader needs, and a part that unpacks to a bomb.
CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml'
      '.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
      'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application'
      '/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')  # fmt: skip
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships'
        '/officeDocument" Target="xl/workbook.xml"/></Relationships>')  # fmt: skip
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>')  # fmt: skip
BOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
             'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
             'relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
             'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
             '</Relationships>')  # fmt: skip


def sheet_xml(cells: str, dimension: str = "A1:A1") -> bytes:
    head = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    return f'{head}2006/main"><dimension ref="{dimension}"/><sheetData>{cells}</sheetData></worksheet>'.encode()


def _deflate_repeated(head: bytes, chunk: bytes, times: int, tail: bytes) -> tuple[bytes, int, int]:
    """Raw deflate of head + chunk * times + tail without compressing it all: after a full flush the
    compressor forgets the past, so the compressed chunk is the same bytes every time."""
    z = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = z.compress(head) + z.flush(zlib.Z_FULL_FLUSH)
    block = z.compress(chunk) + z.flush(zlib.Z_FULL_FLUSH)
    last = z.compress(tail) + z.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    return first + block * times + last, crc, len(head) + len(chunk) * times + len(tail)


def write_zip(path: Path, parts: dict[str, bytes | tuple[bytes, bytes, int, bytes]]) -> Path:
    """A zip of deflated parts; a part given as (head, chunk, times, tail) unpacks to that repetition."""
    out, central = bytearray(), bytearray()
    for name, content in parts.items():
        if isinstance(content, tuple):
            data, crc, size = _deflate_repeated(*content)
        else:
            z = zlib.compressobj(6, zlib.DEFLATED, -15)
            data, crc, size = z.compress(content) + z.flush(), zlib.crc32(content), len(content)
        raw = name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(raw), 0)
        out += raw + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(data), size,
                               len(raw), 0, 0, 0, 0, 0, offset) + raw  # fmt: skip
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(central), len(out), 0)
    path.write_bytes(bytes(out + central + end))
    return path


def xlsx_parts(sheet: bytes, strings: bytes | tuple = b"<sst/>") -> dict[str, Any]:
    return {"[Content_Types].xml": CT.encode(), "_rels/.rels": RELS.encode(), "xl/workbook.xml": WORKBOOK.encode(),
            "xl/_rels/workbook.xml.rels": BOOK_RELS.encode(), "xl/worksheets/sheet1.xml": sheet,
            "xl/sharedStrings.xml": strings}  # fmt: skip
