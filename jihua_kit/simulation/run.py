"""A whole simulation run, as the CLI and the notebooks use it: project the years under the main
(and a comparison) scenario, run the sensitivity analysis, and turn the results into tables,
charts and files."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from jihua_kit.params.system import System, load_system
from jihua_kit.simulation import charts as sim_charts
from jihua_kit.simulation import uncertainty as unc
from jihua_kit.simulation import uncertainty_charts as unc_charts
from jihua_kit.simulation import views as sim_views
from jihua_kit.simulation.cluster import Engine, open_engine
from jihua_kit.simulation.engine import YearResult, project
from jihua_kit.simulation.montecarlo import DEFAULT_SAMPLE as DRAW_SAMPLE
from jihua_kit.simulation.montecarlo import Draws, run_draws
from jihua_kit.simulation.output import WORKBOOK, write_csvs, write_workbook
from jihua_kit.simulation.sensitivity import DEFAULT_SAMPLE, anchored, tornado
from jihua_kit.tables.county import County, load_county


@dataclass
class SimulationRun:
    """Results of `run_simulation`: per scenario, one `YearResult` per year; the tornado table."""

    county: County
    scenario: str
    compare: str | None
    years: list[int]
    seed: int
    results: dict[str, list[YearResult]]
    sensitivity: pd.DataFrame | None
    sample: int = 0  # households simulated for each sensitivity run
    draws: Draws | None = None  # the joint-uncertainty draws (`draws=N`)
    store: object = field(default=None, repr=False)  # the parameter store (calibration targets)

    @property
    def households(self) -> int:
        """Households drawn for the reference year (later years gain and lose some)."""
        return self.results[self.scenario][0].drawn

    def all_results(self) -> list[YearResult]:
        return [r for s in self.results for r in self.results[s]]

    def tables(self, lang: str = "zh") -> dict[str, pd.DataFrame]:
        """The views, by name (the CSV file names and the workbook's sheets)."""
        out = {
            "by_benefit": sim_views.by_benefit(self.all_results(), lang),
            "by_year": sim_views.by_year(self.all_results()),
            "by_township": sim_views.by_township(self.all_results()),
            "by_village": sim_views.by_village(self.all_results()),
        }
        if self.compare:
            out["comparison"] = sim_views.comparison(self.results[self.compare], self.results[self.scenario], lang)
        if self.sensitivity is not None and not self.sensitivity.empty:
            out["tornado"] = self.sensitivity
        out["assumptions"] = sim_views.assumptions(self.county, lang)
        if self.draws is not None:
            out["uncertainty"] = unc.uncertainty([self.draws])
            out["drivers"] = unc.drivers(self.draws, lang)
            out["calibration"] = unc.calibration(self.draws, self.store, lang)
        return out

    def charts(self, lang: str = "zh", tables: dict[str, pd.DataFrame] | None = None) -> dict[str, Figure]:
        tables = tables or self.tables(lang)
        first = self.years[0]
        figs = {
            "cost_by_benefit": sim_charts.cost_by_benefit(tables["by_benefit"], first, self.scenario, lang),
            "cost_by_year": sim_charts.cost_by_year(tables["by_year"], lang),
        }
        if "comparison" in tables:
            figs["compare"] = sim_charts.compare(tables["comparison"], first, lang)
        if "tornado" in tables:
            figs["tornado"] = sim_charts.tornado(tables["tornado"], first, lang)
        if "uncertainty" in tables:
            figs["fan"] = unc_charts.fan(tables["uncertainty"], self.county.id, len(self.draws.cost), lang)
            figs["drivers"] = unc_charts.drivers(tables["drivers"], lang)
        return figs

    def write(self, out: Path, lang: str = "zh") -> list[Path]:
        """CSVs, the Excel workbook and the PNG charts into `out`."""
        tables = self.tables(lang)
        paths = write_csvs(tables, out)
        sheets = tables | {"by_village": sim_views.village_sheet(tables["by_village"], lang)}
        paths.append(write_workbook(sheets, out / WORKBOOK, lang))
        for name, fig in self.charts(lang, tables).items():
            paths.append(sim_charts.save(fig, out / f"{name}.png"))
        return paths


def run_simulation(
    county: County | Path | str | None = None,
    scenario: str = "raised",
    compare: str | None = "baseline",
    years: list[int] | None = None,
    seed: int = 0,
    households: int | None = None,
    sensitivity: int = DEFAULT_SAMPLE,
    overrides: dict[str, float] | None = None,
    lang: str = "zh",
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
    system: System | None = None,
    draws: int = 0,
    draw_households: int = DRAW_SAMPLE,
    engine: Engine | None = None,
    projection: dict[str, list[YearResult]] | None = None,
) -> SimulationRun:
    """Project `years` under `scenario` (and `compare`), then the tornado on `sensitivity`
    sampled households (0: none) for the first year under the main scenario, and with `draws`
    the joint uncertainty (that many joint draws of the assumptions, `draw_households` each).

    The tornado's and the draws' tasks run on `engine` (see `cluster.py`); without one, on
    `workers` local processes (a Dask LocalCluster; 1: here). The results are the same either way.
    `projection` is a projection of these years and scenarios already made (`project`), reused
    instead of projecting again (a notebook that has one)."""
    system = system or load_system()
    if not isinstance(county, County):
        county = load_county(county or system.county_file)
    county = county.with_overrides(overrides)
    store = system.parameters
    scenarios = [scenario] + ([compare] if compare else [])
    views = {s: store.view(s) for s in scenarios}
    years = years or [county.reference_year]
    context = nullcontext(engine) if engine is not None else open_engine(workers, progress=progress)
    with context as eng:
        mapper = eng.map if eng.client is not None else None
        results = projection or project(county, views, seed, households, years, progress=progress)
        sens = None
        if sensitivity:
            sens = tornado(county, views[scenario], seed, sensitivity, years[0], None, lang, progress, mapper)
        sampled = None
        if draws:
            anchor = np.array([[results[s][y].total() * results[s][y].scale for s in views] for y in range(len(years))])
            sampled = run_draws(county, views, draws, seed, draw_households, years, mapper=eng.map, anchor=anchor)
    if sens is not None and not sens.empty:  # the sample's swings, on the level of this run's headline
        head = results[scenario][0]
        sens = anchored(sens, head.total() * head.scale)
    return SimulationRun(county, scenario, compare, years, seed, results, sens, sensitivity, sampled, store)
