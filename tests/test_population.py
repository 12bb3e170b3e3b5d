"""The synthetic population: reproducible from a seed, shaped by the county file, valid tables,
chunked, and aged year by year."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from jihua_kit.core.errors import KitError
from jihua_kit.simulation.lifecycle import advance
from jihua_kit.simulation.population import (
    CHUNK_SIZE,
    chunk_bounds,
    generate,
    generate_chunk,
    layout,
    population,
)
from jihua_kit.tables.county import load_county, parse_county
from jihua_kit.tables.households import COLUMNS, validate_table

from .conftest import REPO

COUNTY = load_county()


@pytest.fixture(scope="module")
def big() -> pd.DataFrame:
    return population(COUNTY, seed=11, households=60_000)


def test_same_seed_same_households_other_seed_other_households():
    a = population(COUNTY, seed=3, households=3000)
    b = population(COUNTY, seed=3, households=3000)
    pd.testing.assert_frame_equal(a, b)
    c = population(COUNTY, seed=4, households=3000)
    assert not a.drop(columns="household_id").equals(c.drop(columns="household_id"))


def test_columns_follow_the_table_contract_and_pass_its_validation(big):
    assert tuple(big.columns) == COLUMNS
    validate_table(big)  # raises KitError on any inconsistency
    assert big["household_id"].is_unique


def test_shares_match_the_county_file(big):
    rural = big["residence"] == "rural"
    assert abs(rural.mean() - 0.825) < 0.01
    types = big.loc[rural, "household_type"].value_counts(normalize=True)
    assert abs(types["one_child"] - 0.055) < 0.005 and abs(types["two_daughter"] - 0.035) < 0.005
    # A mother is 60+ with probability share x household size / 2 = 0.115 x 3.2 / 2.
    assert abs((big["p1_age"] >= 60).mean() - 0.115 * 3.2 / 2) < 0.01
    urban = big[~rural]
    assert abs(urban["urban_dibao"].mean() - 0.06) < 0.01 and not big.loc[rural, "urban_dibao"].any()


def test_registered_households_hold_their_children(big):
    one = big[big["household_type"] == "one_child"]
    assert one["c1_present"].all() and not one["c2_present"].any()
    two = big[big["household_type"] == "two_daughter"]
    assert (two["c1_sex"] == "F").all() and (two["c2_sex"] == "F").all() and not two["c3_present"].any()
    assert (two["c1_age"] > two["c2_age"]).all()
    kids = big[big["c1_present"]]
    assert (kids["p1_age"] - kids["c1_age"] >= 14).all()


def test_events_follow_their_rates(big):
    n, persons = len(big), len(big) * 3.2
    # Late marriages: marriage rate x late share, per 1,000 people (8 x 0.45).
    expected = 8 * 0.45 * persons / 1000
    assert abs(big["ev_late_marriage"].sum() - expected) < 4 * np.sqrt(expected)
    newly = big[big["ev_late_marriage"]]
    assert not newly["c1_present"].any() and (newly["household_type"] == "other").all()
    expected = 0.146 * persons / 1000  # the T-GIVE-UP anchor scaled to this population
    gave_up = big[big["ev_gave_up_second"]]
    assert abs(len(gave_up) - expected) < 4 * np.sqrt(expected) + 1
    assert (gave_up["residence"] == "rural").all()
    postponed = big.loc[big["ev_postpone_years"] > 0, "ev_postpone_years"]
    assert abs(postponed.mean() - 2) < 0.3
    admitted = big[big["ev_college_child"] > 0]
    for k in range(1, 5):
        rows = admitted[admitted["ev_college_child"] == k]
        assert (rows[f"c{k}_age"] == 18).all()
    tiers = admitted["ev_college_tier"].value_counts(normalize=True)
    assert abs(tiers[4] - 0.6) < 0.05
    spouse = big[big["ev_spouse_died"]]
    assert (spouse["p1_alive"] ^ spouse["p2_alive"]).all()
    assert 0 < len(spouse) < n * 0.02


def test_chunks_cover_every_household_once():
    assert chunk_bounds(10, 4) == [(0, 4), (4, 8), (8, 10)]
    frames = [frame for _, frame in generate(COUNTY, seed=1, households=1000, chunk_size=300)]
    assert [len(f) for f in frames] == [300, 300, 300, 100]
    ids = pd.concat([f["household_id"] for f in frames])
    assert ids.is_unique and len(ids) == 1000
    assert CHUNK_SIZE <= 200_000  # a chunk stays small next to the memory target


def test_default_size_is_the_county_households():
    raw = yaml.safe_load((REPO / "data" / "county" / "nayong.yaml").read_text(encoding="utf-8"))
    small = copy.deepcopy(raw)
    small["figures"][0]["value"] = 3200  # registered population: 3,200 people / 3.2 = 1,000 households
    county = parse_county(small, "small.yaml")
    assert county.households == 1000
    assert sum(len(f) for _, f in generate(county, seed=0)) == 1000


@pytest.mark.parametrize("bad", [0, -5, 2.5, "many", True])
def test_bad_household_counts_are_rejected(bad):
    with pytest.raises(KitError) as info:
        next(generate(COUNTY, seed=0, households=bad))
    assert info.value.field == "households"


def test_moving_one_assumption_changes_only_what_it_drives():
    base = population(COUNTY, seed=5, households=5000)
    more_rural = population(COUNTY.with_overrides({"rural_share": 0.9}), seed=5, households=5000)
    was_rural, now_rural = base["residence"] == "rural", more_rural["residence"] == "rural"
    assert (now_rural >= was_rural).all() and now_rural.sum() > was_rural.sum()
    same = population(COUNTY.with_overrides({"uptake": 0.9}), seed=5, households=5000)
    pd.testing.assert_frame_equal(base, same)


def test_townships_group_the_villages_in_order():
    lay = layout(COUNTY, seed=0)
    assert len(lay.villages) == 497 and len(lay.townships) == 25
    assert (np.diff(lay.village_township) >= 0).all()
    sizes = np.bincount(lay.village_township)
    assert sizes.min() >= 497 // 25 and sizes.max() <= 497 // 25 + 1
    assert abs(lay.weights.sum() - 1) < 1e-12


def test_a_year_later_people_are_older_and_newlyweds_arrive():
    lay = layout(COUNTY, seed=2)
    h0 = generate_chunk(COUNTY, lay, 2, 0, 0, 20_000)
    before = h0.to_frame(lay).set_index("household_id")
    h1 = advance(h0, COUNTY, lay, 2, 0, COUNTY.reference_year + 1)
    after = h1.to_frame(lay)
    validate_table(after)
    assert after["household_id"].is_unique
    stayed = after[after["household_id"].isin(before.index)].set_index("household_id")
    assert (stayed["p1_age"] == before.loc[stayed.index, "p1_age"] + 1).all()
    had_child = before.loc[stayed.index, "c1_present"]
    assert (stayed.loc[had_child, "c1_age"] == before.loc[stayed.index[had_child], "c1_age"] + 1).all()
    new = after[~after["household_id"].isin(before.index)]
    expected = 8 * len(stayed) * 3.2 / 1000
    assert abs(len(new) - expected) <= 1 and not new["c1_present"].any()
    assert abs(new["ev_late_marriage"].mean() - 0.45) < 0.1
    # Households with nobody left to pay (no parent alive, no child who will be under 18) have left.
    nobody = ~before["p1_alive"] & ~before["p2_alive"]
    minors = np.column_stack([before[f"c{k}_alive"] & (before[f"c{k}_age"] < 17) for k in range(1, 5)]).any(axis=1)
    gone = before.index[nobody & ~minors]
    assert len(gone) > 0 and not after["household_id"].isin(gone).any()
    assert len(stayed) == len(before) - len(gone)


@settings(max_examples=15)
@given(st.integers(min_value=0, max_value=2**32 - 1), st.integers(min_value=1, max_value=400))
def test_any_seed_and_size_gives_a_valid_table(seed, n):
    table = population(COUNTY, seed=seed, households=n)
    assert len(table) == n
    validate_table(table)
