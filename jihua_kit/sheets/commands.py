"""`jihua-kit score SHEET` and `jihua-kit explain ROSTER` for spreadsheets: read, compute on the whole
table, write the result workbook (--out), print a report with no personal data, exit 3 on rejections."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import t
from jihua_kit.core.jsonout import write_json
from jihua_kit.core.masking import scrub
from jihua_kit.core.outputs import check_output_file
from jihua_kit.core.textfmt import format_number
from jihua_kit.explanations.scorecard import iter_unit_records, summary, summary_of
from jihua_kit.params.store import Params
from jihua_kit.rules.deductions import score
from jihua_kit.sheets.audit import read_audit
from jihua_kit.sheets.cells import SheetError, SheetStats
from jihua_kit.sheets.read import SHEET_SUFFIXES
from jihua_kit.sheets.write import REJECTED_EXIT, error_lines, report_head


def is_sheet(path: str | Path) -> bool:
    """True for the spreadsheet files the kit reads (.xlsx, .xlsm, .xls, .csv)."""
    return Path(str(path)).suffix.lower() in SHEET_SUFFIXES


def sheet_only(args: Any) -> None:
    """`--out` and `--sheet` are for spreadsheets: given with a YAML or JSON file, they are an error
    (not silently ignored)."""
    for option, value in (("--out", args.out), ("--sheet", args.sheet)):
        if value is not None:
            raise KitError("sheets.option_for_sheets", field=option)


def error_dict(err: SheetError) -> dict[str, Any]:
    return {"row": err.row, "column": err.letter, "field": err.field, "key": err.key,
            "zh": err.message("zh"), "en": err.message("en")}  # fmt: skip


def _finish(stats: SheetStats, errors: list[SheetError], body: list[str], out: str | None, lang: str,
            redact: bool) -> int:  # fmt: skip
    lines = report_head(stats, lang) + body + error_lines(errors, lang, redact)
    if out:
        lines.append(t("sheets.written", lang, path=out))
    if stats.rejected:
        lines.append(t("sheets.rejected_note" if out else "sheets.rejected_note_no_out", lang, n=stats.rejected))
    print(scrub("\n".join(lines)))
    return REJECTED_EXIT if stats.rejected else 0


def score_sheet(path: str, params: Params, out: str | None, lang: str, as_json: bool, sheet_name: str | None = None
                ) -> int:  # fmt: skip
    """Score every valid row of an audit spreadsheet; write the scorecard workbook when `out` is given."""
    from jihua_kit.sheets.scorecard_book import write_scorecard

    if out:
        check_output_file(out, [path])
    sheet = read_audit(path, params, sheet_name)
    result = score(sheet.table, params) if len(sheet.table) else None
    if out:
        write_scorecard(out, sheet, result, params, lang)
    if as_json:  # one unit and one error per line (the CLI masks ID-like numbers in what it prints)
        records = iter_unit_records(result, params, lang) if result is not None else iter(())
        payload = {"units": records, "summary": summary_of(result) if result is not None else summary([]),
                   "sheet": sheet.stats.to_dict(), "errors": map(error_dict, sheet.errors)}  # fmt: skip
        write_json(payload, ["units", "errors"])
        return REJECTED_EXIT if sheet.stats.rejected else 0
    body = []
    if result is not None:
        total = result.total
        body.append(t("score.summary", lang, units=len(total), total=format_number(total.sum()),
                      mean=format_number(round(float(total.mean()), 2)), max=format_number(total.max()),
                      with_points=int((total > 0).sum())))  # fmt: skip
        flags = t("score.sep", lang).join(
            f"{t(f'assess.flag.{n}', lang)} {int(a.sum())}" for n, a in result.flags.items()
        )
        body.append(t("score.summary_flags", lang, flags=flags))
    else:
        body.append(t("sheets.no_rows_scored", lang))
    return _finish(sheet.stats, sheet.errors, body, out, lang, redact=False)


def _household_records(pay: Any, roster: Any) -> list[dict[str, Any]]:
    """Per household: its lines and totals (no names, no ID numbers) for --json."""
    from jihua_kit.explanations.scorecard import number

    lines = pay.lines
    by_pos: dict[int, list[dict[str, Any]]] = {}
    for rec in lines.itertuples(index=False):
        by_pos.setdefault(int(rec.pos), []).append({"id": rec.id, "kind": rec.kind, "min": number(rec.low),
                                                   "max": number(rec.high), "persons": int(rec.persons),
                                                   "points": number(rec.points)})  # fmt: skip
    h = pay.households
    out = []
    for pos, (row, hid) in enumerate(zip(pay.table.index.tolist(), pay.table["household_id"].tolist(), strict=True)):
        out.append({"row": int(row), "household_id": str(hid), "items": by_pos.get(pos, []),
                    "one_time": {"min": number(h["one_time_min"].iat[pos]), "max": number(h["one_time_max"].iat[pos])},
                    "annual": {"min": number(h["annual_min"].iat[pos]), "max": number(h["annual_max"].iat[pos])},
                    "exam_points": number(h["points"].iat[pos])})  # fmt: skip
    return out


def explain_sheet(path: str, scenario: str, readings: dict[str, str], out: str | None, lang: str,
                  as_json: bool, sheet_name: str | None = None) -> int:  # fmt: skip
    """The payment list of a roster: every valid household computed at once; the workbook with `out`."""
    from jihua_kit.params.store import load_parameters
    from jihua_kit.sheets.payments import payments
    from jihua_kit.sheets.payments_book import summary_rows, write_payments
    from jihua_kit.sheets.roster import read_roster

    params = load_parameters().view(scenario, readings)
    if out:
        check_output_file(out, [path])
    roster = read_roster(path, sheet_name=sheet_name)
    pay = payments(roster.table, params, lang) if len(roster.table) else None
    if out:
        write_payments(out, roster, pay, params, lang)
    if as_json:
        payload = {
            "scenario": scenario,
            "households": _household_records(pay, roster) if pay is not None else [],
            "by_benefit": pay.by_benefit.to_dict("records") if pay is not None else [],
            "sheet": roster.stats.to_dict(),
            "errors": (error_dict(e.redacted()) for e in roster.errors),
        }
        write_json(payload, ["households", "errors"])
        return REJECTED_EXIT if roster.stats.rejected else 0
    shown = [
        (label, format_number(v) if isinstance(v, (int, float)) else v)
        for label, v, _ in summary_rows(pay, params, lang)
    ]
    body = [f"{label}：{value}" if lang == "zh" else f"{label}: {value}" for label, value in shown[:-1]]
    return _finish(roster.stats, roster.errors, body, out, lang, redact=True)
