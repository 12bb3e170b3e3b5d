"""`jihua-kit simulate`: what the incentives cost the county, by benefit, village, township and year.

jihua-kit simulate [--county FILE] [--scenario S] [--compare S2|none] [--years A-B] [--seed N]
                   [--households N] [--sensitivity N] [--out DIR] [--lang en] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from jihua_kit.cli.common import add_common
from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import t
from jihua_kit.core.outputs import check_output_folder
from jihua_kit.core.textfmt import format_number, named, table
from jihua_kit.params.limits import SIM_BOUNDS, check_at_most
from jihua_kit.params.store import DEFAULT_SCENARIO, SCENARIOS
from jihua_kit.simulation.cost_views import shown_value
from jihua_kit.simulation.engine import check_years_ahead, chunk_count, year_range
from jihua_kit.simulation.sensitivity import DEFAULT_SAMPLE, runs
from jihua_kit.tables.county import load_county

if TYPE_CHECKING:
    import pandas as pd

    from jihua_kit.simulation.run import SimulationRun

NAME = "simulate"
_YEARS = re.compile(r"^\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?$", re.ASCII)


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser(NAME, help=t("sim.help"))
    parser.add_argument("--county", type=Path, help=t("sim.help.county"))
    parser.add_argument("--scenario", choices=SCENARIOS, default=DEFAULT_SCENARIO, help=t("sim.help.scenario"))
    parser.add_argument("--compare", choices=(*SCENARIOS, "none"), help=t("sim.help.compare"))
    parser.add_argument("--years", help=t("sim.help.years"))
    parser.add_argument("--seed", default="0", help=t("sim.help.seed"))
    parser.add_argument("--households", help=t("sim.help.households"))
    parser.add_argument("--sensitivity", default=str(DEFAULT_SAMPLE), help=t("sim.help.sensitivity"))
    parser.add_argument("--out", type=Path, default=Path("out/simulate"), help=t("sim.help.out"))
    add_common(parser)
    return parser


class Progress:
    """What `simulate` is doing, on stderr: a tqdm bar in a terminal, and in any case a line per
    step with the time so far, and the share done every ~25% (a log, a notebook, a pipe)."""

    def __init__(self, lang: str) -> None:
        self.lang, self.start, self.shown = lang, time.perf_counter(), 0

    def __call__(self, key: str, **kw: object) -> None:
        seconds = time.perf_counter() - self.start
        print(t("sim.step.line", self.lang, text=t(key, self.lang, **kw), s=f"{seconds:.0f}"), file=sys.stderr,
              flush=True)  # fmt: skip

    def counter(self, bar: object, total: int) -> Callable[[int], None]:
        done = 0
        terminal = sys.stderr.isatty()

        def step(n: int) -> None:
            nonlocal done
            done += n
            bar.update(n)  # type: ignore[attr-defined]
            quarter = 4 * done // max(total, 1)
            if not terminal and quarter > self.shown and done < total:
                self.shown = quarter
                self("sim.step.share", share=f"{done / total:.0%}")

        return step


def _whole(raw: str | None, key: str, field: str, minimum: int) -> int | None:
    if raw is None:
        return None
    if not re.fullmatch(r"\s*\d+\s*", raw, re.ASCII) or int(raw) < minimum:  # ASCII: '٣' is not 3
        raise KitError(key, field=field, got=raw)
    return int(raw)


def parse_years(raw: str | None, default: int) -> list[int]:
    """'2013-2020' -> [2013, ..., 2020]; '2015' -> [2015]; None -> [default]."""
    if raw is None:
        return [default]
    match = _YEARS.match(raw)
    if not match:
        raise KitError("sim.bad_years", field="years", got=raw)
    first = int(match.group(1))
    return year_range(first, int(match.group(2) or first))


def _money(x: float) -> str:
    return format_number(round(x))


def sample_note(tor: pd.DataFrame, sample: int, seed: int, lang: str) -> str:
    """Which tornado figures come from the sample, and how far the sample is from the full run."""
    gap = float(tor["sample_gap"].iloc[0])
    return t("sim.sample_note", lang, n=format_number(sample), seed=seed, full=_money(tor["base_total"].iloc[0]),
             sample=_money(tor["sample_total"].iloc[0]), gap=f"{gap:+.1%}")  # fmt: skip


def summary(run: SimulationRun, tables: dict, lang: str) -> str:
    """The printed report: first year by benefit, totals by year, the comparison, the tornado."""
    first, scen = run.years[0], run.scenario
    years = f"{run.years[0]}-{run.years[-1]}" if len(run.years) > 1 else str(first)
    title = t("sim.title", lang, county=run.county.name(lang), scenario=t(f"scenario.{scen}", lang), years=years,
              households=format_number(run.households), seed=run.seed)  # fmt: skip
    lines = [title, "", t("sim.first_year", lang, year=first)]
    bb = tables["by_benefit"]
    rows = bb[(bb["year"] == first) & (bb["scenario"] == scen)]
    body = [(named(r.benefit_name, r.benefit, lang), format_number(r.households), format_number(r.persons),
             _money(r.cost_low), _money(r.cost_central), _money(r.cost_high)) for r in rows.itertuples()]  # fmt: skip
    body.append(
        (t("sim.total", lang), "", "", *(_money(rows[c].sum()) for c in ("cost_low", "cost_central", "cost_high")))
    )
    lines += [table(t("sim.header.benefit", lang).split("|"), body), t("sim.range_note", lang)]
    if len(run.years) > 1 or run.compare:
        by = tables["by_year"]
        body = [(r.year, t(f"scenario.{r.scenario}", lang), format_number(r.simulated_households),
                 format_number(r.households), _money(r.cost_low), _money(r.cost_central), _money(r.cost_high))
                for r in by.itertuples()]  # fmt: skip
        lines += ["", t("sim.by_year", lang), table(t("sim.header.year", lang).split("|"), body)]
    if "comparison" in tables:
        cmp = tables["comparison"]
        cmp = cmp[cmp["year"] == first]
        a, b = (t(f"scenario.{cmp[c].iloc[0]}", lang) for c in ("base_scenario", "other_scenario"))
        body = [(named(r.benefit_name, r.benefit, lang), _money(r.base_cost_central), _money(r.other_cost_central),
                 _money(r.diff_cost_central)) for r in cmp.itertuples()]  # fmt: skip
        sums = [_money(cmp[c].sum()) for c in ("base_cost_central", "other_cost_central", "diff_cost_central")]
        body.append((t("sim.total", lang), *sums))
        lines += [
            "",
            t("sim.compare_title", lang, year=first),
            table(t("sim.header.compare", lang, a=a, b=b).split("|"), body),
        ]
    if "tornado" in tables:
        tor = tables["tornado"].head(10)
        body = [(r.name, shown_value(r.low, r.unit), shown_value(r.high, r.unit), _money(r.total_low),
                 _money(r.total_high), _money(r.swing)) for r in tor.itertuples()]  # fmt: skip
        lines += [
            "",
            t("sim.tornado_title", lang, year=first),
            table(t("sim.header.tornado", lang).split("|"), body),
            sample_note(tables["tornado"], run.sample, run.seed, lang),
        ]
    if run.households != run.county.households:
        lines.append(t("sim.scale_note", lang, households=format_number(run.households),
                       county_households=format_number(run.county.households)))  # fmt: skip
    lines.append(t("sim.caveat", lang))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    out = check_output_folder(args.out, [args.county])
    county = load_county(args.county)
    years = parse_years(args.years, county.reference_year)
    check_years_ahead(years[-1], county.reference_year)
    seed = _whole(args.seed, "sim.bad_seed", "seed", 0)
    households = _whole(args.households, "sim.bad_households", "households", 1)
    check_at_most(households if households is not None else county.households, SIM_BOUNDS, "households_max",
                  field="households")  # fmt: skip
    sample = _whole(args.sensitivity, "sim.bad_households", "sensitivity", 0)
    check_at_most(sample, SIM_BOUNDS, "sensitivity_max", field="sensitivity")
    compare = args.compare or next(s for s in SCENARIOS if s != args.scenario)
    if compare == args.scenario:
        raise KitError("sim.same_scenario", field="compare", got=compare)
    compare = None if compare == "none" else compare
    from tqdm.auto import tqdm

    from jihua_kit.simulation.run import run_simulation  # matplotlib loads only for this command

    total = chunk_count(county, households, years)
    total += runs(county) if sample else 0
    say = Progress(args.lang)
    say("sim.step.start", households=format_number(households or county.households), years=len(years),
        scenarios=1 + (compare is not None), sample=format_number(sample),
        runs=runs(county) if sample else 0)  # fmt: skip
    with tqdm(total=total, desc=t("sim.progress", args.lang), file=sys.stderr, disable=not sys.stderr.isatty(),
              leave=False, mininterval=0.5) as bar:  # fmt: skip
        result = run_simulation(county, args.scenario, compare, years, seed, households, sample, lang=args.lang,
                                progress=say.counter(bar, total), workers=min(2, os.cpu_count() or 1))  # fmt: skip
    say("sim.step.write", path=args.out)
    tables = result.tables(args.lang)
    try:
        paths = result.write(out, args.lang)
    except OSError as exc:
        raise KitError("out.cannot_write", field="--out", file=str(out), detail=exc.strerror or str(exc)) from None
    say("sim.step.done")
    if args.json:
        first = tables["by_benefit"][tables["by_benefit"]["year"] == years[0]]
        doc = {"by_year": tables["by_year"].to_dict("records"), "by_benefit": first.to_dict("records"),
               "files": [str(p) for p in paths]}  # fmt: skip
        if "tornado" in tables:
            doc["tornado"] = tables["tornado"].to_dict("records")
        print(json.dumps(doc, ensure_ascii=False, indent=2))
        return 0
    print(summary(result, tables, args.lang))
    print(t("sim.written", args.lang, path=args.out))
    return 0
