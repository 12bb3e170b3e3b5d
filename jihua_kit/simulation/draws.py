"""Joint draws of a county's assumptions for the Monte Carlo run.

Each assumption with a low-high range varies by its declared shape (triangular on
low/central/high by default, uniform where the file says so); assumptions are independent
unless the county file declares correlations, which act on the normal scores of a Gaussian
copula (so each assumption keeps its own shape). The draws are a Latin hypercube (see
`uniforms`). The draws of a county depend only on the master seed and the county's id: adding
a county or a worker changes none of them.
"""

from __future__ import annotations

import math
import zlib
from statistics import NormalDist

import numpy as np
import pandas as pd

from jihua_kit.tables.county import County, Sweep, correlation_matrix

DRAW_STREAM = 7  # the seed stream of the assumption draws (the population uses 1-4)


def county_seed(seed: int, county: County) -> np.random.SeedSequence:
    """The seed sequence of one county's draws: the master seed and a stable hash of its id."""
    return np.random.SeedSequence([seed, DRAW_STREAM, zlib.crc32(county.id.encode("utf-8"))])


def _normal_cdf(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.vectorize(math.erf, otypes=[float])(z / math.sqrt(2.0)))


def quantile(sweep: Sweep, u: np.ndarray) -> np.ndarray:
    """The value of `sweep` at cumulative probability `u` (its inverse distribution function)."""
    a, c, b = sweep.low, sweep.central, sweep.high
    if b <= a:
        return np.full(u.shape, c)
    if sweep.distribution == "uniform":
        return a + u * (b - a)
    split = (c - a) / (b - a)
    left = a + np.sqrt(u * (b - a) * (c - a))
    right = b - np.sqrt((1.0 - u) * (b - a) * (b - c))
    return np.where(u < split, left, right)


def uniforms(county: County, draws: int, seed: int) -> np.ndarray:
    """(draws, assumptions) probabilities, stratified and correlated as the county file declares.

    Latin hypercube: each assumption's draws fall one in each of `draws` equal slices of its
    probability range, in a random order, so a thousand draws cover every range evenly (the P5
    and P95 settle far sooner than with plain random draws). Correlations act on the normal
    scores (a Gaussian copula)."""
    k = len(county.sweeps())
    rng = np.random.default_rng(county_seed(seed, county))
    slices = np.argsort(rng.random((draws, k)), axis=0)  # a random order of the slices, per assumption
    u = (slices + rng.random((draws, k))) / draws
    if county.correlations and k:
        inverse = np.vectorize(NormalDist().inv_cdf, otypes=[float])
        z = inverse(np.clip(u, 1e-12, 1 - 1e-12))
        values, vectors = np.linalg.eigh(correlation_matrix(county))  # semi-definite too (not Cholesky)
        z = z @ (vectors * np.sqrt(np.clip(values, 0.0, None))).T
        u = _normal_cdf(z)
    return np.clip(u, 1e-12, 1 - 1e-12)


def draw_assumptions(county: County, draws: int, seed: int) -> pd.DataFrame:
    """`draws` joint values of every ranged assumption: one row per draw, one column per
    override key (`rural_share`, `rural_household_types.one_child`, ...)."""
    sweeps = county.sweeps()
    u = uniforms(county, draws, seed)
    cols = {s.key: quantile(s, u[:, j]) for j, s in enumerate(sweeps)}
    for s in sweeps:
        if s.unit == "count":  # townships: a whole number
            cols[s.key] = np.round(cols[s.key])
    _keep_balances(county, cols)
    return pd.DataFrame(cols, index=pd.RangeIndex(draws, name="draw"))


def _keep_balances(county: County, cols: dict[str, np.ndarray]) -> None:
    """Shares drawn together may leave a distribution's balance category below zero (each one
    alone cannot): there, the draw's deviations from central are shrunk in proportion until the
    balance is exactly zero, so every draw is a valid county."""
    for d in county.distributions.values():
        keys = [f"{d.id}.{cat}" for cat in d.categories if f"{d.id}.{cat}" in cols]
        if not keys:
            continue
        central = {f"{d.id}.{cat}": c for cat, c in zip(d.categories, d.central, strict=True)}
        room = central[f"{d.id}.{d.balance}"]
        excess = sum(cols[k] - central[k] for k in keys)
        shrink = np.where(excess > room, room / np.where(excess > room, excess, 1.0), 1.0)
        for k in keys:
            cols[k] = central[k] + (cols[k] - central[k]) * shrink


def overrides_of(row: pd.Series) -> dict[str, float]:
    """One draw as `County.with_overrides` takes it."""
    return {str(k): float(v) for k, v in row.items()}
