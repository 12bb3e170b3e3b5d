"""`jihua-kit slides [NOTEBOOK ...] [--out DIR] [--lang en]`: offline reveal.js decks from the notebooks."""

from __future__ import annotations

import argparse
from pathlib import Path

from jihua_kit.cli.common import add_common
from jihua_kit.core.i18n import t

NAME = "slides"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser(NAME, help=t("slides.help"))
    parser.add_argument("notebooks", nargs="*", type=Path, help=t("slides.help_notebooks"))
    parser.add_argument("--out", type=Path, default=None, help=t("slides.help_out"))
    parser.add_argument("--changed", action="store_true", help=t("slides.help_changed"))
    add_common(parser, json_flag=False)
    return parser


def run(args: argparse.Namespace) -> int:
    from jihua_kit.decks import build as slides  # nbconvert is slow to import: only for this command

    out = args.out or slides.BUILD
    decks = slides.build_decks(args.notebooks or None, out, args.lang, changed_only=args.changed)
    for deck in decks:
        print(deck)
    print(t("slides.built", args.lang, n=len(decks), path=out))
    if args.changed and not decks:
        print(t("slides.all_current", args.lang))
    return 0
