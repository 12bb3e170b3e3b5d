"""Content that was taught wrong or applied unregistered (issue 16, items 1-7), checked against
the data and the rendered explanations: each fix has a test that fails on the old content."""

from __future__ import annotations

import re

import nbformat
import pytest

from jihua_kit.course.deduction_charts import sanction_steps
from jihua_kit.explanations.assessment import explain_unit
from jihua_kit.explanations.household import explain
from jihua_kit.params.store import load_parameters
from jihua_kit.simulation.views import assumptions, headers
from jihua_kit.tables.county import load_county

from .conftest import REPO, SHARED

V01 = REPO / "data" / "audits" / "xinfang-v01-2013q2.yaml"
GUIDE = REPO / "notebooks" / "00_guide.ipynb"


def _line(expl, rid):
    return next(line for line in expl.lines if line.id == rid)


# --- 1. 一票否决 stands beside the five-rung ladder ----------------------------------------------


def test_one_vote_veto_is_beside_the_five_rungs_not_the_sixth():
    rec = load_parameters().parameters["TR-SHUANGWU"]
    assert [s["zh"] for s in rec.ladder] == ["待岗学习", "停职", "引咎辞职", "责令辞职", "免职"]
    assert [m["zh"] for m in rec.parallel] == ["一票否决"]
    table = sanction_steps()
    assert list(table.index[:5]) == [f"第{i}档" for i in range(1, 6)] and table.index[5] == "并列"
    text = explain_unit(V01).to_text()
    assert "免职 → 一票否决" not in text
    assert "分5档" in text and "并列的还有一票否决" in text and "不是最重的一档" in text
    english = explain_unit(V01, lang="en").to_text()
    assert "removed from office → one-vote" not in english and "not the heaviest step" in english


# --- 2 and 6. Chapter 00: the handout's own practices, and the timeline ------------------------


def _guide_cells() -> list:
    return nbformat.read(GUIDE, as_version=4).cells


def test_chapter_00_names_practices_the_handout_contains():
    handout = "".join(p.read_text(encoding="utf-8") for p in (SHARED / "source").glob("*.txt"))
    for cell in _guide_cells():
        if "社会抚养费" in cell.source:  # only as a fact of the later timeline, never as a handout practice
            assert "2021年" in cell.source and "手册里哪些做法" not in cell.source, cell.source
    notes = next(c.source for c in _guide_cells() if "手册里哪些做法" in c.source)
    practices = re.search(r"例如(.+?)）", notes).group(1)
    assert "社会抚养费" not in practices
    if handout:
        for word in ("放弃政策内二孩", "政策外"):
            assert word in practices and word in handout


def test_chapter_00_timeline_has_2014_and_benefits_kept_from_2016():
    table = next(c.source for c in _guide_cells() if "| 时间 | 变化 |" in c.source)
    rows = dict(re.findall(r"^\| (\d{4}年(?:5月)?) \| (.+?) \|$", table, re.M))
    assert list(rows) == ["2013年5月", "2014年", "2016年", "2021年"]
    assert "单独两孩" in rows["2014年"]
    assert "全面两孩" in rows["2016年"] and "继续保留" in rows["2016年"]
    assert "三孩" in rows["2021年"] and "社会抚养费" in rows["2021年"] and "保留" not in rows["2021年"]


# --- 3. Readings that were applied unregistered now switch the rules ----------------------------


def test_spouse_death_without_a_survivor_is_a_registered_reading():
    store = load_parameters()
    reading = store.readings["RA-SPOUSE-DEATH-SURVIVOR"]
    assert reading.default == "any_death" and {o.key for o in reading.options} == {"any_death", "survivor"}
    assert "RA-SPOUSE-DEATH-SURVIVOR" in store.parameters["E-SPOUSE-DEATH"].readings
    paid = _line(explain("11-orphans"), "E-SPOUSE-DEATH")
    assert paid.received and paid.low == 6000
    assert ("RA-SPOUSE-DEATH-SURVIVOR", True) in [(r.id, r.default) for r in paid.readings]
    switched = _line(explain("11-orphans", readings={"RA-SPOUSE-DEATH-SURVIVOR": "survivor"}), "E-SPOUSE-DEATH")
    assert not switched.received and switched.reason_key == "ent.why.no_surviving_spouse"
    # a widow(er) with the other parent alive is paid under both readings
    widow = _line(explain("08-twogirl-spouse-death", readings={"RA-SPOUSE-DEATH-SURVIVOR": "survivor"}),
                  "E-SPOUSE-DEATH")  # fmt: skip
    assert widow.received


