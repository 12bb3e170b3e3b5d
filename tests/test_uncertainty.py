"""Joint uncertainty: draws, their statistics, the Dask engine, several counties, bad files."""

from __future__ import annotations

import copy
import io
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from jihua_kit.cli.main import main
from jihua_kit.core.errors import KitError
from jihua_kit.params.system import load_system
from jihua_kit.simulation import uncertainty as unc
from jihua_kit.simulation.cluster import open_engine
from jihua_kit.simulation.draws import draw_assumptions, quantile
from jihua_kit.simulation.engine import project
from jihua_kit.simulation.montecarlo import run_draws, summarize
from jihua_kit.tables.county import Sweep, load_county, parse_county

from .conftest import REPO

COUNTY_FILE = REPO / "data" / "county" / "nayong.yaml"
COUNTY = load_county(COUNTY_FILE)
SYSTEM = load_system()
VIEWS = {"raised": SYSTEM.view("raised"), "baseline": SYSTEM.view("baseline")}


def _raw() -> dict:
    return yaml.safe_load(COUNTY_FILE.read_text(encoding="utf-8"))


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["simulate", *args])
    return code, out.getvalue(), err.getvalue()


# --- draws --------------------------------------------------------------------------------------


def test_triangular_and_uniform_quantiles():
    tri = Sweep("x", "x", "x", "share", 0.1, 0.2, 0.6)
    uni = Sweep("x", "x", "x", "share", 0.1, 0.2, 0.6, "uniform")
    u = np.array([0.0, 0.2, 0.5, 1.0])
    assert quantile(tri, u)[[0, 1, 3]] == pytest.approx([0.1, 0.2, 0.6])  # F(central) = (c-a)/(b-a) = 0.2
    assert quantile(uni, u) == pytest.approx([0.1, 0.2, 0.35, 0.6])
    big = draw_assumptions(COUNTY, 4000, 1)
    spread = big["village_size_spread"]  # uniform in the file: flat over 0.3-0.7
    assert abs(spread.mean() - 0.5) < 0.01 and abs((spread < 0.4).mean() - 0.25) < 0.03
    rural = big["rural_share"]  # triangular 0.75 / 0.825 / 0.90
    assert rural.between(0.75, 0.90).all() and abs(rural.mean() - 0.825) < 0.003


def test_draws_depend_on_seed_and_county_only():
    a, b = draw_assumptions(COUNTY, 50, 7), draw_assumptions(COUNTY, 50, 7)
    pd.testing.assert_frame_equal(a, b)
    assert not draw_assumptions(COUNTY, 50, 8).equals(a)
    spread = a["village_size_spread"]  # uniform over 0.3-0.7: a Latin hypercube puts one draw in each fiftieth
    assert sorted(np.floor((spread - 0.3) / 0.4 * 50).astype(int)) == list(range(50))


def test_declared_correlation_holds_and_balances_stay_valid():
    d = draw_assumptions(COUNTY, 3000, 2)
    pair = d[["rural_household_types.one_child", "urban_household_types.one_child"]].rank()
    assert 0.4 < pair.corr().iloc[0, 1] < 0.6  # the file declares 0.5
    assert abs(d[["rural_share", "birth_rate"]].rank().corr().iloc[0, 1]) < 0.06  # independent
    for row in d.head(300).to_dict("records"):
        COUNTY.with_overrides(row)  # every draw is a valid county: no balance below zero


def test_summary_statistics_and_their_standard_errors():
    values = np.random.default_rng(0).normal(100.0, 10.0, 2000)
    s = summarize(values)
    assert s["p05"] < s["p50"] < s["p95"] and abs(s["mean"] - 100) < 1
    assert 0.1 < s["mc_se_mean"] < 0.4  # about 10 / sqrt(2000) = 0.22


