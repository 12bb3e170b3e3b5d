"""`jihua-kit params [ID] [--lang en] [--json]`: the rule figures and their citations.

Text output fits an 80-column terminal: each parameter is its name with the code as a label, the
section and status, then its values on indented lines."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from jihua_kit.cli.common import add_common
from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import t
from jihua_kit.core.textfmt import code_label, named, wrap
from jihua_kit.params.figures import value_text
from jihua_kit.params.schema import Parameter
from jihua_kit.params.store import ParameterStore, load_parameters

NAME = "params"
COLS = 80


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser(NAME, help=t("cli.help.params"))
    parser.add_argument("id", nargs="?", help=t("cli.help.params_id"))
    add_common(parser)
    return parser


def _readings(param: Parameter) -> list[str]:
    """The record's readings and those of its values (R1 for E-PENSION's baseline floor)."""
    ids = list(param.readings) + [r for v in param.values for r in v.readings]
    return list(dict.fromkeys(ids))


def parameter_json(param: Parameter, store: ParameterStore) -> dict:
    out = asdict(param)
    out["values"] = [
        {k: v for k, v in asdict(val).items() if v not in (None, ())} | ({"value": val.low} if not val.is_range else {})
        for val in param.values
    ]
    out["readings"] = [
        {"id": r, "title_zh": store.readings[r].title_zh, "title_en": store.readings[r].title_en,
         "default": store.readings[r].default, "options": [o.key for o in store.readings[r].options]}
        for r in _readings(param)
    ]  # fmt: skip
    return out


def _value_lines(param: Parameter, lang: str, indent: str) -> list[str]:
    out = []
    for val in param.values:
        text = value_text(val, lang)
        if val.section:
            text += f"〔{val.section}〕" if lang == "zh" else f" [{val.section}]"
        out += wrap(text, COLS, indent + "  ", indent)
    return out


def detail_text(param: Parameter, store: ParameterStore, lang: str) -> str:
    label = lambda key: t(f"params.detail.{key}", lang)  # noqa: E731
    colon = "：" if lang == "zh" else ": "
    lines = wrap(named(param.name(lang), param.id, lang), COLS)
    kind = f"{t('kind.' + param.kind, lang)} · {t('scenario.' + param.scenario, lang)}"
    lines += wrap(f"{label('kind')}{colon}{kind}", COLS, "  ", "")
    lines.append(f"{label('values')}{colon}")
    lines += _value_lines(param, lang, "  ")
    lines += wrap(f"{label('section')}{colon}{param.section}", COLS, "  ", "")
    lines += wrap(f"{label('status')}{colon}{t('status.' + param.status, lang)}", COLS, "  ", "")
    lines += wrap(f"{label('description')}{colon}{param.description(lang)}", COLS, "  ", "")
    lines += wrap(f"{label('file')}{colon}data/parameters/{param.file}", COLS, "  ", "")
    if _readings(param):
        lines.append(f"{label('readings')}{colon}")
        for rid in _readings(param):
            reading = store.readings[rid]
            lines += wrap(named(reading.title(lang), rid, lang), COLS, "    ", "  ")
            default = reading.option(reading.default)
            text = f"{label('default')}{colon}{default.label(lang)}{code_label(default.key, lang)}"
            lines += wrap(text, COLS, "      ", "    ")
            for opt in reading.options:
                if opt.key != reading.default:
                    text = f"{label('alternatives')}{colon}{opt.label(lang)}{code_label(opt.key, lang)}"
                    lines += wrap(text, COLS, "      ", "    ")
    lines += wrap(label("caveat"), COLS)
    return "\n".join(lines)


def list_text(store: ParameterStore, lang: str) -> str:
    """Every parameter in two or more lines: name (code) · section · status, then its values."""
    lines = []
    for p in sorted(store.parameters.values(), key=lambda p: p.id):
        head = f"{named(p.name(lang), p.id, lang)} · {p.section} · {t('status.' + p.status, lang)}"
        lines += wrap(head, COLS, "    ", "")
        lines += _value_lines(p, lang, "  ")
    lines += wrap(t("params.count", lang, n=len(store.parameters), r=len(store.readings), path=store.folder), COLS)
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    store = load_parameters()
    if args.id:
        if args.id not in store.parameters:
            raise KitError("param.unknown_id", field="id", got=args.id)
        param = store.parameters[args.id]
        if args.json:
            print(json.dumps(parameter_json(param, store), ensure_ascii=False, indent=2))
        else:
            print(detail_text(param, store, args.lang))
        return 0
    if args.json:
        params = sorted(store.parameters.values(), key=lambda p: p.id)
        print(json.dumps([parameter_json(p, store) for p in params], ensure_ascii=False, indent=2))
        return 0
    print(list_text(store, args.lang))
    return 0
