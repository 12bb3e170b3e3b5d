"""Parts shared by the result workbooks and the terminal reports: the 汇总 (summary) and 错误 (errors)
sheets, the row reconciliation, and the progress bar for long files."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from jihua_kit.core.i18n import t
from jihua_kit.core.masking import quote, scrub
from jihua_kit.core.xlsx_write import HEADER, TITLE, WRAP, Workbook
from jihua_kit.sheets.cells import SheetError, SheetStats

LONG_FILE = 5_000  # rows from which a progress bar is shown (on a terminal only)
PRINTED_ERRORS = 20
LISTED = 10  # merged ranges named in a report line before '… N in all'
REJECTED_EXIT = 3  # exit code when any row was rejected (2 stays "the file could not be used at all")


def progress(total: int, desc: str) -> Any:
    """A tqdm bar on stderr for long files; silent when stderr is not a terminal or the file is short."""
    from tqdm.auto import tqdm

    quiet = total < LONG_FILE or not sys.stderr.isatty()
    return tqdm(total=total, desc=desc, file=sys.stderr, disable=quiet, unit="行", leave=False)


def save_book(book: Workbook, path: str | Path, desc: str) -> Path:
    """Save a result workbook, with a progress bar over its rows when there are many."""
    with progress(book.row_count(), desc) as bar:
        return book.save(path, bar.update)


def reconcile_text(stats: SheetStats, lang: str) -> str:
    """'读入 N 行 = 计入 A 行 + 拒收 R 行；另有空行 B 行，已跳过' (and a warning if it ever failed)."""
    key = "sheets.reconcile_uninspected" if stats.uninspected else "sheets.reconcile"
    text = t(key, lang, rows_in=stats.rows_in, accepted=stats.accepted, rejected=stats.rejected,
             blank=len(stats.blank_rows), uninspected=len(stats.uninspected))  # fmt: skip
    return text if stats.reconciles else f"{text}  {t('sheets.reconcile_broken', lang)}"


def source_text(stats: SheetStats, lang: str) -> str:
    enc = t("sheets.encoding", lang, enc=stats.encoding) if stats.encoding else ""
    return t("sheets.source", lang, file=stats.file, sheet=stats.sheet, row=stats.header_row, encoding=enc)


def _columns_text(items: Iterable[str], lang: str) -> str:
    items = [i for i in items if i]
    return "、".join(items) if items and lang == "zh" else ", ".join(items) if items else t("sheets.sum.none", lang)


def _some_text(items: list[str], lang: str) -> str:
    """The first `LISTED` items, and how many there are in all."""
    text = _columns_text(items[:LISTED], lang)
    return text if len(items) <= LISTED else text + t("sheets.and_more", lang, n=len(items))


def stats_rows(stats: SheetStats, lang: str) -> list[list[Any]]:
    """Rows (label, value, English label) describing how the rows were accounted for."""
    other = "en" if lang == "zh" else "zh"

    def row(key: str, value: Any) -> list[Any]:
        return [t(key, lang), value, t(key, other)]

    extras = [f"{letter} {head}".strip() for letter, head in stats.extras]
    return [
        row("sheets.sum.source", source_text(stats, lang)),
        row("sheets.sum.rows_in", stats.rows_in),
        row("sheets.sum.accepted", stats.accepted),
        row("sheets.sum.rejected", stats.rejected),
        *([row("sheets.sum.uninspected", len(stats.uninspected))] if stats.uninspected else []),
        row("sheets.sum.blank", len(stats.blank_rows)),
        row("sheets.sum.blank_rows", _columns_text([str(r) for r in stats.blank_rows], lang)),
        row("sheets.sum.check", reconcile_text(stats, lang)),
        row("sheets.sum.extras", _columns_text(extras, lang)),
        row("sheets.sum.missing", _columns_text(stats.missing, lang)),
        row("sheets.sum.merged", _some_text(stats.merged, lang)),
        row("sheets.sum.hidden", _columns_text(stats.skipped, lang)),
    ]


def summary_sheet(book: Workbook, title: str, stats: SheetStats, more: list[list[Any]], lang: str) -> None:
    """The 汇总 sheet: a title, the reconciliation, then `more` rows (label, value, English label)."""
    sheet = book.add(t("sheets.sheet.summary", "zh"))
    sheet.rows([[title]], TITLE)
    sheet.rows([[t("sheets.col.item", lang), t("sheets.col.value", lang), t("sheets.col.item_en", lang)]], HEADER)
    sheet.rows([[scrub(str(c)) if isinstance(c, str) else c for c in r] for r in stats_rows(stats, lang) + more], WRAP)
    sheet.widths = {0: 36, 1: 60, 2: 40}


def errors_frame(errors: list[SheetError], lang: str) -> pd.DataFrame:
    """One row per rejected cell or row: where it is, and the message in Chinese and English."""
    cols = ("row", "letter", "header", "field", "ident", "message_zh", "message_en")
    return pd.DataFrame(
        {
            t("sheets.col.row", lang): pd.Series([e.row for e in errors], dtype=object),
            t("sheets.col.letter", lang): [e.letter for e in errors],
            t("sheets.col.header", lang): [quote(e.header) for e in errors],
            t("sheets.col.field", lang): [e.field for e in errors],
            t("sheets.col.ident", lang): [quote(e.ident) for e in errors],
            t("sheets.col.message_zh", lang): [e.message("zh") for e in errors],
            t("sheets.col.message_en", lang): [e.message("en") for e in errors],
        },
        columns=[t(f"sheets.col.{c}", lang) for c in cols],
    )


def errors_sheet(book: Workbook, errors: list[SheetError], lang: str) -> None:
    """The 错误 sheet (always present, with its header even when nothing was rejected)."""
    sheet = book.add(t("sheets.sheet.errors", "zh"))
    sheet.frame(errors_frame(errors, lang))
    sheet.widths.update({5: 60, 6: 60})
    sheet.freeze = (1, 0)


def error_lines(errors: list[SheetError], lang: str, redact: bool) -> list[str]:
    """The first rejected cells for the terminal (values hidden when the sheet holds personal data)."""
    if not errors:
        return []
    shown = [(e.redacted() if redact else e).message(lang) for e in errors[:PRINTED_ERRORS]]
    lines = [t("sheets.rejected_list", lang, n=len(shown)), *(f"  {scrub(s)}" for s in shown)]
    if len(errors) > PRINTED_ERRORS:
        lines.append(t("sheets.rejected_more", lang, n=len(errors) - PRINTED_ERRORS))
    return lines


def report_head(stats: SheetStats, lang: str) -> list[str]:
    """Source, reconciliation, extra and missing columns: the first lines of every sheet report."""
    lines = [source_text(stats, lang), reconcile_text(stats, lang)]
    if stats.extras:
        lines.append(t("sheets.extras", lang, cols=_columns_text([f"{a} {b}".strip() for a, b in stats.extras], lang)))
    if stats.missing:
        lines.append(t("sheets.missing", lang, cols=_columns_text(stats.missing, lang)))
    if stats.merged:
        lines.append(t("sheets.merged_filled", lang, cells=_some_text(stats.merged, lang)))
    if stats.skipped:
        lines.append(t("sheets.hidden_not_read", lang, sheets=_columns_text(stats.skipped, lang)))
    return [scrub(line) for line in lines]
