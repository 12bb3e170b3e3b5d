"""Tables (DataFrames) of simulation results: by benefit, year, township and village, the
comparison of two scenarios, and the county figures used. Column names are stable English keys;
`headers(df, lang)` gives the Chinese (or English) labels for spreadsheets."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from jihua_kit.core.i18n import catalog, t
from jihua_kit.params.store import load_parameters
from jihua_kit.simulation.engine import YearResult
from jihua_kit.tables.county import County, category_label

COSTS = ("cost_low", "cost_central", "cost_high")


def _costs(res: YearResult, axis: int | None) -> dict[str, np.ndarray]:
    return {f"cost_{w}": res.cost(w).sum(axis=axis) for w in ("low", "central", "high")}


def by_benefit(results: Iterable[YearResult], lang: str = "zh", scaled: bool = False) -> pd.DataFrame:
    """One row per year, scenario and benefit. `scaled=True` multiplies counts and costs by each
    result's `scale` (a sample blown up to the county: counts become estimates, not whole numbers)."""
    store = load_parameters()
    rows = []
    for res in results:
        costs, k = _costs(res, 0), res.scale if scaled else 1
        for j, rid in enumerate(res.benefit_ids):
            param = store.parameters[rid]
            hh, persons = res.sums["households"][:, j].sum() * k, res.sums["persons"][:, j].sum() * k
            if not scaled:
                hh, persons = int(hh), int(persons)
            rows.append({
                "year": res.year, "scenario": res.scenario, "benefit": rid, "benefit_name": param.name(lang),
                "kind": param.kind, "households": hh, "persons": persons, **{c: float(costs[c][j] * k) for c in COSTS},
            })  # fmt: skip
    return pd.DataFrame(rows)


def by_year(results: Iterable[YearResult]) -> pd.DataFrame:
    """One row per year and scenario: the county totals."""
    rows = [
        {"year": r.year, "scenario": r.scenario, "simulated_households": r.households,
         "households": int(r.reached.sum()), **{c: float(v) for c, v in _costs(r, None).items()}}
        for r in results
    ]  # fmt: skip
    return pd.DataFrame(rows)


def by_village(results: Iterable[YearResult]) -> pd.DataFrame:
    """One row per year, scenario and village (all benefits together)."""
    frames = []
    for r in results:
        lay = r.layout
        frames.append(pd.DataFrame({
            "year": r.year, "scenario": r.scenario,
            "township": np.asarray(lay.townships)[lay.village_township], "village": lay.villages,
            "simulated_households": r.simulated, "households": r.reached, **_costs(r, 1),
        }))  # fmt: skip
    return pd.concat(frames, ignore_index=True)