def _collapsed():
    """Nayong with every range collapsed to its central value and no correlations."""
    raw = _raw()
    for f in raw["figures"]:
        if f["status"] == "assumption":
            f["low"] = f["high"] = f["central"]
    for d in raw["distributions"]:
        for spec in d["categories"].values():
            if "low" in spec:  # not the balance category, which has a central value only
                spec["low"] = spec["high"] = spec["central"]
    raw.pop("correlations")
    return parse_county(raw, "collapsed.yaml")


# --- the run --------------------------------------------------------------------------------------


def test_collapsed_ranges_give_the_deterministic_run(tmp_path: Path):
    county = _collapsed()
    assert county.sweeps() == []
    years = [2013, 2015]
    det = project(county, VIEWS, seed=4, households=3000, years=years)
    anchor = np.array([[det[s][y].total() * det[s][y].scale for s in VIEWS] for y in range(len(years))])
    draws = run_draws(county, VIEWS, draws=3, seed=4, households=2000, years=years, anchor=anchor)
    for d in range(3):  # each draw, on its own households sample, is exactly the anchoring run
        np.testing.assert_allclose(draws.total()[d], anchor, rtol=1e-12)
    share = draws.cost[0, 0, 0] / draws.cost[0, 0, 0].sum()
    sample = det["raised"][0].cost("central").sum(axis=0)
    assert np.abs(share - sample / sample.sum()).max() < 0.05  # benefits keep about their shares


def test_collapsed_ranges_anchored_on_a_bigger_run_give_that_run(tmp_path: Path):
    from jihua_kit.simulation.run import run_simulation

    county = _collapsed()
    run = run_simulation(county, years=[2013, 2014], households=4000, sensitivity=0, draws=4, draw_households=1000)
    band = run.tables()["uncertainty"]
    total = band[band["benefit"] == "total"].set_index(["year", "scenario"])
    for scenario, years in run.results.items():
        for yr in years:  # the deterministic run of 4,000 households, on the county's scale
            row = total.loc[(yr.year, scenario)]
            for stat in ("p05", "p50", "p95", "mean"):
                assert row[stat] == pytest.approx(yr.total() * yr.scale, rel=1e-9)


def test_the_ranges_move_the_total():
    d = run_draws(COUNTY, VIEWS, draws=12, seed=1, households=3000, years=[2013])
    total = d.total()[:, 0, 0]
    assert np.ptp(total) > 0.05 * total.mean()
    drivers = unc.drivers(d)
    assert drivers["share"].sum() == pytest.approx(1.0) and set(drivers["key"]) == set(d.assumptions.columns)
    cal = unc.calibration(d, SYSTEM.parameters)
    assert list(cal["measure"]) == ["E-GIVE-UP-2ND", "E-POSTPONE-2ND", "households", "population", "villages"]
    villages = cal.set_index("measure").loc["villages"]
    assert villages["stated"] == 497 == villages["p05"] == villages["p95"] and not villages["outside"]
    assert cal.set_index("measure").loc["E-GIVE-UP-2ND", "comparator"] == ">="


@pytest.mark.slow
def test_one_and_two_workers_give_the_same_csvs(tmp_path: Path):
    args = ["--years", "2013-2014", "--households", "2000", "--sensitivity", "1000", "--draws", "20",
            "--draw-households", "2000", "--seed", "3"]  # fmt: skip
    for workers in ("1", "2"):
        code, _, err = _cli(*args, "--workers", workers, "--out", str(tmp_path / workers))
        assert code == 0, err
    assert "Dask：2 个工作进程" in err
    for name in ("uncertainty", "drivers", "calibration", "tornado", "by_year", "by_benefit"):
        one, two = (tmp_path / w / f"{name}.csv" for w in ("1", "2"))
        assert one.read_bytes() == two.read_bytes(), name
    assert (tmp_path / "1" / "fan.png").read_bytes() == (tmp_path / "2" / "fan.png").read_bytes()


