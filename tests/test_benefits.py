"""Every E-* rule, by hand: one household that receives it and one that does not, the readings
that change a result, R8, the scenarios, and data edits that change results without code.

Expected amounts are written from the handout's figures (section 六), not from the code.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
import yaml

from jihua_kit.params.store import load_parameters
from jihua_kit.rules.benefits import BENEFIT_IDS, compute, totals
from jihua_kit.tables.cases import households_table, load_case

# Households used below (rural unless changed); children as (age, sex, alive, disabled).
PARENTS = {"mother": {"age": 40}, "father": {"age": 42}}


def household(htype="other", kids=(), residence="rural", method="none", events=None, **extra) -> dict:
    case = {"residence": residence, "household_type": htype, "method": method, **copy.deepcopy(PARENTS)}
    case["children"] = [{"age": a, "sex": s, "alive": al, "disabled": d} for a, s, al, d in kids]
    case["events"] = dict(events or {})
    for role in ("mother", "father"):
        case[role].update(extra.pop(role, {}))
    case.update(extra)
    return case


ONE_KID = ((10, "M", True, False),)
TWO_GIRLS = ((12, "F", True, False), (9, "F", True, False))


def result(case: dict, rid: str, scenario: str = "raised", **readings):
    params = load_parameters().view(scenario, readings)
    res = compute(load_case(case), params)[rid]
    return res


def paid(case: dict, rid: str, scenario: str = "raised", **readings) -> tuple[float, float]:
    res = result(case, rid, scenario, **readings)
    assert bool(res.applies[0]), res.why_not[0]
    assert res.why_not[0] == ""
    return float(res.low[0]), float(res.high[0])


def refused(case: dict, rid: str, scenario: str = "raised", **readings) -> str:
    res = result(case, rid, scenario, **readings)
    assert not res.applies[0]
    assert res.low[0] == res.high[0] == res.persons[0] == res.points[0] == 0
    return str(res.why_not[0])


# (ID, household receiving it, expected (min, max) in yuan; household not receiving it, reason key)
CASES = [
    ("E-LATE-MARRIAGE", household(events={"late_marriage": True}), (200, 200),
     household(), "ent.why.no_late_marriage"),
    ("E-LATE-BIRTH", household(kids=((0, "F", True, False),), events={"late_first_birth": True}), (1200, 1200),
     household(kids=((0, "F", True, False),)), "ent.why.no_late_birth"),
    ("E-GIVE-UP-2ND", household("one_child", ONE_KID, events={"gave_up_second": True}), (10000, 10000),
     household("one_child", ONE_KID, residence="urban", events={"gave_up_second": True}), "ent.why.not_rural"),
    ("E-POSTPONE-2ND", household(kids=ONE_KID, events={"postpone_years": 3}), (3 * 1200, 3 * 1200),
     household(kids=ONE_KID), "ent.why.no_postpone"),
    ("E-ONECHILD-REWARD", household("one_child", ONE_KID, residence="urban"), (2 * 2160, 2 * 2160),
     household("two_daughter", TWO_GIRLS, method="sterilization"), "ent.why.not_onechild"),
    ("E-TWOGIRL-LUMP", household("two_daughter", TWO_GIRLS, method="long_term", events={"long_term_adopted": True}),
     (10000, 10000), household("two_daughter", TWO_GIRLS, method="long_term"), "ent.why.no_long_term_adopted"),
    ("E-TWOGIRL-REWARD", household("two_daughter", TWO_GIRLS, method="long_term"), (2 * 1800, 2 * 1800),
     household("two_daughter", TWO_GIRLS), "ent.why.no_long_term"),
    ("E-COLLEGE", household("one_child", ((18, "F", True, False),), events={"college_child": 1, "college_tier": 2}),
     (10000, 10000), household(kids=((18, "F", True, False),), events={"college_child": 1, "college_tier": 2}),
     "ent.why.not_rural_liang"),
    ("E-SPECIAL-AID", household("one_child", ((10, "M", True, True),), residence="urban"), (2 * 2500, 2 * 2500),
     household("one_child", ONE_KID), "ent.why.no_child_loss"),
    ("E-SPOUSE-DEATH", household("one_child", ONE_KID, father={"alive": False}, events={"spouse_died": True}),
     (8000, 8000), household("one_child", ONE_KID, residence="urban", father={"alive": False},
                             events={"spouse_died": True}), "ent.why.not_rural_liang"),
    ("E-TWOGIRL-CHILD-DEATH", household("two_daughter", ((12, "F", False, False), (9, "F", True, False)),
                                        events={"child_died": 1}), (15000, 15000),
     household("two_daughter", ((12, "F", False, False), (9, "F", True, False)), residence="urban",
               events={"child_died": 1}), "ent.why.not_rural_twogirl"),
    ("E-ONECHILD-DEATH", household("one_child", ((10, "M", False, False),), events={"child_died": 1}),
     (40000, 40000), household("one_child", ((10, "M", False, False),)), "ent.why.no_child_death"),
    ("E-ORPHAN", household("two_daughter", ((16, "F", True, False), (12, "F", True, False)),
                           mother={"alive": False}, father={"alive": False}), (5000, 5000),
     household("two_daughter", ((16, "F", True, False), (12, "F", True, False)), mother={"alive": False}),
     "ent.why.parents_not_both_dead"),
    ("E-MEMBER-DISABILITY", household("two_daughter", TWO_GIRLS, events={"member_disabled": 2}),
     (2 * 2000, 2 * 6000), household("two_daughter", TWO_GIRLS, residence="urban", events={"member_disabled": 2}),
     "ent.why.not_rural_liang"),
    ("E-ONECHILD-DISABILITY", household("one_child", ((10, "M", True, True),), events={"only_child_disabled": True}),
     (15000, 30000), household(kids=((10, "M", True, True),), events={"only_child_disabled": True}),
     "ent.why.not_rural_liang"),
    ("E-PENSION", household("two_daughter", TWO_GIRLS, mother={"age": 61}, father={"age": 59}), (300 * 12, 300 * 12),
     household("one_child", ONE_KID, mother={"age": 50}, father={"age": 59}), "ent.why.parents_under_age"),
    ("E-HEALTH-FEE", household("one_child", ((13, "F", True, False),), residence="urban"), (100 * 12, 100 * 12),
     household("one_child", ((14, "F", True, False),)), "ent.why.child_over_age"),
    ("E-EXAM-BONUS", household("one_child", ((22, "F", True, False),), residence="urban",
                               events={"graduate_child": 1}), (0, 0),
     household(kids=((22, "F", True, False),), events={"graduate_child": 1}), "ent.why.not_rural_liang_or_onechild"),
    ("E-STAFF-SPOUSE-DEATH", household("one_child", ONE_KID, residence="urban", mother={"alive": False},
                                       father={"state_employee": True}, events={"spouse_died": "mother"}),
     (10000, 10000), household("one_child", ONE_KID, residence="urban", mother={"alive": False},
                               events={"spouse_died": "mother"}), "ent.why.no_staff"),
    ("E-STAFF-CHILD-DEATH", household("one_child", ((10, "M", False, False),), residence="urban",
                                      mother={"state_employee": True}, events={"child_died": 1}), (30000, 30000),
     household("two_daughter", ((12, "F", False, False), (9, "F", True, False)), residence="urban",
               mother={"state_employee": True}, events={"child_died": 1}), "ent.why.not_onechild"),
]  # fmt: skip


def test_every_benefit_id_has_a_receiving_and_a_refused_case():
    assert [c[0] for c in CASES] == list(BENEFIT_IDS)


@pytest.mark.parametrize(("rid", "case", "amount"), [(c[0], c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_receives(rid, case, amount):
    assert paid(case, rid) == amount


@pytest.mark.parametrize(("rid", "case", "why"), [(c[0], c[3], c[4]) for c in CASES], ids=[c[0] for c in CASES])
def test_does_not_receive(rid, case, why):
    assert refused(case, rid) == why


def test_compute_gives_every_id_in_order_with_kind_from_the_data():
    table = households_table([c[1] for c in CASES] + [c[3] for c in CASES], flat=False)
    results = compute(table, load_parameters().view())
    assert list(results) == list(BENEFIT_IDS)
    for rid, res in results.items():
        assert res.kind == load_parameters().parameters[rid].kind
        for arr in (res.applies, res.low, res.high, res.persons, res.why_not, res.points):
            assert len(arr) == len(table)
    assert results["E-EXAM-BONUS"].kind == "non_monetary" and results["E-PENSION"].kind == "annual"


def test_persons_per_rule():
    onechild = household("one_child", ONE_KID, mother={"age": 61}, father={"age": 65})
    assert result(onechild, "E-ONECHILD-REWARD").persons[0] == 2
    assert result(onechild, "E-PENSION").persons[0] == 2
    assert result(onechild, "E-HEALTH-FEE").persons[0] == 1
    assert result(household(events={"late_marriage": True}), "E-LATE-MARRIAGE").persons[0] == 1


@pytest.mark.parametrize(("tier", "amount"), [(1, 20000), (2, 10000), (3, 6000), (4, 4000)])
def test_college_tiers(tier, amount):
    case = household("two_daughter", ((18, "F", True, False), (15, "F", True, False)),
                     events={"college_child": 1, "college_tier": tier})  # fmt: skip
    assert paid(case, "E-COLLEGE") == (amount, amount)


def test_exam_bonus_is_points_not_money():
    case = CASES[17][1]
    res = result(case, "E-EXAM-BONUS")
    assert res.points[0] == 20 and res.low[0] == 0
    assert refused(case, "E-EXAM-BONUS", "baseline") == "ent.why.not_in_force"
    rural_two = household(
        "two_daughter", ((22, "F", True, False), (19, "F", True, False)), events={"graduate_child": 1}
    )
    assert result(rural_two, "E-EXAM-BONUS").points[0] == 20


def test_staff_payments_exist_only_when_raised():
    for rid in ("E-STAFF-SPOUSE-DEATH", "E-STAFF-CHILD-DEATH"):
        case = next(c[1] for c in CASES if c[0] == rid)
        assert refused(case, rid, "baseline") == "ent.why.not_in_force"


def test_pension_scope_and_amount_by_scenario():
    rural_one = household("one_child", ONE_KID, mother={"age": 60}, father={"age": 62})
    assert paid(rural_one, "E-PENSION", "baseline") == (2 * 1800, 2 * 1800)
    assert paid(rural_one, "E-PENSION") == (2 * 300 * 12, 2 * 300 * 12)
    rural_two = household("two_daughter", TWO_GIRLS, mother={"age": 60}, father={"age": 62})
    assert refused(rural_two, "E-PENSION", "baseline") == "ent.why.not_rural_onechild"
    assert paid(rural_two, "E-PENSION") == (7200, 7200)
    urban = dict(rural_one, residence="urban")
    assert refused(urban, "E-PENSION") == "ent.why.urban_no_dibao"
    assert paid(dict(urban, urban_dibao=True), "E-PENSION") == (7200, 7200)
    assert refused(dict(urban, urban_dibao=True), "E-PENSION", "baseline") == "ent.why.not_rural_onechild"
    widow = household("one_child", ONE_KID, mother={"age": 66}, father={"age": 70, "alive": False})
    assert paid(widow, "E-PENSION") == (3600, 3600)
    both_dead = household("one_child", ONE_KID, mother={"alive": False, "age": 66}, father={"age": 70, "alive": False})
    assert refused(both_dead, "E-PENSION") == "ent.why.no_living_parent"


def test_health_fee_by_scenario():
    case = household("one_child", ((5, "M", True, False),))
    assert paid(case, "E-HEALTH-FEE", "baseline") == (20 * 12, 20 * 12)
    assert paid(case, "E-HEALTH-FEE") == (100 * 12, 100 * 12)
    dead = household("one_child", ((5, "M", False, False),))
    assert refused(dead, "E-HEALTH-FEE") == "ent.why.only_child_dead"


# Readings of the register that change a result.
def test_reading_pension_age():
    case = household("one_child", ONE_KID, mother={"age": 57}, father={"age": 61})
    assert paid(case, "E-PENSION") == (3600, 3600)
    assert paid(case, "E-PENSION", **{"RA-PENSION-AGE": "age55"}) == (7200, 7200)
    assert refused(case, "E-PENSION", **{"RA-PENSION-AGE": "age65"}) == "ent.why.parents_under_age"
    assert result(case, "E-PENSION", **{"RA-PENSION-AGE": "age65"}).args["age"] == 65


def test_reading_health_fee_age():
    case = household("one_child", ((15, "M", True, False),))
    assert refused(case, "E-HEALTH-FEE") == "ent.why.child_over_age"
    assert paid(case, "E-HEALTH-FEE", **{"RA-HEALTH-FEE-AGE": "under16"}) == (1200, 1200)


def test_reading_spouse_death_method():
    case = household("two_daughter", TWO_GIRLS, method="long_term", father={"alive": False},
                     events={"spouse_died": True})  # fmt: skip
    assert refused(case, "E-SPOUSE-DEATH") == "ent.why.twogirl_not_sterilized"
    assert paid(case, "E-SPOUSE-DEATH", **{"RA-SPOUSE-DEATH-METHOD": "any_long_term"}) == (6000, 6000)
    assert paid(dict(case, method="sterilization"), "E-SPOUSE-DEATH") == (6000, 6000)
    none = dict(case, method="none")
    assert refused(none, "E-SPOUSE-DEATH", **{"RA-SPOUSE-DEATH-METHOD": "any_long_term"}) == (
        "ent.why.twogirl_no_long_term"
    )


def test_reading_orphan_unit():
    case = household("two_daughter", ((19, "F", True, False), (12, "F", True, False)),
                     mother={"alive": False}, father={"alive": False})  # fmt: skip
    assert paid(case, "E-ORPHAN") == (5000, 5000)
    assert paid(case, "E-ORPHAN", **{"RA-ORPHAN-UNIT": "per_child"}) == (5000, 5000)  # one child under 18
    younger = household("two_daughter", ((17, "F", True, False), (12, "F", True, False)),
                        mother={"alive": False}, father={"alive": False})  # fmt: skip
    assert paid(younger, "E-ORPHAN", **{"RA-ORPHAN-UNIT": "per_child"}) == (2 * 5000, 2 * 5000)
    grown = household("two_daughter", ((20, "F", True, False), (18, "F", True, False)),
                      mother={"alive": False}, father={"alive": False})  # fmt: skip
    assert refused(grown, "E-ORPHAN") == "ent.why.no_minor_child"


def test_reading_postpone_cap():
    case = household(kids=ONE_KID, events={"postpone_years": 7})
    assert paid(case, "E-POSTPONE-2ND") == (7 * 1200, 7 * 1200)
    assert paid(case, "E-POSTPONE-2ND", **{"RA-POSTPONE-CAP": "cap5"}) == (5 * 1200, 5 * 1200)
    assert paid(case, "E-POSTPONE-2ND", **{"RA-POSTPONE-CAP": "cap3"}) == (3 * 1200, 3 * 1200)


def test_reading_r2_per_household():
    case = household("two_daughter", TWO_GIRLS, method="sterilization", mother={"age": 62}, father={"age": 64})
    assert paid(case, "E-TWOGIRL-REWARD", R2="per_household") == (1800, 1800)
    assert paid(case, "E-PENSION", R2="per_household") == (3600, 3600)
    assert result(case, "E-PENSION", R2="per_household").persons[0] == 1


def test_reading_r3_household_that_lost_its_only_child():
    case = household("one_child", ((30, "M", False, False),), mother={"age": 61}, father={"age": 63})
    assert paid(case, "E-ONECHILD-REWARD") == (4320, 4320)
    assert paid(case, "E-PENSION") == (7200, 7200)
    assert refused(case, "E-HEALTH-FEE") == "ent.why.only_child_dead"
    assert refused(case, "E-ONECHILD-REWARD", R3="stop") == "ent.why.onechild_lost_stop"


def test_reading_onechild_residence():
    urban = household("one_child", ONE_KID, residence="urban")
    assert paid(urban, "E-ONECHILD-REWARD") == (4320, 4320)
    why = refused(urban, "E-ONECHILD-REWARD", **{"RA-ONECHILD-RESIDENCE": "rural_only"})
    assert why == "ent.why.onechild_urban_excluded"
    assert paid(dict(urban, residence="rural"), "E-ONECHILD-REWARD", **{"RA-ONECHILD-RESIDENCE": "rural_only"})


def test_reading_special_aid_age():
    case = household("one_child", ((20, "M", False, False),), mother={"age": 48})
    assert paid(case, "E-SPECIAL-AID") == (5000, 5000)
    assert refused(case, "E-SPECIAL-AID", **{"RA-SPECIAL-AID-AGE": "age49"}) == "ent.why.mother_under_age"
    older = household("one_child", ((20, "M", False, False),), mother={"age": 49})
    assert paid(older, "E-SPECIAL-AID", **{"RA-SPECIAL-AID-AGE": "age49"}) == (5000, 5000)


def test_reading_onechild_disability_replaces_member_band():
    case = household("one_child", ((10, "M", True, True),), events={"only_child_disabled": True})
    assert paid(case, "E-ONECHILD-DISABILITY") == (15000, 30000)
    assert refused(case, "E-MEMBER-DISABILITY") == "ent.why.replaced_by_onechild_disability"
    adds = {"RA-ONECHILD-DISABILITY-REPLACES": "adds"}
    assert paid(case, "E-MEMBER-DISABILITY", **adds) == (2000, 6000)
    with_father = household("one_child", ((10, "M", True, True),),
                            events={"only_child_disabled": True, "member_disabled": 1})  # fmt: skip
    assert paid(with_father, "E-MEMBER-DISABILITY") == (2000, 6000)
    assert paid(with_father, "E-MEMBER-DISABILITY", **adds) == (4000, 12000)


# R8: rural and staff clauses for the same event pay the higher, never both.
def test_r8_spouse_death_pays_the_higher_staff_amount():
    case = household("one_child", ONE_KID, mother={"alive": False, "state_employee": True},
                     events={"spouse_died": "mother"})  # fmt: skip
    assert paid(case, "E-STAFF-SPOUSE-DEATH") == (10000, 10000)
    assert refused(case, "E-SPOUSE-DEATH") == "ent.why.r8_lower"
    assert paid(case, "E-SPOUSE-DEATH", "baseline") == (8000, 8000)  # no staff clause before the raise
    assert paid(case, "E-SPOUSE-DEATH", R8="both") == (8000, 8000)
    assert paid(case, "E-STAFF-SPOUSE-DEATH", R8="both") == (10000, 10000)


def test_r8_child_death_pays_the_higher_rural_amount():
    case = household("one_child", ((10, "M", False, False),), father={"state_employee": True},
                     events={"child_died": 1})  # fmt: skip
    assert paid(case, "E-ONECHILD-DEATH") == (40000, 40000)
    assert refused(case, "E-STAFF-CHILD-DEATH") == "ent.why.r8_lower"
    params = load_parameters().view("raised", {"R8": "both"})
    tot = totals(compute(load_case(case), params))
    assert tot["one_time"]["min"][0] == 40000 + 30000


def test_r8_settles_row_by_row_in_a_table():
    staff_child = household("one_child", ((10, "M", False, False),), residence="urban", father={"state_employee": True},
                            events={"child_died": 1})  # fmt: skip
    rural_child = dict(copy.deepcopy(staff_child), residence="rural", id="r")
    table = households_table([dict(staff_child, id="u"), rural_child])
    res = compute(table, load_parameters().view())
    assert res["E-STAFF-CHILD-DEATH"].applies.tolist() == [True, False]
    assert res["E-ONECHILD-DEATH"].applies.tolist() == [False, True]
    assert res["E-STAFF-CHILD-DEATH"].why_not.tolist() == ["", "ent.why.r8_lower"]


def test_figures_and_readings_are_traced_per_rule():
    case = household("two_daughter", ((18, "F", True, False), (15, "F", True, False)),
                     events={"college_child": 1, "college_tier": 3})  # fmt: skip
    res = compute(load_case(case), load_parameters().view())
    college = res["E-COLLEGE"]
    assert [(f.id, f.key, f.low, f.section) for f in college.figures] == [("E-COLLEGE", "tier3", 6000, "六、三是")]
    assert "RA-COLLEGE-TIERS" in college.readings
    assert "RA-PENSION-AGE" in res["E-PENSION"].readings and "R2" in res["E-PENSION"].readings
    assert "R8" in res["E-SPOUSE-DEATH"].readings


def test_changing_the_data_changes_results_without_code(data_copy):
    path = data_copy / "parameters" / "entitlements.yaml"
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    for rec in records:
        if rec["id"] == "E-ONECHILD-REWARD":
            rec["values"][0]["value"] = 2400
    path.write_text(yaml.safe_dump(records, allow_unicode=True), encoding="utf-8")
    readings_path = data_copy / "parameters" / "readings.yaml"
    readings = yaml.safe_load(readings_path.read_text(encoding="utf-8"))
    for rec in readings:
        if rec["id"] == "RA-PENSION-AGE":
            rec["default"] = "age65"
    readings_path.write_text(yaml.safe_dump(readings, allow_unicode=True), encoding="utf-8")
    case = household("one_child", ONE_KID, mother={"age": 62}, father={"age": 66})
    assert paid(case, "E-ONECHILD-REWARD") == (2 * 2400, 2 * 2400)
    assert paid(case, "E-PENSION") == (3600, 3600)  # only the father is 65 or older


def test_a_big_table_matches_its_rows():
    cases = [dict(copy.deepcopy(c[i]), id=f"{c[0]}-{i}-{n}") for n in range(3) for c in CASES for i in (1, 3)]
    table = households_table(cases)
    params = load_parameters().view()
    big = compute(table, params)
    for i in (0, 7, len(cases) - 1):
        one = compute(table.iloc[[i]], params)
        for rid in BENEFIT_IDS:
            assert big[rid].low[i] == one[rid].low[0] and big[rid].why_not[i] == one[rid].why_not[0]
    assert np.all(big["E-LATE-MARRIAGE"].low[big["E-LATE-MARRIAGE"].applies] == 200)
