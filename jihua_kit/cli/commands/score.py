"""`jihua-kit score AUDIT [--lang en] [--json] [--reading ID=OPTION]`: deduction points and flags.

One unit: the full explanation (text), or its record with lines and reasons (`--json`). Several
units: a table and a summary, or `{"units": [...], "summary": {...}}` with `--json`.
To read another file type, extend `read_table`; `score_frame` scores any unit table. Spreadsheets
(.xlsx/.xls/.csv) go to `sheet_commands.score_sheet`: `--out FILE.xlsx` writes the scorecard
workbook, and the exit code is 3 when any row was rejected.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pandas as pd

from jihua_kit.cli.common import add_common
from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import t
from jihua_kit.core.jsonout import write_json
from jihua_kit.core.textfmt import format_number, table
from jihua_kit.explanations.assessment import explain_unit
from jihua_kit.explanations.scorecard import iter_unit_records, summary, summary_of, unit_records
from jihua_kit.params.store import Params, load_parameters
from jihua_kit.rules.deductions import FLAG_NAMES, score
from jihua_kit.sheets.audit import read_audit
from jihua_kit.sheets.commands import is_sheet, score_sheet, sheet_only
from jihua_kit.tables.audits import load_audit

NAME = "score"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser(NAME, help=t("cli.help.score"))
    parser.add_argument("audit", help=t("cli.help.score_audit"))
    parser.add_argument("--reading", action="append", default=[], metavar="ID=OPTION", help=t("cli.help.reading"))
    parser.add_argument("--out", help=t("cli.help.sheet_out"))
    parser.add_argument("--sheet", help=t("cli.help.sheet"))
    add_common(parser)
    return parser


def params_from(readings: list[str]) -> Params:
    """The default scenario with the readings chosen on the command line."""
    chosen = {}
    for item in readings:
        rid, sep, option = item.partition("=")
        if not sep:
            raise KitError("score.bad_reading_arg", field="--reading", got=item)
        chosen[rid.strip()] = option.strip()
    return load_parameters().view(readings=chosen)


def read_table(path: str | Path, params: Params) -> pd.DataFrame:
    """The unit table of an audit file (YAML or JSON), or the valid rows of a spreadsheet (.xlsx/.csv)."""
    if is_sheet(path):
        return read_audit(path, params).table
    return load_audit(Path(path), params)


def score_frame(units: pd.DataFrame, params: Params, lang: str = "zh") -> list[dict[str, Any]]:
    """Score a unit table; one record per unit (`total_points`, `items`, `flags`, `consequences`)."""
    return unit_records(score(units, params), params, lang)


def summary_text(records: list[dict[str, Any]], lang: str) -> str:
    head = t("score.header", lang).split("|")
    rows = []
    for r in records:
        raised = [t(f"assess.flag.{name}", lang) for name in FLAG_NAMES if r["flags"][name]]
        rows.append((r["unit_id"], r["unit_name"], r["period"], format_number(r["total_points"]),
                     t("score.sep", lang).join(raised) or "—"))  # fmt: skip
    s = summary(records)
    flags = t("score.sep", lang).join(f"{t(f'assess.flag.{n}', lang)} {c}" for n, c in s["flags"].items())
    lines = [table(head, rows), ""]
    lines.append(t("score.summary", lang, units=s["units"], total=format_number(s["total_points"]),
                   mean=format_number(s["mean_points"]), max=format_number(s["max_points"]),
                   with_points=s["units_with_points"]))  # fmt: skip
    lines.append(t("score.summary_flags", lang, flags=flags))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    params = params_from(args.reading)
    if is_sheet(args.audit):  # spreadsheets: every row accounted for, a workbook with --out, exit 3 on rejections
        return score_sheet(args.audit, params, args.out, args.lang, args.json, args.sheet)
    sheet_only(args)
    units = read_table(args.audit, params)
    if len(units) == 1:
        explanation = explain_unit(units, params, args.lang)
        print(explanation.to_json() if args.json else explanation.to_text())
        return 0
    result = score(units, params)
    if args.json:  # one unit per line, written as it is made: 100,000 units stream out
        write_json({"units": iter_unit_records(result, params, args.lang), "summary": summary_of(result)}, ["units"])
    else:
        print(summary_text(unit_records(result, params, args.lang), args.lang))
    return 0
