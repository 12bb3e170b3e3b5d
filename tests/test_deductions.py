"""Section B by hand: every D-* ID, the parity formula, each flag's boundary, readings, data edits.

Expected values are worked out from the handout (七·1 责任追究, 七·2(三)1, 七·5(三), 四), not
taken from the code's output.
"""

from __future__ import annotations

import pytest

from jihua_kit.params.store import default_params, load_parameters
from jihua_kit.rules.deductions import FLAG_NAMES, score
from jihua_kit.tables.audits import load_audit

from .conftest import REPO

AUDITS = REPO / "data" / "audits"


def unit(findings: dict | None = None, resident: dict | None = None, **extra) -> dict:
    rec = {"unit_id": "U1", "period": "2013Q2", "findings": findings or {}, **extra}
    if resident is not None:
        rec["resident"] = resident
    return rec


def scored(rec: dict, params=None):
    params = params or default_params()
    return score(load_audit(rec, params), params)


def points(rec: dict, params=None) -> dict[str, float]:
    res = scored(rec, params)
    return {pid: float(arr[0]) for pid, arr in res.points.items()} | {"total": float(res.total[0])}


def flags(rec: dict, params=None) -> dict[str, bool]:
    res = scored(rec, params)
    return {name: bool(res.flags[name][0]) for name in FLAG_NAMES}


# 政策内: 3 at any parity. 政策外: 1st 2, 2nd 3, 3rd 5, then 2 more per parity above the 3rd.
OUTSIDE_BY_HAND = {1: 2, 2: 3, 3: 5, 4: 7, 5: 9, 6: 11, 7: 13, 8: 15}


@pytest.mark.parametrize("k", range(1, 9))
def test_missed_birth_parity_formula_both_statuses(k):
    inside = points(unit({"D-MISSED-BIRTH": [{"policy": "内", "parity": k}]}))
    outside = points(unit({"D-MISSED-BIRTH": [{"policy": "外", "parity": k}]}))
    assert inside["D-MISSED-BIRTH"] == 3
    assert outside["D-MISSED-BIRTH"] == OUTSIDE_BY_HAND[k]
    assert outside["total"] == OUTSIDE_BY_HAND[k]


def test_missed_births_are_per_person_and_summed_over_lines():
    rec = unit({"D-MISSED-BIRTH": [{"policy": "外", "parity": 5, "count": 2}, {"policy": "政策内", "parity": 2},
                                   {"policy": "外", "parity": 5}]})  # fmt: skip
    assert points(rec)["D-MISSED-BIRTH"] == 3 * 9 + 3


@pytest.mark.parametrize(
    ("code", "count", "expected"),
    [
        ("D-WRONG-BIRTH", 3, 3 * 1),
        ("D-WRONG-SEX", 2, 2 * 2),
        ("D-MISSED-NEWLYWED", 2, 2 * 2),
        ("D-MISSED-PERSON", 5, 5 * 1),
        ("D-MISSED-HOUSEHOLD", 2, 2 * 3),
        ("D-EXAM", 3, 3 * 2),
        ("D-UNSIGNED", 4, 4 * 1),
        ("D-UNCHECKED-CERT", 1, 1 * 2),
        ("D-UNPAID-REWARD", 1, 1 * 2),
    ],
)
def test_each_count_finding(code, count, expected):
    got = points(unit({code: count}))
    assert got[code] == expected
    assert got["total"] == expected
    assert sum(v for k, v in got.items() if k not in (code, "total")) == 0


def test_weak_pledge_costs_no_points_but_flags_a_redo():
    rec = unit({"D-WEAK-PLEDGE": True})
    assert points(rec)["total"] == 0
    assert flags(rec) == dict.fromkeys(FLAG_NAMES, False) | {"pledge_redo": True}
    assert flags(unit({"D-WEAK-PLEDGE": False}))["pledge_redo"] is False


def test_wrong_sex_instead_of_or_on_top_of_the_general_error():
    rec = unit({"D-WRONG-SEX": 1, "D-WRONG-BIRTH": 1})
    assert points(rec)["total"] == 2 + 1  # default: the sex error scores 2 instead of 1
    on_top = default_params(readings={"RA-WRONG-SEX-INSTEAD": "on_top"})
    got = points(rec, on_top)
    assert got["D-WRONG-BIRTH"] == 2 * 1  # both records count as wrong births
    assert got["D-WRONG-SEX"] == 2
    assert got["total"] == 4


CERT_LADDER = [(0, False, False), (1, False, False), (2, True, False), (3, True, True), (5, True, True)]


@pytest.mark.parametrize(("certs", "no_commendation", "award_cancelled"), CERT_LADDER)
def test_unchecked_certificate_ladder(certs, no_commendation, award_cancelled):
    got = flags(unit({"D-UNCHECKED-CERT": certs}))
    assert got["no_commendation"] is no_commendation
    assert got["award_cancelled"] is award_cancelled
    assert points(unit({"D-UNCHECKED-CERT": certs}))["total"] == 2 * certs


