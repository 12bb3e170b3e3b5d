"""The audit format and the unit table: examples load, bad input is rejected naming unit and field."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from jihua_kit.core.errors import KitError
from jihua_kit.params.store import default_params, load_parameters
from jihua_kit.rules.deductions import score
from jihua_kit.tables.audit_table import layout, partition_table, validate_table
from jihua_kit.tables.audits import load_audit, units_table

from .conftest import REPO

AUDITS = REPO / "data" / "audits"


def good(**findings) -> dict:
    return {"unit_id": "V9", "period": "2013Q2", "findings": findings}


def test_every_example_file_loads():
    files = sorted(AUDITS.glob("*.yaml")) + sorted(AUDITS.glob("*.json"))
    assert len(files) >= 5
    ids = []
    for path in files:
        table = load_audit(path)
        assert len(table) >= 1
        ids += list(table["unit_id"])
    assert len(ids) == len(set(ids)) >= 9


def test_multi_unit_file_applies_its_defaults():
    table = load_audit(AUDITS / "xinfang-township-2013q2.yaml").set_index("unit_id")
    assert list(table.index) == ["XF-V03", "XF-V04", "XF-V05", "XF-V06", "XF-V07"]
    assert set(table["period"]) == {"2013Q2"} and set(table["township"]) == {"新房乡"}
    assert table.loc["XF-V03", "inspection_date"] == "2013-07-10"
    assert table.loc["XF-V07", "inspection_date"] == "2013-07-12"  # its own date wins
    assert table.loc["XF-V07", "missed_out_8"] == 1
    assert table.loc["XF-V05", "resident_backlog"] == 2


def test_json_and_yaml_and_dict_give_the_same_table(tmp_path):
    raw = json.loads((AUDITS / "xinfang-v08-2013q3.json").read_text(encoding="utf-8"))
    as_yaml = tmp_path / "v08.yaml"
    import yaml

    as_yaml.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    a = load_audit(AUDITS / "xinfang-v08-2013q3.json")
    pd.testing.assert_frame_equal(a, load_audit(raw))
    pd.testing.assert_frame_equal(a, load_audit(as_yaml))
    assert a.loc[0, "missed_in_1"] == 2 and a.loc[0, "resident_out_births_2"] == 1


def test_a_list_of_units_and_policy_spellings():
    units = [
        good(**{"D-MISSED-BIRTH": [{"policy": "内", "parity": 1}, {"policy": "政策内", "parity": 1}]}),
        {"unit_id": 17, "period": 2013, "level": "乡镇",
         "findings": {"D-MISSED-BIRTH": [{"policy": "outside", "parity": 3}]}},
    ]  # fmt: skip
    table = units_table(units)
    assert list(table["unit_id"]) == ["V9", "17"]
    assert table.loc[0, "missed_in_1"] == 2  # two lines for the same (policy, parity) add up
    assert table.loc[1, "missed_out_3"] == 1 and table.loc[1, "level"] == "township"
    assert table.loc[1, "period"] == "2013"


BAD_RECORDS = [
    # (record, field named, fragment of the English message)
    (good(**{"D-EXAM": -1}), "findings.D-EXAM", "negative"),
    (good(**{"D-EXAM": 1.5}), "findings.D-EXAM", "whole number"),
    (good(**{"D-EXAM": True}), "findings.D-EXAM", "number"),
    (good(**{"D-EXAM": "two"}), "findings.D-EXAM", "number"),
    (good(**{"D-EXAM": 1001}), "findings.D-EXAM", "plausible bound 1000"),
    (good(**{"D-NOPE": 1}), "findings.D-NOPE", "unknown finding code"),
    (good(**{"D-WEAK-PLEDGE": "yes"}), "findings.D-WEAK-PLEDGE", "true or false"),
    (good(**{"D-MISSED-BIRTH": [{"policy": "内", "parity": 0}]}), "findings.D-MISSED-BIRTH[0].parity", "1 or more"),
    (good(**{"D-MISSED-BIRTH": [{"policy": "内", "parity": 2.5}]}), "findings.D-MISSED-BIRTH[0].parity", "whole"),
    (good(**{"D-MISSED-BIRTH": [{"policy": "外", "parity": 11}]}), "findings.D-MISSED-BIRTH[0].parity", "bound 10"),
    (good(**{"D-MISSED-BIRTH": [{"policy": "中", "parity": 2}]}), "findings.D-MISSED-BIRTH[0].policy", "policy status"),
    (good(**{"D-MISSED-BIRTH": [{"parity": 2}]}), "findings.D-MISSED-BIRTH[0].policy", "required"),
    (good(**{"D-MISSED-BIRTH": [{"policy": "外", "parity": 2, "count": -2}]}), "findings.D-MISSED-BIRTH[0].count",
     "negative"),
    ({"unit_id": "V9", "period": "2013Q2", "resident": {"surgery_backlog": -1}}, "resident.surgery_backlog",
     "negative"),
    ({"unit_id": "V9", "period": "2013Q2", "resident": {"out_of_policy_births": [{"parity": 0}]}},
     "resident.out_of_policy_births[0].parity", "1 or more"),
    ({"unit_id": "V9", "period": "2013Q5"}, "period", "2013Q2"),
    ({"unit_id": "V9"}, "period", "required"),
    ({"unit_id": "V9", "period": "2013", "inspection_date": "2013-13-01"}, "inspection_date", "not valid"),
    ({"unit_id": "V9", "period": "2013", "level": "province"}, "level", "not valid"),
    ({"unit_id": "V9", "period": "2013", "colour": "red"}, "colour", "unknown field"),
]  # fmt: skip


@pytest.mark.parametrize(("record", "field", "fragment"), BAD_RECORDS)
def test_bad_record_names_unit_and_field(record, field, fragment):
    with pytest.raises(KitError) as err:
        load_audit(record)
    exc = err.value
    assert exc.field == field
    assert exc.where["unit"] == "V9"
    assert fragment in exc.message("en")
    assert "单位 V9" in exc.message("zh") and f"字段 {field}" in exc.message("zh")


def test_one_bad_unit_rejects_the_file(tmp_path):
    path = tmp_path / "two.yaml"
    path.write_text("units:\n  - {unit_id: A, period: 2013Q2}\n  - {unit_id: B, period: 2013Q2, "
                    "findings: {D-EXAM: -3}}\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(KitError) as err:
        load_audit(path)
    assert err.value.where == {"file": "two.yaml", "unit": "B", "field": "findings.D-EXAM"}


def test_duplicate_unit_ids_and_empty_files(tmp_path):
    with pytest.raises(KitError) as err:
        load_audit([good(), good()])
    assert err.value.key == "audit.duplicate_unit" and err.value.field == "unit_id"
    with pytest.raises(KitError):
        load_audit([])
    bad = tmp_path / "x.txt"
    bad.write_text("unit_id: A", encoding="utf-8")
    with pytest.raises(KitError) as err:
        load_audit(bad)
    assert err.value.key == "audit.unsupported_file"
    broken = tmp_path / "x.yaml"
    broken.write_text("unit_id: [A", encoding="utf-8")
    with pytest.raises(KitError) as err:
        load_audit(broken)
    assert err.value.key == "audit.file_unreadable" and err.value.where["file"] == "x.yaml"


def table_of(*rows: dict) -> pd.DataFrame:
    base = {"unit_id": "", "period": "2013Q2"}
    return pd.DataFrame([base | r for r in rows])


def test_table_errors_name_row_unit_and_column():
    zero = {"missed_out_2": 0, "missed_out_11": 0, "missed_out_0": 0, "D-WEAK-PLEDGE": False}
    df = table_of(
        zero | {"unit_id": "A", "D-EXAM": 1},
        zero | {"unit_id": "B", "D-EXAM": -1},
        zero | {"unit_id": "C", "D-EXAM": 1.5, "missed_out_2": "x"},
        zero | {"unit_id": "D", "D-EXAM": np.nan},
        zero | {"unit_id": "E", "D-EXAM": 2, "missed_out_11": 1},
        zero | {"unit_id": "F", "D-EXAM": 0, "D-WEAK-PLEDGE": "maybe"},
        zero | {"unit_id": "G", "D-EXAM": 0, "missed_out_0": 1},
    )
    valid, errors = partition_table(df)
    assert list(valid["unit_id"]) == ["A"]
    got = [(e.row, e.where["unit"], e.field, e.key) for e in errors]
    assert got == [
        (2, "B", "D-EXAM", "audit.negative"),
        (3, "C", "missed_out_2", "audit.bad_number"),  # columns in the table's order
        (3, "C", "D-EXAM", "audit.not_whole"),
        (4, "D", "D-EXAM", "audit.empty"),
        (5, "E", "missed_out_11", "audit.parity_over"),
        (6, "F", "D-WEAK-PLEDGE", "audit.bad_bool"),
        (7, "G", "missed_out_0", "audit.parity_zero"),
    ]
    with pytest.raises(KitError) as err:
        validate_table(df, first_row=2)  # e.g. a spreadsheet whose header is row 1
    assert err.value.row == 3 and "第 3 行" in err.value.message("zh") and "row 3" in err.value.message("en")
    with pytest.raises(KitError):
        score(df)  # nothing is scored from a table with a rejected row


def test_table_column_faults_reject_everything():
    for extra, key in (({"D-FOO": 1}, "audit.unknown_code"), ({"colour": 1}, "audit.unknown_column")):
        valid, errors = partition_table(table_of({"unit_id": "A"} | extra))
        assert valid.empty and errors[0].key == key
    valid, errors = partition_table(pd.DataFrame([{"period": "2013"}]))
    assert errors[0].key == "audit.missing_column" and errors[0].field == "unit_id"


def test_zero_parity_columns_beyond_the_bound_are_harmless():
    table = validate_table(table_of({"unit_id": "A", "missed_out_12": 0, "missed_out_3": 2}))
    assert "missed_out_12" not in table and table.loc[0, "missed_out_3"] == 2


def test_bounds_come_from_data(data_copy):
    path = data_copy / "parameters" / "audit_bounds.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("{key: count_max, value: 1000, unit: count", "{key: count_max, value: 5, unit: count")
    path.write_text(text.replace("{key: parity_max, value: 10, unit: count",
                                 "{key: parity_max, value: 12, unit: count"), encoding="utf-8")  # fmt: skip
    params = load_parameters(data_copy / "parameters").view()
    assert layout(params).parity_max == 12 and "missed_out_12" in layout(params).columns
    with pytest.raises(KitError) as err:
        load_audit(good(**{"D-EXAM": 6}), params)
    assert "5" in err.value.message("en")
    table = load_audit(good(**{"D-MISSED-BIRTH": [{"policy": "外", "parity": 11}]}), params)
    assert float(score(table, params).total[0]) == 5 + 2 * (11 - 3)


def test_unit_table_section_of_docs_lists_the_columns():
    docs = (REPO / "docs" / "tables.md").read_text(encoding="utf-8")
    section = docs[docs.index("## Unit table") :]
    lay = layout(default_params())
    for col in lay.columns:
        if col[-1].isdigit():
            continue
        assert f"`{col}`" in section, col
    for pattern in ("missed_in_k", "missed_out_k", "resident_out_births_k", "TR-AUDIT-BOUNDS"):
        assert pattern in section
