"""`jihua-kit params [ID] [--lang en] [--json]`: the rule figures and their citations."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from jihua_kit.cli import add_common
from jihua_kit.errors import KitError
from jihua_kit.figures import values_text
from jihua_kit.i18n import t
from jihua_kit.params import ParameterStore, load_parameters
from jihua_kit.schema import Parameter
from jihua_kit.textfmt import table

NAME = "params"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser(NAME, help=t("cli.help.params"))
    parser.add_argument("id", nargs="?", help=t("cli.help.params_id"))
    add_common(parser)
    return parser


def parameter_json(param: Parameter, store: ParameterStore) -> dict:
    out = asdict(param)
    out["values"] = [
        {k: v for k, v in asdict(val).items() if v is not None} | ({"value": val.low} if not val.is_range else {})
        for val in param.values
    ]
    out["readings"] = [
        {"id": r, "title_zh": store.readings[r].title_zh, "title_en": store.readings[r].title_en,
         "default": store.readings[r].default, "options": [o.key for o in store.readings[r].options]}
        for r in param.readings
    ]  # fmt: skip
    return out


def detail_text(param: Parameter, store: ParameterStore, lang: str) -> str:
    label = lambda key: t(f"params.detail.{key}", lang)  # noqa: E731
    lines = [
        f"{param.id}  {param.name(lang)}",
        f"{label('kind')}: {t('kind.' + param.kind, lang)} · {t('scenario.' + param.scenario, lang)}",
        f"{label('values')}: {values_text(param, lang)}",
        f"{label('section')}: {param.section}",
        f"{label('status')}: {t('status.' + param.status, lang)}",
        f"{label('description')}: {param.description(lang)}",
        f"{label('file')}: data/parameters/{param.file}",
    ]
    if param.readings:
        lines.append(f"{label('readings')}:")
        for rid in param.readings:
            reading = store.readings[rid]
            default = reading.option(reading.default)
            lines.append(f"  {rid} {reading.title(lang)}")
            lines.append(f"    {label('default')}: {default.key} — {default.label(lang)}")
            for opt in reading.options:
                if opt.key != reading.default:
                    lines.append(f"    {label('alternatives')}: {opt.key} — {opt.label(lang)}")
    lines.append(label("caveat"))
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
    params = sorted(store.parameters.values(), key=lambda p: p.id)
    if args.json:
        print(json.dumps([parameter_json(p, store) for p in params], ensure_ascii=False, indent=2))
        return 0
    rows = [
        (p.id, p.name(args.lang), values_text(p, args.lang), t("scenario." + p.scenario, args.lang),
         p.section, t("status." + p.status, args.lang))
        for p in params
    ]  # fmt: skip
    print(table(t("params.header", args.lang).split("|"), rows))
    print(t("params.count", args.lang, n=len(params), r=len(store.readings), path=store.folder))
    return 0
