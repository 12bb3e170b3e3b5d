"""The language of `jihua-kit`'s own help and argument errors (argparse's words included).

Chinese by default; `--lang en` anywhere on the command line gives English. argparse builds its
words through gettext (`argparse._`); while the parser is built and parses, `speaking(lang)`
points that at the kit's message catalogue (messages/cli.yaml) and puts the command's help
strings into the chosen language (they are written with `t(key)`, in Chinese).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache

from jihua_kit.core.i18n import catalog, t

# argparse's English message ids -> our message keys
_ARGPARSE = {
    "usage: ": "argparse.usage",
    "positional arguments": "argparse.positionals",
    "options": "argparse.options",
    "show this help message and exit": "argparse.help",
    "%(prog)s: error: %(message)s\n": "argparse.error",
    "the following arguments are required: %s": "argparse.required",
    "unrecognized arguments: %s": "argparse.unrecognized",
    "invalid choice: %(value)r (choose from %(choices)s)": "argparse.invalid_choice",
    "invalid %(type)s value: %(value)r": "argparse.invalid_value",
    "expected one argument": "argparse.expected_one",
    "expected at most one argument": "argparse.expected_at_most_one",
    "expected at least one argument": "argparse.expected_at_least_one",
    "ambiguous option: %(option)s could match %(matches)s": "argparse.ambiguous",
    "argument %(argument_name)s: %(message)s": "argparse.argument",
    "not allowed with argument %s": "argparse.not_allowed_with",
    "one of the arguments %s is required": "argparse.one_required",
    "ignored explicit argument %r": "argparse.ignored_explicit",
}


def requested(argv: Sequence[str]) -> str:
    """The language asked for on the command line ('zh' unless `--lang en` / `--lang=en`)."""
    args = list(argv)
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return "en" if args[i + 1] == "en" else "zh"
        if arg.startswith("--lang="):
            return "en" if arg.split("=", 1)[1] == "en" else "zh"
    return "zh"


@lru_cache(maxsize=1)
def _by_chinese_text() -> dict[str, str]:
    """Chinese text -> message key, for the help strings a command wrote with `t(key)`."""
    out: dict[str, str] = {}
    for key, texts in catalog().items():
        out.setdefault(texts["zh"], key)
    return out


def translate_help(parser: argparse.ArgumentParser, lang: str) -> None:
    """Put every help string, description and subcommand summary of `parser` (and its
    subparsers) into `lang`: each was written as `t(key)` in Chinese and is looked up again."""
    if lang == "zh":
        return
    keys = _by_chinese_text()

    def again(text: str | None) -> str | None:
        return t(keys[text], lang) if text in keys else text

    parser.description = again(parser.description)
    for action in parser._actions:
        action.help = again(action.help)
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                choice.help = again(choice.help)
            for sub in dict.fromkeys(action.choices.values()):
                translate_help(sub, lang)


_HEADING = re.compile(r"^(\S[^\n]*?):$", re.M)


class KitParser(argparse.ArgumentParser):
    """An ArgumentParser whose section headings end in a full-width colon in Chinese ('选项：');
    argparse writes 'heading:' itself. Subparsers are made of the same class."""

    lang = "zh"

    def format_help(self) -> str:
        text = super().format_help()
        return _HEADING.sub(r"\1：", text) if self.lang == "zh" else text


def parser_class(lang: str) -> type[KitParser]:
    return type("KitParser", (KitParser,), {"lang": lang})


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """argparse's own words in `lang` inside the block."""
    original = argparse._

    def gettext(message: str) -> str:
        key = _ARGPARSE.get(message)
        return t(key, lang) if key else original(message)

    argparse._ = gettext
    try:
        yield
    finally:
        argparse._ = original
