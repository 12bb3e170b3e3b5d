"""The `jihua-kit` command: one subcommand per module in `jihua_kit/cli/commands/`.

Each command module defines `NAME`, `register(subparsers)` and `run(args) -> int`. Bad input
raises `KitError`; it is printed in Chinese and English and the exit code is 2. Everything a command
prints, on stdout and stderr (reports, `--json`, errors, argparse's usage errors), passes through
`masking.scrub`: no ID number reaches the terminal or a log in full, whichever file it came from.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from jihua_kit.cli import commands
from jihua_kit.cli.common import add_common  # noqa: F401  (kept importable from here)
from jihua_kit.cli.lang import parser_class, requested, speaking, translate_help
from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import t
from jihua_kit.core.masking import scrub


def _command_modules() -> list:
    names = sorted(m.name for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_"))
    return [importlib.import_module(f"jihua_kit.cli.commands.{name}") for name in names]


def build_parser(lang: str = "zh") -> argparse.ArgumentParser:
    """The parser with its help in `lang` (argparse's own words too: build it inside
    `cli_lang.speaking(lang)`, as `main` does)."""
    parser = parser_class(lang)(prog="jihua-kit", description=t("cli.description"))
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", title=t("cli.commands"))
    for module in _command_modules():
        module.register(sub).set_defaults(_run=module.run)
    for action in sub.choices.values():
        action.description = action.description or next(
            (c.help for c in sub._choices_actions if c.dest == action.prog.split()[-1]), None
        )
    translate_help(parser, lang)
    return parser


class Masked:
    """A text stream that masks ID-like numbers in whatever is written to it (see `masking.scrub`)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(scrub(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, encoding, fileno ... of the real stream
        return getattr(self.stream, name)


def main(argv: Sequence[str] | None = None) -> int:
    real = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = Masked(real[0]), Masked(real[1])
    try:
        argv = list(sys.argv[1:] if argv is None else argv)
        lang = requested(argv)
        with speaking(lang):
            args = build_parser(lang).parse_args(argv)
        try:
            return int(args._run(args) or 0)
        except KitError as err:
            print(f"{t('cli.error', 'zh')} / {t('cli.error', 'en')}:\n{err}", file=sys.stderr)
            return 2
    finally:
        sys.stdout, sys.stderr = real
