"""Joint uncertainty: the county's cost under many joint draws of its assumptions.

Each draw sets every ranged assumption at once (`draws.draw_assumptions`) and projects the years
under each scenario on a sample of households, scaled to the draw's county. Like the tornado,
the sample measures how much a draw moves the cost in proportion, and a deterministic run gives
the level (`anchor`): a draw's cost is the deterministic total times the draw's total over the
same sample's total at central assumptions (common random numbers), by year and scenario. So
with every range collapsed, each draw is exactly the deterministic run. The samples rotate
through a pool of `POOL` households seeds (draw i uses sample i mod POOL), so the noise of one
sample in the measured effects averages out instead of moving the whole band; the central
assumptions run once on each sample. A benefit with a range in the handout (R5) keeps it
inside each draw: a draw's figure is the midpoint of its low and high, as in the deterministic
tables.

The work is a list of tasks, a batch of draws of one county each (`batch_costs`): a plain
function of plain inputs, which `cluster.Engine` runs in this process or on Dask workers. The
results do not depend on where a task ran.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jihua_kit.params.store import Params
from jihua_kit.rules.benefits import benefit_ids
from jihua_kit.simulation.draws import draw_assumptions
from jihua_kit.simulation.engine import project
from jihua_kit.tables.county import County

DEFAULT_SAMPLE = 40_000  # households per draw (see bench/uncertainty.py for how it was chosen)
BATCH = 10  # draws per task
QUANTILES = (0.05, 0.5, 0.95)
POOL = 50  # households samples per county at most (one per 10 draws): draw i uses sample i mod pool
POPULATION_STREAM = 8
SE_BATCHES = 20  # the Monte Carlo standard error of each figure: spread over this many groups of draws
# Simulated counts set beside what the handout or the county file states (calibration).
COUNTS = ("E-GIVE-UP-2ND", "E-POSTPONE-2ND")


def population_seeds(county: County, seed: int, pool: int) -> list[int]:
    """The households seeds of the draws: a pool of `pool`, from the master seed and the county."""
    sequence = np.random.SeedSequence([seed, POPULATION_STREAM, zlib.crc32(county.id.encode("utf-8"))])
    return [int(x) for x in sequence.generate_state(pool, dtype=np.uint32)]


def batch_costs(
    county: County,
    rows: list[dict[str, float]],
    views: dict[str, Params],
    seeds: list[int],
    households: int,
    years: list[int],
) -> tuple[np.ndarray, np.ndarray]:
    """Costs and counts of a batch of draws (one task): draw i with households seed `seeds[i]`.

    Returns `cost[draw, year, scenario, benefit]` (yuan, central, after uptake, scaled to the
    draw's county) and `counts[draw, year, k]` for the rules in `COUNTS` (households reached,
    scaled), then the draw's households, population and villages.
    """
    scenarios = list(views)
    cost = counts = None
    for d, overrides in enumerate(rows):
        variant = county.with_overrides(overrides)
        res = project(variant, views, seeds[d], households, years)
        ids = res[scenarios[0]][0].benefit_ids
        if cost is None:
            cost = np.zeros((len(rows), len(years), len(scenarios), len(ids)))
            counts = np.zeros((len(rows), len(years), len(COUNTS) + 3))
        for s, scen in enumerate(scenarios):
            for y, yr in enumerate(res[scen]):
                cost[d, y, s] = yr.cost("central").sum(axis=0) * yr.scale
        for y, yr in enumerate(res[scenarios[0]]):
            hh = yr.sums["households"].sum(axis=0) * yr.scale
            counts[d, y, : len(COUNTS)] = [hh[ids.index(rid)] for rid in COUNTS]
            size = variant.value("household_size")
            counts[d, y, len(COUNTS) :] = (variant.households, variant.households * size, len(yr.layout.villages))
    return cost, counts


@dataclass
class Draws:
    """The raw draws of one county: assumption values, costs and counts, in draw order."""

    county: County
    assumptions: pd.DataFrame  # draw x override key
    cost: np.ndarray  # draw, year, scenario, benefit
    counts: np.ndarray  # draw, year, (COUNTS..., households, population, villages)
    years: list[int]
    scenarios: list[str]
    benefit_ids: tuple[str, ...]
    households: int  # sample per draw
    extra: dict = field(default_factory=dict)

    def total(self) -> np.ndarray:
        """draw, year, scenario: the total over benefits."""
        return self.cost.sum(axis=3)


def tasks(county: County, draws: int, seed: int) -> tuple[pd.DataFrame, list[list[dict[str, float]]]]:
    """The county's joint draws and their batches (one task each)."""
    values = draw_assumptions(county, draws, seed)
    rows = [{str(k): float(v) for k, v in r.items()} for r in values.to_dict("records")]
    return values, [rows[i : i + BATCH] for i in range(0, len(rows), BATCH)]


