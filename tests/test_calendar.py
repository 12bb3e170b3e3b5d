"""Section D: due dates for a quarter or a date, worked out by hand on a 2013 calendar."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from jihua_kit.core.errors import KitError
from jihua_kit.params.store import default_params, load_parameters
from jihua_kit.rules.calendar_dates import add_working_days, due_dates


def dates(frame, pid: str, column: str = "due") -> list[str]:
    return [d.strftime("%Y-%m-%d") for d in frame.loc[frame["id"] == pid, column]]


def test_quarter_two_of_2013():
    got = due_dates("2013Q2")
    assert dates(got, "C-STATS-MONTHLY", "start") == ["2013-04-01", "2013-05-01", "2013-06-01"]
    assert got.loc[got["id"] == "C-STATS-MONTHLY", "due"].isna().all()  # the handout sets no day
    assert dates(got, "C-EXAM-ROSTER", "start") == ["2013-04-01"] and dates(got, "C-EXAM-ROSTER") == ["2013-04-30"]
    assert dates(got, "C-EXAM-FILING") == ["2013-04-30"]
    assert dates(got, "C-EXAM-MISSED") == ["2013-07-10"]  # the 10th of the next quarter's first month
    assert "C-REWARD-DEADLINE" not in set(got["id"])  # no start date given
    assert set(got["section"]) == {"五；七·1(二)", "七·2(二)"}


def test_fourth_quarter_rolls_into_the_next_year():
    got = due_dates("2013q4")
    assert dates(got, "C-EXAM-FILING") == ["2013-10-31"]
    assert dates(got, "C-EXAM-MISSED") == ["2014-01-10"]


def test_a_date_gives_its_quarter_and_the_payment_deadline():
    got = due_dates("2013-07-05")  # a Friday
    assert dates(got, "C-EXAM-FILING") == ["2013-07-31"]
    # Mon 8 … Fri 12 (5), 15 … 19 (10), 22 … 26 (15)
    assert dates(got, "C-REWARD-DEADLINE") == ["2013-07-26"]
    assert dates(got, "C-REWARD-DEADLINE", "start") == ["2013-07-05"]


@pytest.mark.parametrize(
    ("start", "holidays", "due"),
    [
        ("2013-07-05", [], "2013-07-26"),
        ("2013-07-05", ["2013-07-10"], "2013-07-29"),  # a Wednesday holiday pushes it one working day
        ("2013-07-05", ["2013-07-13"], "2013-07-26"),  # a holiday on a Saturday changes nothing
        ("2013-07-06", [], "2013-07-26"),  # found on a Saturday: Monday is the first working day
        ("2013-07-08", [], "2013-07-29"),
        # National Day 2013: Tue 1 – Mon 7 October; its weekdays are skipped
        ("2013-09-27", ["2013-10-01", "2013-10-02", "2013-10-03", "2013-10-04", "2013-10-07"], "2013-10-25"),
    ],
)
def test_fifteen_working_days(start, holidays, due):
    got = due_dates("2013Q3", holidays=holidays, reward_from=start)
    assert dates(got, "C-REWARD-DEADLINE") == [due]


def test_vectorised_with_missing_dates():
    got = add_working_days(["2013-07-05", None, "2013-07-08"], holidays=[])
    assert [str(d) for d in got] == ["2013-07-26", "NaT", "2013-07-29"]


def test_holidays_and_days_come_from_data(data_copy):
    (data_copy / "parameters" / "holidays.yaml").write_text(
        "status: assumption\nsource: test\ndates: ['2013-07-10']\n", encoding="utf-8"
    )
    cal = data_copy / "parameters" / "calendar.yaml"
    cal.write_text(cal.read_text(encoding="utf-8").replace(
        "{key: day_of_month, value: 10, unit: day_of_month", "{key: day_of_month, value: 15, unit: day_of_month"),
        encoding="utf-8")  # fmt: skip
    params = load_parameters(data_copy / "parameters").view()
    got = due_dates("2013-07-05", params)
    assert dates(got, "C-REWARD-DEADLINE") == ["2013-07-29"]
    assert dates(got, "C-EXAM-MISSED") == ["2013-10-15"]
    assert dates(due_dates("2013-07-05", params, holidays=[]), "C-REWARD-DEADLINE") == ["2013-07-26"]


def test_bad_holiday_in_data_is_named(data_copy):
    (data_copy / "parameters" / "holidays.yaml").write_text(
        "status: assumption\nsource: test\ndates: ['2013-02-30']\n", encoding="utf-8"
    )
    with pytest.raises(KitError) as err:
        due_dates("2013-07-05", load_parameters(data_copy / "parameters").view())
    assert err.value.where == {"file": "holidays.yaml", "field": "dates[0]"}


def test_bad_start_dates_are_named():
    with pytest.raises(KitError) as err:
        add_working_days(["2013-07-05", "2013-07-32"], holidays=[])
    assert err.value.field == "start" and err.value.row == 2
    with pytest.raises(KitError) as err:
        due_dates("2013Q3", reward_from="someday")
    assert err.value.field == "reward_from"


def test_bad_when():
    for bad in ("2013Q5", "soon", "2013-02-30"):
        with pytest.raises(KitError) as err:
            due_dates(bad)
        assert err.value.field == "quarter"


def test_the_two_deadline_records_agree():
    params = default_params()
    assert params.value("D-UNPAID-REWARD", "deadline") == params.value("C-REWARD-DEADLINE") == 15


def test_calendar_command():
    out = subprocess.run([sys.executable, "-m", "jihua_kit", "calendar", "2013-07-05", "--json", "--holiday",
                          "2013-07-10"], capture_output=True, text=True)  # fmt: skip
    assert out.returncode == 0, out.stderr
    rows = {r["id"]: r for r in json.loads(out.stdout)}
    assert rows["C-REWARD-DEADLINE"]["due"] == "2013-07-29" and rows["C-STATS-MONTHLY"]["due"] is None
    text = subprocess.run([sys.executable, "-m", "jihua_kit", "calendar", "2013Q2"], capture_output=True, text=True)
    assert "2013-07-10" in text.stdout and "未检对象名单上报" in text.stdout
    bad = subprocess.run([sys.executable, "-m", "jihua_kit", "calendar", "2013Q5"], capture_output=True, text=True)
    assert bad.returncode == 2 and "quarter" in bad.stderr
