"""Section D: the due dates a quarter (or a date) implies, and the working-day payment deadline.

Every month, day and number of working days comes from `data/parameters/calendar.yaml`; public
holidays from `data/parameters/holidays.yaml` (empty by default, reading RA-WORKING-DAYS).
Working days use `numpy.busday_offset`: Monday to Friday, minus the listed holidays.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import t
from jihua_kit.params.limits import check_year
from jihua_kit.params.store import HOLIDAYS_FILE, Params, default_params

REWARD_ID = "C-REWARD-DEADLINE"
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.I | re.ASCII)
_DAY = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$", re.ASCII)  # a whole date: '2013' alone is not one
COLUMNS = ("id", "name", "start", "due", "section", "note")


def to_date(value: object) -> dt.date:
    """A date, a datetime, or text like 2013-07-05 (also 2013/7/5) -> a date; ValueError otherwise
    ('2013' alone, '2013-02-30', 'garbage'). Callers check the year against TR-DATE-BOUNDS."""
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str) and _DAY.match(value.strip()):
        y, m, d = (int(x) for x in re.split(r"[-/.]", value.strip()))
        day = dt.date(y, m, d)
    else:
        raise ValueError(value)
    return day


def holiday_dates(params: Params, holidays: Iterable[str | dt.date] | None = None) -> np.ndarray:
    """The holidays to skip, as datetime64[D]: `holidays` if given, else the data list."""
    given = params.store.holidays if holidays is None else tuple(holidays)
    out = []
    for i, day in enumerate(given):
        file = HOLIDAYS_FILE if holidays is None else None
        try:
            date = to_date(day if isinstance(day, (dt.date, str)) else str(day))
        except (ValueError, TypeError):
            raise KitError("calendar.bad_holiday", file=file, field=f"dates[{i}]", got=day) from None
        check_year(date.year, file=file, field=f"dates[{i}]")
        out.append(np.datetime64(date, "D"))
    return np.array(sorted(out), dtype="datetime64[D]")


def working_days(params: Params) -> int:
    """The payment deadline in working days (C-REWARD-DEADLINE), with its readings traced."""
    params.option("RA-DEADLINE-TYPO")
    params.option("RA-WORKING-DAYS")
    return int(params.value(REWARD_ID))


def add_working_days(
    starts: object, params: Params | None = None, holidays: Iterable[str | dt.date] | None = None
) -> np.ndarray:
    """The payment deadline for each start date (vectorised; missing dates give NaT).

    Counting begins the working day after the start: a start on a weekend or holiday counts
    as the working day before it (`roll="backward"`), so the deadline is the n-th working day
    strictly after the day the unpaid reward was found.
    """
    params = params or default_params()
    given = pd.Series(np.atleast_1d(np.asarray(starts, dtype=object)))
    days = pd.to_datetime(given, errors="coerce")
    bad = days.isna() & given.notna() & (given.astype(str).str.strip() != "")
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise KitError("calendar.bad_date", field="start", row=pos + 1, got=given.iat[pos])
    return np.busday_offset(
        days.to_numpy(dtype="datetime64[D]"), working_days(params), roll="backward",
        holidays=holiday_dates(params, holidays),
    )  # fmt: skip


def parse_when(when: str | dt.date) -> tuple[int, int, dt.date | None]:
    """'2013Q2' -> (2013, 2, None); a date -> (year, its quarter, the date)."""
    if isinstance(when, str) and _QUARTER.match(when.strip()):
        m = _QUARTER.match(when.strip())
        return check_year(int(m.group(1)), field="quarter"), int(m.group(2)), None
    try:
        day = to_date(when)
    except (ValueError, TypeError):
        raise KitError("calendar.bad_when", field="quarter", got=when) from None
    return check_year(day.year, field="quarter"), (day.month - 1) // 3 + 1, day


def _month(year: int, quarter: int, month_of_quarter: int) -> pd.Timestamp:
    """First day of the n-th month of a quarter (n may run past the quarter)."""
    return pd.Timestamp(year, 1, 1) + pd.DateOffset(months=3 * (quarter - 1) + month_of_quarter - 1)


def _row(params: Params, pid: str, start: object, due: object, lang: str, note: str = "") -> dict:
    p = params.get(pid)
    return {"id": pid, "name": p.name(lang), "start": start, "due": due, "section": p.section, "note": note}


def due_dates(
    quarter: str | dt.date,
    params: Params | None = None,
    holidays: Iterable[str | dt.date] | None = None,
    reward_from: str | dt.date | None = None,
    lang: str = "zh",
) -> pd.DataFrame:
    """The dates a quarter implies (monthly reports, exam roster, filing, missed-exam list).

    `quarter` is a quarter ('2013Q2') or a date (its quarter is used, and the 15-working-day
    payment deadline is counted from it). `reward_from` gives that start date explicitly.
    Columns: id, name, start, due (NaT where the handout sets no day), section, note.
    """
    params = params or default_params()
    year, q, day = parse_when(quarter)
    if holidays is not None:
        holiday_dates(params, holidays)  # checked even when no payment deadline is asked for
    reward_from = reward_from if reward_from is not None else day
    rows = []
    step = int(params.value("C-STATS-MONTHLY", "every_months"))
    for k in range(1, 4, step):
        first = _month(year, q, k)
        rows.append(_row(params, "C-STATS-MONTHLY", first, pd.NaT, lang, t("calendar.note.monthly", lang)))
    roster = _month(year, q, int(params.value("C-EXAM-ROSTER", "month_of_quarter")))
    rows.append(_row(params, "C-EXAM-ROSTER", roster, roster + pd.offsets.MonthEnd(0), lang,
                     t("calendar.note.roster", lang)))  # fmt: skip
    filing = _month(year, q, int(params.value("C-EXAM-FILING", "month_of_quarter")))
    rows.append(_row(params, "C-EXAM-FILING", filing, filing + pd.offsets.MonthEnd(0), lang,
                     t("calendar.note.filing", lang)))  # fmt: skip
    nxt = _month(year, q, 3 + int(params.value("C-EXAM-MISSED", "month_of_next_quarter")))
    missed_due = nxt + pd.DateOffset(days=int(params.value("C-EXAM-MISSED", "day_of_month")) - 1)
    rows.append(_row(params, "C-EXAM-MISSED", nxt, missed_due, lang, t("calendar.note.missed", lang)))
    if reward_from is not None:
        try:
            start = pd.Timestamp(to_date(reward_from))
        except (ValueError, TypeError):
            raise KitError("calendar.bad_date", field="reward_from", got=reward_from) from None
        check_year(start.year, field="reward_from")
        hol = holiday_dates(params, holidays)
        due = pd.Timestamp(add_working_days([start], params, hol)[0])
        note = t("calendar.note.reward", lang, n=working_days(params), holidays=len(hol))
        rows.append(_row(params, REWARD_ID, start, due, lang, note))
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    out["start"] = pd.to_datetime(out["start"])
    out["due"] = pd.to_datetime(out["due"])
    return out