def test_a_local_cluster_gives_the_same_draws_as_this_process():
    here = run_draws(COUNTY, VIEWS, draws=12, seed=5, households=1500, years=[2013])
    with open_engine(workers=2) as engine:
        assert engine.workers == 2
        there = run_draws(COUNTY, VIEWS, draws=12, seed=5, households=1500, years=[2013], mapper=engine.map)
    np.testing.assert_array_equal(here.cost, there.cost)
    np.testing.assert_array_equal(here.counts, there.counts)


def test_no_scheduler_fails_fast_in_chinese(tmp_path: Path):
    start = time.monotonic()
    code, _, err = _cli("--households", "500", "--sensitivity", "0", "--draws", "2", "--scheduler",
                        "tcp://127.0.0.1:9", "--out", str(tmp_path))  # fmt: skip
    assert code == 2 and time.monotonic() - start < 30
    assert "找不到 Dask 调度器" in err and "field --scheduler" in err


def test_several_counties_and_their_sum(tmp_path: Path):
    other = REPO / "data" / "county" / "example-b.yaml"
    code, out, err = _cli("--county", str(COUNTY_FILE), "--county", str(other), "--households", "2000",
                          "--sensitivity", "0", "--draws", "6", "--draw-households", "1500", "--workers", "1",
                          "--out", str(tmp_path))  # fmt: skip
    assert code == 0, err
    counties = pd.read_csv(tmp_path / "counties.csv")
    each = counties[counties["county"] != "all"].groupby("scenario")["cost_central"].sum()
    summed = counties[counties["county"] == "all"].set_index("scenario")["cost_central"]
    assert each.to_dict() == pytest.approx(summed.to_dict())
    band = pd.read_csv(tmp_path / "uncertainty.csv")
    assert set(band["county"]) == {"nayong", "example-b", "all"}
    assert (tmp_path / "nayong" / "uncertainty.csv").exists() and (tmp_path / "example-b" / "fan.png").exists()
    # each county has its own seed stream: the example county's draws are not Nayong's
    b = load_county(other)
    assert not np.allclose(draw_assumptions(b, 5, 0)["birth_rate"], draw_assumptions(COUNTY, 5, 0)["birth_rate"])
    assert "各县及合计" in out


# --- bad county files ----------------------------------------------------------------------------


def _bad(edit) -> KitError:
    raw = copy.deepcopy(_raw())
    edit(raw)
    with pytest.raises(KitError) as info:
        parse_county(raw, "bad.yaml")
    return info.value


def _fig(raw: dict, fid: str) -> dict:
    return next(f for f in raw["figures"] if f["id"] == fid)


def test_an_unknown_distribution_is_rejected_naming_the_field():
    err = _bad(lambda r: _fig(r, "rural_share").update(distribution="lognormal"))
    assert "record rural_share, field distribution" in str(err) and "triangular" in str(err)
    err = _bad(lambda r: r["distributions"][0]["categories"]["one_child"].update(distribution="beta"))
    assert "field categories.one_child.distribution" in str(err)


def test_central_outside_the_range_is_rejected():
    err = _bad(lambda r: _fig(r, "rural_share").update(central=0.95))
    assert "field central" in str(err)


def test_correlation_outside_minus_one_to_one_is_rejected():
    err = _bad(lambda r: r["correlations"][0].update(rho=1.2))
    assert "field correlations[0].rho" in str(err)


def test_correlations_that_cannot_hold_together_are_rejected():
    a, b, c = "rural_share", "birth_rate", "marriage_rate"

    def edit(raw):
        raw["correlations"] = [{"between": [a, b], "rho": 0.9}, {"between": [b, c], "rho": 0.9},
                               {"between": [a, c], "rho": -0.9}]  # fmt: skip

    err = _bad(edit)
    assert err.key == "county.not_psd" and "field correlations" in str(err)


def test_a_correlation_of_an_unknown_assumption_is_rejected():
    err = _bad(lambda r: r["correlations"][0].update(between=["rural_share", "no_such_thing"]))
    assert "field correlations[0].between" in str(err) and "no_such_thing" in str(err)
