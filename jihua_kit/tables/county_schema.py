"""The record types of a county file and their field checks (see `county.py` for the loader).

Errors name the file, the record and the field, in Chinese and English.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from jihua_kit.core.bilingual import bilingual
from jihua_kit.core.errors import KitError

UNITS = ("share", "per_1000_people", "persons", "count", "years", "persons_per_household")
STATUSES = ("fact", "assumption")
SUM_TOLERANCE = 1e-6
_COMMON = ("id", "name_zh", "name_en", "status")
_FACT_FIELDS = (*_COMMON, "unit", "value", "source", "confidence")
_FACT_OPTIONAL = ("source_zh", "origin")  # origin: handout | public (default)
_ASSUMPTION_FIELDS = (*_COMMON, "unit", "central", "low", "high", "basis")
_ASSUMPTION_OPTIONAL = ("basis_zh", "distribution")
# How an assumption varies within its low-high range in the joint (Monte Carlo) draws.
SHAPES = ("triangular", "uniform")
DEFAULT_SHAPE = "triangular"
_DIST_FIELDS = (*_COMMON, "balance", "basis", "categories")
ORIGINS = ("handout", "public")

# What the population generator reads: records that must be present, distributions with the
# categories it expects (their names are the household-table values of docs/tables.md).
REQUIRED_FIGURES = (
    "registered_population", "villages", "household_size", "rural_share", "townships",
    "village_size_spread", "people_60plus_share", "spouse_age_gap", "first_birth_age", "birth_spacing",
    "male_share_births", "state_employee_share_urban", "state_employee_share_rural", "urban_dibao_share",
    "child_dead_share", "child_disabled_share", "widowed_share_under60", "widowed_share_60plus",
    "orphaned_share", "birth_rate", "marriage_rate", "late_marriage_share", "late_first_birth_share",
    "give_up_second_rate", "postpone_second_rate", "postpone_years_mean", "long_term_adoption_rate",
    "adoption_sterilization_share", "onechild_certified_share", "twodaughter_registered_share",
    "college_admission_rate", "graduate_exam_rate", "couple_death_rate_under60", "couple_death_rate_60plus",
    "husband_share_of_deaths", "child_death_rate", "child_disability_rate", "adult_disability_rate", "uptake",
    "fertile_age_min", "fertile_age_max", "adoption_age_max", "newlywed_age_max", "college_entry_age",
    "graduate_exam_age", "father_age_min",
)  # fmt: skip
HOUSEHOLD_TYPES = ("one_child", "two_daughter", "other")
METHODS = ("sterilization", "long_term", "none")
REQUIRED_DISTRIBUTIONS = {
    "rural_household_types": HOUSEHOLD_TYPES,
    "urban_household_types": HOUSEHOLD_TYPES,
    "mother_age_under60": ("20-24", "25-29", "30-34", "35-39", "40-49", "50-59"),
    "mother_age_60plus": ("60-69", "70-79", "80-89"),
    "other_children_rural": ("0", "1", "2", "3", "4"),
    "other_children_urban": ("0", "1", "2", "3", "4"),
    "method_two_daughter": METHODS,
    "method_one_child": METHODS,
    "method_other": METHODS,
    "college_tiers": ("tier1", "tier2", "tier3", "tier4"),
}


@dataclass(frozen=True)
class Figure:
    """One number: a fact (low == central == high) or an assumption with its range."""

    id: str
    name_zh: str
    name_en: str
    status: str
    unit: str
    central: float
    low: float
    high: float
    basis: str  # the source of a fact, the reasoning behind an assumption
    confidence: str = ""
    basis_zh: str = ""  # the same in Chinese, for trainees and the Chinese workbook
    origin: str = ""  # a fact's origin: "handout" or "public" ("" for an assumption)
    distribution: str = DEFAULT_SHAPE  # how an assumption varies in the joint draws (SHAPES)

    name = bilingual("name")

    def basis_text(self, lang: str = "zh") -> str:
        return self.basis_zh if lang == "zh" and self.basis_zh else self.basis

    @property
    def status_key(self) -> str:
        """`status.fact_handout`, `status.fact_public` or `status.assumption` (a message key)."""
        return f"status.fact_{self.origin}" if self.status == "fact" else f"status.{self.status}"


@dataclass(frozen=True)
class Distribution:
    """Shares over categories that sum to 1; `balance` absorbs a swing of another category."""

    id: str
    name_zh: str
    name_en: str
    status: str
    balance: str
    basis: str
    categories: tuple[str, ...]
    central: tuple[float, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]
    basis_zh: str = ""
    shapes: tuple[str, ...] = ()  # per category, how it varies in the joint draws (default triangular)

    name = bilingual("name")

    def basis_text(self, lang: str = "zh") -> str:
        return self.basis_zh if lang == "zh" and self.basis_zh else self.basis

    def shape(self, i: int) -> str:
        return self.shapes[i] if self.shapes else DEFAULT_SHAPE

    def shares(self) -> np.ndarray:
        return np.array(self.central, dtype=float)


@dataclass(frozen=True)
class Sweep:
    """An assumption the sensitivity analysis moves: `key` is an override key."""

    key: str
    name_zh: str
    name_en: str
    unit: str
    low: float
    central: float
    high: float
    distribution: str = DEFAULT_SHAPE

    name = bilingual("name")


@dataclass(frozen=True)
class Correlation:
    """A declared rank-style correlation between two assumptions (override keys), -1..1."""

    a: str
    b: str
    rho: float
    basis: str = ""
    basis_zh: str = ""

    def basis_text(self, lang: str = "zh") -> str:
        return self.basis_zh if lang == "zh" and self.basis_zh else self.basis


def shape_of(raw: dict, file: str, record: str, where: str = "") -> str:
    """The `distribution` field of an assumption or category (default triangular), checked."""
    shape = raw.get("distribution", DEFAULT_SHAPE)
    if shape not in SHAPES:
        field = f"{where}.distribution" if where else "distribution"
        raise KitError("county.bad_choice", file=file, record=record, field=field, got=shape, allowed=", ".join(SHAPES))
    return shape


def number(raw: Any, file: str, record: str, field: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):
        raise KitError("county.bad_type", file=file, record=record, field=field, got=raw)
    return float(raw)


def check_unit_value(value: float, unit: str, file: str, record: str, field: str) -> None:
    if unit == "share" and not 0.0 <= value <= 1.0:
        raise KitError("county.share_range", file=file, record=record, field=field, got=value)
    if value < 0:
        raise KitError("county.negative", file=file, record=record, field=field, got=value)


def mapping(raw: Any, file: str, record: str, where: str, required: tuple, optional: tuple = ()) -> dict:
    if not isinstance(raw, dict):
        raise KitError("county.not_a_mapping", file=file, record=record, field=where or None)
    prefix = f"{where}." if where else ""
    for name in required:
        if name not in raw or raw[name] is None or raw[name] == "":
            raise KitError("county.missing_field", file=file, record=record, field=prefix + name)
    for name in raw:
        if name not in required + optional:
            allowed = ", ".join(required + optional)
            raise KitError("county.unknown_field", file=file, record=record, field=prefix + str(name), allowed=allowed)
    return raw


def value_range(raw: dict, unit: str, file: str, record: str, where: str = "") -> tuple[float, float, float]:
    """(central, low, high) checked: numbers, shares within 0-1, low <= central <= high."""
    prefix = f"{where}." if where else ""
    vals = {}
    for name in ("central", "low", "high"):
        vals[name] = number(raw.get(name, raw.get("central")), file, record, prefix + name)
        check_unit_value(vals[name], unit, file, record, prefix + name)
    if vals["low"] > vals["high"]:
        raise KitError("county.low_gt_high", file=file, record=record, field=prefix + "low", **vals)
    if not vals["low"] <= vals["central"] <= vals["high"]:
        raise KitError("county.central_outside", file=file, record=record, field=prefix + "central", **vals)
    return vals["central"], vals["low"], vals["high"]


def parse_figure(raw: Any, file: str, n: int) -> Figure:
    rid = raw.get("id") if isinstance(raw, dict) else None
    record = rid if isinstance(rid, str) else f"#{n}"
    optional = _FACT_OPTIONAL + _ASSUMPTION_OPTIONAL
    raw = mapping(raw, file, record, "", _COMMON, tuple(set(_FACT_FIELDS + _ASSUMPTION_FIELDS + optional)))
    status = raw["status"]
    if status not in STATUSES:
        raise KitError("county.bad_status", file=file, record=record, field="status", got=status)
    fact = status == "fact"
    fields, optional = (_FACT_FIELDS, _FACT_OPTIONAL) if fact else (_ASSUMPTION_FIELDS, _ASSUMPTION_OPTIONAL)
    raw = mapping(raw, file, record, "", fields, optional)
    unit = raw["unit"]
    if unit not in UNITS:
        raise KitError("county.bad_unit", file=file, record=record, field="unit", got=unit, allowed=", ".join(UNITS))
    names = (str(raw["id"]), str(raw["name_zh"]), str(raw["name_en"]), status, unit)
    if status == "fact":
        value = number(raw["value"], file, record, "value")
        check_unit_value(value, unit, file, record, "value")
        origin = raw.get("origin", "public")
        if origin not in ORIGINS:
            raise KitError("county.bad_choice", file=file, record=record, field="origin", got=origin,
                           allowed=", ".join(ORIGINS))  # fmt: skip
        source_zh = str(raw.get("source_zh") or "")
        return Figure(*names, value, value, value, str(raw["source"]), str(raw["confidence"]), source_zh, origin)
    central, low, high = value_range(raw, unit, file, record)
    basis_zh, shape = str(raw.get("basis_zh") or ""), shape_of(raw, file, record)
    return Figure(*names, central, low, high, str(raw["basis"]), basis_zh=basis_zh, distribution=shape)


def parse_distribution(raw: Any, file: str, n: int) -> Distribution:
    rid = raw.get("id") if isinstance(raw, dict) else None
    record = rid if isinstance(rid, str) else f"#{n}"
    raw = mapping(raw, file, record, "", _DIST_FIELDS, _ASSUMPTION_OPTIONAL)
    if raw["status"] not in STATUSES:
        raise KitError("county.bad_status", file=file, record=record, field="status", got=raw["status"])
    cats = raw["categories"]
    if not isinstance(cats, dict) or len(cats) < 2:
        raise KitError("county.not_a_mapping", file=file, record=record, field="categories")
    balance = str(raw["balance"])
    if balance not in [str(c) for c in cats]:
        raise KitError("county.bad_balance", file=file, record=record, field="balance", got=balance)
    names, central, low, high, shapes = [], [], [], [], []
    for cat, spec in cats.items():
        cat = str(cat)
        where = f"categories.{cat}"
        req = ("central",) if cat == balance else ("central", "low", "high")
        spec = mapping(spec, file, record, where, req, ("distribution",))
        c, lo, hi = value_range(spec, "share", file, record, where)
        names.append(cat), central.append(c), low.append(lo), high.append(hi)
        shapes.append(shape_of(spec, file, record, where))
    total = sum(central)
    if abs(total - 1.0) > SUM_TOLERANCE:
        raise KitError("county.shares_sum", file=file, record=record, field="categories", total=round(total, 6))
    b = names.index(balance)
    for i, cat in enumerate(names):
        if i != b and central[b] - (high[i] - central[i]) < -SUM_TOLERANCE:
            field = f"categories.{cat}.high"
            raise KitError("county.balance_negative", file=file, record=record, field=field, balance=balance)
    return Distribution(
        str(raw["id"]), str(raw["name_zh"]), str(raw["name_en"]), raw["status"], balance, str(raw["basis"]),
        tuple(names), tuple(central), tuple(low), tuple(high), str(raw.get("basis_zh") or ""), tuple(shapes),
    )  # fmt: skip
