"""A `ScoreResult` as plain per-unit records and a summary (for JSON, spreadsheets and apps).

Each record has `total_points`, `items` (one per point-scoring D-* ID, with `id`, `name`,
`count`, `points`), `flags` (the five names, booleans) and `consequences` (the payment
deadline with its due date where an inspection date is known, and the judicial-referral note).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from jihua_kit.params.store import Params
from jihua_kit.rules.calendar_dates import working_days
from jihua_kit.rules.deductions import FLAG_NAMES, ScoreResult
from jihua_kit.tables.audit_table import TEXT_COLUMNS


def number(x: float) -> int | float:
    """Whole numbers as int (12, not 12.0) for JSON."""
    x = float(x)
    return int(x) if x.is_integer() else x


def _dates(values: np.ndarray) -> list[str | None]:
    days = np.asarray(values, dtype="datetime64[D]")
    return [None if d == "NaT" else d for d in np.datetime_as_string(days).tolist()]


def unit_records(result: ScoreResult, params: Params, lang: str = "zh") -> list[dict[str, Any]]:
    """One record per scored unit, in table order."""
    return list(iter_unit_records(result, params, lang))


def iter_unit_records(result: ScoreResult, params: Params, lang: str = "zh") -> Iterator[dict[str, Any]]:
    """The records of `unit_records`, one at a time (for writing a large audit without holding them all).

    Each array is read once, column by column, so 100,000 units cost ten times what 10,000 do.
    """
    table, n = result.table, len(result)
    text = {c: table[c].astype(str).tolist() for c in TEXT_COLUMNS}
    names = {pid: params.get(pid).name(lang) for pid in result.points}
    counts = {pid: result.counts[pid].astype(np.int64).tolist() for pid in result.points}
    points = {pid: [number(x) for x in pts.tolist()] for pid, pts in result.points.items()}
    totals = [number(x) for x in result.total.tolist()]
    flags = {name: result.flags[name].astype(bool).tolist() for name in FLAG_NAMES}
    deadline = result.consequences["payment_deadline"].astype(bool).tolist()
    referral = result.consequences["judicial_referral"].astype(bool).tolist()
    days, due = working_days(params), _dates(result.payment_due_by)
    for i in range(n):
        out: dict[str, Any] = {c: text[c][i] for c in TEXT_COLUMNS}
        out["inspection_date"] = out["inspection_date"] or None
        out["total_points"] = totals[i]
        out["items"] = [{"id": pid, "name": names[pid], "count": counts[pid][i], "points": points[pid][i]}
                        for pid in names]  # fmt: skip
        out["flags"] = {name: flags[name][i] for name in FLAG_NAMES}
        out["consequences"] = {
            "payment_deadline": {"applies": deadline[i], "working_days": days, "due_by": due[i]},
            "judicial_referral": referral[i],
        }
        yield out


def unit_record(result: ScoreResult, i: int, params: Params, lang: str = "zh") -> dict[str, Any]:
    """The score of the unit at position `i` of the scored table."""
    one = ScoreResult(result.table.iloc[[i]], {k: v[[i]] for k, v in result.points.items()},
                      {k: v[[i]] for k, v in result.counts.items()}, {}, result.rates,
                      {k: v[[i]] for k, v in result.flags.items()},
                      {k: v[[i]] for k, v in result.consequences.items()}, result.payment_due_by[[i]])  # fmt: skip
    return unit_records(one, params, lang)[0]


def summary_of(result: ScoreResult) -> dict[str, Any]:
    """`summary` of the records of `result`, from its arrays (no records needed)."""
    total, n = result.total, len(result)
    cons = result.consequences
    return {
        "units": n,
        "total_points": number(total.sum()) if n else 0,
        "mean_points": round(float(total.sum()) / n, 2) if n else 0,
        "max_points": number(total.max()) if n else 0,
        "units_with_points": int((total > 0).sum()),
        "flags": {name: int(result.flags[name].sum()) for name in FLAG_NAMES},
        "consequences": {name: int(np.asarray(cons[name], dtype=bool).sum()) for name in ("payment_deadline",
                                                                                          "judicial_referral")},
    }  # fmt: skip


def summary(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Totals over per-unit records: how many units, points (sum, mean, max), units per flag."""
    totals = [r["total_points"] for r in records]
    n = len(records)
    return {
        "units": n,
        "total_points": number(sum(totals)),
        "mean_points": round(sum(totals) / n, 2) if n else 0,
        "max_points": number(max(totals)) if n else 0,
        "units_with_points": sum(x > 0 for x in totals),
        "flags": {name: sum(r["flags"][name] for r in records) for name in FLAG_NAMES},
        "consequences": {
            "payment_deadline": sum(r["consequences"]["payment_deadline"]["applies"] for r in records),
            "judicial_referral": sum(r["consequences"]["judicial_referral"] for r in records),
        },
    }
