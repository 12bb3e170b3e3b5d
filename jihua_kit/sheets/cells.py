"""Cells of a spreadsheet column -> typed values, and the errors of the cells that are not.

Each column is parsed per distinct value (`pandas.factorize`), so a 50,000-row column with a few
hundred distinct entries costs a few hundred parses. A number cell holding a Chinese numeral or any
other text is an error naming the cell; nothing is converted by guesswork.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import t
from jihua_kit.core.masking import quote, scrub
from jihua_kit.params.limits import FILE_BOUNDS, bound
from jihua_kit.sheets.headers import fold, value_words
from jihua_kit.sheets.read import RawSheet

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$", re.ASCII)  # ASCII digits only: '٣' is not 3
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(\s+0{1,2}:00(:00)?)?$", re.ASCII)
CHINESE_NUMERALS = set("零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟")


@dataclass(frozen=True)
class Bad:
    """A cell that could not be read: the message key and its arguments."""

    key: str
    info: tuple[tuple[str, Any], ...] = ()


@dataclass
class SheetError:
    """One rejected cell (or row): where it is and what is wrong, in Chinese and English."""

    row: int | None
    field: str
    key: str
    info: dict[str, Any] = field(default_factory=dict)
    letter: str = ""
    header: str = ""
    ident: str = ""  # the unit or household ID of the row, when known

    def text(self, lang: str = "zh") -> str:
        return scrub(t(self.key, lang, **{k: quote(v) for k, v in self.info.items()}))

    def column(self, lang: str = "zh") -> str:
        """The column as the user typed its heading, with the code after it when the heading lacks
        it: '“妇检漏检、漏统或虚假（D-EXAM）”', '“妇检问题（D-EXAM）”', or the bare code."""
        head = " ".join(str(self.header or "").split())
        if not head or head == self.field:
            return self.field
        if self.field and self.field not in head:
            head += f"（{self.field}）" if lang == "zh" else f" ({self.field})"
        return f"“{head}”" if lang == "zh" else f'"{head}"'

    def message(self, lang: str = "zh") -> str:
        """'第 12 行“妇检漏检、漏统或虚假（D-EXAM）”列（F）：'三' 不是整数……'."""
        name = self.column(lang)
        if self.row is None:
            where = t("sheets.where_column", lang, field=name, letter=self.letter or "?")
        else:
            where = t("sheets.where_cell", lang, row=self.row, field=name, letter=self.letter or "?")
        return f"{where}：{self.text(lang)}" if lang == "zh" else f"{where}: {self.text(lang)}"

    def redacted(self) -> SheetError:
        """The same error without the cell's text (for the terminal when a sheet holds personal data)."""
        info = {k: ("…" if k == "got" and isinstance(v, str) else v) for k, v in self.info.items()}
        return SheetError(self.row, self.field, self.key, info, self.letter, self.header, self.ident)


def from_kit_error(err: KitError, sheet: RawSheet, rows: np.ndarray | None = None) -> SheetError:
    """A table validator's error (row = position when `rows` is given, else the sheet row)."""
    row = err.row
    if rows is not None and row is not None:
        row = int(rows[int(row)])
    code = err.field or ""
    ident = err.where.get("unit") or ""
    return SheetError(row, code, err.key, dict(err.info), sheet.letters.get(code, ""), sheet.headers.get(code, ""),
                      str(ident))  # fmt: skip


def cell_chars_max() -> int:
    return bound(FILE_BOUNDS, "cell_chars_max")


