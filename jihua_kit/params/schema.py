"""The record types of `data/parameters/` and their validation.

Errors name the file, the record and the field (`values[1].unit`), in Chinese and English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from jihua_kit.core.bilingual import bilingual
from jihua_kit.core.errors import KitError

UNITS = (
    "yuan", "yuan/year", "yuan/person/year", "yuan/person/month", "yuan/household/year",
    "points", "%", "count", "days", "working_days", "day_of_month", "years", "year",
)  # fmt: skip
KINDS = ("one_time", "annual", "non_monetary", "points", "flag", "target", "calendar", "fact")
FREQUENCIES = (
    "one_time", "annual", "monthly", "quarterly", "per_year_postponed", "per_case",
    "per_instance", "none",
)  # fmt: skip
RECORD_SCENARIOS = ("baseline", "raised", "both")
STATUSES = ("fact", "assumption")
COMPARATORS = (">=", "<=", ">", "==", ">prev")
_ID = re.compile(r"^[A-Z]+(-[A-Z0-9]+)+$")

_PARAM_REQUIRED = (
    "id", "name_zh", "name_en", "kind", "frequency", "scenario", "section", "readings",
    "status", "description_zh", "description_en", "values",
)  # fmt: skip
_PARAM_OPTIONAL = ("ladder", "parallel", "source")
_VALUE_FIELDS = (
    "value", "min", "max", "unit", "scenario", "key", "comparator", "label_zh", "label_en", "measure_zh",
    "measure_en", "section", "readings", "scope",
)  # fmt: skip
_READING_REQUIRED = ("id", "title_zh", "title_en", "default", "options")
_OPTION_FIELDS = ("key", "zh", "en", "value")


@dataclass(frozen=True)
class Value:
    """One figure of a parameter: a single value (low == high) or a range, in `unit`."""

    low: float
    high: float
    unit: str
    scenario: str
    key: str | None = None
    comparator: str | None = None
    label_zh: str | None = None  # what the key means, for people (the key is code)
    label_en: str | None = None
    measure_zh: str | None = None  # the measure word of a count (个村（居）, 次, 对)
    measure_en: str | None = None
    section: str | None = None  # where this value comes from, when it differs from the record's
    readings: tuple[str, ...] = ()  # readings that apply to this value only (R1 to a floor)
    scope: str | None = None  # who the rule covers with this value, when it differs by scenario (E-PENSION)

    @property
    def is_range(self) -> bool:
        return self.low != self.high

    label = bilingual("label")

    measure = bilingual("measure")


@dataclass(frozen=True)
class Parameter:
    """A rule figure: see the header of `data/parameters/entitlements.yaml` for the fields."""

    id: str
    name_zh: str
    name_en: str
    kind: str
    frequency: str
    scenario: str
    section: str
    readings: tuple[str, ...]
    status: str
    description_zh: str
    description_en: str
    values: tuple[Value, ...]
    file: str
    ladder: tuple[dict[str, str], ...] = ()  # escalating consequences, lightest first
    parallel: tuple[dict[str, str], ...] = ()  # measures beside the ladder, not a rung of it
    source: str | None = None

    name = bilingual("name")

    description = bilingual("description")

    @property
    def declared_readings(self) -> tuple[str, ...]:
        """Every reading the rule may read: the record's, then its values' (the one declaration)."""
        return tuple(dict.fromkeys(self.readings + tuple(r for v in self.values for r in v.readings)))

    def value_for_scope(self, scenario: str) -> str | None:
        """The `scope` of the value in force in `scenario` (not traced: it is not a figure)."""
        return next((v.scope for v in self.values if v.scenario in ("both", scenario) and v.scope), None)

    def section_for(self, scenario: str) -> str:
        """The section(s) the values in force in `scenario` come from (the record's by default)."""
        own = [v.section for v in self.values if v.scenario in ("both", scenario) and v.section]
        return "；".join(dict.fromkeys(own)) if own else self.section

    def value_for(self, scenario: str, key: str | None = None) -> Value | None:
        """The entry with `key` that applies in `scenario`, or None."""
        for val in self.values:
            if val.key == key and val.scenario in ("both", scenario):
                return val
        return None


@dataclass(frozen=True)
class Option:
    key: str
    zh: str
    en: str
    value: Any = None

    def label(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class Reading:
    """A pinned reading: a default option and the alternatives a trainer may choose."""

    id: str
    title_zh: str
    title_en: str
    default: str
    options: tuple[Option, ...]
    applies_to: tuple[str, ...] = ()  # derived: the records (or values) that declare it

    title = bilingual("title")

    def option(self, key: str) -> Option:
        for opt in self.options:
            if opt.key == key:
                return opt
        allowed = ", ".join(o.key for o in self.options)
        raise KitError("reading.unknown_option", field="readings", id=self.id, got=key, allowed=allowed)


class _Checker:
    """Field checks for one record, raising KitError with file, record and field."""

    def __init__(self, file: str, record: str) -> None:
        self.file, self.record = file, record

    def fail(self, key: str, field: str, **info: Any) -> KitError:
        return KitError(key, file=self.file, record=self.record, field=field, **info)

    def mapping(self, raw: Any, field: str, required: tuple, optional: tuple = ()) -> dict:
        if not isinstance(raw, dict):
            raise self.fail("param.not_a_mapping", field)
        for name in required:
            if name not in raw:
                raise self.fail("param.missing_field", _join(field, name))
        for name in raw:
            if name not in required + optional:
                raise self.fail("param.unknown_field", _join(field, name), allowed=", ".join(required + optional))
        return raw

    def text(self, raw: dict, name: str, field: str = "") -> str:
        got = raw[name]
        if not isinstance(got, str):
            raise self.fail("param.bad_type", _join(field, name), expected="text", got=got)
        if not got.strip():
            key = "param.empty_section" if name == "section" else "param.missing_field"
            raise self.fail(key, _join(field, name))
        return got

    def choice(self, raw: dict, name: str, allowed: tuple, key: str = "param.bad_choice", field: str = "") -> str:
        got = raw[name]
        if got not in allowed:
            raise self.fail(key, _join(field, name), got=got, allowed=", ".join(allowed))
        return got

    def amount(self, raw: dict, name: str, field: str) -> float:
        got = raw[name]
        if isinstance(got, bool) or not isinstance(got, (int, float)):
            raise self.fail("param.bad_type", _join(field, name), expected="a number", got=got)
        if got < 0:
            raise self.fail("param.negative", _join(field, name), got=got)
        return float(got)

    def str_list(self, raw: dict, name: str, field: str = "") -> tuple[str, ...]:
        got = raw[name]
        if not isinstance(got, list) or not all(isinstance(x, str) for x in got):
            raise self.fail("param.bad_type", _join(field, name), expected="a list of text", got=got)
        return tuple(got)

    def labels(self, raw: dict, name: str) -> None:
        """An optional list of {zh, en} texts (a ladder of consequences, parallel measures)."""
        got = raw.get(name)
        if got is None:
            return
        if not isinstance(got, list) or not all(
            isinstance(x, dict) and set(x) == {"zh", "en"} and all(isinstance(v, str) and v.strip() for v in x.values())
            for x in got
        ):
            raise self.fail("param.bad_type", name, expected="a list of {zh, en} texts", got=got)

    def optional_text(self, raw: dict, name: str, field: str) -> str | None:
        if name not in raw:
            return None
        return self.text(raw, name, field)


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _parse_value(check: _Checker, raw: Any, i: int, record_scenario: str, readings: dict[str, Reading]) -> Value:
    where = f"values[{i}]"
    raw = check.mapping(raw, where, ("unit",), tuple(f for f in _VALUE_FIELDS if f != "unit"))
    unit = check.choice(raw, "unit", UNITS, "param.bad_unit", where)
    scenario = raw.get("scenario", record_scenario)
    if scenario not in RECORD_SCENARIOS:
        raise check.fail("param.unknown_scenario", f"{where}.scenario", got=scenario)
    if record_scenario != "both" and scenario != record_scenario:
        raise check.fail("param.scenario_conflict", f"{where}.scenario", got=scenario, record_scenario=record_scenario)
    if "value" in raw and not ("min" in raw or "max" in raw):
        low = high = check.amount(raw, "value", where)
    elif "min" in raw and "max" in raw and "value" not in raw:
        low, high = check.amount(raw, "min", where), check.amount(raw, "max", where)
        if low > high:
            raise check.fail("param.min_gt_max", f"{where}.min", low=low, high=high)
    else:
        raise check.fail("param.value_or_range", where)
    comparator = raw.get("comparator")
    if comparator is not None:
        check.choice(raw, "comparator", COMPARATORS, field=where)
    key = raw.get("key")
    if key is not None and not isinstance(key, str):
        raise check.fail("param.bad_type", f"{where}.key", expected="text", got=key)
    texts = {name: check.optional_text(raw, name, where) for name in ("label_zh", "label_en", "section")}
    measures = {name: raw.get(name) for name in ("measure_zh", "measure_en")}
    for name, got in measures.items():
        if got is not None and not isinstance(got, str):
            raise check.fail("param.bad_type", f"{where}.{name}", expected="text", got=got)
    refs = check.str_list(raw, "readings", where) if "readings" in raw else ()
    for ref in refs:
        if ref not in readings:
            raise check.fail("param.unknown_reading", f"{where}.readings", got=ref)
    scope = check.optional_text(raw, "scope", where)
    return Value(low, high, unit, scenario, key, comparator, **texts, **measures, readings=refs, scope=scope)


def parse_parameters(raw: Any, file: str, readings: dict[str, Reading], into: dict[str, Parameter]) -> None:
    """Validate the records of one parameter file and add them to `into` (by ID)."""
    if not isinstance(raw, list):
        raise KitError("param.not_a_list", file=file)
    for n, rec in enumerate(raw, start=1):
        rid = rec.get("id") if isinstance(rec, dict) else None
        check = _Checker(file, rid if isinstance(rid, str) else f"#{n}")
        rec = check.mapping(rec, "", _PARAM_REQUIRED, _PARAM_OPTIONAL)
        pid = check.text(rec, "id")
        if not _ID.match(pid):
            raise check.fail("param.bad_choice", "id", got=pid, allowed="E-…, D-…, T-…, C-…, F-…, TR-…")
        if pid in into:
            raise check.fail("param.duplicate_id", "id", other=into[pid].file)
        scenario = rec["scenario"]
        if scenario not in RECORD_SCENARIOS:
            raise check.fail("param.unknown_scenario", "scenario", got=scenario)
        refs = check.str_list(rec, "readings")
        for ref in refs:
            if ref not in readings:
                raise check.fail("param.unknown_reading", "readings", got=ref)
        check.labels(rec, "ladder")
        check.labels(rec, "parallel")
        if not isinstance(rec["values"], list) or not rec["values"]:
            raise check.fail("param.bad_type", "values", expected="a non-empty list", got=rec["values"])
        values = tuple(_parse_value(check, v, i, scenario, readings) for i, v in enumerate(rec["values"]))
        seen: set[tuple] = set()
        for i, val in enumerate(values):
            for scen in ("baseline", "raised") if val.scenario == "both" else (val.scenario,):
                if (val.key, scen) in seen:
                    raise check.fail("param.duplicate_key", f"values[{i}].key", got=val.key)
                seen.add((val.key, scen))
        into[pid] = Parameter(
            id=pid,
            name_zh=check.text(rec, "name_zh"),
            name_en=check.text(rec, "name_en"),
            kind=check.choice(rec, "kind", KINDS),
            frequency=check.choice(rec, "frequency", FREQUENCIES),
            scenario=scenario,
            section=check.text(rec, "section"),
            readings=refs,
            status=check.choice(rec, "status", STATUSES),
            description_zh=check.text(rec, "description_zh"),
            description_en=check.text(rec, "description_en"),
            values=values,
            file=file,
            ladder=tuple(rec.get("ladder") or ()),
            parallel=tuple(rec.get("parallel") or ()),
            source=rec.get("source"),
        )


def parse_readings(raw: Any, file: str) -> dict[str, Reading]:
    """Validate the reading register."""
    if not isinstance(raw, list):
        raise KitError("param.not_a_list", file=file)
    out: dict[str, Reading] = {}
    for n, rec in enumerate(raw, start=1):
        rid = rec.get("id") if isinstance(rec, dict) else None
        check = _Checker(file, rid if isinstance(rid, str) else f"#{n}")
        rec = check.mapping(rec, "", _READING_REQUIRED)
        rid = check.text(rec, "id")
        if rid in out:
            raise check.fail("param.duplicate_id", "id", other=file)
        if not isinstance(rec["options"], list) or not rec["options"]:
            raise check.fail("param.bad_type", "options", expected="a non-empty list", got=rec["options"])
        options = []
        for i, opt in enumerate(rec["options"]):
            opt = check.mapping(opt, f"options[{i}]", ("key", "zh", "en"), ("value",))
            options.append(Option(opt["key"], opt["zh"], opt["en"], opt.get("value")))
        default = rec["default"]
        if default not in [o.key for o in options]:
            raise check.fail("reading.bad_default", "default", got=default)
        out[rid] = Reading(
            rid, check.text(rec, "title_zh"), check.text(rec, "title_en"),
            default, tuple(options),
        )  # fmt: skip
    return out
