"""One-at-a-time sensitivity of the county total to every assumption (the tornado chart).

Each assumption of the county file is set to its low and then its high value, the others stay
central, and the year is simulated again on a sample of households with the same seed (common
random numbers: only the moved assumption changes the draws it drives). Totals are scaled from
the sample to the county's households, which themselves depend on the household-size assumption.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from jihua_kit.params.store import DEFAULT_SCENARIO, Params, load_parameters
from jihua_kit.rules.benefits import compute
from jihua_kit.simulation.lifecycle import advance
from jihua_kit.simulation.population import Households, chunk_bounds, generate_chunk, layout
from jihua_kit.tables.county import County, Sweep, load_county

DEFAULT_SAMPLE = 20_000
_BATCH_HOUSEHOLDS = 400_000  # variants are computed together, up to about this many households at once


def households_in(county: County, seed: int, households: int, year: int | None = None) -> Households:
    """The sample's households in `year` (default: the reference year), all chunks together."""
    lay, year = layout(county, seed), year or county.reference_year
    parts = []
    for index, (lo, hi) in enumerate(chunk_bounds(households)):
        h = generate_chunk(county, lay, seed, index, lo, hi)
        for y in range(county.reference_year + 1, year + 1):
            h = advance(h, county, lay, seed, index, y)
        parts.append(h)
    return Households.stack(parts)


def _totals(county: County, variants: list[County], params: Params, seed: int, n: int, year: int | None) -> list[float]:
    """County total (central cost after uptake, scaled from the sample) for each variant county.

    The variants' households are stacked into one table and the rules run once over it; the
    totals are then split by variant, exactly as `simulate_year` would sum each one alone."""
    pops = [households_in(v, seed, n, year) for v in variants]
    table = Households.stack(pops).to_frame(layout(county, seed))
    which = np.repeat(np.arange(len(variants)), [len(p) for p in pops])
    central = np.zeros(len(variants))
    for res in compute(table, params).values():
        rows = np.flatnonzero(res.applies)
        central += np.bincount(which[rows], weights=(res.low[rows] + res.high[rows]) / 2, minlength=len(variants))
    return [c * v.value("uptake") * v.households / n for c, v in zip(central, variants, strict=True)]


def tornado(
    county: County | None = None,
    params: Params | None = None,
    seed: int = 0,
    households: int = DEFAULT_SAMPLE,
    year: int | None = None,
    keys: list[str] | None = None,
    lang: str = "zh",
    progress: Callable[[int], None] | None = None,
    mapper: Callable[..., list] | None = None,
) -> pd.DataFrame:
    """Per assumption: low and high values, the county total (central cost) at each, and the swing.

    Sorted by swing, largest first. `keys` limits the sweep to some assumptions; the total with
    every assumption central is in the `base_total` column. `mapper(func, args, weights)` runs
    the batches (default: here, one after another; `cluster.Engine.map` runs them on Dask).
    """
    county = county or load_county()
    params = params or load_parameters().view(DEFAULT_SCENARIO)
    sweeps = [s for s in county.sweeps() if keys is None or s.key in keys]
    moves: list[tuple[Sweep | None, float]] = [(None, 0.0)]
    moves += [(s, v) for s in sweeps for v in (s.low, s.high) if v != s.central]
    per_batch = max(1, _BATCH_HOUSEHOLDS // households)
    batches = [moves[i : i + per_batch] for i in range(0, len(moves), per_batch)]
    args = [(county, [county if s is None else county.with_overrides({s.key: v}) for s, v in batch], params, seed,
             households, year) for batch in batches]  # fmt: skip
    weights = [len(batch) - (i == 0) for i, batch in enumerate(batches)]
    if mapper is None:
        results = []
        for a, w in zip(args, weights, strict=True):
            results.append(_totals(*a))
            if progress:
                progress(w)
    else:
        results = mapper(_totals, args, weights)
    totals: dict[tuple[str, float], float] = {}
    for batch, batch_totals in zip(batches, results, strict=True):
        for (s, v), total in zip(batch, batch_totals, strict=True):
            totals[("", 0.0) if s is None else (s.key, v)] = total
    base = totals[("", 0.0)]
    rows = []
    for s in sweeps:
        at = [base if v == s.central else totals[(s.key, v)] for v in (s.low, s.high)]
        rows.append({
            "key": s.key, "name": s.name(lang), "unit": s.unit, "low": s.low, "central": s.central, "high": s.high,
            "total_low": at[0], "total_high": at[1], "swing": abs(at[1] - at[0]), "base_total": base,
            "sample_households": households,
        })  # fmt: skip
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    return df.sort_values(["swing", "key"], ascending=[False, True], kind="stable", ignore_index=True)


def anchored(tor: pd.DataFrame, full_total: float) -> pd.DataFrame:
    """The tornado on the scale of a full run: each total times full_total / the sample's base total.

    The sample measures how much each assumption moves the total (in proportion); the full run
    gives the level. `base_total` becomes the full run's total, `sample_total` keeps the sample's
    own base and `sample_gap` its distance from the full run (0.027 = the sample is 2.7% higher),
    so every table and chart can say which figures come from the sample and how far it is off."""
    out = tor.copy()
    if out.empty:
        return out
    sample = float(out["base_total"].iloc[0])
    factor = full_total / sample if sample else 1.0
    for col in ("total_low", "total_high", "swing"):
        out[col] = out[col] * factor
    out["base_total"] = float(full_total)
    out["sample_total"] = sample
    out["sample_gap"] = sample / full_total - 1 if full_total else 0.0
    return out


def runs(county: County, keys: list[str] | None = None) -> int:
    """How many variants `tornado` simulates besides the base one (for a progress bar)."""
    return sum((s.low != s.central) + (s.high != s.central) for s in county.sweeps() if keys is None or s.key in keys)
