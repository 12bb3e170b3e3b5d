"""Section C: the 2013 annual targets checked against a unit's or the county's figures.

The chart of the result is `jihua_kit.explanations.targets_chart`.

Figures are a mapping by target ID: a number for a single-valued target, a mapping by key for a
target with several values (T-INFO-ACCURACY: accuracy, missed_births, wrong_births), and
`{actual, previous}` for a target that must beat last year's level (T-MIGRANT-INPOLICY). The
thresholds and comparators come from `data/parameters/targets.yaml`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import t
from jihua_kit.core.yamlio import load_yaml
from jihua_kit.params.figures import amount_text
from jihua_kit.params.limits import read_text
from jihua_kit.params.store import Params, default_params

COLUMNS = ("id", "key", "name", "target", "comparator", "target_value", "actual", "met", "shortfall", "unit",
           "section")  # fmt: skip
_PREV = ">prev"
_PREV_FIELDS = ("actual", "previous")


def _number(raw: Any, field: str, unit: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):  # .nan, .inf
        raise KitError("target.bad_number", field=field, got=raw)
    if raw < 0:
        raise KitError("target.negative", field=field, got=raw)
    if unit == "%" and raw > 100:
        raise KitError("target.over_100", field=field, got=raw)
    return float(raw)


def _mapping(raw: Any, field: str, keys: tuple[str, ...]) -> Mapping:
    if not isinstance(raw, Mapping):
        raise KitError("target.need_keys", field=field, got=raw, keys=", ".join(keys))
    for k in raw:
        if k not in keys:
            raise KitError("target.unknown_key", field=f"{field}.{k}", got=k, keys=", ".join(keys))
    for k in keys:
        if k not in raw:
            raise KitError("target.missing_key", field=f"{field}.{k}", keys=", ".join(keys))
    return raw


def _rows(figures: Mapping, params: Params, lang: str = "zh") -> list[dict[str, Any]]:
    """One row per checked value: the actual figure beside the data's threshold."""
    rows = []
    for pid, raw in figures.items():
        if not (isinstance(pid, str) and pid.startswith("T-") and pid in params.store.parameters):
            raise KitError("target.unknown_id", field=str(pid), got=pid)
        values = params.get(pid).values
        keys = tuple(v.key for v in values if v.key)
        if values[0].comparator == _PREV:
            pair = _mapping(raw, pid, _PREV_FIELDS)
            prev = _number(pair["previous"], f"{pid}.previous", "%")
            actual = _number(pair["actual"], f"{pid}.actual", "%")
            params.value(pid)  # traced: the year it compares with
            rows.append({"id": pid, "key": "", "target_value": prev, "actual": actual, "comparator": _PREV,
                         "unit": "%", "measure": None})  # fmt: skip
            continue
        given = _mapping(raw, pid, keys) if keys else {None: raw}
        if not keys and isinstance(raw, Mapping):
            raise KitError("target.single_value", field=pid, got=raw)
        for val in values:
            field = f"{pid}.{val.key}" if val.key else pid
            rows.append({"id": pid, "key": val.key or "", "target_value": params.value(pid, val.key),
                         "actual": _number(given[val.key], field, val.unit), "comparator": val.comparator,
                         "unit": val.unit, "measure": val.measure(lang)})  # fmt: skip
    return rows


