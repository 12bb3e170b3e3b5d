"""`jihua-kit simulate`: what the incentives cost the county, by benefit, village, township and year.

jihua-kit simulate [--county FILE|DIR ...] [--scenario S] [--compare S2|none] [--years A-B] [--seed N]
                   [--households N] [--sensitivity N] [--draws N] [--draw-households N]
                   [--workers N | --scheduler tcp://HOST:8786] [--out DIR] [--lang en] [--json]

Several counties (`--county A --county B`, or a folder of county files): each county's results in
`DIR/<county id>/`, and in DIR the counties side by side and summed (`counties.csv`; with --draws
also `uncertainty.csv` with `county` = all for the sum).
"""

from __future__ import annotations

import argparse
import json
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
from jihua_kit.simulation.montecarlo import DEFAULT_SAMPLE as DRAW_SAMPLE
from jihua_kit.simulation.sensitivity import DEFAULT_SAMPLE, runs
from jihua_kit.tables.county import County, load_county

if TYPE_CHECKING:
    import pandas as pd

    from jihua_kit.simulation.run import SimulationRun

NAME = "simulate"
_YEARS = re.compile(r"^\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?$", re.ASCII)


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser(NAME, help=t("sim.help"))
    parser.add_argument("--county", type=Path, action="append", help=t("sim.help.county"))
    parser.add_argument("--scenario", choices=SCENARIOS, default=DEFAULT_SCENARIO, help=t("sim.help.scenario"))
    parser.add_argument("--compare", choices=(*SCENARIOS, "none"), help=t("sim.help.compare"))
    parser.add_argument("--years", help=t("sim.help.years"))
    parser.add_argument("--seed", default="0", help=t("sim.help.seed"))
    parser.add_argument("--households", help=t("sim.help.households"))
    parser.add_argument("--sensitivity", default=str(DEFAULT_SAMPLE), help=t("sim.help.sensitivity"))
    parser.add_argument("--draws", default="0", help=t("sim.help.draws"))
    parser.add_argument("--draw-households", default=str(DRAW_SAMPLE), help=t("sim.help.draw_households"))
    parser.add_argument("--workers", help=t("sim.help.workers"))
    parser.add_argument("--scheduler", help=t("sim.help.scheduler"))
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
    return "—" if x != x else format_number(round(x))  # NaN: a standard error from too few draws


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
    if "uncertainty" in tables:
        lines += ["", *uncertainty_lines(tables, run, lang)]
    if run.households != run.county.households:
        lines.append(t("sim.scale_note", lang, households=format_number(run.households),
                       county_households=format_number(run.county.households)))  # fmt: skip
    lines.append(t("sim.caveat", lang))
    return "\n".join(lines)


def county_files(given: list[Path] | None) -> list[Path | None]:
    """The county files asked for: each `--county` (a folder stands for its *.yaml), or the default."""
    if not given:
        return [None]
    out: list[Path | None] = []
    for path in given:
        out += sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    if not out:
        raise KitError("sim.no_counties", field="--county", got=", ".join(map(str, given)))
    return out


def _options(args: argparse.Namespace, county: County) -> dict:
    years = parse_years(args.years, county.reference_year)
    check_years_ahead(years[-1], county.reference_year)
    households = _whole(args.households, "sim.bad_households", "households", 1)
    check_at_most(households if households is not None else county.households, SIM_BOUNDS, "households_max",
                  field="households")  # fmt: skip
    return {"years": years, "households": households}


def uncertainty_lines(tables: dict, run: SimulationRun, lang: str) -> list[str]:
    """The joint-uncertainty part of the report: the total's range by year, then the calibration."""
    unc = tables["uncertainty"]
    rows = unc[(unc["benefit"] == "total") & (unc["county"] == run.county.id)]
    body = [(r.year, t(f"scenario.{r.scenario}", lang), _money(r.p05), _money(r.p50), _money(r.p95), _money(r.mean),
             _money(r.mc_se)) for r in rows.itertuples()]  # fmt: skip
    draws = len(run.draws.cost)
    lines = [t("sim.unc_title", lang, draws=draws, households=format_number(run.draws.households)),
             table(t("sim.header.unc", lang).split("|"), body), t("sim.unc_note", lang)]  # fmt: skip
    cal = tables["calibration"]
    body = [(r.name, f"{r.comparator.replace('>=', '≥')} {format_number(r.stated)}", _money(r.p05), _money(r.p95),
             t("sim.calib_outside", lang) if r.outside else "") for r in cal.itertuples()]  # fmt: skip
    lines += ["", t("sim.calib_title", lang, year=run.years[0]), table(t("sim.header.calib", lang).split("|"), body)]
    top = tables["drivers"].head(5)
    shares = "；".join(f"{r.name} {r.share:.0%}" for r in top.itertuples())
    lines += ["", t("sim.drivers_line", lang, year=run.years[0], shares=shares)]
    return lines


