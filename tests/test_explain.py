"""Explanations of one household: the worked cases of data/cases (expected results by hand from
the handout's figures), the renderings (text, HTML, DataFrame, JSON), comparison, and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
import yaml

import jihua_kit.explanations.household as explain_module
from jihua_kit.cli.main import main
from jihua_kit.core.errors import KitError
from jihua_kit.explanations.household import compare, explain
from jihua_kit.rules.benefits import BENEFIT_IDS
from jihua_kit.tables.cases import example_cases, load_case

from .conftest import REPO

ANNUAL = {"E-ONECHILD-REWARD", "E-TWOGIRL-REWARD", "E-SPECIAL-AID", "E-ORPHAN", "E-PENSION", "E-HEALTH-FEE"}
PENSION_RAISED = 300 * 12  # 六、提标扩面三是: 300 a month
HEALTH_RAISED, HEALTH_BASE = 100 * 12, 20 * 12  # 六、提标扩面二是
REWARD_1C, REWARD_2G = 2160, 1800  # 六、二是, per living parent
SAME = "same in both scenarios"

# Worked households: what each receives, by hand. Amounts are yuan (a pair for a range);
# E-EXAM-BONUS is given in points.
EXPECTED: dict[str, dict[str, dict]] = {
    "01-rural-onechild-elderly": {
        "raised": {"E-ONECHILD-REWARD": 2 * REWARD_1C, "E-PENSION": 2 * PENSION_RAISED},
        "baseline": {"E-ONECHILD-REWARD": 2 * REWARD_1C, "E-PENSION": 2 * 1800},
    },
    "02-rural-onechild-young": {
        "raised": {"E-ONECHILD-REWARD": 2 * REWARD_1C, "E-HEALTH-FEE": HEALTH_RAISED},
        "baseline": {"E-ONECHILD-REWARD": 2 * REWARD_1C, "E-HEALTH-FEE": HEALTH_BASE},
    },
    "03-late-marriage-birth": {SAME: {"E-LATE-MARRIAGE": 200, "E-LATE-BIRTH": 1200}},
    "04-give-up-second": {
        "raised": {"E-GIVE-UP-2ND": 10000, "E-ONECHILD-REWARD": 2 * REWARD_1C, "E-HEALTH-FEE": HEALTH_RAISED},
        "baseline": {"E-GIVE-UP-2ND": 10000, "E-ONECHILD-REWARD": 2 * REWARD_1C, "E-HEALTH-FEE": HEALTH_BASE},
    },
    "05-postpone-second": {SAME: {"E-POSTPONE-2ND": 4 * 1200}},
    "06-twogirl-sterilized": {SAME: {"E-TWOGIRL-LUMP": 10000, "E-TWOGIRL-REWARD": 2 * REWARD_2G}},
    "07-college-tier1": {SAME: {"E-COLLEGE": 20000, "E-TWOGIRL-REWARD": 2 * REWARD_2G}},
    "08-twogirl-spouse-death": {SAME: {"E-SPOUSE-DEATH": 6000, "E-TWOGIRL-REWARD": 1 * REWARD_2G}},
    "09-rural-staff-child-death": {
        SAME: {"E-ONECHILD-REWARD": 2 * REWARD_1C, "E-SPECIAL-AID": 2 * 2500, "E-ONECHILD-DEATH": 40000}
    },
    "10-rural-staff-spouse-death": {
        "raised": {"E-ONECHILD-REWARD": REWARD_1C, "E-STAFF-SPOUSE-DEATH": 10000, "E-EXAM-BONUS": 20},
        "baseline": {"E-ONECHILD-REWARD": REWARD_1C, "E-SPOUSE-DEATH": 8000},
    },
    "11-orphans": {SAME: {"E-SPOUSE-DEATH": 6000, "E-ORPHAN": 5000}},
    "12-disability": {
        SAME: {
            "E-ONECHILD-REWARD": 2 * REWARD_1C,
            "E-SPECIAL-AID": 2 * 2500,
            "E-MEMBER-DISABILITY": (2000, 6000),
            "E-ONECHILD-DISABILITY": (15000, 30000),
        }
    },  # fmt: skip
    "13-urban-dibao-pension": {
        "raised": {"E-TWOGIRL-REWARD": 2 * REWARD_2G, "E-PENSION": 2 * PENSION_RAISED},
        "baseline": {"E-TWOGIRL-REWARD": 2 * REWARD_2G},
    },
    "14-urban-other-nothing": {SAME: {}},
    "15-twogirl-daughter-death": {
        SAME: {"E-TWOGIRL-REWARD": 2 * REWARD_2G, "E-SPECIAL-AID": 2 * 2500, "E-TWOGIRL-CHILD-DEATH": 15000}
    },
    "16-urban-staff-child-death": {
        "raised": {"E-ONECHILD-REWARD": 2 * REWARD_1C, "E-SPECIAL-AID": 2 * 2500, "E-STAFF-CHILD-DEATH": 30000},
        "baseline": {"E-ONECHILD-REWARD": 2 * REWARD_1C, "E-SPECIAL-AID": 2 * 2500},
    },
}


def expected(name: str, scenario: str) -> dict:
    by = EXPECTED[name]
    return by.get(scenario, by.get(SAME))


def test_every_example_has_an_expected_result_and_every_id_is_received_somewhere():
    assert sorted(EXPECTED) == sorted(p.stem for p in example_cases())
    received = {rid for by in EXPECTED.values() for lines in by.values() for rid in lines}
    assert received == set(BENEFIT_IDS)


@pytest.mark.parametrize("scenario", ["raised", "baseline"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_worked_case(name, scenario):
    want = expected(name, scenario)
    expl = explain(name, scenario)
    got = {}
    for line in expl.received:
        if line.kind == "non_monetary":
            got[line.id] = line.points
        else:
            got[line.id] = line.low if line.low == line.high else (line.low, line.high)
    assert got == want
    lo = lambda v: v[0] if isinstance(v, tuple) else v  # noqa: E731
    hi = lambda v: v[1] if isinstance(v, tuple) else v  # noqa: E731
    money = {k: v for k, v in want.items() if k != "E-EXAM-BONUS"}
    one_time = [v for k, v in money.items() if k not in ANNUAL]
    annual = [v for k, v in money.items() if k in ANNUAL]
    tot = expl.totals
    assert tot["one_time"] == {"min": sum(map(lo, one_time)), "max": sum(map(hi, one_time))}
    assert tot["annual"] == {"min": sum(map(lo, annual)), "max": sum(map(hi, annual))}
    assert tot["points"] == want.get("E-EXAM-BONUS", 0)
    assert {line.id for line in expl.not_received} == set(BENEFIT_IDS) - set(want)
    for line in expl.not_received:
        assert line.text and line.reason_key.startswith("ent.why.")


def test_reasons_are_specific_and_chinese_by_default():
    reasons = {line.id: line.text for line in explain("10-rural-staff-spouse-death").not_received}
    assert reasons["E-PENSION"] == "父母未满60周岁"
    assert "E-STAFF-SPOUSE-DEATH" in reasons["E-SPOUSE-DEATH"] and "R8" in reasons["E-SPOUSE-DEATH"]
    nothing = {line.id: line.text for line in explain("14-urban-other-nothing").not_received}
    assert nothing["E-SPOUSE-DEATH"] == "不是农村两户"
    assert nothing["E-ONECHILD-REWARD"] == "不是独生子女户"
    older = explain("10-rural-staff-spouse-death", readings={"RA-PENSION-AGE": "age65"})
    assert {line.id: line.text for line in older.not_received}["E-PENSION"] == "父母未满65周岁"
    english = {line.id: line.text for line in explain("10-rural-staff-spouse-death", lang="en").not_received}
    assert english["E-PENSION"] == "no living parent is 60 or older"


def test_lines_cite_figures_sections_readings_and_arithmetic():
    expl = explain("01-rural-onechild-elderly")
    pension = next(line for line in expl.received if line.id == "E-PENSION")
    assert [(f.id, f.low, f.unit, f.section) for f in pension.figures] == [
        ("E-PENSION", 300, "yuan/person/month", "六、提标扩面三是")
    ]
    assert pension.arithmetic == "300 × 12 × 2 = 7,200 元"
    assert pension.persons == 2
    readings = {r.id: r for r in pension.readings}
    assert {"R2", "R3", "RA-PENSION-AGE"} <= set(readings)
    assert readings["RA-PENSION-AGE"].option == "age60" and readings["RA-PENSION-AGE"].default
    switched = explain("01-rural-onechild-elderly", readings={"RA-PENSION-AGE": "age55"})
    line = next(x for x in switched.received if x.id == "E-PENSION")
    assert {r.id: (r.option, r.default) for r in line.readings}["RA-PENSION-AGE"] == ("age55", False)
    assert switched.readings_changed == {"RA-PENSION-AGE": "age55"}
    assert "RA-PENSION-AGE=age55" in switched.to_text()


def test_json_has_the_required_keys():
    data = json.loads(explain("12-disability").to_json())
    assert data["scenario"] == "raised"
    assert data["one_time"] == {"min": 15000 + 2000, "max": 30000 + 6000}
    assert data["annual"] == {"min": 2 * 2160 + 2 * 2500, "max": 2 * 2160 + 2 * 2500}
    for item in data["items"]:
        assert {"id", "kind", "min", "max"} <= set(item)
        assert item["kind"] in ("one_time", "annual", "non_monetary")
    assert {i["id"] for i in data["items"]} == set(EXPECTED["12-disability"][SAME])
    assert all({"id", "reason"} <= set(n) for n in data["not_received"])
    assert len(data["items"]) + len(data["not_received"]) == len(BENEFIT_IDS)


def test_text_html_and_frame():
    expl = explain("12-disability")
    text = expl.to_text()
    assert "一次性合计：17,000–36,000 元" in text and "每年合计：9,320 元/年" in text
    assert "15,000–30,000 元" in text and "未享受的待遇及原因" in text
    html = expl._repr_html_()
    assert html == expl.to_html() and html.count("<table>") == 2 and "独生子女伤残抚慰金" in html
    assert "<script" not in html
    frame = expl.to_frame()
    assert list(frame["id"]) == list(BENEFIT_IDS)
    assert frame["received"].sum() == 4
    got = frame[frame["received"]]
    assert got["min"].sum() == 17000 + 9320 and got["max"].sum() == 36000 + 9320
    english = explain("12-disability", lang="en").to_text()
    assert "one-time total: 17,000–36,000 yuan" in english and "Not received, and why" in english


def test_explain_accepts_a_mapping_a_table_row_and_a_path():
    path = REPO / "data" / "cases" / "05-postpone-second.yaml"
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    table = load_case(path)
    results = [explain(x).totals for x in (path, str(path), "05-postpone-second", case, table, table.iloc[0])]
    assert all(r == results[0] for r in results)
    assert results[0]["one_time"]["min"] == 4 * 1200
    with pytest.raises(KitError):
        explain(pd.concat([table, table.assign(household_id="x")]))
    with pytest.raises(KitError):
        explain(42)
    with pytest.raises(ValueError):
        explain(case, lang="fr")
    with pytest.raises(KitError):
        explain(case, scenario="future")


def test_the_totals_check_is_not_vacuous(monkeypatch):
    real = explain_module.totals

    def off_by_one(results):
        out = real(results)
        out["annual"]["min"] = out["annual"]["min"] + 1
        return out

    monkeypatch.setattr(explain_module, "totals", off_by_one)
    with pytest.raises(AssertionError):
        explain("01-rural-onechild-elderly")


def test_compare_gives_the_difference_per_line():
    comp = compare("10-rural-staff-spouse-death", "baseline", "raised")
    diff = {r["id"]: (r["diff_min"], r["diff_points"]) for r in comp.rows}
    assert diff["E-SPOUSE-DEATH"] == (-8000, 0)
    assert diff["E-STAFF-SPOUSE-DEATH"] == (10000, 0)
    assert diff["E-EXAM-BONUS"] == (0, 20)
    assert diff["E-ONECHILD-REWARD"] == (0, 0)
    assert comp.totals["one_time"] == {"min": 2000, "max": 2000}
    assert comp.totals["points"] == 20
    text = comp.to_text()
    assert "+10,000" in text and "−8,000" in text
    assert len(comp.to_frame()) == len(BENEFIT_IDS)
    assert json.loads(comp.to_json())["difference"]["one_time"] == {"min": 2000, "max": 2000}
    assert "<table>" in comp._repr_html_()
    readings = compare("01-rural-onechild-elderly", "raised", "raised", readings_b={"RA-PENSION-AGE": "age65"})
    # the father is 65 and keeps his pension from 65; the mother (62) loses hers
    assert {r["id"]: r["diff_min"] for r in readings.rows}["E-PENSION"] == -3600


# The command line.
def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_text_and_json(capsys):
    code, out, _ = run_cli(capsys, "explain", "01-rural-onechild-elderly")
    assert code == 0 and "养老保障金" in out and "每年合计：11,520 元/年" in out
    code, out, _ = run_cli(capsys, "explain", str(REPO / "data" / "cases" / "01-rural-onechild-elderly.yaml"), "--json")
    data = json.loads(out)
    assert code == 0 and data["annual"] == {"min": 2 * 2160 + 2 * 3600, "max": 2 * 2160 + 2 * 3600}
    assert data["scenario"] == "raised"


def test_cli_english_baseline_and_readings(capsys):
    code, out, _ = run_cli(capsys, "explain", "01-rural-onechild-elderly", "--lang", "en", "--scenario", "baseline")
    assert code == 0 and "Old-age pension" in out and "annual total: 7,920 yuan a year" in out
    code, out, _ = run_cli(capsys, "explain", "05-postpone-second", "--reading", "RA-POSTPONE-CAP=cap3", "--json")
    assert json.loads(out)["one_time"]["min"] == 3 * 1200
    code, out, _ = run_cli(capsys, "explain", "13-urban-dibao-pension", "--compare")
    assert code == 0 and "+7,200" in out
    code, _, err = run_cli(capsys, "explain", "05-postpone-second", "--reading", "RA-POSTPONE-CAP")
    assert code == 2 and "--reading" in err


def test_cli_bad_case_exits_2_naming_the_field_in_both_languages(tmp_path, capsys):
    case = yaml.safe_load((REPO / "data" / "cases" / "02-rural-onechild-young.yaml").read_text(encoding="utf-8"))
    case["children"][0]["age"] = -1
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    code, out, err = run_cli(capsys, "explain", str(path))
    assert code == 2 and out == ""
    assert "字段 children[1].age" in err and "field children[1].age" in err
    assert "不能为负数" in err and "must not be negative" in err
    code, _, err = run_cli(capsys, "explain", str(tmp_path / "none.yaml"))
    assert code == 2 and "找不到个案文件" in err and "case file not found" in err


def test_cli_process_exit_code(tmp_path):
    path = tmp_path / "tier.yaml"
    case = yaml.safe_load((REPO / "data" / "cases" / "07-college-tier1.yaml").read_text(encoding="utf-8"))
    case["events"]["college_tier"] = 7
    path.write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "jihua_kit", "explain", str(path)], capture_output=True, text=True)
    assert done.returncode == 2
    assert "events.college_tier" in done.stderr and "录取档次" in done.stderr and "admission tier" in done.stderr