def run_draws(
    county: County,
    views: dict[str, Params],
    draws: int,
    seed: int = 0,
    households: int = DEFAULT_SAMPLE,
    years: list[int] | None = None,
    mapper: Callable[..., list] | None = None,
    anchor: np.ndarray | None = None,
) -> Draws:
    """`draws` joint draws of `county`, projected over `years` under each scenario of `views`.

    `mapper(func, argument_tuples, weights)` runs the tasks and returns their results in order
    (default: one after another here; `cluster.Engine.map` runs them on Dask). `anchor[year,
    scenario]` is the deterministic total the draws are put on (default: the sample's own)."""
    years = years or [county.reference_year]
    values, batches = tasks(county, draws, seed)
    pool = population_seeds(county, seed, min(POOL, max(1, draws // 10)))
    seeds = [pool[i % len(pool)] for i in range(draws)]
    args = [(county, rows, views, seeds[i * BATCH : i * BATCH + len(rows)], households, years)
            for i, rows in enumerate(batches)]  # fmt: skip
    args += [(county, [{}] * len(pool[i : i + BATCH]), views, pool[i : i + BATCH], households, years)
             for i in range(0, len(pool), BATCH)]  # the central assumptions on each sample  # fmt: skip
    weights = [len(rows) for rows in batches] + [0] * (len(args) - len(batches))
    results = mapper(batch_costs, args, weights) if mapper else [batch_costs(*a) for a in args]
    cost = np.concatenate([r[0] for r in results[: len(batches)]])
    counts = np.concatenate([r[1] for r in results[: len(batches)]])
    central = np.concatenate([r[0] for r in results[len(batches) :]]).sum(axis=3)  # sample, year, scenario
    level = central.mean(axis=0) if anchor is None else np.asarray(anchor, dtype=float)
    which = np.arange(draws) % len(pool)
    factor = np.divide(level[None], central[which], out=np.ones_like(central[which]), where=central[which] > 0)
    ids = benefit_ids(next(iter(views.values())).store)
    out = Draws(county, values, cost * factor[:, :, :, None], counts, years, list(views), ids, households)
    out.extra["level"] = level
    out.extra["samples"] = len(pool)
    return out


def summarize(values: np.ndarray) -> dict[str, float]:
    """Mean, P5, P50, P95 of `values` (one per draw) and the Monte Carlo standard error of each:
    the spread of the same figure over `SE_BATCHES` groups of draws, divided by √groups."""
    values = np.asarray(values, dtype=float)
    out = {"mean": float(values.mean())}
    qs = np.quantile(values, QUANTILES)
    out.update({"p05": float(qs[0]), "p50": float(qs[1]), "p95": float(qs[2])})
    groups = min(SE_BATCHES, len(values) // 5)
    if groups >= 2:
        parts = np.array_split(values, groups)
        stats = np.array([[p.mean(), *np.quantile(p, QUANTILES)] for p in parts])
        se = stats.std(axis=0, ddof=1) / np.sqrt(groups)
    else:
        se = np.full(4, np.nan)
    out.update({"mc_se_mean": float(se[0]), "mc_se_p05": float(se[1]), "mc_se_p50": float(se[2]),
                "mc_se_p95": float(se[3])})  # fmt: skip
    return out
