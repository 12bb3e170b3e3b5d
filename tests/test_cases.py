"""The household case format: loading, defaults, round trips, and every kind of bad input named."""

from __future__ import annotations

import copy
import json

import numpy as np
import pandas as pd
import pytest
import yaml

from jihua_kit.core.errors import KitError
from jihua_kit.tables.cases import (
    COLUMNS,
    case_from_row,
    case_path,
    example_cases,
    households_table,
    load_case,
    validate_table,
)

BASE = {
    "id": "t1",
    "residence": "rural",
    "household_type": "one_child",
    "method": "sterilization",
    "mother": {"age": 62},
    "father": {"age": 64, "state_employee": True},
    "children": [{"age": 30, "sex": "M"}],
    "events": {"late_marriage": True},
}


def variant(change) -> dict:
    case = copy.deepcopy(BASE)
    change(case)
    return case


def rejected(case, field: str) -> KitError:
    with pytest.raises(KitError) as info:
        load_case(case)
    err = info.value
    assert err.field == field
    assert field in err.message("zh") and field in err.message("en")
    assert err.message("zh") != err.message("en")
    return err


def test_a_case_becomes_one_row_with_the_contract_columns_and_defaults():
    table = load_case(BASE)
    assert list(table.columns) == list(COLUMNS)
    assert len(table) == 1
    row = table.iloc[0]
    assert row["household_id"] == "t1"
    assert row["residence"] == "rural" and row["household_type"] == "one_child"
    assert row["p1_age"] == 62 and bool(row["p1_alive"]) and not bool(row["p1_state_employee"])
    assert bool(row["p2_state_employee"])
    assert bool(row["c1_present"]) and row["c1_age"] == 30 and row["c1_sex"] == "M" and bool(row["c1_alive"])
    for k in (2, 3, 4):  # empty slots: not present, age 0, no sex, not alive
        assert not row[f"c{k}_present"] and row[f"c{k}_age"] == 0 and row[f"c{k}_sex"] == ""
        assert not row[f"c{k}_alive"]
    assert bool(row["ev_late_marriage"]) and row["ev_postpone_years"] == 0 and not row["ev_spouse_died"]
    assert isinstance(table["residence"].dtype, pd.CategoricalDtype)
    assert table["p1_age"].dtype == np.int64 and table["p1_alive"].dtype == bool


def test_round_trip_case_table_case():
    case = variant(lambda c: c["events"].update(college_child=1, college_tier=3, postpone_years=2))
    table = load_case(case)
    back = case_from_row(table)
    assert back["events"] == {"late_marriage": True, "postpone_years": 2, "college_child": 1, "college_tier": 3}
    assert load_case(back).equals(table)


def test_case_from_row_renumbers_children_when_table_slots_have_gaps():
    table = load_case(variant(lambda c: c["events"].update(college_child=1, college_tier=2)))
    moved = table.copy()
    for f in ("present", "age", "sex", "alive", "disabled"):  # the child sits in slot 3 instead of 1
        moved[f"c3_{f}"], moved[f"c1_{f}"] = table[f"c1_{f}"], table[f"c3_{f}"]
    moved["ev_college_child"] = 3
    case = case_from_row(validate_table(moved))
    assert case["children"] == [{"age": 30, "sex": "M", "alive": True, "disabled": False}]
    assert case["events"]["college_child"] == 1


def test_spouse_died_may_name_the_parent():
    table = load_case(variant(lambda c: (c["mother"].update(alive=False), c["events"].update(spouse_died="mother"))))
    assert bool(table["ev_spouse_died"].iloc[0]) and not bool(table["p1_alive"].iloc[0])


def test_yaml_json_and_bare_names_load(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(BASE), encoding="utf-8")
    no_id = {k: v for k, v in BASE.items() if k != "id"}
    (tmp_path / "b.yaml").write_text(yaml.safe_dump(no_id, allow_unicode=True), encoding="utf-8")
    assert load_case(tmp_path / "a.json")["household_id"].iloc[0] == "t1"
    assert load_case(str(tmp_path / "b.yaml"))["household_id"].iloc[0] == "b"  # the file name is the id
    assert load_case("01-rural-onechild-elderly")["household_id"].iloc[0] == "01-rural-onechild-elderly"


def test_every_example_case_loads_and_ids_match_file_names():
    paths = example_cases()
    assert len(paths) >= 12
    for path in paths:
        table = load_case(path)
        assert table["household_id"].iloc[0] == path.stem
        assert table.attrs["title"]


# The bad cases of the issue, each rejected with the field named in Chinese and English.
def test_negative_age_is_rejected():
    err = rejected(variant(lambda c: c["mother"].update(age=-3)), "mother.age")
    assert "不能为负数" in err.message("zh") and "negative" in err.message("en")


def test_one_child_household_with_two_living_children_is_rejected():
    err = rejected(variant(lambda c: c["children"].append({"age": 3, "sex": "F"})), "household_type")
    assert "2" in err.message("zh") and "one-child" in err.message("en")


@pytest.mark.parametrize("tier", [0, 5, -1])
def test_college_tier_outside_1_to_4_is_rejected(tier):
    rejected(variant(lambda c: c["events"].update(college_child=1, college_tier=tier)), "events.college_tier")


