"""Villages and townships of a synthetic county: names, sizes and the village lookup."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from jihua_kit.tables.county import County

LAYOUT_STREAM = 4  # the seed stream of the village sizes (see stock.py for the others)


@dataclass(frozen=True)
class Layout:
    """Villages, their townships and their relative sizes."""

    villages: tuple[str, ...]
    townships: tuple[str, ...]
    village_township: np.ndarray  # township index of each village
    weights: np.ndarray  # share of households in each village
    lookup: np.ndarray  # village index for each of 2**16 equal slices of [0, 1): a fast inverse CDF


def layout(county: County, seed: int) -> Layout:
    """Village codes grouped in order into near-equal townships; lognormal village sizes."""
    return _layout(
        int(county.value("villages")), int(county.value("townships")), county.value("village_size_spread"), seed
    )


@lru_cache(maxsize=16)
def _layout(n_v: int, n_t: int, spread: float, seed: int) -> Layout:
    z = np.random.default_rng([seed, LAYOUT_STREAM]).standard_normal(n_v)
    sigma = np.sqrt(np.log1p(spread**2))
    weights = np.exp(sigma * z)
    towns = (np.arange(n_v) * n_t) // n_v
    weights = weights / weights.sum()
    cum = np.cumsum(weights)
    lookup = np.minimum(np.searchsorted(cum / cum[-1], (np.arange(2**16) + 0.5) / 2**16), n_v - 1).astype(np.int16)
    for arr in (towns, weights, lookup):
        arr.flags.writeable = False  # shared between calls (cached)
    return Layout(
        tuple(f"村{i + 1:03d}" for i in range(n_v)), tuple(f"乡镇{j + 1:02d}" for j in range(n_t)),
        towns, weights, lookup,
    )  # fmt: skip
