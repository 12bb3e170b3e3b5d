"""A small, fast xlsx writer: cells of text and numbers, bold headers, frozen panes, merged cells,
data validation and one picture per sheet.

Large tables are turned into sheet XML column by column (numpy string operations), so 50,000
rows take well under a second; general-purpose writers spend tens of microseconds per cell.
The package holds only the parts Excel, WPS and LibreOffice need (inline strings, one styles
part). Nothing is timestamped: the same content gives the same bytes. Every text cell passes through
`masking.scrub`, so no workbook the kit writes holds a full ID number, whichever column it was in.
The file is written beside its destination and moved into place when complete: a failed write
leaves any earlier file as it was, and is a `KitError`, not a traceback.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jihua_kit.core.a1 import col_letter
from jihua_kit.core.errors import KitError
from jihua_kit.core.masking import scrub
from jihua_kit.core.textfmt import width
from jihua_kit.core.xlsx_parts import CT, FIXED_XFS, HEAD, ILLEGAL, NS, R_NS, Picture, drawing, entry, escape, rels
from jihua_kit.core.xlsx_parts import styles as styles_part

NORMAL, HEADER, WRAP, TITLE, TEXT = 0, 1, 2, 3, 4  # TEXT: the '@' format (ID numbers stay text)
_QUICK_ID = re.compile(r"\d(?:[ \-]?\d){14}")  # 15 digits together: the cells to scrub
CHUNK_ROWS = 5000


def _cell(ref: str, value: Any, style: int, mask: bool = True) -> str:
    s = f' s="{style}"' if style else ""
    if value is None or value == "" or (isinstance(value, float) and not np.isfinite(value)):
        return f'<c r="{ref}"{s}/>' if style else ""
    if isinstance(value, (bool, np.bool_)):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float, np.integer, np.floating)):
        return (
            f'<c r="{ref}"{s}><v>{value!r}</v></c>'
            if isinstance(value, float)
            else f'<c r="{ref}"{s}><v>{value}</v></c>'
        )
    text = scrub(str(value)) if mask else str(value)
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def _column_cells(values: pd.Series, refs: np.ndarray, mask: bool = True) -> np.ndarray:
    """The cell XML of one column (object array of str; '' for an empty cell)."""
    kind = values.dtype.kind
    if kind in "iu":
        return '<c r="' + refs + '"><v>' + values.to_numpy().astype(str).astype(object) + "</v></c>"
    if kind == "f":
        num = values.to_numpy(dtype=float)
        finite = np.isfinite(num)
        whole = finite & (num == np.round(num)) & (np.abs(num) < 1e15)
        if whole.all():  # counts, points and yuan are usually whole: no per-cell formatting
            text = num.astype(np.int64).astype(str).astype(object)
        else:
            text = np.array([repr(x) for x in num.tolist()], dtype=object)
        return np.where(finite, '<c r="' + refs + '"><v>' + text + "</v></c>", "")
    if kind == "b":
        return '<c r="' + refs + '" t="b"><v>' + values.to_numpy().astype(int).astype(str).astype(object) + "</v></c>"
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        raw = values.to_numpy(dtype=object)
        blank = pd.isna(raw) | (raw == "")
        text = np.where(blank, "", raw).astype(object)
        joined = "\n".join(text.tolist())  # a line break: no ID-like run can span two cells
        if mask and _QUICK_ID.search(joined):  # rare: an ID-like number somewhere in the column
            text = np.array([scrub(v) for v in text.tolist()], dtype=object)
        if ILLEGAL.search(joined) or any(ch in joined for ch in "&<>"):  # rare: escape cell by cell
            text = np.array([escape(v) for v in text.tolist()], dtype=object)
        xml = '<c r="' + refs + '" t="inlineStr"><is><t xml:space="preserve">' + text + "</t></is></c>"
        return np.where(blank, "", xml)
    cells = [_cell(r, v, NORMAL, mask) for r, v in zip(refs.tolist(), values.tolist(), strict=True)]
    return np.array(cells, dtype=object)


@dataclass
class Sheet:
    """One worksheet: blocks of rows added in order, then layout (widths, merges, validation)."""

    name: str
    parts: list[tuple[int, Any]] = field(default_factory=list)  # (first row, rows list or DataFrame)
    next_row: int = 1
    widths: dict[int, float] = field(default_factory=dict)
    col_styles: dict[int, int] = field(default_factory=dict)  # column -> style of its empty cells
    merges: list[str] = field(default_factory=list)
    validations: list[str] = field(default_factory=list)
    freeze: tuple[int, int] | None = None  # rows, columns kept in view
    picture: Picture | None = None
    max_col: int = 1

    def rows(
        self, rows: Iterable[Sequence[Any]], style: int = NORMAL, styles: Sequence[Sequence[int]] | None = None
    ) -> int:
        """Append small rows of values: `style` for every cell, or `styles` cell by cell (rows of
        style numbers shaped like `rows`, e.g. from `Workbook.number_format`). Returns the first row's number."""
        rows = [list(r) for r in rows]
        first = self.next_row
        self.parts.append((first, (rows, style, styles)))
        self.next_row += len(rows)
        self.max_col = max([self.max_col, *(len(r) for r in rows)])
        return first

    def frame(self, df: pd.DataFrame, header: bool = True) -> int:
        """Append a table: a bold header row (the column names), then its rows. Returns the header row."""
        first = self.next_row
        if header:
            self.rows([[str(c) for c in df.columns]], HEADER)
        self.parts.append((self.next_row, df))
        self.next_row += len(df)
        self.max_col = max(self.max_col, len(df.columns))
        self.fit(df, first)
        return first

    def fit(self, df: pd.DataFrame, header_row: int | None = None, limit: float = 40) -> None:
        """Column widths from the header and the first rows of `df` (wide characters count twice)."""
        for j, col in enumerate(df.columns):
            sample = [str(v) for v in df[col].head(200).tolist() if v is not None and v == v]
            longest = max([width(str(col)) if header_row else 0, *(width(s) for s in sample)], default=8)
            self.widths[j] = max(self.widths.get(j, 0), min(limit, longest + 2))

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        self.merges.append(f"{col_letter(first_col)}{first_row}:{col_letter(last_col)}{last_row}")

    def validate(self, ref: str, kind: str, formula1: str, formula2: str | None = None, message: str = "") -> None:
        """Data validation: kind 'whole' (between formula1 and formula2) or 'list' (formula1 = '"a,b"')."""
        op = ' operator="between"' if kind == "whole" else ""
        text = escape(message)
        f2 = f"<formula2>{formula2}</formula2>" if formula2 is not None else ""
        self.validations.append(
            f'<dataValidation type="{kind}"{op} allowBlank="1" showInputMessage="1" showErrorMessage="1" '
            f'errorTitle="{text[:32]}" error="{text}" sqref="{ref}"><formula1>{escape(formula1)}</formula1>{f2}'
            "</dataValidation>"
        )

    def _xml_rows(self, mask: bool) -> Iterable[tuple[str, int]]:
        for first, part in self.parts:
            if isinstance(part, pd.DataFrame):
                yield from _frame_xml(part, first, mask)
            else:
                rows, style, styles = part
                out = []
                for i, row in enumerate(rows):
                    cell_styles = styles[i] if styles is not None else [style] * len(row)
                    cells = "".join(
                        _cell(f"{col_letter(j)}{first + i}", v, s, mask)
                        for j, (v, s) in enumerate(zip(row, cell_styles, strict=True))
                    )
                    out.append(f'<row r="{first + i}">{cells}</row>')
                yield "".join(out), len(rows)

    def write(self, out: Any, drawing_rel: str | None, progress: Callable[[int], None], mask: bool = True) -> None:
        last = max(self.next_row - 1, 1)
        out.write(f'{HEAD}<worksheet {NS} {R_NS}><dimension ref="A1:{col_letter(self.max_col - 1)}{last}"/>'.encode())
        pane = ""
        if self.freeze:
            r, c = self.freeze
            top = f"{col_letter(c)}{r + 1}"
            xs = f' xSplit="{c}"' if c else ""
            ys = f' ySplit="{r}"' if r else ""
            active = "bottomRight" if r and c else "bottomLeft" if r else "topRight"
            pane = f'<pane{xs}{ys} topLeftCell="{top}" activePane="{active}" state="frozen"/>'
        out.write(f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'.encode())
        out.write(b'<sheetFormatPr defaultRowHeight="15"/>')
        if self.widths or self.col_styles:
            cols = ""
            for j in sorted(set(self.widths) | set(self.col_styles)):
                w = self.widths.get(j, 10.0)
                style = f' style="{self.col_styles[j]}"' if j in self.col_styles else ""
                cols += f'<col min="{j + 1}" max="{j + 1}" width="{w:.1f}" customWidth="1"{style}/>'
            out.write(f"<cols>{cols}</cols>".encode())
        out.write(b"<sheetData>")
        for xml, n in self._xml_rows(mask):
            out.write(xml.encode())
            progress(n)
        out.write(b"</sheetData>")
        if self.merges:
            refs = "".join(f'<mergeCell ref="{m}"/>' for m in self.merges)
            out.write(f'<mergeCells count="{len(self.merges)}">{refs}</mergeCells>'.encode())
        if self.validations:
            body = "".join(self.validations)
            out.write(f'<dataValidations count="{len(self.validations)}">{body}</dataValidations>'.encode())
        out.write(b'<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>')
        if drawing_rel:
            out.write(f'<drawing r:id="{drawing_rel}"/>'.encode())
        out.write(b"</worksheet>")


def _frame_xml(df: pd.DataFrame, first: int, mask: bool = True) -> Iterable[tuple[str, int]]:
    for start in range(0, len(df), CHUNK_ROWS):
        part = df.iloc[start : start + CHUNK_ROWS]
        nums = np.arange(first + start, first + start + len(part)).astype(str).astype(object)
        cols = [_column_cells(part.iloc[:, j], col_letter(j) + nums, mask) for j in range(part.shape[1])]
        heads = '<row r="' + nums + '">'
        rows = ["".join(t) + "</row>" for t in zip(heads.tolist(), *(c.tolist() for c in cols), strict=True)]
        yield "".join(rows), len(part)


class Workbook:
    """Sheets in order; `save(path)` writes the package. `progress(n)` is called per block of rows.

    `mask_ids=False` writes text as given: only for making test and benchmark input, never for an output.
    """

    def __init__(self, mask_ids: bool = True) -> None:
        self.sheets: list[Sheet] = []
        self.mask_ids = mask_ids
        self.formats: list[str] = []  # number formats, each a cell style after the fixed ones

    def number_format(self, code: str) -> int:
        """The cell style that shows numbers in the Excel format `code` ('#,##0', '0.0%', ...)."""
        if code not in self.formats:
            self.formats.append(code)
        return FIXED_XFS + self.formats.index(code)

    def row_count(self) -> int:
        """Rows to be written over all sheets (for a progress bar)."""
        return sum(
            len(part) if isinstance(part, pd.DataFrame) else len(part[0]) for s in self.sheets for _, part in s.parts
        )

    def add(self, name: str) -> Sheet:
        sheet = Sheet(name)
        self.sheets.append(sheet)
        return sheet

    def save(self, path: str | Path, progress: Callable[[int], None] = lambda n: None) -> Path:
        path = Path(path)
        pics = [i for i, s in enumerate(self.sheets, 1) if s.picture]
        types = [f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{CT}spreadsheetml.worksheet+xml"/>'
                 for i in range(1, len(self.sheets) + 1)]  # fmt: skip
        types += [f'<Override PartName="/xl/drawings/drawing{i}.xml" ContentType="{CT}drawing+xml"/>' for i in pics]
        content_types = (
            f'{HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{CT}spreadsheetml.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{CT}spreadsheetml.styles+xml"/>{"".join(types)}</Types>'
        )
        sheets = "".join(f'<sheet name="{escape(s.name)}" sheetId="{i}" r:id="rId{i}"/>'
                         for i, s in enumerate(self.sheets, 1))  # fmt: skip
        workbook = (f'{HEAD}<workbook {NS} {R_NS}><bookViews><workbookView activeTab="0"/></bookViews>'
                    f"<sheets>{sheets}</sheets></workbook>")  # fmt: skip
        n = len(self.sheets)
        book_rels = [(f"rId{i}", "worksheet", f"worksheets/sheet{i}.xml") for i in range(1, n + 1)]
        book_rels.append((f"rId{n + 1}", "styles", "styles.xml"))
        part = path.with_name(f".{path.name}.{os.getpid()}.part")
        try:
            self._write(part, content_types, workbook, book_rels, progress)
            os.replace(part, path)
        except OSError as exc:
            part.unlink(missing_ok=True)
            raise KitError("out.cannot_write", file=path.name, detail=exc.strerror or type(exc).__name__) from None
        except BaseException:
            part.unlink(missing_ok=True)
            raise
        return path

    def _write(self, path: Path, content_types: str, workbook: str, book_rels: list, progress: Callable) -> None:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            zf.writestr(entry("[Content_Types].xml"), content_types)
            zf.writestr(entry("_rels/.rels"), rels([("rId1", "officeDocument", "xl/workbook.xml")]))
            zf.writestr(entry("xl/workbook.xml"), workbook)
            zf.writestr(entry("xl/_rels/workbook.xml.rels"), rels(book_rels))
            zf.writestr(entry("xl/styles.xml"), styles_part(tuple(self.formats)))
            for i, sheet in enumerate(self.sheets, 1):
                with zf.open(entry(f"xl/worksheets/sheet{i}.xml"), "w", force_zip64=True) as out:
                    sheet.write(out, "rId1" if sheet.picture else None, progress, self.mask_ids)
                if sheet.picture:
                    zf.writestr(entry(f"xl/worksheets/_rels/sheet{i}.xml.rels"),
                                rels([("rId1", "drawing", f"../drawings/drawing{i}.xml")]))  # fmt: skip
                    zf.writestr(entry(f"xl/drawings/drawing{i}.xml"), drawing(sheet.picture))
                    zf.writestr(entry(f"xl/drawings/_rels/drawing{i}.xml.rels"),
                                rels([("rId1", "image", f"../media/image{i}.png")]))  # fmt: skip
                    zf.writestr(entry(f"xl/media/image{i}.png"), sheet.picture.png)
