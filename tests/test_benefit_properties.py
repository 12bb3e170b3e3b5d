"""Properties of the E-* rules over random valid households (hypothesis):

- the vectorised rules on N households give exactly each household's own result (and explanation);
- an explanation's totals are the sum of its lines, and equal the vectorised totals;
- baseline <= raised for every line the raise touches, and the other lines do not move;
- amounts are never negative; a line that does not apply pays nothing and says why.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from jihua_kit.explanations.household import explain
from jihua_kit.params.store import load_parameters
from jihua_kit.rules.benefit_rules_family import OVERLAPS
from jihua_kit.rules.benefits import BENEFIT_IDS, compute, totals
from jihua_kit.tables.cases import households_table, load_case

STORE = load_parameters()
R8_MEMBERS = {rid for pair in OVERLAPS for rid in pair}
# Lines the raise touches: a record that exists only in one scenario, or whose values differ.
TOUCHED = {
    rid for rid in BENEFIT_IDS
    if STORE.parameters[rid].scenario != "both" or any(v.scenario != "both" for v in STORE.parameters[rid].values)
}  # fmt: skip


@st.composite
def households(draw, ident: str = "h") -> dict:
    residence = draw(st.sampled_from(["rural", "urban"]))
    htype = draw(st.sampled_from(["one_child", "two_daughter", "other"]))
    method = draw(st.sampled_from(["sterilization", "long_term", "none"]))
    parents = {
        role: {"age": draw(st.integers(18, 95)), "alive": draw(st.booleans()), "state_employee": draw(st.booleans())}
        for role in ("mother", "father")
    }
    n = {"one_child": 1, "two_daughter": 2}.get(htype) or draw(st.integers(0, 4))
    children = [
        {"age": draw(st.integers(0, 60)), "sex": "F" if htype == "two_daughter" else draw(st.sampled_from("FM")),
         "alive": draw(st.booleans()), "disabled": draw(st.booleans())}
        for _ in range(n)
    ]  # fmt: skip
    living = [k for k, c in enumerate(children, 1) if c["alive"]]
    dead = [k for k, c in enumerate(children, 1) if not c["alive"]]
    college = draw(st.sampled_from([0] + living))
    events = {
        "late_marriage": draw(st.booleans()),
        "late_first_birth": draw(st.booleans()),
        "gave_up_second": draw(st.booleans()),
        "postpone_years": draw(st.integers(0, 12)),
        "long_term_adopted": method != "none" and draw(st.booleans()),
        "college_child": college,
        "college_tier": draw(st.integers(1, 4)) if college else 0,
        "graduate_child": draw(st.sampled_from([0] + living)),
        "spouse_died": not (parents["mother"]["alive"] and parents["father"]["alive"]) and draw(st.booleans()),
        "child_died": draw(st.sampled_from([0] + dead)),
        "only_child_disabled": n == 1 and children[0]["disabled"] and draw(st.booleans()),
        "member_disabled": draw(st.integers(0, 3)),
    }
    return {
        "id": ident, "residence": residence, "household_type": htype, "method": method,
        "urban_dibao": residence == "urban" and draw(st.booleans()), **parents, "children": children,
        "events": events,
    }  # fmt: skip


@st.composite
def reading_choices(draw) -> dict[str, str]:
    """A random option for a few readings of the register."""
    chosen = {}
    for rid in draw(st.lists(st.sampled_from(sorted(STORE.readings)), max_size=4, unique=True)):
        chosen[rid] = draw(st.sampled_from([o.key for o in STORE.readings[rid].options]))
    return chosen


@st.composite
def county(draw) -> list[dict]:
    size = draw(st.integers(1, 8))
    return [draw(households(f"h{i}")) for i in range(size)]


FIELDS = ("applies", "low", "high", "persons", "count", "points", "why_not")


@settings(max_examples=60)
@given(county(), st.sampled_from(["baseline", "raised"]), reading_choices())
def test_vectorised_equals_each_household_alone(cases, scenario, readings):
    params = STORE.view(scenario, readings)
    big = compute(households_table(cases), params)
    for i, case in enumerate(cases):
        alone = compute(load_case(case), params)
        for rid in BENEFIT_IDS:
            for name in FIELDS:
                assert getattr(big[rid], name)[i] == getattr(alone[rid], name)[0], (rid, name, i)
            assert set(alone[rid].figures) <= set(big[rid].figures), rid  # a table may read more keys
            assert set(alone[rid].readings) == set(big[rid].readings), rid
        expl = explain(case, scenario, readings)
        for line in expl.lines:
            res = big[line.id]
            assert (line.received, line.low, line.high, line.persons) == (
                bool(res.applies[i]),
                res.low[i],
                res.high[i],
                res.persons[i],
            )


@settings(max_examples=100)
@given(households(), st.sampled_from(["baseline", "raised"]), reading_choices())
def test_totals_are_the_sum_of_lines(case, scenario, readings):
    expl = explain(case, scenario, readings)
    tot = expl.totals
    for kind in ("one_time", "annual"):
        lines = [line for line in expl.received if line.kind == kind]
        assert tot[kind]["min"] == sum(line.low for line in lines)
        assert tot[kind]["max"] == sum(line.high for line in lines)
        assert tot[kind]["min"] <= tot[kind]["max"]
    assert tot["points"] == sum(line.points for line in expl.received)
    vec = totals(compute(load_case(case), STORE.view(scenario, readings)))
    assert tot["one_time"]["max"] == vec["one_time"]["max"][0] and tot["annual"]["min"] == vec["annual"]["min"][0]
    data = expl.to_dict()
    assert data["one_time"]["min"] == sum(i["min"] for i in data["items"] if i["kind"] == "one_time")
    assert data["annual"]["max"] == sum(i["max"] for i in data["items"] if i["kind"] == "annual")


def test_the_raise_touches_the_expected_lines():
    assert TOUCHED == {"E-PENSION", "E-HEALTH-FEE", "E-EXAM-BONUS", "E-STAFF-SPOUSE-DEATH", "E-STAFF-CHILD-DEATH"}


@settings(max_examples=60)
@given(county(), reading_choices())
def test_baseline_never_exceeds_raised(cases, readings):
    table = households_table(cases)
    base = compute(table, STORE.view("baseline", readings))
    raised = compute(table, STORE.view("raised", readings))
    for rid in BENEFIT_IDS:
        b, r = base[rid], raised[rid]
        if rid in TOUCHED:
            assert np.all(b.low <= r.low) and np.all(b.high <= r.high) and np.all(b.points <= r.points), rid
        elif rid not in R8_MEMBERS:  # untouched lines do not move
            assert np.array_equal(b.low, r.low) and np.array_equal(b.high, r.high), rid
    for first, second in OVERLAPS:  # R8 may move a payment to the staff clause, never lower it
        assert np.all(base[first].high + base[second].high <= raised[first].high + raised[second].high)
    tb, tr = totals(base), totals(raised)
    for kind in ("one_time", "annual"):
        assert np.all(tb[kind]["min"] <= tr[kind]["min"]) and np.all(tb[kind]["max"] <= tr[kind]["max"])


@settings(max_examples=60)
@given(county(), st.sampled_from(["baseline", "raised"]), reading_choices())
def test_amounts_are_never_negative_and_refusals_pay_nothing(cases, scenario, readings):
    results = compute(households_table(cases), STORE.view(scenario, readings))
    for rid, res in results.items():
        assert np.all(res.low >= 0) and np.all(res.high >= res.low) and np.all(res.points >= 0), rid
        assert np.all(res.persons >= 0)
        off = ~res.applies
        assert np.all(res.low[off] == 0) and np.all(res.high[off] == 0) and np.all(res.persons[off] == 0)
        assert np.all(res.points[off] == 0)
        assert all(res.why_not[off] != "") and all(res.why_not[res.applies] == "")
        if res.kind != "non_monetary":
            assert np.all(res.points == 0)
        else:
            assert np.all(res.low == 0)