@pytest.mark.parametrize("event", ["child_died", "college_child", "graduate_child"])
def test_event_naming_a_missing_child_is_rejected(event):
    extra = {"college_tier": 1} if event == "college_child" else {}
    err = rejected(variant(lambda c: c["events"].update({event: 2, **extra})), f"events.{event}")
    assert "no such child" in err.message("en")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda c: c.update(colour="red"), "colour"),
        (lambda c: c["mother"].update(ages=60), "mother.ages"),
        (lambda c: c["children"][0].update(agee=3), "children[1].agee"),
        (lambda c: c["events"].update(divorce=True), "events.divorce"),
    ],
)
def test_unknown_fields_are_rejected(change, field):
    err = rejected(variant(change), field)
    assert "未知字段" in err.message("zh") and "unknown field" in err.message("en")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda c: c["children"][0].update(age="ten"), "children[1].age"),
        (lambda c: c["mother"].update(age=61.5), "mother.age"),
        (lambda c: c["father"].update(age=True), "father.age"),
        (lambda c: c["children"][0].update(alive="yes"), "children[1].alive"),
        (lambda c: c.update(urban_dibao=1), "urban_dibao"),
        (lambda c: c.update(residence=3), "residence"),
        (lambda c: c.update(children={"age": 3}), "children"),
        (lambda c: c.update(mother=62), "mother"),
        (lambda c: c["events"].update(postpone_years="2"), "events.postpone_years"),
    ],
)
def test_wrong_types_are_rejected(change, field):
    rejected(variant(change), field)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda c: c.update(residence="city"), "residence"),
        (lambda c: c["children"][0].update(sex="X"), "children[1].sex"),
        (lambda c: c.pop("residence"), "residence"),
        (lambda c: c["mother"].pop("age"), "mother.age"),
        (lambda c: c.update(household_type="two_daughter"), "household_type"),
        (lambda c: c.update(urban_dibao=True), "urban_dibao"),  # rural
        (lambda c: c["events"].update(spouse_died=True), "events.spouse_died"),  # both alive
        (lambda c: c["events"].update(spouse_died="father"), "events.spouse_died"),
        (lambda c: c["events"].update(child_died=1), "events.child_died"),  # the child is alive
        (lambda c: c["events"].update(college_tier=2), "events.college_tier"),  # no child named
        (lambda c: c["events"].update(only_child_disabled=True), "events.only_child_disabled"),  # not disabled
        (lambda c: (c.update(method="none"), c["events"].update(long_term_adopted=True)), "events.long_term_adopted"),
        (lambda c: c["mother"].update(age=620), "mother.age"),
        (lambda c: c["events"].update(postpone_years=300), "events.postpone_years"),
        (lambda c: c.update(children=[{"age": 1, "sex": "F"}] * 5), "children"),
    ],
)
def test_inconsistent_cases_are_rejected(change, field):
    rejected(variant(change), field)


def test_a_file_error_names_the_file(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(variant(lambda c: c["children"][0].update(age=-1))), encoding="utf-8")
    with pytest.raises(KitError) as info:
        load_case(path)
    assert info.value.where == {"file": "bad.yaml", "field": "children[1].age"}
    with pytest.raises(KitError, match="not found"):
        load_case(tmp_path / "missing.yaml")
    (tmp_path / "broken.yaml").write_text("residence: [rural", encoding="utf-8")
    with pytest.raises(KitError) as info:
        load_case(tmp_path / "broken.yaml")
    assert info.value.key == "case.file_unreadable"


def test_households_table_names_the_case_in_a_list():
    table = households_table([BASE, dict(BASE, id="t2")])
    assert table["household_id"].tolist() == ["t1", "t2"]
    with pytest.raises(KitError) as info:
        households_table([BASE, variant(lambda c: c.update(id="t2", mother={"age": -1}))])
    assert info.value.where == {"record": "t2", "field": "mother.age"}
    with pytest.raises(KitError) as info:
        households_table([BASE, BASE])
    assert info.value.key == "case.duplicate_id"


def test_flat_records_and_tables_name_row_and_column():
    table = households_table([BASE, dict(BASE, id="t2"), dict(BASE, id="t3")])
    assert households_table(table.to_dict("records")).equals(table)
    bad = table.astype({"p2_age": object})
    bad.index = [10, 11, 12]
    bad.loc[12, "p2_age"] = "sixty"
    with pytest.raises(KitError) as info:
        validate_table(bad)
    assert (info.value.row, info.value.field) == (12, "p2_age")
    assert "第 12 行" in info.value.message("zh") and "row 12" in info.value.message("en")
    two = table.copy()
    two.loc[1, "c2_present"], two.loc[1, "c2_sex"], two.loc[1, "c2_alive"] = True, "F", True
    with pytest.raises(KitError) as info:
        validate_table(two)
    assert (info.value.row, info.value.field) == (1, "household_type")


def test_tables_reject_misspelt_contract_columns_but_keep_other_extras():
    table = load_case(BASE)
    with pytest.raises(KitError) as info:
        validate_table(table.assign(ev_late_marriag=True))
    assert info.value.field == "ev_late_marriag"
    kept = validate_table(table.assign(name_of_head="张三"))
    assert kept["name_of_head"].iloc[0] == "张三"
    with pytest.raises(KitError) as info:
        validate_table(table.drop(columns=["p1_age"]))
    assert (info.value.key, info.value.field) == ("case.missing_column", "p1_age")


def test_optional_columns_default_and_strings_become_categories():
    minimal = pd.DataFrame(
        {"household_id": ["a", "b"], "residence": ["rural", "urban"], "household_type": ["other", "other"],
         "p1_age": [30.0, 41.0], "p2_age": [33, 45]}
    )  # fmt: skip
    table = validate_table(minimal)
    assert table["method"].tolist() == ["none", "none"]
    assert table["p1_alive"].all() and not table["c1_present"].any()
    assert table["p1_age"].tolist() == [30, 41]


def test_case_paths_translate_table_columns():
    assert case_path("c3_age") == "children[3].age"
    assert case_path("c2_present") == "children[2]"
    assert case_path("p2_state_employee") == "father.state_employee"
    assert case_path("ev_college_tier") == "events.college_tier"
    assert case_path("household_id") == "id"
