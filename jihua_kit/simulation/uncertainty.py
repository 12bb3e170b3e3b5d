"""Tables of the joint-uncertainty run: the spread of the cost (uncertainty), what drives it
(drivers) and the simulated counts beside the stated ones (calibration). Column names are
stable English keys; `views.headers` gives the Chinese labels."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jihua_kit.core.i18n import t
from jihua_kit.params.store import ParameterStore
from jihua_kit.simulation.montecarlo import COUNTS, Draws, summarize

TOTAL = "total"  # the benefit column's value for the sum over benefits
ALL = "all"  # the county column's value for the sum over counties
CALIBRATION_TARGETS = {"E-GIVE-UP-2ND": "T-GIVE-UP", "E-POSTPONE-2ND": "T-POSTPONE"}


def _rows(name: str, d: Draws | None, cost: np.ndarray, years: list[int], scenarios: list[str], ids) -> list[dict]:
    rows = []
    for y, year in enumerate(years):
        for s, scen in enumerate(scenarios):
            for j, rid in enumerate((*ids, TOTAL)):
                values = cost[:, y, s].sum(axis=1) if rid == TOTAL else cost[:, y, s, j]
                stats = summarize(values)
                rows.append({"year": year, "scenario": scen, "county": name, "benefit": rid,
                             "mean": stats["mean"], "p05": stats["p05"], "p50": stats["p50"], "p95": stats["p95"],
                             "mc_se": stats["mc_se_mean"], "mc_se_p05": stats["mc_se_p05"],
                             "mc_se_p50": stats["mc_se_p50"], "mc_se_p95": stats["mc_se_p95"]})  # fmt: skip
    return rows


def uncertainty(runs: list[Draws]) -> pd.DataFrame:
    """Mean, P5, P50, P95 and Monte Carlo standard errors by year, scenario, county and benefit
    (`total` for the sum); with several counties, also their sum (`county` = `all`): draw i of
    each county added together, their assumptions drawn independently."""
    rows = []
    for d in runs:
        rows += _rows(d.county.id, d, d.cost, d.years, d.scenarios, d.benefit_ids)
    if len(runs) > 1:
        n = min(len(d.cost) for d in runs)
        summed = sum(d.cost[:n] for d in runs)
        first = runs[0]
        rows += _rows(ALL, None, summed, first.years, first.scenarios, first.benefit_ids)
    return pd.DataFrame(rows)


def _ranks(x: np.ndarray) -> np.ndarray:
    return pd.Series(x).rank(method="average").to_numpy()


def drivers(d: Draws, lang: str = "zh") -> pd.DataFrame:
    """Per assumption, the Spearman rank correlation between its draws and the first year's total
    under the main scenario, and its share of the variance that the ranks explain (ρ² over the sum
    of ρ²; with independent assumptions close to its first-order sensitivity index)."""
    total = _ranks(d.total()[:, 0, 0])
    names = {s.key: s.name(lang) for s in d.county.sweeps()}
    rows = []
    for key in d.assumptions.columns:
        x = d.assumptions[key].to_numpy()
        rho = 0.0 if np.ptp(x) == 0 else float(np.corrcoef(_ranks(x), total)[0, 1])
        rows.append({"county": d.county.id, "year": d.years[0], "scenario": d.scenarios[0], "key": key,
                     "name": names.get(key, key), "rho": rho, "share": rho * rho})  # fmt: skip
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    explained = df["share"].sum()
    df["share"] = df["share"] / explained if explained > 0 else 0.0
    return df.sort_values(["share", "key"], ascending=[False, True], kind="stable", ignore_index=True)


def calibration(d: Draws, store: ParameterStore, lang: str = "zh") -> pd.DataFrame:
    """The simulated figures that the handout or the county file also states, side by side: the
    draws' P5-P95 and mean, and `outside` where the range misses the stated figure (for a floor,
    where even P95 stays below it)."""
    first = d.years[0]
    rows = []

    def add(key: str, stated: float, comparator: str, source: str, values: np.ndarray, note: str = "") -> None:
        stats = summarize(values)
        outside = stats["p95"] < stated if comparator == ">=" else not stats["p05"] <= stated <= stats["p95"]
        rows.append({"county": d.county.id, "year": first, "measure": key, "name": t(f"calib.{key}", lang),
                     "stated": stated, "comparator": comparator, "source": source, "mean": stats["mean"],
                     "p05": stats["p05"], "p95": stats["p95"], "outside": bool(outside), "note": note})  # fmt: skip

    for k, rid in enumerate(COUNTS):
        target = store.parameters[CALIBRATION_TARGETS[rid]]
        value = target.values[0]
        note = t("calib.note.postpone", lang) if rid == "E-POSTPONE-2ND" else ""
        add(rid, value.low, value.comparator or "=", f"{target.id} {target.section}", d.counts[:, 0, k], note)
    n = len(COUNTS)
    pop = d.county.figures["registered_population"]
    add("households", d.county.households, "=", t("calib.source.derived", lang), d.counts[:, 0, n])
    add("population", pop.central, "=", t("calib.source.county", lang, id=pop.id), d.counts[:, 0, n + 1])
    villages = d.county.figures["villages"]
    add("villages", villages.central, "=", t("calib.source.county", lang, id=villages.id), d.counts[:, 0, n + 2])
    return pd.DataFrame(rows)