def test_postponement_lump_or_yearly_is_a_registered_reading():
    store = load_parameters()
    reading = store.readings["RA-POSTPONE-PAYMENT"]
    assert reading.default == "lump" and {o.key for o in reading.options} == {"lump", "yearly"}
    lump = _line(explain("05-postpone-second"), "E-POSTPONE-2ND")
    assert lump.kind == "one_time" and lump.low == 4 * 1200
    assert "RA-POSTPONE-PAYMENT" in [r.id for r in lump.readings]
    yearly = _line(explain("05-postpone-second", readings={"RA-POSTPONE-PAYMENT": "yearly"}), "E-POSTPONE-2ND")
    assert yearly.kind == "annual" and yearly.low == 1200
    assert {r.id: r.default for r in yearly.readings}["RA-POSTPONE-PAYMENT"] is False
    text = explain("05-postpone-second", readings={"RA-POSTPONE-PAYMENT": "yearly"}).to_text()
    assert "推迟期内每年发放1份" in text


def test_yearly_postponement_is_paid_in_every_year_it_runs_in_the_projection():
    from jihua_kit.simulation.engine import project

    store = load_parameters()
    views = {"lump": store.view("raised"), "yearly": store.view("raised", {"RA-POSTPONE-PAYMENT": "yearly"})}
    years = [2013, 2014, 2015]
    res = {k: project(None, v, 0, 30_000, years)["raised"] for k, v in views.items()}
    j = res["lump"][0].benefit_ids.index("E-POSTPONE-2ND")
    hh = {k: [int(r.sums["households"][:, j].sum()) for r in v] for k, v in res.items()}
    # the first year pays the same households; later years add the postponements still running
    assert hh["yearly"][0] == hh["lump"][0] > 0
    assert hh["yearly"][1] > hh["lump"][1] and hh["yearly"][2] > hh["lump"][2]
    cost = {k: [float(r.sums["low"][:, j].sum()) for r in v] for k, v in res.items()}
    assert cost["yearly"][0] == 1200 * hh["yearly"][0] < cost["lump"][0]


def test_r1_applies_to_the_baseline_pension_floor_only():
    raised = _line(explain("01-rural-onechild-elderly"), "E-PENSION")
    baseline = _line(explain("01-rural-onechild-elderly", "baseline"), "E-PENSION")
    assert "R1" not in [r.id for r in raised.readings]  # 300 元/月 is an exact figure
    assert "R1" in [r.id for r in baseline.readings]  # 1,800 is "不低于"
    urban = _line(explain("13-urban-dibao-pension"), "E-PENSION")
    assert urban.received and "R1" not in [r.id for r in urban.readings]


# --- 4. Citations per value ---------------------------------------------------------------------


def test_pension_values_cite_their_own_sections():
    rec = load_parameters().parameters["E-PENSION"]
    assert {v.scenario: v.section for v in rec.values} == {"baseline": "六、五是", "raised": "六、提标扩面三是"}
    raised = _line(explain("01-rural-onechild-elderly"), "E-PENSION")
    baseline = _line(explain("01-rural-onechild-elderly", "baseline"), "E-PENSION")
    assert [f.section for f in raised.figures] == ["六、提标扩面三是"] and raised.section == "六、提标扩面三是"
    assert [f.section for f in baseline.figures] == ["六、五是"] and baseline.section == "六、五是"
    assert "六、五是" not in explain("01-rural-onechild-elderly").to_text()


# --- 5. Who pledges the 双无 -------------------------------------------------------------------


def test_shuangwu_names_the_township_leaders_and_the_county_group():
    rec = load_parameters().parameters["TR-SHUANGWU"]
    assert "乡镇副科级及以上领导" in rec.description_zh and "后备干部" in rec.description_zh
    assert "县人口领导小组" in rec.description_zh
    assert "包村领导承诺" not in rec.description_zh
    assert "deputy-section" in rec.description_en and "reserve cadres" in rec.description_en


# --- 7. Outside figures have a source or are the kit's own estimate ----------------------------


OUTSIDE = ("104", "122", "9.9", "about 2%", "national estimates", "roughly a quarter", "context.md")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_county_assumptions_state_no_unsourced_outside_figure(lang):
    county = load_county()
    for f in list(county.figures.values()) + list(county.distributions.values()):
        basis = f.basis_text(lang)
        assert not any(s in basis for s in OUTSIDE), (f.id, basis)
        if lang == "zh":
            assert f.basis_text("zh") != f.basis, f"{f.id}: no Chinese basis"


def test_assumptions_sheet_labels_facts_by_origin_in_chinese():
    sheet = headers(assumptions(load_county()))
    status = dict(zip(sheet["编号"], sheet["性质"], strict=True))
    assert status["villages"] == "事实（手册原有）"
    assert status["registered_population"] == status["guizhou_birth_rate_2013"] == "事实（公开资料）"
    assert status["household_size"] == "假设"
    cjk = re.compile(r"[\u4e00-\u9fff]")
    assert all(cjk.search(u) for u in sheet["单位"]), set(sheet["单位"])
    assert all(cjk.search(b) for b in sheet["来源或依据"])
    assert not any(re.search(r"\w+\.(md|yaml|py)\b", b) for b in sheet["来源或依据"])
