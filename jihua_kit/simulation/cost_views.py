"""Tables of the county cost simulation for chapter 06 and its calculator, in Chinese (or English).

`project_both` simulates a fixed-seed sample under baseline and raised at once; `wide` turns the
results into one row per year and benefit with both scenarios side by side, blown up to the
county (`sim_views.by_benefit(scaled=True)`); the `*_frame` functions give the short tables a
slide can hold (amounts in 万元). Every number comes from the simulation or the county file.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from jihua_kit.core.i18n import t
from jihua_kit.core.textfmt import format_number
from jihua_kit.params.store import load_parameters
from jihua_kit.simulation import views as sim_views
from jihua_kit.simulation.engine import YearResult, project
from jihua_kit.simulation.uncertainty import CALIBRATION_TARGETS, TOTAL
from jihua_kit.tables.county import County, load_county

__all__ = [
    "SCENARIOS", "WAN", "assumption_frame", "band_summary", "benefit_frame", "by_year", "calibration_frame",
    "facts_frame", "project_both", "raise_summary", "shown_value", "tornado_frame", "wan_text", "wide",
    "year_frame",
]  # fmt: skip

SCENARIOS = ("baseline", "raised")
WAN = 10_000  # tables show 万元


def shown_value(value: float, unit: str) -> str:
    """'5.5%' for a share, '14.5‰' for a rate per 1,000 people, '3.2' otherwise."""
    if unit == "share":
        return f"{format_number(round(value * 100, 2))}%"
    if unit == "per_1000_people":
        return f"{value:,.3f}".rstrip("0").rstrip(".") + "‰"
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def _wan(x: float) -> float:
    return round(x / WAN, 1)


def wan_text(x: float) -> str:
    """Yuan as 万元 with a thousands separator and one decimal: 141845123 -> '14,184.5'."""
    return f"{x / WAN:,.1f}"


def project_both(
    households: int,
    seed: int = 0,
    years: Iterable[int] | None = None,
    overrides: dict[str, float] | None = None,
    county: County | None = None,
) -> dict[str, list[YearResult]]:
    """Baseline and raised on the same sample of `households` (one population, two rule sets)."""
    store = load_parameters()
    views = {s: store.view(s) for s in SCENARIOS}
    return project(county or load_county(), views, seed, households, years, overrides)


def wide(results: dict[str, list[YearResult]], lang: str = "zh") -> pd.DataFrame:
    """One row per year and benefit: per scenario `<s>_households`, `<s>_cost_low/central/high`
    (scaled to the county), and `diff` = raised - baseline (central)."""
    table = sim_views.by_benefit([r for s in SCENARIOS for r in results[s]], lang, scaled=True)
    keys = ["year", "benefit", "benefit_name", "kind"]
    out = table[table["scenario"] == SCENARIOS[0]][keys].reset_index(drop=True)
    for scen in SCENARIOS:
        part = table[table["scenario"] == scen].reset_index(drop=True)
        for col in ("households", *sim_views.COSTS):
            out[f"{scen}_{col}"] = part[col]
    out["diff"] = out["raised_cost_central"] - out["baseline_cost_central"]
    return out


def by_year(table: pd.DataFrame) -> pd.DataFrame:
    """The county totals per year (all benefits), both scenarios, from `wide`."""
    cols = [f"{s}_{c}" for s in SCENARIOS for c in sim_views.COSTS] + ["diff"]
    return table.groupby("year", as_index=False)[cols].sum()


def benefit_frame(table: pd.DataFrame, year: int, top: int = 6, lang: str = "zh") -> pd.DataFrame:
    """The `top` benefits by raised cost in `year`, the others in one row, and the total (万元)."""
    rows = table[(table["year"] == year) & (table["kind"] != "non_monetary")]
    rows = rows.sort_values("raised_cost_central", ascending=False, kind="stable")
    head, rest = rows.head(top), rows.iloc[top:]
    cols = ["baseline_cost_central", "raised_cost_central", "diff"]
    names = [f"{n}（{b}）" for n, b in zip(head["benefit_name"], head["benefit"], strict=True)]
    data = [list(r) for r in head[cols].to_numpy()]
    if len(rest):
        names.append(t("costv.others", lang, n=len(rest)))
        data.append(list(rest[cols].sum()))
    names.append(t("sim.total", lang))
    data.append(list(rows[cols].sum()))
    heads = [t("scenario.baseline", lang), t("scenario.raised", lang), t("cost.col.diff", lang)]
    frame = pd.DataFrame([[wan_text(x) for x in r] for r in data], index=names, columns=heads)
    return frame.rename_axis(t("costv.wan", lang), axis=1)


def year_frame(years: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """One row per year: baseline and raised central cost, the difference, and raised low-high (万元)."""
    ends = years[["raised_cost_low", "raised_cost_high"]].to_numpy()
    out = pd.DataFrame(
        {
            t("scenario.baseline", lang): [wan_text(x) for x in years["baseline_cost_central"]],
            t("scenario.raised", lang): [wan_text(x) for x in years["raised_cost_central"]],
            t("cost.col.diff", lang): [wan_text(x) for x in years["diff"]],
            t("cost.col.range", lang, scenario=t("scenario.raised", lang)): [
                f"{wan_text(lo)}–{wan_text(hi)}" for lo, hi in ends
            ],
        },
        index=[str(y) for y in years["year"]],
    )  # fmt: skip
    return out.rename_axis(t("costv.wan", lang), axis=1)


def tornado_frame(tor: pd.DataFrame, top: int = 8, lang: str = "zh") -> pd.DataFrame:
    """The `top` assumptions by swing: range, the total at each end, the swing (万元)."""
    rows = tor.head(top)
    return pd.DataFrame(
        {
            t("costv.range", lang): [f"{shown_value(lo, u)}–{shown_value(hi, u)}" for lo, hi, u in
                                     rows[["low", "high", "unit"]].to_numpy()],
            t("costv.at_low", lang): [wan_text(x) for x in rows["total_low"]],
            t("costv.at_high", lang): [wan_text(x) for x in rows["total_high"]],
            t("costv.swing", lang): [wan_text(x) for x in rows["swing"]],
        },
        index=list(rows["name"]),
    ).rename_axis(t("costv.wan", lang), axis=1)  # fmt: skip


def facts_frame(county: County | None = None, lang: str = "zh") -> pd.DataFrame:
    """The county file's facts: name, value, confidence (the sources are in the file)."""
    county = county or load_county()
    facts = [f for f in county.figures.values() if f.status == "fact"]
    return pd.DataFrame(
        {
            t("costv.value", lang): [format_number(f.central) for f in facts],
            t("costv.unit", lang): [t(f"costv.unit.{f.unit}", lang) for f in facts],
            t("sim.col.confidence", lang): [f.confidence or "—" for f in facts],
        },
        index=[f.name(lang) for f in facts],
    )


