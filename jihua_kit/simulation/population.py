"""A synthetic county: households drawn from the county file with a seed, chunk by chunk.

Each household is a couple (mother p1, father p2) with up to four children in slots c1..c4 and
the events of the year, exactly the household table of `docs/tables.md`. Every draw comes from a
`numpy.random.Generator` seeded by `(seed, chunk, stream)`, so the same seed and size give the
same households on any machine, whatever else runs. Every decision reads its own row of uniform
numbers, so moving one assumption leaves the other decisions unchanged (common random numbers:
the sensitivity analysis measures the assumption, not the noise).

The annual events and the ageing from one year to the next live in `jihua_kit/simulation/lifecycle.py`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from jihua_kit.simulation.household_arrays import Households
from jihua_kit.simulation.lifecycle import EVENT_ROWS, draw_events
from jihua_kit.simulation.stock import (
    CHUNK_SIZE,
    ENTRANT_STREAM,
    EVENT_STREAM,
    STOCK_ROWS,
    STOCK_STREAM,
    _ids,
    check_size,
    chunk_bounds,
    draw_stock,
    minor_age,
    pick,
    uniforms,
)
from jihua_kit.simulation.villages import LAYOUT_STREAM, Layout, layout
from jihua_kit.tables.county import County


def generate_chunk(county: County, lay: Layout, seed: int, index: int, start: int, stop: int) -> Households:
    """Chunk `index` (households `start` to `stop`) of the first year, with that year's events."""
    year, n = county.reference_year, stop - start
    stock = draw_stock(county, lay, None, _ids(start, stop), u=uniforms(seed, index, STOCK_STREAM, year, STOCK_ROWS, n))
    draw_events(stock, county, uniforms(seed, index, EVENT_STREAM, year, EVENT_ROWS, n), True)
    return stock


def generate(
    county: County, seed: int = 0, households: int | None = None, chunk_size: int = CHUNK_SIZE
) -> Iterator[tuple[Layout, pd.DataFrame]]:
    """The first year's household tables, one chunk at a time (default size: the county's)."""
    n = county.households if households is None else check_size(households)
    lay = layout(county, seed)
    for index, (start, stop) in enumerate(chunk_bounds(n, chunk_size)):
        yield lay, generate_chunk(county, lay, seed, index, start, stop).to_frame(lay)


def population(county: County, seed: int = 0, households: int | None = None) -> pd.DataFrame:
    """The whole first-year household table in memory (small populations, notebooks, benchmarks)."""
    return pd.concat([frame for _, frame in generate(county, seed, households)], ignore_index=True)


__all__ = [
    "CHUNK_SIZE", "ENTRANT_STREAM", "EVENT_STREAM", "LAYOUT_STREAM", "STOCK_ROWS", "STOCK_STREAM",
    "Households", "Layout", "check_size", "chunk_bounds", "draw_stock", "generate", "generate_chunk", "layout",
    "minor_age", "pick", "population", "uniforms",
]  # fmt: skip
