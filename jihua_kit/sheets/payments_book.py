"""The payment workbook of a roster: 汇总, 兑现清单 (one line per household and benefit), 各户合计,
按项目汇总, 按村汇总 and 错误. ID numbers are masked here, before anything is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jihua_kit.core.i18n import t
from jihua_kit.core.masking import mask_ids, scrub_series
from jihua_kit.core.textfmt import format_number
from jihua_kit.core.xlsx_write import Workbook
from jihua_kit.params.store import Params
from jihua_kit.sheets.headers import roster_label
from jihua_kit.sheets.payments import Payments
from jihua_kit.sheets.roster import RosterSheet
from jihua_kit.sheets.write import errors_sheet, save_book, summary_sheet

MONEY = ("one_time_min", "one_time_max", "annual_min", "annual_max")


def _label(code: str, lang: str) -> str:
    return roster_label(code, lang)


def _who(roster: RosterSheet, pay: Payments, pos: np.ndarray, lang: str) -> dict[str, Any]:
    """Row number, household, masked ID and place of the households at positions `pos`."""
    table, personal = pay.table, roster.personal
    return {
        t("sheets.col.row", lang): table.index.to_numpy()[pos].astype(np.int64),
        _label("household_id", lang): scrub_series(table["household_id"].iloc[pos].astype(object)).to_numpy(),
        _label("head_name", lang): personal["head_name"].iloc[pos].to_numpy(dtype=object),
        _label("id_number", lang): mask_ids(personal["id_number"].iloc[pos]).to_numpy(),
        _label("township", lang): table["township"].iloc[pos].astype(str).to_numpy(dtype=object),
        _label("village", lang): table["village"].iloc[pos].astype(str).to_numpy(dtype=object),
    }


def lines_frame(roster: RosterSheet, pay: Payments, params: Params, lang: str) -> pd.DataFrame:
    """兑现清单: one row per benefit a household receives."""
    lines = pay.lines
    names = {rid: params.get(rid).name(lang) for rid in pay.results}
    kinds = {k: t(f"kind.{k}", lang) for k in ("one_time", "annual", "non_monetary")}
    out = _who(roster, pay, lines["pos"].to_numpy(), lang)
    out[t("sheets.col.benefit", lang)] = lines["id"].to_numpy(dtype=object)
    out[t("sheets.col.benefit_name", lang)] = lines["id"].map(names).to_numpy(dtype=object)
    out[t("sheets.col.kind", lang)] = lines["kind"].map(kinds).to_numpy(dtype=object)
    out[t("sheets.col.min", lang)] = lines["low"].to_numpy()
    out[t("sheets.col.max", lang)] = lines["high"].to_numpy()
    out[t("sheets.col.persons", lang)] = lines["persons"].to_numpy()
    out[t("sheets.col.points", lang)] = lines["points"].to_numpy()
    return pd.DataFrame(out)


def households_frame(roster: RosterSheet, pay: Payments, lang: str) -> pd.DataFrame:
    """各户合计: every valid household, with or without a payment."""
    out = _who(roster, pay, np.arange(len(pay.table)), lang)
    out[t("sheets.col.lines", lang)] = pay.households["lines"].to_numpy()
    for name in MONEY:
        out[t(f"sheets.col.{name}", lang)] = pay.households[name].to_numpy()
    out[t("sheets.col.points", lang)] = pay.households["points"].to_numpy()
    return pd.DataFrame(out)


def benefit_frame(pay: Payments, lang: str) -> pd.DataFrame:
    b = pay.by_benefit
    return pd.DataFrame({
        t("sheets.col.benefit", lang): b["id"], t("sheets.col.benefit_name", lang): b["name"],
        t("sheets.col.kind", lang): b["kind"].map(lambda k: t(f"kind.{k}", lang)),
        t("sheets.col.section", lang): b["section"], t("sheets.col.households", lang): b["households"],
        t("sheets.col.persons", lang): b["persons"], t("sheets.col.min", lang): b["low"],
        t("sheets.col.max", lang): b["high"], t("sheets.col.points", lang): b["points"],
    })  # fmt: skip


def village_frame(pay: Payments, lang: str) -> pd.DataFrame:
    v = pay.by_village
    out = {
        _label("township", lang): v["township"],
        _label("village", lang): v["village"],
        t("sheets.col.households", lang): v["households"],
        t("sheets.col.households_paid", lang): v["households_paid"],
    }
    for name in MONEY:
        out[t(f"sheets.col.{name}", lang)] = v[name]
    out[t("sheets.col.points", lang)] = v["points"]
    return pd.DataFrame(out)


def summary_rows(pay: Payments | None, params: Params, lang: str) -> list[list[Any]]:
    """Scenario, readings changed, households paid and the totals (label, value, other-language label)."""
    other = "en" if lang == "zh" else "zh"

    def row(key: str, value: Any) -> list[Any]:
        return [t(key, lang), value, t(key, other)]

    changed = {k: v for k, v in params.choices.items() if v != params.store.readings[k].default}
    rows = [
        row("sheets.sum.scenario", t(f"scenario.{params.scenario}", lang)),
        row("sheets.sum.readings", ", ".join(f"{k}={v}" for k, v in changed.items()) or t("sheets.sum.none", lang)),
    ]
    if pay is not None:
        h = pay.households
        rng = {k: (float(h[f"{k}_min"].sum()), float(h[f"{k}_max"].sum())) for k in ("one_time", "annual")}
        rows += [row("sheets.sum.households_paid", int((h["lines"] > 0).sum()))]
        for k in ("one_time", "annual"):
            low, high = rng[k]
            rng_text = t("sheets.range", lang, low=format_number(low), high=format_number(high))
            rows.append(row(f"sheets.sum.{k}", low if low == high else rng_text))
        rows.append(row("sheets.sum.points", float(h["points"].sum())))
    rows.append(row("sheets.sum.privacy", t("sheets.sum.privacy_text", lang)))
    return rows


def write_payments(path: str | Path, roster: RosterSheet, pay: Payments | None, params: Params,
                   lang: str = "zh") -> Path:  # fmt: skip
    """Write the payment workbook; `pay` is None when no household could be computed."""
    book = Workbook()
    summary_sheet(book, t("sheets.title.payments", lang), roster.stats, summary_rows(pay, params, lang), lang)
    if pay is not None:
        frames = [
            ("payments", lines_frame(roster, pay, params, lang)),
            ("households", households_frame(roster, pay, lang)),
            ("by_benefit", benefit_frame(pay, lang)),
            ("by_village", village_frame(pay, lang)),
        ]
    else:
        empty = pd.DataFrame({t("sheets.col.value", lang): [t("sheets.no_rows_scored", lang)]})
        frames = [(name, empty) for name in ("payments", "households", "by_benefit", "by_village")]
    for name, frame in frames:
        ws = book.add(t(f"sheets.sheet.{name}", "zh"))
        ws.frame(frame)
        ws.freeze = (1, 0)
    errors_sheet(book, roster.errors, lang)
    return save_book(book, path, t("sheets.sheet.payments", lang))