def village_sheet(villages: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """by_village made wide for a spreadsheet: one row per village, one column of central cost
    per scenario and year (the long CSV has every figure)."""
    first = villages.drop_duplicates("village")
    out = pd.DataFrame({"township": first["township"].to_numpy(), "village": first["village"].to_numpy()})
    for (scenario, year), rows in villages.groupby(["scenario", "year"], sort=False):
        label = t("sim.col.village_cost", lang, year=year, scenario=t(f"scenario.{scenario}", lang))
        out[label] = rows["cost_central"].to_numpy()
    return out


def by_township(results: Iterable[YearResult]) -> pd.DataFrame:
    """One row per year, scenario and township."""
    villages = by_village(results)
    keys = ["year", "scenario", "township"]
    return villages.drop(columns="village").groupby(keys, sort=False, as_index=False).sum()


def comparison(base: Iterable[YearResult], other: Iterable[YearResult], lang: str = "zh") -> pd.DataFrame:
    """Per year and benefit: the two scenarios' costs and the difference (other - base)."""
    a, b = by_benefit(base, lang), by_benefit(other, lang)
    keys = ["year", "benefit", "benefit_name", "kind"]
    out = a[keys].copy()
    out["base_scenario"], out["other_scenario"] = a["scenario"], b["scenario"]
    for c in COSTS:
        out[f"base_{c}"], out[f"other_{c}"] = a[c], b[c]
        out[f"diff_{c}"] = b[c] - a[c]
    return out


def assumptions(county: County, lang: str = "zh") -> pd.DataFrame:
    """Every figure of the county file with its status, range, source or basis, and how an
    assumption varies in the joint draws; then the declared correlations between assumptions."""
    rows = [
        {"key": f.id, "name": f.name(lang), "status": f.status_key.split(".", 1)[1], "unit": f.unit, "low": f.low,
         "central": f.central, "high": f.high, "basis": f.basis_text(lang), "confidence": f.confidence,
         "distribution": f.distribution if f.status == "assumption" and f.low < f.high else ""}
        for f in county.figures.values()
    ]  # fmt: skip
    for d in county.distributions.values():
        for i, (cat, c, lo, hi) in enumerate(zip(d.categories, d.central, d.low, d.high, strict=True)):
            basis = d.basis_text(lang)
            note = t("sim.balance_note", lang, basis=basis) if cat == d.balance else basis
            name = f"{d.name(lang)}: {category_label(cat, lang)}"
            rows.append({"key": f"{d.id}.{cat}", "name": name, "status": d.status, "unit": "share", "low": lo,
                         "central": c, "high": hi, "basis": note, "confidence": "",
                         "distribution": d.shape(i) if cat != d.balance and lo < hi else ""})  # fmt: skip
    names = {s.key: s.name(lang) for s in county.sweeps()}
    for c in county.correlations:
        rows.append({"key": f"{c.a} ~ {c.b}", "name": t("sim.correlation_name", lang, a=names[c.a], b=names[c.b]),
                     "status": "assumption", "unit": "rho", "low": c.rho, "central": c.rho, "high": c.rho,
                     "basis": c.basis_text(lang), "confidence": "", "distribution": ""})  # fmt: skip
    return pd.DataFrame(rows)


_LABELS = {
    "year": "year", "scenario": "scenario", "benefit": "benefit", "benefit_name": "benefit_name",
    "township": "township", "village": "village", "households": "households", "persons": "persons",
    "simulated_households": "simulated_households", "cost_low": "cost_low", "cost_central": "cost_central",
    "cost_high": "cost_high", "key": "key", "name": "assumption", "status": "status", "unit": "unit",
    "low": "low", "central": "central", "high": "high", "basis": "basis", "confidence": "confidence",
    "total_low": "total_low", "total_high": "total_high", "swing": "swing", "base_total": "base_total",
    "sample_total": "sample_total", "sample_gap": "sample_gap", "sample_households": "sample_households",
    "kind": "kind", "county": "county", "mean": "mean", "p05": "p05", "p50": "p50", "p95": "p95",
    "mc_se": "mc_se", "mc_se_p05": "mc_se_p05", "mc_se_p50": "mc_se_p50", "mc_se_p95": "mc_se_p95", "rho": "rho",
    "share": "share", "measure": "measure", "stated": "stated", "comparator": "comparator", "source": "source",
    "outside": "outside", "note": "note", "distribution": "distribution",
}  # fmt: skip


def headers(df: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The same table with column labels (and scenario names) in `lang`, for people to read."""
    out = df.copy()
    for col in [c for c in out.columns if c.endswith("scenario")]:
        out[col] = [t(f"scenario.{s}", lang) for s in out[col]]
    if "kind" in out.columns:
        out["kind"] = [t(f"kind.{k}", lang) for k in out["kind"]]
    if "status" in out.columns:
        out["status"] = [t(f"status.{s}", lang) for s in out["status"]]
    if "distribution" in out.columns:
        out["distribution"] = [t(f"dist.{d}", lang) if d else "" for d in out["distribution"]]
    if "unit" in out.columns:
        out["unit"] = [t(f"costv.unit.{u}", lang) if f"costv.unit.{u}" in catalog() else u for u in out["unit"]]

    def label(col: str) -> str:
        if col in _LABELS:
            return t(f"sim.col.{_LABELS[col]}", lang)
        for prefix, key in (("base_", "scenario_a"), ("other_", "scenario_b"), ("diff_", "diff")):
            if col.startswith(prefix):
                return f"{t('sim.col.' + key, lang)}：{label(col[len(prefix) :])}"
        return col  # already a label (village_sheet)

    return out.rename(columns={c: label(c) for c in out.columns})
