"""`jihua-kit calendar WHEN [--from DATE] [--holiday DATE ...] [--lang en] [--json]`: due dates."""

from __future__ import annotations

import argparse
import json

import pandas as pd

from jihua_kit.cli.common import add_common
from jihua_kit.core.i18n import t
from jihua_kit.core.textfmt import named, table
from jihua_kit.params.store import default_params
from jihua_kit.rules.calendar_dates import due_dates

NAME = "calendar"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser(NAME, help=t("cli.help.calendar"))
    parser.add_argument("when", help=t("cli.help.calendar_when"))
    parser.add_argument("--from", dest="reward_from", metavar="DATE", help=t("cli.help.calendar_from"))
    parser.add_argument("--holiday", action="append", metavar="DATE", help=t("cli.help.calendar_holiday"))
    add_common(parser)
    return parser


def _day(value: object) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def run(args: argparse.Namespace) -> int:
    dates = due_dates(args.when, default_params(), args.holiday, args.reward_from, args.lang)
    rows = [{**r, "start": _day(r["start"]), "due": _day(r["due"]) or None} for r in dates.to_dict(orient="records")]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    body = [(named(r["name"], r["id"], args.lang), r["start"], r["due"] or "—", r["section"], r["note"]) for r in rows]
    print(table(t("calendar.header", args.lang).split("|"), body))
    return 0
