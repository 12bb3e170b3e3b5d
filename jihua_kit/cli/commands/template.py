"""`jihua-kit template audit|roster FILE.xlsx [--period 2013Q2]`: write a fill-in workbook."""

from __future__ import annotations

import argparse

from jihua_kit.cli.common import add_common
from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import t
from jihua_kit.sheets.templates import audit_template, roster_template

NAME = "template"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser(NAME, help=t("cli.help.template"))
    parser.add_argument("kind", choices=("audit", "roster"), help=t("cli.help.template_kind"))
    parser.add_argument("file", help=t("cli.help.template_file"))
    parser.add_argument("--period", default="", metavar="2013Q2", help=t("cli.help.template_period"))
    add_common(parser, json_flag=False)
    return parser


def run(args: argparse.Namespace) -> int:
    if args.kind == "audit":
        if not args.period:  # every row of a template without its period would be rejected on reading
            raise KitError("audit.need_period", field="--period")
        path = audit_template(args.file, args.period)
    else:
        path = roster_template(args.file)
    print(t("sheets.written", args.lang, path=path))
    return 0
