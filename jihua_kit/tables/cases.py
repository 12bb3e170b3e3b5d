"""The household case format (YAML / JSON, see docs/case-format.md) <-> the household table.

A case is one household as a nested mapping (mother, father, children, events); it becomes one
row of the table of `docs/tables.md`. Field types are checked here, with paths such as
`children[2].age` (children are numbered from 1, like the table slots `c1_` … `c4_`); the
consistency checks run once, vectorised, in `households.validate_table`, and their column names
are translated back into case paths.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from jihua_kit.core.errors import KitError
from jihua_kit.core.paths import data_dir
from jihua_kit.core.yamlio import load_json, load_yaml
from jihua_kit.params.limits import read_text
from jihua_kit.tables.columns import DTYPES, SLOTS
from jihua_kit.tables.households import (
    COLUMNS,
    DECLARATION,
    EMPTY,
    EVENT_BOOLS,
    EVENT_INTS,
    check_columns,
    validate_table,
)

__all__ = [
    "COLUMNS", "EMPTY", "case_from_row", "case_path", "case_to_record", "example_cases",
    "households_table", "load_case", "read_case_file", "validate_table",
]  # fmt: skip

PARENT_KEYS = {"mother": 1, "father": 2}
_KIND = {"str": str, "category": str, "bool": bool, "int": int}
# The household's own columns (household_id is `id`), text and choices before flags, as cases list them.
_HOUSEHOLD = sorted((c for c in DECLARATION if c.group == "household" and c.name != "household_id"),
                    key=lambda c: DTYPES.index(c.dtype))  # fmt: skip
_TOP = ("id", "title", "note", *(c.name for c in DECLARATION if c.group == "household" and c.name != "household_id"))
_TOP_REQUIRED = (*(c.name for c in _HOUSEHOLD if c.required), *PARENT_KEYS)
_PERSON = {c.field: _KIND[c.dtype] for c in DECLARATION if c.group == "parent"}
_PERSON_REQUIRED = {c.field for c in DECLARATION if c.group == "parent" and c.required}
_CHILD = {c.field: _KIND[c.dtype] for c in DECLARATION if c.group == "child" and c.field != "present"} | {"name": str}
# A listed child's defaults: age and sex must be given; flags are nothing recorded, except that it lives.
_CHILD_DEFAULT = {c.field: c.default for c in DECLARATION if c.group == "child" and c.dtype == "bool"}
_CHILD_DEFAULT |= {"alive": True, "name": ""}
_EVENTS = {**{e: bool for e in EVENT_BOOLS}, **{e: int for e in EVENT_INTS}}
_TYPE_KEY = {int: "case.not_int", bool: "case.not_bool", str: "case.not_text", dict: "case.not_mapping"}
_SLOT_COL = re.compile(r"^c(\d)_(\w+)$")
_PARENT_COL = re.compile(r"^p([12])_(\w+)$")


def case_path(column: str) -> str:
    """The case-format path of a table column: `c2_age` -> `children[2].age`."""
    if column == "household_id":
        return "id"
    if m := _PARENT_COL.match(column):
        return f"{'mother' if m[1] == '1' else 'father'}.{m[2]}"
    if m := _SLOT_COL.match(column):
        return f"children[{m[1]}]" if m[2] == "present" else f"children[{m[1]}].{m[2]}"
    if column.startswith("ev_"):
        return f"events.{column[3:]}"
    return column


class _Fields:
    """Typed reads from one mapping of a case, failing with the field's path."""

    def __init__(self, raw: Any, path: str, allowed: tuple[str, ...], where: dict[str, Any]) -> None:
        self.path, self.where = path, where
        if not isinstance(raw, dict):
            raise self.fail("case.not_mapping", "", got=raw)
        for name in raw:
            if name not in allowed:
                raise self.fail("case.unknown_field", str(name), allowed=", ".join(allowed))
        self.raw = raw

    def fail(self, key: str, name: str, **info: Any) -> KitError:
        field = f"{self.path}.{name}" if self.path and name else (self.path or name)
        return KitError(key, field=field, **self.where, **info)

    def get(self, name: str, kind: type, default: Any = None) -> Any:
        if name not in self.raw:
            if default is None:
                raise self.fail("case.missing_field", name)
            return default
        value = self.raw[name]
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise self.fail("case.not_int", name, got=value)
        if kind is not int and not isinstance(value, kind):
            raise self.fail(_TYPE_KEY[kind], name, got=value)
        return value


