"""The county cost simulation: the same vectorised E-* rules over a synthetic county, chunk by chunk.

`simulate_year` costs one year; `project` follows the same households over several years (people
age, children pass the health-fee age, parents reach 60, events recur) under one or more
scenarios at once (the population is drawn once and every scenario is computed on it).
Results are summed by village as they arrive, so memory stays bounded whatever `households` is.

Costs: low / high are the ends of the rules' ranges (R5), central is their midpoint; annual
benefits count a full year for whoever is eligible on the reference date (R4); every cost is
multiplied by the county's `uptake` assumption. Counts are of eligible households and persons.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jihua_kit.core.errors import KitError
from jihua_kit.params.limits import SIM_BOUNDS, check_at_most
from jihua_kit.params.store import DEFAULT_SCENARIO, Params
from jihua_kit.params.system import System, load_system
from jihua_kit.rules.benefits import RuleResult, benefit_ids, compute
from jihua_kit.simulation.lifecycle import advance
from jihua_kit.simulation.population import CHUNK_SIZE, Layout, check_size, chunk_bounds, generate_chunk, layout
from jihua_kit.tables.county import County, load_county
from jihua_kit.tables.households import validate_table

_STATS = ("low", "high", "households", "persons")


@dataclass
class YearResult:
    """One year under one scenario: sums by village (rows) and benefit (columns)."""

    year: int
    scenario: str
    layout: Layout
    uptake: float
    county_households: int  # what the county file implies, for scaling a sample
    drawn: int  # households drawn in the reference year (later years gain newlyweds, lose the departed)
    benefit_ids: tuple[str, ...] = None  # the rules in data order (default: the default data's)
    simulated: np.ndarray = field(default=None)  # households simulated per village
    reached: np.ndarray = field(default=None)  # households with at least one benefit, per village
    sums: dict[str, np.ndarray] = field(default_factory=dict)  # stat -> (villages, benefits)

    def __post_init__(self) -> None:
        if self.benefit_ids is None:
            self.benefit_ids = benefit_ids()
        n_v, n_b = len(self.layout.villages), len(self.benefit_ids)
        if self.simulated is None:
            self.simulated = np.zeros(n_v, dtype=np.int64)
            self.reached = np.zeros(n_v, dtype=np.int64)
        for stat in _STATS:
            self.sums.setdefault(stat, np.zeros((n_v, n_b), dtype=np.float64 if stat in ("low", "high") else np.int64))

    @property
    def households(self) -> int:
        return int(self.simulated.sum())

    def add(self, village: np.ndarray, results: dict[str, RuleResult]) -> None:
        """Add one chunk: `village` holds each household's village index."""
        n_v = len(self.layout.villages)
        if list(results) != list(self.benefit_ids) or any(len(r) != len(village) for r in results.values()):
            raise KitError("sim.rules_mismatch", got=f"{len(results)} rules, {len(village)} households")
        self.simulated += np.bincount(village, minlength=n_v)
        reached = np.zeros(len(village), dtype=bool)
        for j, res in enumerate(results.values()):
            rows = np.flatnonzero(res.applies)  # only the households it applies to: most rules are rare
            if not len(rows):
                continue
            reached[rows] = True
            v = village[rows]
            low = np.bincount(v, weights=res.low[rows], minlength=n_v)
            self.sums["low"][:, j] += low
            self.sums["high"][:, j] += low if res.high is res.low else np.bincount(v, res.high[rows], n_v)
            self.sums["households"][:, j] += np.bincount(v, minlength=n_v)
            self.sums["persons"][:, j] += np.bincount(v, res.persons[rows], n_v).astype(np.int64)
        self.reached += np.bincount(village[reached], minlength=n_v)

    def cost(self, which: str = "central") -> np.ndarray:
        """Cost by village and benefit (yuan, after uptake): low, central (midpoint) or high."""
        if which == "central":
            return (self.sums["low"] + self.sums["high"]) / 2 * self.uptake
        return self.sums[which] * self.uptake

    def total(self, which: str = "central") -> float:
        return float(self.cost(which).sum())

    @property
    def scale(self) -> float:
        """Multiply by this to go from the simulated sample to the county (1 for the default size)."""
        return self.county_households / max(self.drawn, 1)


def _village_codes(table: pd.DataFrame, lay: Layout) -> np.ndarray:
    col = table["village"]
    if isinstance(col.dtype, pd.CategoricalDtype) and tuple(col.cat.categories) == lay.villages:
        return col.cat.codes.to_numpy().astype(np.intp)
    codes = pd.Index(lay.villages).get_indexer(col.astype(str))
    unknown = np.flatnonzero(codes < 0)
    if len(unknown):  # a household is never dropped or filed under another village
        row = table.index[unknown[0]]
        raise KitError("sim.unknown_village", field="village", row=row, got=str(col.iloc[unknown[0]]))
    return codes.astype(np.intp)


