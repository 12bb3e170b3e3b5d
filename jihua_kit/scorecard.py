"""A `ScoreResult` as plain per-unit records and a summary (for JSON, spreadsheets and apps).

Each record has `total_points`, `items` (one per point-scoring D-* ID, with `id`, `name`,
`count`, `points`), `flags` (the five names, booleans) and `consequences` (the payment
deadline with its due date where an inspection date is known, and the judicial-referral note).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from jihua_kit.audit_table import TEXT_COLUMNS
from jihua_kit.calendar_dates import working_days
from jihua_kit.deductions import FLAG_NAMES, ScoreResult
from jihua_kit.params import Params


def number(x: float) -> int | float:
    """Whole numbers as int (12, not 12.0) for JSON."""
    x = float(x)
    return int(x) if x.is_integer() else x


def _date(value: Any) -> str | None:
    return None if pd.isna(value) else str(np.datetime64(value, "D"))


def unit_record(result: ScoreResult, i: int, params: Params, lang: str = "zh") -> dict[str, Any]:
    """The score of the unit at position `i` of the scored table."""
    row = result.table.iloc[i]
    out: dict[str, Any] = {c: (str(row[c]) or None) if c == "inspection_date" else str(row[c]) for c in TEXT_COLUMNS}
    out["total_points"] = number(result.total[i])
    out["items"] = [
        {"id": pid, "name": params.get(pid).name(lang), "count": int(result.counts[pid][i]), "points": number(pts[i])}
        for pid, pts in result.points.items()
    ]
    out["flags"] = {name: bool(result.flags[name][i]) for name in FLAG_NAMES}
    out["consequences"] = {
        "payment_deadline": {
            "applies": bool(result.consequences["payment_deadline"][i]),
            "working_days": working_days(params),
            "due_by": _date(result.payment_due_by[i]),
        },
        "judicial_referral": bool(result.consequences["judicial_referral"][i]),
    }
    return out


def unit_records(result: ScoreResult, params: Params, lang: str = "zh") -> list[dict[str, Any]]:
    """One record per scored unit, in table order."""
    return [unit_record(result, i, params, lang) for i in range(len(result))]


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
