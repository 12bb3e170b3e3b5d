"""Properties of the D-* scoring: additive over findings, monotone in every count, lines add up to
the total, and a table of 497 units scores exactly as each unit alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from jihua_kit.explanations.assessment import explain_unit
from jihua_kit.params.store import default_params
from jihua_kit.rules.deductions import CONSEQUENCE_NAMES, FLAG_NAMES, score
from jihua_kit.tables.audit_table import layout

PARAMS = default_params()
LAY = layout(PARAMS)
INT_COLS = LAY.int_columns
BOOL_COLS = list(LAY.flag_codes)


def row(counts: dict[str, int], weak: bool = False, uid: str = "U") -> dict:
    base = {"unit_id": uid, "period": "2013Q2", "inspection_date": "2013-07-05"}
    return base | dict.fromkeys(INT_COLS, 0) | counts | dict.fromkeys(BOOL_COLS, weak)


def table(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


counts_st = st.dictionaries(st.sampled_from(INT_COLS), st.integers(0, 40), max_size=10)


@given(counts_st, counts_st, st.booleans(), st.booleans())
def test_points_are_additive_over_findings(a, b, wa, wb):
    both = {c: a.get(c, 0) + b.get(c, 0) for c in set(a) | set(b)}
    res = score(table(row(a, wa, "A"), row(b, wb, "B"), row(both, wa or wb, "AB")), PARAMS)
    for pid, pts in res.points.items():
        assert pts[2] == pts[0] + pts[1], pid
    assert res.total[2] == res.total[0] + res.total[1]


@given(counts_st, st.sampled_from(INT_COLS), st.integers(1, 30), st.booleans())
def test_monotone_in_every_count(base, col, extra, weak):
    more = base | {col: base.get(col, 0) + extra}
    res = score(table(row(base, weak, "A"), row(more, weak, "B")), PARAMS)
    for pid, pts in res.points.items():
        assert pts[1] >= pts[0], pid
    assert res.total[1] >= res.total[0]
    if col.startswith("missed_") or col.startswith("D-"):
        assert res.total[1] > res.total[0]  # every counted finding costs points
    for name in (*FLAG_NAMES,):
        assert res.flags[name][1] >= res.flags[name][0], name  # a flag, once raised, stays raised


@given(counts_st, st.booleans())
def test_lines_add_up_to_the_total(counts, weak):
    res = score(table(row(counts, weak)), PARAMS)
    assert sum(float(p[0]) for p in res.points.values()) == float(res.total[0])
    per_column = sum(float(p[0]) for p in res.birth_points.values())
    assert per_column == float(res.points["D-MISSED-BIRTH"][0])
    expl = explain_unit(table(row(counts, weak)), PARAMS)
    assert sum(line.points for line in expl.lines) == expl.total == float(res.total[0])
    assert expl.to_dict()["total_points"] == sum(item["points"] for item in expl.to_dict()["items"])


def test_497_units_in_one_call_equal_each_alone():
    rng = np.random.default_rng(20130521)
    n = 497
    data = {c: rng.poisson(0.4, n) for c in INT_COLS}
    data["D-UNCHECKED-CERT"] = rng.integers(0, 5, n)
    data["D-UNPAID-REWARD"] = rng.integers(0, 4, n)
    frame = pd.DataFrame(data)
    frame.insert(0, "unit_id", [f"V{i:03d}" for i in range(n)])
    frame.insert(1, "period", "2013Q2")
    frame.insert(2, "inspection_date", pd.Timestamp("2013-07-01") + pd.to_timedelta(rng.integers(0, 60, n), "D"))
    frame["inspection_date"] = frame["inspection_date"].dt.strftime("%Y-%m-%d")
    frame["D-WEAK-PLEDGE"] = rng.random(n) < 0.1
    whole = score(frame, PARAMS)
    assert len(whole) == n and whole.total.sum() > 0
    for flag in FLAG_NAMES:
        assert 0 < whole.flags[flag].sum() < n, flag  # the sample exercises both sides of every flag
    for i in range(n):
        alone = score(frame.iloc[[i]], PARAMS)
        for pid in whole.points:
            assert alone.points[pid][0] == whole.points[pid][i], (i, pid)
        for name in FLAG_NAMES:
            assert alone.flags[name][0] == whole.flags[name][i], (i, name)
        for name in CONSEQUENCE_NAMES:
            assert alone.consequences[name][0] == whole.consequences[name][i], (i, name)
        assert str(alone.payment_due_by[0]) == str(whole.payment_due_by[i])
