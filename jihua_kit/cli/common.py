"""What the subcommands share: the common options."""

from __future__ import annotations

import argparse

from jihua_kit.core.i18n import t


def add_common(parser: argparse.ArgumentParser, json_flag: bool = True) -> None:
    """The options every command shares: --lang and (usually) --json."""
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help=t("cli.help.lang"))
    if json_flag:
        parser.add_argument("--json", action="store_true", help=t("cli.help.json"))
