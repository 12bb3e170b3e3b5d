"""Adding a benefit rule takes one record, one function and its messages, and nothing else.

The test copies `data/` to a temporary folder, appends one record (E-TOY-TEA: a tea allowance
for rural one-child households) and its messages there, defines the rule's function here with
`@rule`, and finds the new rule in `jihua-kit explain --json` and in a county run: no file of
the kit is edited.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from jihua_kit.cli.main import main
from jihua_kit.params.system import load_system
from jihua_kit.rules.benefit_base import Household, Outcome
from jihua_kit.rules.registry import RULES, rule
from jihua_kit.simulation.engine import project
from jihua_kit.tables.county import load_county

REPO = Path(__file__).resolve().parents[1]
TOY = "E-TOY-TEA"
RECORD = f"""
- id: {TOY}
  name_zh: 茶叶补贴（测试用）
  name_en: Tea allowance (test only)
  kind: annual
  frequency: annual
  scenario: raised
  section: 测试
  readings: [R4]
  status: assumption
  description_zh: 测试用的虚构待遇：农村独生子女户每年一份。
  description_en: A made-up benefit for the test, one a year per rural one-child household.
  values:
    - {{value: 120, unit: yuan/year}}
"""
MESSAGES = f"""
ent.ok.{TOY}: {{zh: "农村独生子女户", en: "a rural one-child household"}}
ent.why.toy_not_rural_onechild: {{zh: "不是农村独生子女户", en: "not a rural one-child household"}}
"""


@pytest.fixture
def toy_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    with (data / "parameters" / "entitlements.yaml").open("a", encoding="utf-8") as f:
        f.write(RECORD)
    (data / "messages").mkdir()
    (data / "messages" / "toy.yaml").write_text(MESSAGES, encoding="utf-8")

    @rule(TOY)
    def tea(h: Household, p) -> Outcome:
        return Outcome([(h.rural & h.one, "ent.why.toy_not_rural_onechild")], p.value(TOY))

    monkeypatch.setenv("JIHUA_KIT_DATA", str(data))
    yield data
    del RULES[TOY]


def test_the_toy_rule_is_explained(toy_data: Path, capsys: pytest.CaptureFixture):
    assert main(["explain", "01-rural-onechild-elderly", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    items = {item["id"]: item for item in out["items"]}
    assert list(items)[-1] == TOY  # received lines in the order of the records: the toy's is last
    toy = items[TOY]
    assert toy["max"] == 120 and toy["condition"] == "农村独生子女户" and toy["section"] == "测试"
    assert out["annual"]["max"] == 11520 + 120  # the case's raised annual total, plus the toy
    assert main(["explain", "01-rural-onechild-elderly", "--json", "--scenario", "baseline"]) == 0
    baseline = {item["id"]: item for item in json.loads(capsys.readouterr().out)["not_received"]}
    assert baseline[TOY]["reason_key"] == "ent.why.not_in_force"  # raised only: in baseline it never runs


def test_the_toy_rule_is_costed_for_the_county(toy_data: Path):
    system = load_system(toy_data)
    county = load_county(toy_data / "county" / "nayong.yaml")
    year = project(county, system.view("raised"), seed=3, households=4000, years=[2013])["raised"][0]
    assert year.benefit_ids[-1] == TOY
    households = int(year.sums["households"][:, -1].sum())
    assert households > 0 and year.sums["low"][:, -1].sum() == 120 * households


def test_without_the_data_record_the_kit_knows_no_toy():
    assert TOY not in load_system().parameters.parameters
