"""The audit format (what an inspection found in a unit) <-> the unit table, with validation.

One unit is a mapping (YAML or JSON); a file may hold one unit, a list of units, or
`{units: [...], period: ..., township: ...}` where the top-level fields are defaults for every
unit. The format is documented in `docs/audit-format.md`; the table in `docs/tables.md`.
Every fault raises `KitError` naming the file, the unit and the field; a rejected unit is never
scored.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from math import isfinite
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from jihua_kit.core.errors import KitError
from jihua_kit.core.yamlio import load_json, load_yaml
from jihua_kit.params.limits import read_text
from jihua_kit.params.store import Params, default_params
from jihua_kit.tables.audit_table import (
    BIRTHS_ID,
    OPTIONAL_COLUMNS,
    RESIDENT_BACKLOG,
    TEXT_COLUMNS,
    Layout,
    birth_column,
    empty_table,
    layout,
    partition_table,
    validate_table,
)

__all__ = [
    "POLICY_ALIASES", "birth_column", "empty_table", "layout", "load_audit", "partition_table",
    "record_row", "units_table", "validate_table",
]  # fmt: skip

POLICY_ALIASES = {"内": "in", "政策内": "in", "in": "in", "inside": "in",
                  "外": "out", "政策外": "out", "out": "out", "outside": "out"}  # fmt: skip
UNIT_FIELDS = (*TEXT_COLUMNS, *OPTIONAL_COLUMNS, "findings", "resident")
FILE_DEFAULTS = ("period", "township", "level", "inspection_date")
RESIDENT_FIELDS = ("out_of_policy_births", "surgery_backlog")
BIRTH_FIELDS = ("policy", "parity", "count")


class _Unit:
    """Checks the fields of one unit record; every error names the file, unit and field."""

    def __init__(self, lay: Layout, unit: str, file: str | None) -> None:
        self.lay, self.unit, self.file = lay, unit, file

    def fail(self, key: str, field: str, **info: Any) -> KitError:
        return KitError(key, file=self.file, unit=self.unit, field=field, **info)

    def mapping(self, raw: Any, field: str, allowed: tuple[str, ...], key: str = "audit.unknown_field") -> Mapping:
        if not isinstance(raw, Mapping):
            raise self.fail("audit.not_a_mapping", field, got=raw)
        for name in raw:
            if name not in allowed:
                where = f"{field}.{name}" if field else str(name)
                raise self.fail(key, where, got=name, allowed=", ".join(allowed))
        return raw

    def whole(self, raw: Any, field: str) -> int:
        if isinstance(raw, bool) or not isinstance(raw, (int, float)) or (isinstance(raw, float) and not isfinite(raw)):
            raise self.fail("audit.bad_number", field, got=raw)
        if raw < 0:
            raise self.fail("audit.negative", field, got=raw)
        if raw % 1:
            raise self.fail("audit.not_whole", field, got=raw)
        return int(raw)

    def count(self, raw: Any, field: str) -> int:
        n = self.whole(raw, field)
        if n > self.lay.count_max:
            raise self.fail("audit.count_over", field, got=n, bound=self.lay.count_max)
        return n

    def parity(self, raw: Any, field: str) -> int:
        if isinstance(raw, bool) or not isinstance(raw, (int, float)) or (isinstance(raw, float) and not isfinite(raw)):
            raise self.fail("audit.bad_number", field, got=raw)
        if raw % 1:
            raise self.fail("audit.not_whole", field, got=raw)
        if raw < 1:
            raise self.fail("audit.parity_zero", field, got=raw, parity=raw)
        if raw > self.lay.parity_max:
            raise self.fail("audit.parity_over", field, got=raw, parity=int(raw), bound=self.lay.parity_max)
        return int(raw)

    def births(self, raw: Any, field: str, with_policy: bool) -> dict[tuple[str, int], int]:
        """[{policy, parity, count}, ...] -> {(policy, parity): count}, duplicates summed."""
        if isinstance(raw, Mapping):
            raw = [raw]
        if not isinstance(raw, list):
            raise self.fail("audit.not_a_list", field, got=raw)
        out: dict[tuple[str, int], int] = {}
        allowed = BIRTH_FIELDS if with_policy else ("parity", "count")
        for i, item in enumerate(raw):
            where = f"{field}[{i}]"
            item = self.mapping(item, where, allowed)
            for name in allowed[:-1]:
                if name not in item:
                    raise self.fail("audit.missing_field", f"{where}.{name}")
            policy = "out"
            if with_policy:
                policy = POLICY_ALIASES.get(str(item["policy"]).strip())
                if policy is None:
                    raise self.fail("audit.bad_policy", f"{where}.policy", got=item["policy"])
            parity = self.parity(item["parity"], f"{where}.parity")
            key = (policy, parity)
            out[key] = out.get(key, 0) + self.count(item.get("count", 1), f"{where}.count")
            if out[key] > self.lay.count_max:
                raise self.fail("audit.count_over", f"{where}.count", got=out[key], bound=self.lay.count_max)
        return out


def _identity_of(rec: Any, n: int) -> str:
    uid = rec.get("unit_id") if isinstance(rec, Mapping) else None
    return str(uid) if uid not in (None, "") else f"#{n}"


def record_row(rec: Mapping, params: Params | None = None, file: str | None = None, n: int = 1,
               lay: Layout | None = None) -> dict[str, Any]:  # fmt: skip
    """One unit record -> one row of the unit table (a dict with every column); `lay` saves
    working out the layout again for every record of a file."""
    lay = lay or layout(params)
    chk = _Unit(lay, _identity_of(rec, n), file)
    rec = chk.mapping(rec, "", UNIT_FIELDS)
    for name in ("unit_id", "period"):
        if rec.get(name) in (None, ""):
            raise chk.fail("audit.missing_field", name)
    row: dict[str, Any] = {c: 0 for c in lay.int_columns} | {c: False for c in lay.flag_codes}
    for name in (*TEXT_COLUMNS, *OPTIONAL_COLUMNS):
        value = rec.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int, dt.date))):
            raise chk.fail("audit.not_text", name, got=value)  # a list, a mapping, .nan: not an ID or a name
        row[name] = "" if value is None else str(value).strip()
    findings = chk.mapping(rec.get("findings") or {}, "findings", lay.finding_codes, "audit.unknown_code")
    for code, value in findings.items():
        field = f"findings.{code}"
        if code == BIRTHS_ID:
            for (policy, parity), count in chk.births(value, field, with_policy=True).items():
                row[birth_column(policy, parity)] = count
        elif code in lay.flag_codes:
            if not isinstance(value, bool):
                raise chk.fail("audit.bad_bool", field, got=value)
            row[code] = value
        else:
            row[code] = chk.count(value, field)
    resident = chk.mapping(rec.get("resident") or {}, "resident", RESIDENT_FIELDS)
    births = chk.births(resident.get("out_of_policy_births") or [], "resident.out_of_policy_births", False)
    for (_, parity), count in births.items():
        row[f"resident_out_births_{parity}"] = count
    row[RESIDENT_BACKLOG] = chk.count(resident.get("surgery_backlog", 0), "resident.surgery_backlog")
    return row


def units_table(records: Iterable[Mapping], params: Params | None = None, file: str | None = None) -> pd.DataFrame:
    """Unit records -> the validated unit table (one row per unit, in the given order)."""
    params = params or default_params()
    lay = layout(params)
    rows = [record_row(rec, params, file, n, lay) for n, rec in enumerate(records, start=1)]
    if not rows:
        raise KitError("audit.no_units", file=file)
    df = pd.DataFrame(rows, columns=layout(params).columns + list(OPTIONAL_COLUMNS))
    table, errors = partition_table(df, params)
    if errors:  # a field the record checks could not see (period, level, date, duplicates)
        err = errors[0]
        record_field = _record_field(err.field or "")
        raise KitError(err.key, file=file, unit=err.where.get("unit"), field=record_field, **err.info)
    return table


def _record_field(column: str) -> str:
    return column if column in TEXT_COLUMNS else f"findings.{column}"


def _read(path: Path) -> Any:
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        raise KitError("audit.unsupported_file", file=path.name, got=suffix or path.name)
    try:
        text = read_text(path, "utf-8-sig")
        return load_json(text, path.name) if suffix == ".json" else load_yaml(text, path.name)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, yaml.YAMLError) as exc:
        raise KitError("audit.file_unreadable", file=path.name, detail=str(exc).splitlines()[0]) from exc


def audit_records(raw: Any, file: str | None = None) -> list[Mapping]:
    """The unit records of a parsed audit document: one unit, a list, or {units: [...], defaults}."""
    if isinstance(raw, list):
        return raw
    if isinstance(raw, Mapping) and "units" in raw:
        extra = [k for k in raw if k != "units" and k not in FILE_DEFAULTS]
        if extra:
            raise KitError("audit.unknown_field", file=file, field=str(extra[0]), got=extra[0],
                           allowed=", ".join(("units", *FILE_DEFAULTS)))  # fmt: skip
        if not isinstance(raw["units"], list):
            raise KitError("audit.not_a_list", file=file, field="units", got=raw["units"])
        defaults = {k: raw[k] for k in FILE_DEFAULTS if k in raw}
        return [defaults | dict(u) if isinstance(u, Mapping) else u for u in raw["units"]]
    if isinstance(raw, Mapping):
        return [raw]
    raise KitError("audit.not_a_mapping", file=file, got=type(raw).__name__)


def load_audit(source: str | Path | Mapping | list, params: Params | None = None) -> pd.DataFrame:
    """An audit (file path, parsed mapping, or list of unit mappings) -> the unit table."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        return units_table(audit_records(_read(path), path.name), params, path.name)
    return units_table(audit_records(source), params)