def case_to_record(case: Any, default_id: str = "case", where: dict[str, Any] | None = None) -> dict[str, Any]:
    """One case mapping -> one flat table record; field types are checked here."""
    where = where or {}
    top = _Fields(case, "", _TOP + ("mother", "father", "children", "events"), where)
    for name in _TOP_REQUIRED:
        top.get(name, dict if name in PARENT_KEYS else str)
    rec: dict[str, Any] = dict(EMPTY)
    rec["household_id"] = top.get("id", str, default_id)
    for c in _HOUSEHOLD:
        rec[c.name] = top.get(c.name, _KIND[c.dtype], EMPTY[c.name])
    title = case.get("title", "")
    if isinstance(title, dict):
        texts = _Fields(title, "title", ("zh", "en"), where)
        for lang in title:
            texts.get(lang, str)
    elif not isinstance(title, str):
        raise top.fail("case.not_text", "title", got=title)
    top.get("note", str, "")
    for role, p in PARENT_KEYS.items():
        person = _Fields(case[role], role, tuple(_PERSON), where)
        for name, kind in _PERSON.items():
            rec[f"p{p}_{name}"] = person.get(name, kind, None if name in _PERSON_REQUIRED else EMPTY[f"p{p}_{name}"])
    children = case.get("children", [])
    if not isinstance(children, list):
        raise top.fail("case.not_list", "children", got=children)
    if len(children) > len(SLOTS):
        raise top.fail("case.too_many_children", "children", n=len(children), max=len(SLOTS))
    for k, raw in enumerate(children, start=1):
        child = _Fields(raw, f"children[{k}]", tuple(_CHILD), where)
        rec[f"c{k}_present"] = True
        for name, kind in _CHILD.items():
            value = child.get(name, kind, _CHILD_DEFAULT.get(name))
            if name != "name":
                rec[f"c{k}_{name}"] = value
    events = _Fields(case.get("events", {}), "events", tuple(_EVENTS), where)
    for name, kind in _EVENTS.items():
        if name == "spouse_died":
            continue
        rec[f"ev_{name}"] = events.get(name, kind, EMPTY[f"ev_{name}"])
    rec["ev_spouse_died"] = _spouse_died(events, rec)
    return rec


def _spouse_died(events: _Fields, rec: dict[str, Any]) -> bool:
    """`spouse_died` is true/false, or names the parent who died (`mother` / `father`)."""
    value = events.raw.get("spouse_died", False)
    if isinstance(value, bool):
        return value
    if value not in PARENT_KEYS:
        raise events.fail("case.bad_spouse", "spouse_died", got=value)
    if rec[f"p{PARENT_KEYS[value]}_alive"]:
        raise events.fail("case.spouse_named_alive", "spouse_died", who=value)
    return True


def _translate(err: KitError, where: dict[str, Any]) -> KitError:
    """A table error in case terms: the column becomes a case path, the row the case."""
    field = case_path(err.field) if err.field else None
    return KitError(err.key, field=field, **where, **err.info)


def households_table(records: list[dict[str, Any]], flat: bool | None = None) -> pd.DataFrame:
    """A validated household table from case mappings (or, with `flat=True`, flat column records).

    `flat=None` detects flat records by their `household_id` key. Errors in case mappings name the
    case (`record`) and its field path; errors in flat records name the row and column.
    """
    if not isinstance(records, list):
        raise KitError("case.not_list", field="records", got=type(records).__name__)
    if flat is None:
        flat = bool(records) and isinstance(records[0], dict) and "household_id" in records[0]
    if flat:
        return validate_table(pd.DataFrame.from_records(records) if records else pd.DataFrame(columns=COLUMNS))
    rows, ids = [], []
    for i, case in enumerate(records, start=1):
        default_id = f"case-{i}"
        cid = case.get("id", default_id) if isinstance(case, dict) else default_id
        rows.append(case_to_record(case, default_id, {"record": cid}))
        ids.append(cid)
    return _table_of_cases(rows, ids)


