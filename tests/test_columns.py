"""The household table's columns are declared once (jihua_kit/tables/columns.py): everything that
lists them (validation, the case format, the simulation's arrays, roster headers, the form,
docs/tables.md) follows."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from jihua_kit.course.household_form import FIELDS
from jihua_kit.sheets.headers import roster_specs
from jihua_kit.simulation.household_arrays import EVENTS, Households, blank_events
from jihua_kit.tables import households
from jihua_kit.tables.columns import (
    DECLARED,
    DTYPES,
    GROUPS,
    N_SLOTS,
    PARENTS,
    SLOTS,
    docs_table,
    expand,
    with_docs_table,
)

REPO = Path(__file__).resolve().parents[1]
COLS = expand()


def test_docs_table_is_generated_from_the_declaration():
    text = (REPO / "docs" / "tables.md").read_text(encoding="utf-8")
    assert with_docs_table(text) == text, "run: python -m jihua_kit.tables.columns docs/tables.md"
    assert docs_table() in text


def test_every_column_has_a_consistent_type_default_and_labels():
    names = [c.name for c in COLS]
    assert len(names) == len(set(names))
    assert len(COLS) == sum(len(PARENTS) if c.group == "parent" else N_SLOTS if c.group == "child" else 1
                            for c in DECLARED)  # fmt: skip
    for c in COLS:
        assert c.dtype in DTYPES and c.group in GROUPS, c.name
        assert c.zh and c.en and "{" not in c.name + c.zh + c.en, c.name
        if c.dtype == "category":
            assert c.default in c.choices and len(set(c.choices)) == len(c.choices), c.name
        else:
            assert not c.choices, c.name
            kind = {"str": str, "bool": bool, "int": int}[c.dtype]
            assert type(c.default) is kind, c.name
        if c.group == "event":
            assert c.name.startswith("ev_")
            assert np.dtype(c.array).kind == ("b" if c.dtype == "bool" else "i"), c.name
        if c.bound:
            assert c.dtype == "int", c.name
    sheet = [c for c in COLS if c.sheet]
    assert len({c.zh for c in sheet}) == len(sheet) and len({c.en for c in sheet}) == len(sheet)


def test_slots_is_defined_once_and_means_the_slot_numbers():
    assert SLOTS == tuple(range(1, N_SLOTS + 1))
    defined = [
        p for p in (REPO / "jihua_kit").rglob("*.py") if re.search(r"^N?_?SLOTS\s*=", p.read_text("utf-8"), re.M)
    ]
    assert [p.name for p in defined] == ["columns.py"]


def test_the_derived_lists_follow_the_declaration():
    assert households.COLUMNS == tuple(c.name for c in COLS)
    assert households.EMPTY == {c.name: c.default for c in COLS}
    assert households.REQUIRED == tuple(c.name for c in COLS if c.required)
    assert set(households.BOUNDS) == {c.name for c in COLS if c.bound}
    assert [c.name for c in EVENTS] == [c.name for c in COLS if c.group == "event"]
    assert {f for f in Households.__dataclass_fields__ if f.startswith("ev_")} == {c.name for c in EVENTS}
    assert {k: v.dtype for k, v in blank_events(3).items()} == {c.name: np.dtype(c.array) for c in EVENTS}
    specs = {s.code: s for s in roster_specs()}
    for c in COLS:
        assert (c.name in specs) == c.sheet, c.name
        if c.sheet:
            assert (specs[c.name].zh, specs[c.name].en) == (c.zh, c.en)
    form = {f.key for f in FIELDS}
    assert {f"events.{c.field}" for c in EVENTS} <= form


def test_an_empty_household_is_valid():
    row = {c.name: [c.default] for c in COLS} | {"household_id": ["H1"]}
    table = households.validate_table(pd.DataFrame(row))
    assert list(table.columns) == list(households.COLUMNS)


ADDED = """
import json, pandas as pd
from jihua_kit.tables import columns
columns.DECLARED += (columns.Column("ev_test_flag", "bool", False, "event", "测试标记", "Test flag", "a test",
                                    array="bool"),)
from jihua_kit.tables.households import COLUMNS, EMPTY, validate_table
from jihua_kit.simulation.population import population
from jihua_kit.simulation.household_arrays import Households
from jihua_kit.sheets.headers import roster_specs
from jihua_kit.course.household_form import FIELDS
from jihua_kit.tables.county import load_county
from jihua_kit.tables.cases import example_cases, load_case, read_case_file
case = read_case_file(example_cases()[0])
case["events"] = case.get("events", {}) | {"test_flag": True}
frame = population(load_county(), seed=1, households=50)
table = validate_table(frame.drop(columns="ev_test_flag"))
print(json.dumps({
    "columns": "ev_test_flag" in COLUMNS and EMPTY["ev_test_flag"] is False,
    "validated": list(table.columns) == list(COLUMNS) and not table["ev_test_flag"].any(),
    "arrays": "ev_test_flag" in Households.__dataclass_fields__ and list(frame.columns) == list(COLUMNS),
    "docs": "| `ev_test_flag` | bool | a test |" in columns.docs_table(),
    "sheet": any(s.code == "ev_test_flag" and s.zh == "测试标记" and s.values == "yes_no" for s in roster_specs()),
    "form": any(f.key == "events.test_flag" for f in FIELDS),
    "case": bool(load_case(case)["ev_test_flag"].iloc[0]),
}))
"""


def test_a_column_added_to_the_declaration_appears_everywhere():
    out = subprocess.run([sys.executable, "-c", ADDED], capture_output=True, text=True, cwd=REPO, check=True)
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert found == dict.fromkeys(found, True) and len(found) == 7
