"""`jihua-kit targets FIGURES [--chart OUT.png] [--lang en] [--json]`: the 2013 targets checked."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from jihua_kit.cli.common import add_common
from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import t
from jihua_kit.core.outputs import check_output_file
from jihua_kit.core.textfmt import named, table
from jihua_kit.explanations.targets_chart import targets_chart
from jihua_kit.params.store import default_params
from jihua_kit.rules.targets import check_targets, figure_text, load_figures

NAME = "targets"
CHART_SUFFIXES = (".png", ".svg", ".pdf")


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser(NAME, help=t("cli.help.targets"))
    parser.add_argument("figures", help=t("cli.help.targets_figures"))
    parser.add_argument("--chart", metavar="PNG", help=t("cli.help.targets_chart"))
    add_common(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    params = default_params()
    if args.chart:
        check_output_file(args.chart, [args.figures], CHART_SUFFIXES, "--chart")
    raw = load_figures(args.figures)
    checked = check_targets(raw, params, args.lang)
    if args.chart:
        import matplotlib

        matplotlib.use("Agg")
        fig = targets_chart(checked, args.lang)
        try:
            fig.savefig(Path(args.chart), dpi=120)
        except OSError as exc:
            raise KitError("out.cannot_write", field="--chart", detail=exc.strerror or str(exc)) from None
    if args.json:
        records = checked.to_dict(orient="records")
        print(json.dumps({"unit": raw.get("unit"), "year": raw.get("year"), "status": raw.get("status"),
                          "targets": records}, ensure_ascii=False, indent=2, default=float))  # fmt: skip
        return 0
    yes, no = t("assess.yes", args.lang), t("assess.no", args.lang)
    rows = [
        (named(r.name, r.id, args.lang), r.target, r.actual_text, yes if r.met else no,
         figure_text(r.shortfall, r.unit, args.lang, r.measure) if not r.met else "", r.section)
        for r in checked.itertuples(index=False)
    ]  # fmt: skip
    if raw.get("unit"):
        print(f"{raw['unit']} · {raw.get('year', '')}")
    if raw.get("status") == "assumption":
        print(t("targets.assumed", args.lang))
    print(table(t("targets.header", args.lang).split("|"), rows))
    print(t("targets.count", args.lang, met=int(checked["met"].sum()), n=len(checked)))
    if args.chart:
        print(t("targets.chart_written", args.lang, path=args.chart))
    return 0