def aggregate(table: pd.DataFrame, results: dict[str, RuleResult], result: YearResult) -> YearResult:
    """Add one household table's rule results to `result` (by village and benefit)."""
    result.add(_village_codes(table, result.layout), results)
    return result


def table_layout(table: pd.DataFrame) -> Layout:
    """A layout for any household table: its villages (sorted) and the township each belongs to."""
    pairs = table[["village", "township"]].astype(str).drop_duplicates("village").sort_values("village")
    towns = tuple(sorted(set(pairs["township"])))
    index = np.array([towns.index(x) for x in pairs["township"]], dtype=np.intp)
    n_v = len(pairs)
    return Layout(tuple(pairs["village"]), towns, index, np.full(n_v, 1 / max(n_v, 1)), np.zeros(1, dtype=np.int16))


def cost_table(table: pd.DataFrame, params: Params, year: int = 0, uptake: float = 1.0) -> YearResult:
    """Cost any household table (a case file's table, a spreadsheet, a sample) with the same
    rules and sums as the simulation: by village and benefit, no scaling. The table is validated
    first (`households.validate_table`: a fault names its row and column)."""
    table = validate_table(table)
    lay = table_layout(table)
    result = YearResult(year, params.scenario, lay, uptake, len(table), len(table), benefit_ids(params.store))
    return aggregate(table, compute(table, params), result)


def year_range(first: int, last: int | None = None) -> list[int]:
    last = first if last is None else last
    if last < first:
        raise KitError("sim.bad_years", field="years", got=f"{first}-{last}")
    check_at_most(last - first + 1, SIM_BOUNDS, "years_max", field="years")  # before the list is made
    return list(range(first, last + 1))


def check_years_ahead(last: int, start: int) -> None:
    """Every year from the reference year to `last` is simulated: at most `years_max` of them."""
    check_at_most(last - start + 1, SIM_BOUNDS, "years_max", field="years")


def project(
    county: County | None = None,
    params: Params | dict[str, Params] | None = None,
    seed: int = 0,
    households: int | None = None,
    years: Iterable[int] | None = None,
    overrides: dict[str, float] | None = None,
    chunk_size: int = CHUNK_SIZE,
    progress: Callable[[int], None] | None = None,
    system: System | None = None,
) -> dict[str, list[YearResult]]:
    """Cost every year in `years` under each scenario: {scenario: [YearResult per year]}.

    `params` is one `Params` or {scenario: Params}; the default is the default scenario.
    `overrides` moves county assumptions ({"rural_share": 0.8}); `progress(k)` is called after
    each chunk-year. `system` (default: the standard data) gives the county file and parameters
    not passed.
    """
    system = system or load_system()
    county = (county or load_county(system.county_file)).with_overrides(overrides)
    if params is None:
        params = system.view(DEFAULT_SCENARIO)
    views = params if isinstance(params, dict) else {params.scenario: params}
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise KitError("sim.bad_seed", field="seed", got=seed)
    n = county.households if households is None else check_size(households)
    check_at_most(n, SIM_BOUNDS, "households_max", field="households")
    start = county.reference_year
    years = year_range(start) if years is None else sorted(set(years))
    if not years:
        raise KitError("sim.bad_years", field="years", got="")
    if years[0] < start:
        raise KitError("sim.years_before", field="years", got=years[0], start=start)
    check_years_ahead(years[-1], start)
    lay = layout(county, seed)
    uptake = county.value("uptake")
    out = {
        s: [YearResult(y, s, lay, uptake, county.households, n, benefit_ids(v.store)) for y in years]
        for s, v in views.items()
    }
    for index, (lo, hi) in enumerate(chunk_bounds(n, chunk_size)):
        chunk = generate_chunk(county, lay, seed, index, lo, hi)
        for year in range(start, years[-1] + 1):
            if year > start:
                chunk = advance(chunk, county, lay, seed, index, year)
            if year not in years:
                continue
            table = chunk.to_frame(lay)
            village = chunk.village.astype(np.intp)
            for scenario, view in views.items():
                out[scenario][years.index(year)].add(village, compute(table, view))
            if progress:
                progress(1)
    return out


def simulate_year(
    county: County | None = None,
    params: Params | None = None,
    seed: int = 0,
    households: int | None = None,
    overrides: dict[str, float] | None = None,
    year: int | None = None,
    system: System | None = None,
) -> YearResult:
    """One year (default: the county's reference year) under one scenario."""
    system = system or load_system()
    county = county or load_county(system.county_file)
    params = params or system.view(DEFAULT_SCENARIO)
    years = None if year is None else [year]
    return project(county, params, seed, households, years, overrides, system=system)[params.scenario][0]


def chunk_count(county: County, households: int | None, years: list[int], chunk_size: int = CHUNK_SIZE) -> int:
    """How many chunk-years `project` will report to `progress`."""
    n = county.households if households is None else check_size(households)
    return len(chunk_bounds(n, chunk_size)) * len(years)
