"""`jihua-kit explain CASE [--scenario S] [--reading ID=OPTION] [--compare] [--lang en] [--json]`.

A roster spreadsheet (.xlsx/.xls/.csv) instead of a case gives the payment list of every household
(`sheet_commands.explain_sheet`; `--out PAYMENTS.xlsx` writes the workbook, exit code 3 on rejections).
"""

from __future__ import annotations

import argparse

from jihua_kit.cli.common import add_common
from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import t
from jihua_kit.explanations.household import compare, explain
from jihua_kit.params.store import DEFAULT_SCENARIO, SCENARIOS
from jihua_kit.sheets.commands import explain_sheet, is_sheet, sheet_only

NAME = "explain"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser(NAME, help=t("cli.help.explain"))
    parser.add_argument("case", help=t("cli.help.explain_case"))
    parser.add_argument("--scenario", choices=SCENARIOS, default=DEFAULT_SCENARIO, help=t("cli.help.explain_scenario"))
    parser.add_argument(
        "--reading", action="append", default=[], metavar="ID=OPTION", help=t("cli.help.explain_reading")
    )
    parser.add_argument("--compare", action="store_true", help=t("cli.help.explain_compare"))
    parser.add_argument("--out", help=t("cli.help.sheet_out"))
    parser.add_argument("--sheet", help=t("cli.help.sheet"))
    add_common(parser)
    return parser


def readings_from(items: list[str]) -> dict[str, str]:
    """['RA-PENSION-AGE=age65'] -> {'RA-PENSION-AGE': 'age65'}."""
    chosen = {}
    for item in items:
        rid, sep, option = item.partition("=")
        if not sep or not rid.strip() or not option.strip():
            raise KitError("ent.bad_reading_arg", field="--reading", got=item)
        chosen[rid.strip()] = option.strip()
    return chosen


def run(args: argparse.Namespace) -> int:
    readings = readings_from(args.reading)
    if is_sheet(args.case):  # a roster: the payment list of every household, exit 3 when rows were rejected
        if args.compare:
            raise KitError("sheets.compare_roster", field="--compare")
        return explain_sheet(args.case, args.scenario, readings, args.out, args.lang, args.json, args.sheet)
    sheet_only(args)
    if args.compare:
        result = compare(args.case, "baseline", "raised", readings, args.lang)
    else:
        result = explain(args.case, args.scenario, readings, args.lang)
    print(result.to_json() if args.json else result.to_text())
    return 0
