"""The cost simulation: county totals are the sum of one-household explanations, sums and views
agree, scenarios compare, the projection ages people, the tornado moves one assumption at a time,
and the CLI writes reproducible files."""

from __future__ import annotations

import copy
import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

from jihua_kit.cli.main import main
from jihua_kit.core.errors import KitError
from jihua_kit.explanations.household import explain
from jihua_kit.params.store import load_parameters
from jihua_kit.rules.benefits import BENEFIT_IDS
from jihua_kit.simulation import views as sim_views
from jihua_kit.simulation.engine import cost_table, project, simulate_year
from jihua_kit.simulation.population import population
from jihua_kit.simulation.sensitivity import households_in, tornado
from jihua_kit.tables.county import load_county

from .conftest import REPO

COUNTY = load_county()
RAISED, BASELINE = (load_parameters().view(s) for s in ("raised", "baseline"))
# A test county where every event is frequent (far outside the assumption ranges), so that a
# couple of thousand households meet every rule.
STRESS = {
    "rural_household_types.one_child": 0.3,
    "rural_household_types.two_daughter": 0.15,
    "child_death_rate": 0.03,
    "child_dead_share": 0.05,
    "orphaned_share": 0.05,
    "child_disability_rate": 0.03,
    "child_disabled_share": 0.05,
    "adult_disability_rate": 0.02,
    "couple_death_rate_under60": 0.03,
    "couple_death_rate_60plus": 0.1,
    "give_up_second_rate": 2.0,
    "long_term_adoption_rate": 0.3,
    "state_employee_share_rural": 0.2,
    "college_admission_rate": 0.8,
    "graduate_exam_rate": 0.5,
    "rural_share": 0.75,
    "urban_household_types.one_child": 0.6,
    "state_employee_share_urban": 0.6,
}


def _explained(table: pd.DataFrame, scenario: str) -> pd.DataFrame:
    """Sum of the one-household explanations, per benefit: households, persons, low, high."""
    sums = {rid: np.zeros(4) for rid in BENEFIT_IDS}
    for i in range(len(table)):
        for line in explain(table.iloc[[i]], scenario=scenario).received:
            sums[line.id] += (1, line.persons, line.low, line.high)
    return pd.DataFrame.from_dict(sums, orient="index", columns=["households", "persons", "low", "high"])


def _simulated(result) -> pd.DataFrame:
    s = result.sums
    return pd.DataFrame(
        {k: s[k].sum(axis=0) for k in ("households", "persons", "low", "high")}, index=list(result.benefit_ids)
    )


@pytest.mark.slow
def test_county_total_equals_the_sum_of_one_household_explanations():
    county = COUNTY.with_overrides(STRESS)
    result = simulate_year(county, RAISED, seed=7, households=2000)
    table = population(county, seed=7, households=2000)
    explained = _explained(table, "raised")
    simulated = _simulated(result)
    pd.testing.assert_frame_equal(simulated.astype(float), explained, check_exact=False, rtol=1e-12)
    assert result.total("low") == explained["low"].sum() and result.total("high") == explained["high"].sum()
    # The check means something only if the households meet the rules.
    paid = explained.index[explained["households"] > 0]
    assert set(paid) == set(BENEFIT_IDS)


@pytest.mark.slow
def test_a_projected_year_also_equals_its_explanations():
    county = COUNTY.with_overrides(STRESS)
    results = project(county, {"baseline": BASELINE}, seed=3, households=300, years=[2013, 2016])
    table = households_in(county, seed=3, households=300, year=2016).to_frame(results["baseline"][1].layout)
    later = results["baseline"][1]
    assert later.households == len(table) != 300  # newlyweds came, some households left
    pd.testing.assert_frame_equal(_simulated(later).astype(float), _explained(table, "baseline"), rtol=1e-12)


def _hand_table() -> pd.DataFrame:
    """Two rural one-child households with both parents 65 and an adult child, in two villages."""
    rows = []
    for i, village in enumerate(("甲村", "乙村")):
        rows.append({
            "household_id": f"T{i}", "village": village, "township": "某乡", "residence": "rural",
            "household_type": "one_child", "urban_dibao": False, "method": "sterilization",
            "p1_age": 65, "p2_age": 66, "p1_alive": True, "p2_alive": True,
            "p1_state_employee": False, "p2_state_employee": False,
            "c1_present": True, "c1_age": 40, "c1_sex": "M", "c1_alive": True, "c1_disabled": False,
            "ev_member_disabled": i,  # the second household: one member disabled this year
        })  # fmt: skip
    return pd.DataFrame(rows)