def as_text(value: Any) -> str:
    """A cleaned cell as text ('' when blank; 12.0 -> '12')."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def per_unique(col: np.ndarray, fn: Callable[[Any], Any], blank: Any) -> np.ndarray:
    """fn applied to each distinct non-blank cell, spread back over the column (blank for None)."""
    codes, uniques = pd.factorize(pd.Series(col, dtype=object), use_na_sentinel=True)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    mapped[:-1] = [fn(u) for u in uniques]
    mapped[-1] = blank
    return mapped[codes]


def parse_whole(value: Any) -> Any:
    """A cell of a whole-number column -> float, or Bad (Chinese numeral, other text, a fraction)."""
    if isinstance(value, float):
        num = value
    elif _NUMBER.match(value):
        num = float(value)
    elif all(ch in CHINESE_NUMERALS for ch in value):
        return Bad("sheets.chinese_numeral", (("got", value),))
    else:
        return Bad("sheets.not_integer", (("got", value),))
    if not num.is_integer():
        return Bad("sheets.not_whole", (("got", value if isinstance(value, str) else num),))
    return num


def word_parser(kind: str, allowed: str) -> Callable[[Any], Any]:
    """A parser for a choice column: the words of `values[kind]` -> their value, else Bad."""
    words = value_words(kind)

    def parse(value: Any) -> Any:
        key = fold(as_text(value))
        if key in words:
            return words[key]
        return Bad("sheets.bad_choice", (("got", as_text(value)), ("allowed", allowed)))

    return parse


def iso_date(value: Any) -> Any:
    """'2013/7/5', '2013年7月5日', '2013-07-05' -> '2013-07-05'; other text unchanged (checked later)."""
    text = as_text(value)
    m = _DATE.match(text)
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else text


class Cells:
    """Parses the columns of one `RawSheet`, collecting an error per bad cell; `bad` marks the rows."""

    def __init__(self, sheet: RawSheet, ident: str) -> None:
        self.sheet = sheet
        self.errors: list[SheetError] = []
        self.bad = np.zeros(len(sheet), dtype=bool)
        self.ident = np.array([as_text(v) for v in sheet.columns.get(ident, [None] * len(sheet))], dtype=object)
        self.formula = {code: np.isin(sheet.rows, rows) for code, rows in sheet.formulas.items()}
        for code, mask in self.formula.items():
            self.fail(mask, code, "sheets.formula_no_value")
        for code, rows in sheet.too_long.items():  # read as blank; an error, not a blank
            mask = np.isin(sheet.rows, rows)
            self.formula[code] = self.formula.get(code, np.zeros(len(sheet), dtype=bool)) | mask
            self.fail(mask, code, "sheets.cell_too_long", max=cell_chars_max(), bound=FILE_BOUNDS)

    def column(self, code: str) -> np.ndarray:
        return self.sheet.columns.get(code, np.full(len(self.sheet), None, dtype=object))

    def fail(self, mask: np.ndarray, code: str, key: str, got: np.ndarray | None = None, **info: Any) -> None:
        """Record an error for every row where `mask` holds."""
        for pos in np.flatnonzero(mask):
            extra = {"got": got[pos]} if got is not None else {}
            self.errors.append(SheetError(int(self.sheet.rows[pos]), code, key, {**extra, **info},
                                          self.sheet.letters.get(code, ""), self.sheet.headers.get(code, ""),
                                          str(self.ident[pos])))  # fmt: skip
        self.bad |= mask

    def parsed(self, code: str, fn: Callable[[Any], Any], blank: Any) -> np.ndarray:
        """fn over the column; cells that give `Bad` are recorded, and read as `blank`."""
        codes, uniques = pd.factorize(pd.Series(self.column(code), dtype=object), use_na_sentinel=True)
        results = [fn(u) for u in uniques]
        failed = np.array([isinstance(r, Bad) for r in results] + [False], dtype=bool)
        good = np.empty(len(results) + 1, dtype=object)
        good[:] = [blank if isinstance(r, Bad) else r for r in results] + [blank]
        is_bad = failed[codes]
        for pos in np.flatnonzero(is_bad):
            bad = results[codes[pos]]
            self.errors.append(SheetError(int(self.sheet.rows[pos]), code, bad.key, dict(bad.info),
                                          self.sheet.letters.get(code, ""), self.sheet.headers.get(code, ""),
                                          str(self.ident[pos])))  # fmt: skip
        self.bad |= is_bad
        return good[codes]

    def blank(self, code: str) -> np.ndarray:
        """Blank cells of a column (a formula with no saved value, or a cell too long to read, is
        already an error, not a blank)."""
        blank = pd.isna(self.column(code))
        return blank & ~self.formula[code] if code in self.formula else blank

    def sorted_errors(self, order: list[str]) -> list[SheetError]:
        rank = {c: i for i, c in enumerate(order)}
        return sorted(self.errors, key=lambda e: (e.row or 0, rank.get(e.field, len(rank)), e.key))


@dataclass
class SheetStats:
    """How the rows of a sheet were accounted for: rows in = accepted + rejected, always."""

    file: str
    sheet: str
    encoding: str
    header_row: int
    rows_in: int
    accepted: int
    rejected: int
    blank_rows: list[int]
    extras: list[tuple[str, str]]
    missing: list[str]  # our columns the sheet does not have (taken as their empty value)
    merged: list[str] = field(default_factory=list)  # merged data cells given to every row they cover
    skipped: list[str] = field(default_factory=list)  # hidden sheets with the same header, not read
    uninspected: list[int] = field(default_factory=list)  # audit rows of units not inspected (set aside)

    @property
    def reconciles(self) -> bool:
        return self.rows_in == self.accepted + self.rejected + len(self.uninspected)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file, "sheet": self.sheet, "encoding": self.encoding, "header_row": self.header_row,
            "rows_in": self.rows_in, "accepted": self.accepted, "rejected": self.rejected,
            "blank_rows": list(self.blank_rows), "extra_columns": [f"{a} {b}".strip() for a, b in self.extras],
            "missing_columns": list(self.missing), "merged_cells_filled": list(self.merged),
            "hidden_sheets_not_read": list(self.skipped), "uninspected_rows": list(self.uninspected),
        }  # fmt: skip


def stats_of(sheet: RawSheet, accepted: int, rejected_mask: np.ndarray, expected: list[str]) -> SheetStats:
    return SheetStats(sheet.file, sheet.sheet, sheet.encoding, sheet.header_row, len(sheet), accepted,
                      int(rejected_mask.sum()), list(sheet.blank_rows), list(sheet.extras),
                      [c for c in expected if c not in sheet.columns], list(sheet.merged),
                      list(sheet.skipped))  # fmt: skip
