"""The payment list (兑现清单) of a household table: every benefit line of every household, per-household
totals, totals by benefit and by village. One `benefits.compute` over the whole table: no household is
explained one by one, and a one-row table gives the same lines as `explain`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from jihua_kit.params.store import Params
from jihua_kit.rules.benefits import RuleResult, compute, totals


@dataclass
class Payments:
    """Results over a household table; `lines` has one row per (household, benefit received)."""

    table: pd.DataFrame
    results: dict[str, RuleResult]
    lines: pd.DataFrame  # pos (row position in table), id, kind, low, high, persons, points
    households: pd.DataFrame  # per household: lines, one_time_min/max, annual_min/max, points
    by_benefit: pd.DataFrame
    by_village: pd.DataFrame


def _lines(results: dict[str, RuleResult]) -> pd.DataFrame:
    parts = []
    for order, (rid, r) in enumerate(results.items()):
        pos = np.flatnonzero(r.applies)
        parts.append(pd.DataFrame({
            "pos": pos, "order": np.full(len(pos), order), "id": np.full(len(pos), rid, dtype=object),
            "kind": np.full(len(pos), r.kind, dtype=object), "low": r.low[pos], "high": r.high[pos],
            "persons": r.persons[pos].astype(np.int64), "points": r.points[pos],
        }))  # fmt: skip
    lines = pd.concat(parts, ignore_index=True)
    return lines.sort_values(["pos", "order"], kind="stable").reset_index(drop=True).drop(columns="order")


def _households(results: dict[str, RuleResult], n: int) -> pd.DataFrame:
    tot = totals(results)
    count = np.sum([r.applies for r in results.values()], axis=0) if results else np.zeros(n)

    def arr(x: Any) -> np.ndarray:
        return np.broadcast_to(np.asarray(x, dtype=float), (n,)).copy()

    return pd.DataFrame({
        "lines": np.asarray(count, dtype=np.int64),
        "one_time_min": arr(tot["one_time"]["min"]), "one_time_max": arr(tot["one_time"]["max"]),
        "annual_min": arr(tot["annual"]["min"]), "annual_max": arr(tot["annual"]["max"]),
        "points": arr(tot["points"]),
    })  # fmt: skip


def _by_benefit(results: dict[str, RuleResult], params: Params, lang: str) -> pd.DataFrame:
    rows = []
    for rid, r in results.items():
        p = params.get(rid)
        rows.append({
            "id": rid, "name": p.name(lang), "kind": r.kind, "section": p.section,
            "households": int(r.applies.sum()), "persons": int(r.persons.sum()),
            "low": float(r.low.sum()), "high": float(r.high.sum()), "points": float(r.points.sum()),
        })  # fmt: skip
    return pd.DataFrame(rows)


def _by_village(table: pd.DataFrame, households: pd.DataFrame) -> pd.DataFrame:
    df = households.copy()
    df["township"] = table["township"].astype(str).to_numpy()
    df["village"] = table["village"].astype(str).to_numpy()
    df["paid"] = (df["lines"] > 0).astype(np.int64)
    g = df.groupby(["township", "village"], sort=True)
    out = g[["one_time_min", "one_time_max", "annual_min", "annual_max", "points"]].sum()
    out.insert(0, "households_paid", g["paid"].sum())
    out.insert(0, "households", g.size())
    return out.reset_index()


def payments(table: pd.DataFrame, params: Params, lang: str = "zh") -> Payments:
    """Every benefit of every household of a validated household table."""
    results = compute(table, params)
    households = _households(results, len(table))
    return Payments(table, results, _lines(results), households, _by_benefit(results, params, lang),
                    _by_village(table, households))  # fmt: skip