def test_hand_computed_costs_and_the_scenario_difference():
    table = _hand_table()
    raised, baseline = cost_table(table, RAISED), cost_table(table, BASELINE)
    col = {rid: j for j, rid in enumerate(BENEFIT_IDS)}
    # 六、五是 / 提标扩面三是: raised 300 yuan a month per parent, baseline 1,800 a year per parent.
    assert raised.sums["low"][:, col["E-PENSION"]].sum() == 2 * 2 * 300 * 12
    assert baseline.sums["low"][:, col["E-PENSION"]].sum() == 2 * 2 * 1800
    assert raised.sums["persons"][:, col["E-PENSION"]].sum() == 4
    # 六、二是: 2,160 a year to each living parent of a one-child household (both scenarios).
    assert raised.sums["low"][:, col["E-ONECHILD-REWARD"]].sum() == 2 * 2 * 2160
    # 六、四是: a disabled member costs 2,000-6,000 (R5: central is the midpoint).
    j = col["E-MEMBER-DISABILITY"]
    assert (raised.cost("low")[:, j].sum(), raised.cost("high")[:, j].sum()) == (2000, 6000)
    assert raised.cost("central")[:, j].sum() == 4000
    cmp = sim_views.comparison([baseline], [raised])
    pension = cmp.set_index("benefit").loc["E-PENSION"]
    assert pension["diff_cost_central"] == 2 * 2 * (300 * 12 - 1800)
    by_village = sim_views.by_village([raised]).set_index("village")
    assert by_village.loc["乙村", "cost_central"] - by_village.loc["甲村", "cost_central"] == 4000


def test_views_add_up():
    res = project(COUNTY, {"raised": RAISED, "baseline": BASELINE}, seed=1, households=3000, years=[2013, 2014])
    results = res["raised"] + res["baseline"]
    benefit, year = sim_views.by_benefit(results), sim_views.by_year(results)
    village, township = sim_views.by_village(results), sim_views.by_township(results)
    for c in sim_views.COSTS:
        per_year = benefit.groupby(["year", "scenario"], sort=False)[c].sum().to_numpy()
        np.testing.assert_allclose(per_year, year[c].to_numpy())
        np.testing.assert_allclose(village.groupby(["year", "scenario"], sort=False)[c].sum(), year[c])
        np.testing.assert_allclose(township.groupby(["year", "scenario"], sort=False)[c].sum(), year[c])
    assert len(township) == 4 * 25 and len(village) == 4 * 497
    assert (year["simulated_households"].iloc[:1] == 3000).all()
    assert (benefit["cost_low"] <= benefit["cost_central"]).all() and (
        benefit["cost_central"] <= benefit["cost_high"]
    ).all()
    raised_2013 = benefit[(benefit["year"] == 2013) & (benefit["scenario"] == "raised")]
    staff = raised_2013.set_index("benefit")
    base_2013 = benefit[(benefit["year"] == 2013) & (benefit["scenario"] == "baseline")].set_index("benefit")
    assert base_2013.loc["E-STAFF-CHILD-DEATH", "cost_central"] == 0  # raised only
    assert staff.loc["E-EXAM-BONUS", "cost_central"] == 0  # points, not money


def test_same_seed_same_results_and_uptake_scales_costs():
    a = simulate_year(COUNTY, RAISED, seed=5, households=2000)
    b = simulate_year(COUNTY, RAISED, seed=5, households=2000)
    assert a.total() == b.total() and (a.sums["persons"] == b.sums["persons"]).all()
    c = simulate_year(COUNTY, RAISED, seed=5, households=2000, overrides={"uptake": 0.9})
    assert c.total() == pytest.approx(0.9 * a.total(), rel=1e-12)
    assert (c.sums["households"] == a.sums["households"]).all()
    assert a.scale == pytest.approx(COUNTY.households / 2000)