def _table_of_cases(rows: list[dict[str, Any]], names: list[Any], file: str | None = None) -> pd.DataFrame:
    columns = {c: [r[c] for r in rows] for c in COLUMNS}
    try:
        return check_columns(columns, pd.RangeIndex(len(rows)))
    except KitError as err:
        row = err.row if err.row is not None else 0
        where = {"file": file} if file else {"record": names[row]}
        raise _translate(err, where) from None


def read_case_file(path: str | Path) -> dict[str, Any]:
    """Read a case from a .yaml/.yml/.json file (a bare name is looked up in data/cases/)."""
    path = Path(path)
    if not path.exists() and not path.suffix and (data_dir() / "cases" / f"{path}.yaml").exists():
        path = data_dir() / "cases" / f"{path}.yaml"
    if not path.is_file():
        raise KitError("case.file_missing", file=str(path))
    try:
        text = read_text(path)
        raw = load_json(text, path.name) if path.suffix == ".json" else load_yaml(text, path.name)
    except KitError:
        raise
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise KitError("case.file_unreadable", file=path.name, detail=str(exc).splitlines()[0]) from exc
    if isinstance(raw, dict):
        raw.setdefault("id", path.stem)
    return raw


def load_case(path_or_dict: str | Path | dict[str, Any]) -> pd.DataFrame:
    """One case (a file path, a name in data/cases/, or a mapping) -> a validated one-row table.

    The case's `title`, `note` and source file are kept in `table.attrs` (they are not columns).
    """
    if isinstance(path_or_dict, dict):
        case, where = path_or_dict, {}
    else:
        case = read_case_file(path_or_dict)
        where = {"file": Path(path_or_dict).name}
    record = case_to_record(case, "case", where)
    try:
        table = check_columns({c: [record[c]] for c in COLUMNS}, pd.RangeIndex(1))
    except KitError as err:
        raise _translate(err, where) from None
    table.attrs.update(title=case.get("title", ""), note=case.get("note", ""), source=where.get("file", ""))
    return table


def case_from_row(table: pd.DataFrame, i: int = 0) -> dict[str, Any]:
    """Row `i` (by position) of a household table as a case mapping; only non-empty events are kept."""
    row = table.iloc[i]
    val = {c: (row[c].item() if hasattr(row[c], "item") else row[c]) for c in COLUMNS}
    case: dict[str, Any] = {"id": str(val["household_id"])}
    for c in _HOUSEHOLD:  # optional text only when given
        if c.dtype != "str" or val[c.name]:
            case[c.name] = _KIND[c.dtype](val[c.name])
    for role, p in PARENT_KEYS.items():
        case[role] = {name: kind(val[f"p{p}_{name}"]) for name, kind in _PERSON.items()}
    fields = {name: kind for name, kind in _CHILD.items() if name != "name"}
    case["children"] = [{name: kind(val[f"c{k}_{name}"]) for name, kind in fields.items()}
                        for k in SLOTS if val[f"c{k}_present"]]  # fmt: skip
    renumber = {k: n for n, k in enumerate([k for k in SLOTS if val[f"c{k}_present"]], start=1)} | {0: 0}
    events = {name: (bool if kind is bool else int)(val[f"ev_{name}"]) for name, kind in _EVENTS.items()}
    for name in ("college_child", "graduate_child", "child_died"):
        events[name] = renumber[events[name]]
    case["events"] = {k: v for k, v in events.items() if v}
    return case


def example_cases() -> list[Path]:
    """The worked households in data/cases/, sorted by name."""
    return sorted((data_dir() / "cases").glob("*.yaml"))