def assumption_frame(keys: Iterable[str], county: County | None = None, lang: str = "zh") -> pd.DataFrame:
    """Assumptions of the county file by key: low, central and high, as a trainee reads them."""
    county = county or load_county()
    sweeps = {s.key: s for s in county.sweeps()}
    rows = [sweeps[k] for k in keys]
    return pd.DataFrame(
        {
            t("sim.col.low", lang): [shown_value(s.low, s.unit) for s in rows],
            t("sim.col.central", lang): [shown_value(s.central, s.unit) for s in rows],
            t("sim.col.high", lang): [shown_value(s.high, s.unit) for s in rows],
        },
        index=[s.name(lang) for s in rows],
    )


def raise_summary(table: pd.DataFrame, year: int, lang: str = "zh", top: int = 2) -> str:
    """A sentence: how much the raise adds in `year`, and the benefits that add most."""
    rows = table[table["year"] == year]
    base, raised = rows["baseline_cost_central"].sum(), rows["raised_cost_central"].sum()
    biggest = rows.sort_values("diff", ascending=False, kind="stable").head(top)
    parts = [t("costv.part", lang, name=n, wan=format_number(_wan(d))) for n, d in
             zip(biggest["benefit_name"], biggest["diff"], strict=True)]  # fmt: skip
    sep = "、" if lang == "zh" else ", "
    return t("costv.raise_summary", lang, year=year, base=format_number(_wan(base)),
             raised=format_number(_wan(raised)), diff=format_number(_wan(raised - base)),
             share=format_number(round((raised - base) / base * 100)), parts=sep.join(parts))  # fmt: skip


def band_summary(
    unc: pd.DataFrame, year: int, central: float | None = None, scenario: str = "raised", lang: str = "zh"
) -> str:
    """A sentence on the joint-uncertainty band (`uncertainty.uncertainty`) of the county total in
    `year` under `scenario`: P50 and P5-P95 in whole 万元, and beside them `central` (the total with
    every assumption at its central value, as the chapter's tables show it), when given."""
    row = unc[(unc["year"] == year) & (unc["scenario"] == scenario) & (unc["benefit"] == TOTAL)].iloc[0]
    whole = {k: format_number(round(row[k] / WAN)) for k in ("p05", "p50", "p95")}  # a band: whole 万元
    text = t("costv.band_summary", lang, year=year, scenario=t(f"scenario.{scenario}", lang), **whole)
    if central is not None:
        text += t("costv.band_central", lang, central=format_number(_wan(central)))
    return text


def calibration_frame(cal: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The simulated counts beside the stated figures (`uncertainty.calibration`), as a trainee reads
    them: the stated figure (≥ for a floor), where it is stated (a target's code as a small label),
    the draws' P5-P95 in one column, ⚠ where the stated figure falls outside, and the note."""
    sources = []
    for r in cal.itertuples():
        if r.measure in CALIBRATION_TARGETS:
            code = CALIBRATION_TARGETS[r.measure]
            sources.append(f"{r.source.removeprefix(code).strip()}（{code}）")
        else:
            sources.append(t(f"costv.source.{'derived' if r.measure == 'households' else 'county'}", lang))
    stated = [
        ("≥ " if c == ">=" else "") + format_number(x) for c, x in zip(cal["comparator"], cal["stated"], strict=True)
    ]
    drawn = [
        f"{format_number(round(lo))}–{format_number(round(hi))}" for lo, hi in zip(cal["p05"], cal["p95"], strict=True)
    ]
    frame = pd.DataFrame(
        {"stated": stated, "source": sources, t("costv.draw_range", lang): drawn,
         "outside": ["⚠" if x else "" for x in cal["outside"]], "note": [n or "" for n in cal["note"]]},
        index=list(cal["name"]),
    )  # fmt: skip
    return sim_views.headers(frame, lang)