def run(args: argparse.Namespace) -> int:
    files = county_files(args.county)
    out = check_output_folder(args.out, files)
    counties = [load_county(f) for f in files]
    ids = [c.id for c in counties]
    if len(set(ids)) != len(ids):
        raise KitError("sim.duplicate_county", field="--county", got=", ".join(ids))
    seed = _whole(args.seed, "sim.bad_seed", "seed", 0)
    sample = _whole(args.sensitivity, "sim.bad_households", "sensitivity", 0)
    check_at_most(sample, SIM_BOUNDS, "sensitivity_max", field="sensitivity")
    draws = _whole(args.draws, "sim.bad_draws", "draws", 0)
    if draws == 1:
        raise KitError("sim.bad_draws", field="draws", got=args.draws)
    draw_households = _whole(args.draw_households, "sim.bad_households", "draw-households", 1)
    check_at_most(draw_households, SIM_BOUNDS, "households_max", field="draw-households")
    workers = _whole(args.workers, "sim.bad_workers", "workers", 1)
    compare = args.compare or next(s for s in SCENARIOS if s != args.scenario)
    if compare == args.scenario:
        raise KitError("sim.same_scenario", field="compare", got=compare)
    compare = None if compare == "none" else compare
    options = [_options(args, c) for c in counties]
    from tqdm.auto import tqdm

    from jihua_kit.simulation.cluster import default_workers, open_engine
    from jihua_kit.simulation.run import run_simulation  # matplotlib loads only for this command

    total = sum(chunk_count(c, o["households"], o["years"]) + (runs(c) if sample else 0) + draws
                for c, o in zip(counties, options, strict=True))  # fmt: skip
    say = Progress(args.lang)
    # A local cluster takes about 2 s to start: worth it for the draws, not for the tornado alone.
    workers = workers or (default_workers() if draws else 1)
    for county, opts in zip(counties, options, strict=True):
        say("sim.step.start", households=format_number(opts["households"] or county.households),
            years=len(opts["years"]), scenarios=1 + (compare is not None), sample=format_number(sample),
            runs=runs(county) if sample else 0)  # fmt: skip
    if draws:
        say("sim.step.draws", draws=draws, households=format_number(draw_households))
    results = []
    with tqdm(total=total, desc=t("sim.progress", args.lang), file=sys.stderr, disable=not sys.stderr.isatty(),
              leave=False, mininterval=0.5) as bar:  # fmt: skip
        step = say.counter(bar, total)
        with open_engine(workers, args.scheduler, progress=step) as engine:
            if engine.client is not None:
                say("sim.step.engine", workers=engine.workers, where=args.scheduler or "127.0.0.1")
            for county, opts in zip(counties, options, strict=True):
                results.append(run_simulation(county, args.scenario, compare, opts["years"], seed, opts["households"],
                                              sample, lang=args.lang, progress=step, draws=draws,
                                              draw_households=draw_households, engine=engine))  # fmt: skip
    say("sim.step.write", path=args.out)
    paths = []
    try:
        if len(results) == 1:
            paths += results[0].write(out, args.lang)
        else:
            for r in results:
                paths += r.write(out / r.county.id, args.lang)
            paths += write_counties(results, out, args.lang)
    except OSError as exc:
        raise KitError("out.cannot_write", field="--out", file=str(out), detail=exc.strerror or str(exc)) from None
    say("sim.step.done")
    tables = [r.tables(args.lang) for r in results]
    if args.json:
        docs = []
        for r, tab in zip(results, tables, strict=True):
            first = tab["by_benefit"][tab["by_benefit"]["year"] == r.years[0]]
            doc = {"county": r.county.id, "by_year": tab["by_year"].to_dict("records"),
                   "by_benefit": first.to_dict("records")}  # fmt: skip
            for name in ("tornado", "uncertainty", "drivers", "calibration"):
                if name in tab:
                    doc[name] = tab[name].to_dict("records")
            docs.append(doc)
        doc = docs[0] if len(docs) == 1 else {"counties": docs}
        doc["files"] = [str(p) for p in paths]
        print(json.dumps(doc, ensure_ascii=False, indent=2))
        return 0
    for r, tab in zip(results, tables, strict=True):
        print(summary(r, tab, args.lang))
    if len(results) > 1:
        print(counties_summary(results, args.lang))
    print(t("sim.written", args.lang, path=args.out))
    return 0


def counties_table(results: list[SimulationRun]) -> pd.DataFrame:
    """Each county's total by year and scenario, and their sum (`county` = all)."""
    import pandas as pd

    frames = []
    for r in results:
        by = r.tables()["by_year"].copy()
        by.insert(0, "county", r.county.id)
        frames.append(by)
    df = pd.concat(frames, ignore_index=True)
    summed = df.drop(columns="county").groupby(["year", "scenario"], sort=False, as_index=False).sum()
    summed.insert(0, "county", "all")
    return pd.concat([df, summed], ignore_index=True)


def write_counties(results: list[SimulationRun], out: Path, lang: str) -> list[Path]:
    """The counties side by side and summed; with draws, their joint uncertainty and fan chart."""
    from jihua_kit.simulation import uncertainty as unc
    from jihua_kit.simulation import uncertainty_charts as unc_charts
    from jihua_kit.simulation.charts import save
    from jihua_kit.simulation.output import WORKBOOK, write_csvs, write_workbook

    tables = {"counties": counties_table(results)}
    draws = [r.draws for r in results if r.draws is not None]
    if draws:
        tables["uncertainty"] = unc.uncertainty(draws)
    paths = write_csvs(tables, out)
    paths.append(write_workbook(tables, out / WORKBOOK, lang))
    if draws:
        fig = unc_charts.fan(tables["uncertainty"], unc.ALL, min(len(d.cost) for d in draws), lang)
        paths.append(save(fig, out / "fan.png"))
    return paths


def counties_summary(results: list[SimulationRun], lang: str) -> str:
    df = counties_table(results)
    body = [(r.county, r.year, t(f"scenario.{r.scenario}", lang), _money(r.cost_low), _money(r.cost_central),
             _money(r.cost_high)) for r in df.itertuples()]  # fmt: skip
    return "\n".join(["", t("sim.counties_title", lang), table(t("sim.header.counties", lang).split("|"), body)])