@pytest.mark.parametrize(("unpaid", "cancelled"), [(0, False), (1, False), (2, True), (3, True)])
def test_unpaid_reward_ladder_and_deadline(unpaid, cancelled):
    res = scored(unit({"D-UNPAID-REWARD": unpaid}, inspection_date="2013-07-05"))
    assert bool(res.flags["award_cancelled"][0]) is cancelled
    assert bool(res.flags["no_commendation"][0]) is False  # that ladder is the certificates'
    assert bool(res.consequences["payment_deadline"][0]) is (unpaid > 0)
    # 2013-07-05 is a Friday; the 15th working day after it is Friday 2013-07-26.
    expected = "2013-07-26" if unpaid else "NaT"
    assert str(res.payment_due_by[0]) == expected


def test_payment_due_date_needs_an_inspection_date():
    res = scored(unit({"D-UNPAID-REWARD": 1}))
    assert bool(res.consequences["payment_deadline"][0])
    assert str(res.payment_due_by[0]) == "NaT"


def test_exam_referral_is_a_note_not_points():
    res = scored(unit({"D-EXAM": 1}))
    assert bool(res.consequences["judicial_referral"][0])
    assert float(res.total[0]) == 2
    assert not scored(unit({"D-EXAM": 0})).consequences["judicial_referral"][0]


@pytest.mark.parametrize(
    ("resident", "breach", "case_file"),
    [
        ({}, False, False),
        ({"surgery_backlog": 1}, True, False),
        ({"out_of_policy_births": [{"parity": 1}]}, True, False),
        ({"out_of_policy_births": [{"parity": 3, "count": 2}]}, True, False),
        ({"out_of_policy_births": [{"parity": 4}]}, True, True),
        ({"out_of_policy_births": [{"parity": 8}]}, True, True),
    ],
)
def test_shuangwu_and_case_file(resident, breach, case_file):
    rec = unit(resident=resident)
    got = flags(rec)
    assert got["shuangwu_breach"] is breach
    assert got["case_file_required"] is case_file
    assert points(rec)["total"] == 0  # triggers, not points


def test_missed_births_alone_do_not_trigger_the_resident_checks():
    got = flags(unit({"D-MISSED-BIRTH": [{"policy": "外", "parity": 6}]}))
    assert got == dict.fromkeys(FLAG_NAMES, False)


def test_worked_example_file_by_hand():
    res = score(load_audit(AUDITS / "xinfang-v01-2013q2.yaml"))
    # 9 (外5) + 3 (内2) + 2 (外1) + 2 (sex) + 2 (newly-wed) + 2×2 (exam) = 22
    assert float(res.total[0]) == 22
    assert res.points["D-MISSED-BIRTH"][0] == 14
    assert bool(res.flags["shuangwu_breach"][0]) and bool(res.flags["case_file_required"][0])


def _edit(data, old: str, new: str, file: str = "deductions.yaml") -> None:
    path = data / "parameters" / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_figures_come_from_data(data_copy):
    _edit(data_copy, "{key: outside_step, value: 2, unit: points", "{key: outside_step, value: 3, unit: points")
    _edit(
        data_copy, "{key: no_commendation_at, value: 2, unit: count", "{key: no_commendation_at, value: 3, unit: count"
    )
    _edit(data_copy, "{key: parity_at, value: 4, unit: count", "{key: parity_at, value: 5, unit: count")
    params = load_parameters(data_copy / "parameters").view()
    assert points(unit({"D-MISSED-BIRTH": [{"policy": "外", "parity": 5}]}), params)["total"] == 5 + 3 * 2
    assert flags(unit({"D-UNCHECKED-CERT": 2}), params)["no_commendation"] is False
    assert flags(unit(resident={"out_of_policy_births": [{"parity": 4}]}), params)["case_file_required"] is False


def test_a_fourth_fixed_outside_rate_moves_the_step_base(data_copy):
    # Adding outside_4 to the data makes parity 4 fixed and the step start above it.
    step = "    - {key: outside_step, value: 2, unit: points"
    _edit(data_copy, step, "    - {key: outside_4, value: 6, unit: points, label_zh: 政策外第4孩}\n" + step)
    params = load_parameters(data_copy / "parameters").view()
    assert points(unit({"D-MISSED-BIRTH": [{"policy": "外", "parity": 4}]}), params)["total"] == 6
    assert points(unit({"D-MISSED-BIRTH": [{"policy": "外", "parity": 6}]}), params)["total"] == 6 + 2 * 2


def test_score_frame_keeps_unit_ids_and_lines_sum_to_total():
    res = score(load_audit(AUDITS / "xinfang-township-2013q2.yaml"))
    frame = res.to_frame()
    assert list(frame.index) == ["XF-V03", "XF-V04", "XF-V05", "XF-V06", "XF-V07"]
    assert list(frame["total"]) == [6, 4, 0, 4, 15]  # worked by hand in the file's header
    assert (frame[list(res.points)].sum(axis=1) == frame["total"]).all()
    assert list(frame["no_commendation"]) == [False, False, False, True, False]
    assert list(frame["shuangwu_breach"]) == [False, False, True, False, False]