def _evaluate(cmp: np.ndarray, target: np.ndarray, actual: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Met and shortfall for every row at once: how far below a floor, or above a ceiling."""
    at_least, at_most, equal = cmp == ">=", cmp == "<=", cmp == "=="
    above = (cmp == ">") | (cmp == _PREV)
    met = (at_least & (actual >= target)) | (at_most & (actual <= target)) | (above & (actual > target))
    met |= equal & (actual == target)
    short = np.where(at_most, actual - target, np.where(equal, np.abs(actual - target), target - actual))
    return met, np.where(met, 0.0, np.maximum(short, 0.0))


def figure_text(value: float, unit: str, lang: str = "zh", measure: str | None = None) -> str:
    """'98%', '6,000,000 元', '160 对' (a count with its measure word; without one, just the number)."""
    if unit == "count":
        return amount_text(value, value, unit, lang, measure or "")
    return amount_text(value, value, unit, lang)


def target_text(comparator: str, value: float, unit: str, lang: str = "zh", measure: str | None = None) -> str:
    """'≥ 98%', '≥ 160 对', '0（不得出现）' (a zero ceiling), '高于上年（86.5%）'."""
    if comparator == _PREV:
        return t("target.above_previous", lang, previous=figure_text(value, unit, lang))
    if comparator == "<=" and value == 0:
        return t("figure.zero_ceiling", lang)
    sign = {">=": "≥", "<=": "≤", ">": ">", "==": "="}[comparator]
    return f"{sign} {figure_text(value, unit, lang, measure)}"


def check_targets(figures: Mapping, params: Params | None = None, lang: str = "zh") -> pd.DataFrame:
    """Target, actual, met / not met and shortfall for each figure given (columns: `COLUMNS`).

    `figures` maps target IDs to figures, or is a figures file's content (`{figures: {...}}`).
    Targets not given are not checked; an unknown ID, a missing or unknown key, a negative
    number or a rate over 100 raises `KitError` naming the field.
    """
    params = params or default_params()
    if "figures" in figures:
        figures = figures["figures"]
    if not isinstance(figures, Mapping) or not figures:
        raise KitError("target.no_figures", field="figures")
    rows = pd.DataFrame(_rows(figures, params, lang))
    met, short = _evaluate(rows["comparator"].to_numpy(), rows["target_value"].to_numpy(), rows["actual"].to_numpy())
    rows["met"], rows["shortfall"] = met, short
    rows["name"] = [_label(pid, key, params, lang) for pid, key in zip(rows["id"], rows["key"], strict=True)]
    rows["section"] = [params.get(pid).section for pid in rows["id"]]
    cols = ["comparator", "target_value", "unit", "measure"]
    rows["target"] = [target_text(c, v, u, lang, m) for c, v, u, m in rows[cols].to_numpy()]
    rows["actual_text"] = [figure_text(a, u, lang, m) for a, u, m in rows[["actual", "unit", "measure"]].to_numpy()]
    return rows[[*COLUMNS, "actual_text", "measure"]]


def _label(pid: str, key: str | None, params: Params, lang: str) -> str:
    name = params.get(pid).name(lang)
    if not key:
        return name
    val = next(v for v in params.get(pid).values if v.key == key)
    return f"{name}·{val.label(lang) or key}"


def load_figures(path: str | Path) -> dict[str, Any]:
    """A figures file (YAML or JSON): `{figures: {ID: ...}}` plus free metadata (unit, year, status)."""
    path = Path(path)
    try:
        raw = load_yaml(read_text(path, "utf-8-sig"), path.name)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise KitError("target.file_unreadable", file=path.name, detail=str(exc).splitlines()[0]) from exc
    if not isinstance(raw, Mapping) or not isinstance(raw.get("figures"), Mapping):
        raise KitError("target.no_figures", file=path.name, field="figures")
    return dict(raw)


def attainment(table: pd.DataFrame) -> np.ndarray:
    """Per row, the actual as a % of the threshold (a ceiling of 0 reads 100 when kept, else 0)."""
    target, actual = table["target_value"].to_numpy(float), table["actual"].to_numpy(float)
    ceiling = table["comparator"].to_numpy() == "<="
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(target > 0, 100 * actual / np.where(target > 0, target, 1), 100.0)
        kept = np.where(actual > 0, 100 * target / np.where(actual > 0, actual, 1), 100.0)
    return np.where(ceiling, np.where(table["met"].to_numpy(), 100.0, kept), ratio)
