"""The county file: facts from context.md with sources, assumptions with ranges, and a loader that
names the field of every fault."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from jihua_kit.core.errors import KitError
from jihua_kit.tables.county import load_county, parse_county

from .conftest import REPO

COUNTY_FILE = REPO / "data" / "county" / "nayong.yaml"


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(COUNTY_FILE.read_text(encoding="utf-8"))


def _record(data: dict, rid: str) -> dict:
    for rec in data["figures"] + data["distributions"]:
        if rec["id"] == rid:
            return rec
    raise LookupError(rid)


def _fails(data: dict) -> KitError:
    with pytest.raises(KitError) as info:
        parse_county(data, "nayong.yaml")
    return info.value


def test_facts_carry_the_context_figures_with_source_and_confidence():
    county = load_county()
    facts = {f.id: f for f in county.figures.values() if f.status == "fact"}
    assert facts["registered_population"].central == 1_096_200
    assert facts["villages"].central == 497
    assert facts["resident_population"].central == 693_000
    assert facts["guizhou_birth_rate_2013"].central == 13.05
    for fact in facts.values():
        assert fact.basis.strip() and fact.confidence in {"H", "M", "L", "M/L"}
        assert fact.low == fact.central == fact.high


def test_every_assumption_has_a_range_and_central_is_the_midpoint_unless_data_says_otherwise():
    county = load_county()
    assumptions = [f for f in county.figures.values() if f.status == "assumption"]
    assert len(assumptions) >= 30
    for fig in assumptions:
        assert fig.low <= fig.central <= fig.high, fig.id
        assert fig.basis.strip(), fig.id
        if abs(fig.central - (fig.low + fig.high) / 2) > 1e-9:
            assert "not the midpoint" in fig.basis, fig.id
    for dist in county.distributions.values():
        assert abs(sum(dist.central) - 1) < 1e-9
        for cat, c, lo, hi in zip(dist.categories, dist.central, dist.low, dist.high, strict=True):
            if cat != dist.balance:
                assert lo < hi and abs(c - (lo + hi) / 2) < 1e-9, (dist.id, cat)


def test_context_ranges_are_the_ones_stated_in_context_md():
    county = load_county()
    ranges = {
        "rural_share": (0.75, 0.90),
        "people_60plus_share": (0.10, 0.13),
        "birth_rate": (13, 16),
    }
    for fid, (low, high) in ranges.items():
        fig = county.figures[fid]
        assert (fig.low, fig.high) == (low, high), fid
    rural = county.distributions["rural_household_types"]
    assert rural.low[:2] == (0.03, 0.02) and rural.high[:2] == (0.08, 0.05)


def test_default_households_is_population_over_household_size():
    county = load_county()
    assert abs(county.households - 1_096_200 / 3.2) <= 1
    assert 330_000 < county.households < 350_000


def test_missing_field_is_named(raw):
    data = copy.deepcopy(raw)
    del _record(data, "rural_share")["low"]
    err = _fails(data)
    assert (err.where["record"], err.field) == ("rural_share", "low")
    assert "字段 low" in err.message("zh") and "field low" in err.message("en")
    assert "缺少" in err.message("zh") and "missing" in err.message("en")


def test_missing_record_is_named(raw):
    data = copy.deepcopy(raw)
    data["figures"] = [r for r in data["figures"] if r["id"] != "birth_rate"]
    err = _fails(data)
    assert err.where["record"] == "birth_rate"


@pytest.mark.parametrize("field,value", [("high", 1.2), ("low", -0.1), ("central", 1.5)])
def test_share_outside_0_1_is_rejected(raw, field, value):
    data = copy.deepcopy(raw)
    _record(data, "rural_share")[field] = value
    err = _fails(data)
    assert err.key == "county.share_range" and err.field == field
    assert "0到1" in err.message("zh") and "between 0 and 1" in err.message("en")


def test_distribution_share_outside_0_1_names_the_category(raw):
    data = copy.deepcopy(raw)
    _record(data, "college_tiers")["categories"]["tier1"]["high"] = 1.4
    err = _fails(data)
    assert err.field == "categories.tier1.high"


def test_low_above_high_is_rejected(raw):
    data = copy.deepcopy(raw)
    rec = _record(data, "birth_rate")
    rec["low"], rec["high"] = 16, 13
    err = _fails(data)
    assert (err.key, err.field, err.where["record"]) == ("county.low_gt_high", "low", "birth_rate")
    assert "16" in err.message("zh") and "13" in err.message("en")


def test_shares_that_do_not_sum_to_one_are_rejected(raw):
    data = copy.deepcopy(raw)
    _record(data, "rural_household_types")["categories"]["one_child"]["central"] = 0.2
    _record(data, "rural_household_types")["categories"]["one_child"]["high"] = 0.25
    err = _fails(data)
    assert (err.key, err.field) == ("county.shares_sum", "categories")
    assert "1.145" in err.message("en") and "之和" in err.message("zh")


@pytest.mark.parametrize(
    "mutate,key,field",
    [
        (lambda d: _record(d, "rural_share").update(status="guess"), "county.bad_status", "status"),
        (lambda d: _record(d, "rural_share").update(colour="red"), "county.unknown_field", "colour"),
        (lambda d: _record(d, "rural_share").update(unit="percent"), "county.bad_unit", "unit"),
        (lambda d: _record(d, "rural_share").update(central="most"), "county.bad_type", "central"),
        (lambda d: _record(d, "rural_share").update(central=0.7), "county.central_outside", "central"),
        (lambda d: _record(d, "villages").pop("source"), "county.missing_field", "source"),
        (lambda d: _record(d, "townships").update(central=600, high=600), "county.bad_townships", "central"),
        (lambda d: _record(d, "college_tiers").update(balance="tier9"), "county.bad_balance", "balance"),
        (lambda d: d["figures"].append(dict(d["figures"][0])), "county.duplicate_id", "id"),
    ],
)
def test_other_faults_name_their_field(raw, mutate, key, field):
    data = copy.deepcopy(raw)
    mutate(data)
    err = _fails(data)
    assert (err.key, err.field) == (key, field)


def test_a_range_that_would_push_the_balance_below_zero_is_rejected(raw):
    data = copy.deepcopy(raw)
    _record(data, "urban_household_types")["categories"]["one_child"]["high"] = 1.0
    err = _fails(data)
    assert (err.key, err.field) == ("county.balance_negative", "categories.one_child.high")


def test_unreadable_file_is_a_kit_error(tmp_path: Path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("county: [unclosed", encoding="utf-8")
    with pytest.raises(KitError) as info:
        load_county(bad)
    assert info.value.where["file"] == "broken.yaml"


def test_overrides_move_one_assumption_and_the_balance_absorbs_it():
    county = load_county()
    moved = county.with_overrides({"rural_household_types.one_child": 0.08, "rural_share": 0.9})
    assert moved.value("rural_share") == 0.9
    one, two, other = moved.shares("rural_household_types")
    assert (one, two) == (0.08, 0.035) and abs(other - (1 - 0.08 - 0.035)) < 1e-12
    assert county.value("rural_share") == 0.825  # the original is unchanged


@pytest.mark.parametrize(
    "overrides,key",
    [
        ({"registered_population": 2}, "county.fact_override"),
        ({"rural_share": 1.5}, "county.share_range"),
        ({"no_such_thing": 1}, "county.unknown_key"),
        ({"rural_household_types.other": 0.5}, "county.unknown_key"),
        ({"urban_household_types.one_child": 0.995}, "county.balance_negative"),
        ({"townships": 2.5}, "county.bad_townships"),
    ],
)
def test_bad_overrides_are_rejected(overrides, key):
    with pytest.raises(KitError) as info:
        load_county().with_overrides(overrides)
    assert info.value.key == key


def test_sweeps_list_every_assumption_with_a_range():
    county = load_county()
    keys = [s.key for s in county.sweeps()]
    scalar = [f.id for f in county.figures.values() if f.status == "assumption" and f.low < f.high]
    assert set(scalar) <= set(keys)
    assert "rural_household_types.one_child" in keys and "rural_household_types.other" not in keys
    assert "registered_population" not in keys
    for sweep in county.sweeps():
        county.with_overrides({sweep.key: sweep.low}).with_overrides({sweep.key: sweep.high})


_COUNTY = load_county()


@given(st.floats(min_value=0.0, max_value=0.9))
def test_any_valid_share_override_keeps_the_sum_at_one(value):
    shares = _COUNTY.with_overrides({"rural_household_types.one_child": value}).shares("rural_household_types")
    assert abs(shares.sum() - 1) < 1e-9 and (shares >= 0).all()