def test_the_projection_ages_people():
    county = COUNTY.with_overrides(STRESS)
    years = households_in(county, 4, 3000, 2013).to_frame(simulate_year(county, RAISED, 4, 10).layout)
    later = households_in(county, 4, 3000, 2014).to_frame(simulate_year(county, RAISED, 4, 10).layout)
    later = later.set_index("household_id")
    both = years[years["household_id"].isin(later.index)].set_index("household_id")
    # A child of 13 passes the health-fee age (RA-HEALTH-FEE-AGE: under 14) a year later.
    turning = both[(both["household_type"] == "one_child") & (both["c1_age"] == 13) & both["c1_alive"]]
    assert len(turning) > 0
    fee = BENEFIT_IDS.index("E-HEALTH-FEE")
    before = cost_table(turning.reset_index(), RAISED).sums["households"][:, fee].sum()
    after = cost_table(later.loc[turning.index].reset_index(), RAISED).sums["households"][:, fee].sum()
    assert (before, after) == (len(turning), 0)
    # Rural two-type parents of 59 reach the pension age (RA-PENSION-AGE: 60) a year later.
    liang = both["household_type"].isin(["one_child", "two_daughter"]) & (both["residence"] == "rural")
    ages = both[["p1_age", "p2_age"]]
    near = both[liang & (ages.max(axis=1) == 59) & both["p1_alive"] & both["p2_alive"]]
    assert len(near) > 0
    pension = BENEFIT_IDS.index("E-PENSION")
    assert cost_table(near.reset_index(), RAISED).sums["persons"][:, pension].sum() == 0
    after = cost_table(later.loc[near.index].reset_index(), RAISED).sums["persons"][:, pension].sum()
    turning_60 = (ages.loc[near.index] == 59).sum().sum()
    assert 0 < after <= turning_60  # a parent may die in the year


def test_chunks_bound_the_work_and_report_progress():
    calls = []
    res = project(COUNTY, RAISED, seed=2, households=2500, years=[2013, 2014], chunk_size=1000, progress=calls.append)
    assert len(calls) == 3 * 2 and res["raised"][0].households == 2500


@pytest.mark.parametrize(
    "kwargs,field",
    [({"seed": -1}, "seed"), ({"households": 0}, "households"), ({"years": [2010]}, "years")],
)
def test_bad_simulation_inputs_are_rejected(kwargs, field):
    with pytest.raises(KitError) as info:
        project(COUNTY, RAISED, **({"households": 100} | kwargs))
    assert info.value.field == field


def test_tornado_moves_one_assumption_at_a_time():
    keys = ["rural_share", "uptake", "townships", "birth_rate"]
    tor = tornado(COUNTY, RAISED, seed=3, households=2000, keys=keys).set_index("key")
    base = simulate_year(COUNTY, RAISED, seed=3, households=2000)
    assert tor["base_total"].iloc[0] == pytest.approx(base.total() * base.scale, rel=1e-12)
    moved = simulate_year(COUNTY, RAISED, seed=3, households=2000, overrides={"rural_share": 0.9})
    assert tor.loc["rural_share", "total_high"] == pytest.approx(moved.total() * moved.scale, rel=1e-12)
    # Uptake scales every cost; its high end is the central value (the T-BENEFIT-DELIVERY target).
    assert tor.loc["uptake", "total_low"] == pytest.approx(0.85 * tor["base_total"].iloc[0], rel=1e-12)
    assert tor.loc["uptake", "total_high"] == tor["base_total"].iloc[0]
    assert tor.loc["townships", "swing"] == pytest.approx(0, abs=1e-6)  # grouping changes no total
    assert list(tor["swing"]) == sorted(tor["swing"], reverse=True)


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["simulate", *args])
    return code, out.getvalue(), err.getvalue()


SMALL = ("--households", "1500", "--sensitivity", "1000", "--years", "2013-2015")


def test_cli_writes_reproducible_files(tmp_path: Path):
    code, out, _ = _cli(*SMALL, "--seed", "9", "--out", str(tmp_path / "a"))
    assert code == 0 and "资金测算" in out and "合计" in out and "2015" in out
    assert _cli(*SMALL, "--seed", "9", "--out", str(tmp_path / "b"))[0] == 0
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    for name in ("by_benefit.csv", "by_village.csv", "comparison.csv", "tornado.csv", "simulation.xlsx",
                 "cost_by_benefit.png", "cost_by_year.png", "compare.png", "tornado.png"):  # fmt: skip
        assert name in files
    for name in files:  # CSVs, the workbook and the charts: the same bytes
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    _cli(*SMALL, "--seed", "10", "--out", str(tmp_path / "c"))
    assert (tmp_path / "a" / "by_benefit.csv").read_bytes() != (tmp_path / "c" / "by_benefit.csv").read_bytes()


def test_workbook_has_chinese_sheets_and_headers(tmp_path: Path):
    _cli(*SMALL, "--out", str(tmp_path))
    wb = load_workbook(tmp_path / "simulation.xlsx", read_only=True)
    assert {"分项目", "逐年", "分乡镇", "分村", "提标前后对比", "敏感性", "县情与假设"} <= set(wb.sheetnames)
    header = next(wb["分项目"].iter_rows(max_row=1, values_only=True))
    assert "项目" in header and "金额中间值（元）" in header
    csv = pd.read_csv(tmp_path / "by_benefit.csv", encoding="utf-8-sig")
    assert list(csv.columns[:4]) == ["year", "scenario", "benefit", "benefit_name"]


def test_cli_in_english_and_json(tmp_path: Path):
    code, out, _ = _cli(*SMALL, "--lang", "en", "--compare", "none", "--out", str(tmp_path))
    assert code == 0 and "Total" in out and "资金" not in out
    code, out, _ = _cli("--households", "500", "--sensitivity", "0", "--json", "--out", str(tmp_path / "j"))
    import json

    doc = json.loads(out)
    assert doc["by_year"][0]["simulated_households"] == 500 and "tornado" not in doc


def test_cli_rejects_a_corrupted_county_file(tmp_path: Path):
    raw = yaml.safe_load((REPO / "data" / "county" / "nayong.yaml").read_text(encoding="utf-8"))
    bad = copy.deepcopy(raw)
    next(r for r in bad["figures"] if r["id"] == "rural_share")["high"] = 1.3
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(bad, allow_unicode=True), encoding="utf-8")
    code, out, err = _cli("--county", str(path), "--households", "100", "--out", str(tmp_path / "o"))
    assert code == 2 and out == ""
    assert "rural_share" in err and "high" in err and "0到1" in err and "between 0 and 1" in err


@pytest.mark.parametrize(
    "args,field",
    [(("--years", "2013-2010"), "years"), (("--years", "soon"), "years"), (("--seed", "-3"), "seed"),
     (("--households", "0"), "households"), (("--scenario", "raised", "--compare", "raised"), "compare")],
)  # fmt: skip
def test_cli_rejects_bad_options(tmp_path: Path, args, field):
    code, _, err = _cli(*args, "--out", str(tmp_path))
    assert code == 2 and f"field {field}" in err


def test_tornado_in_a_worker_gives_the_same_table():
    from jihua_kit.simulation.run import run_simulation

    alone = run_simulation(COUNTY, years=[2013], households=800, sensitivity=800, workers=1)
    forked = run_simulation(COUNTY, years=[2013], households=800, sensitivity=800, workers=2)
    pd.testing.assert_frame_equal(alone.sensitivity, forked.sensitivity)
    assert alone.results["raised"][0].total() == forked.results["raised"][0].total()


def test_a_household_from_an_unknown_village_is_not_filed_elsewhere():
    from jihua_kit.simulation.engine import YearResult, aggregate, table_layout

    table = _hand_table()
    result = YearResult(2013, "raised", table_layout(table.iloc[[0]]), 1.0, 2, 2)
    with pytest.raises(KitError) as info:
        aggregate(table, {}, result)
    assert (info.value.field, info.value.row) == ("village", 1)


def test_a_sample_scales_to_the_county():
    res = simulate_year(COUNTY, RAISED, seed=2, households=1000)
    plain, scaled = sim_views.by_benefit([res]), sim_views.by_benefit([res], scaled=True)
    k = COUNTY.households / 1000
    np.testing.assert_allclose(scaled["cost_central"], plain["cost_central"] * k)
    np.testing.assert_allclose(scaled["households"], plain["households"] * k)
    assert scaled["cost_central"].sum() == pytest.approx(res.total() * res.scale)
