"""The explanation of one unit: arithmetic, figures with sections, flags with reasons, the 双无
ladder as a range, and the same content as text, HTML, DataFrame and JSON in zh and en."""

from __future__ import annotations

import json

import pytest

from jihua_kit.core.errors import KitError
from jihua_kit.explanations.assessment import explain_unit
from jihua_kit.params.store import default_params
from jihua_kit.tables.audits import load_audit

from .conftest import REPO

AUDITS = REPO / "data" / "audits"
V01 = AUDITS / "xinfang-v01-2013q2.yaml"


def test_parity_arithmetic_as_the_handout_reads():
    text = explain_unit({"unit_id": "A", "period": "2013Q2",
                         "findings": {"D-MISSED-BIRTH": [{"policy": "外", "parity": 5}]}}).to_text()  # fmt: skip
    assert "政策外第5孩 漏报1人：5 + 2×(5−3) = 9分" in text
    assert "出生人口漏报 · 政策外第3孩 5 分〔七·1 责任追究〕（D-MISSED-BIRTH）" in text
    assert "出生人口漏报 · 其后每高一孩次再加 2 分〔七·1 责任追究〕（D-MISSED-BIRTH）" in text
    assert "outside_1" not in text  # only the figures this line used


def test_several_births_of_one_parity_and_a_single_rate():
    expl = explain_unit({"unit_id": "A", "period": "2013Q2",
                         "findings": {"D-MISSED-BIRTH": [{"policy": "外", "parity": 6, "count": 2},
                                                         {"policy": "内", "parity": 1, "count": 3}]}})  # fmt: skip
    details = [(ln.detail, ln.arithmetic) for ln in expl.lines]
    assert ("政策内第1孩 漏报3人", "3 × 3 = 9分") in details
    assert ("政策外第6孩 漏报2人", "2 × (5 + 2×(6−3)) = 22分") in details
    assert expl.total == 31


def test_worked_example_text_zh():
    text = explain_unit(V01).to_text()
    assert text.startswith("示例一村（XF-V01） · 新房乡 · 村级 · 考核期 2013Q2")
    assert "合计扣分：3 + 2 + 9 + 2 + 2 + 4 = 22分" in text
    assert "出生人口性别错报1例：1 × 2 = 2分" in text
    assert "[是] 违反“双无”承诺" in text and "[是] 须建立个案档案" in text
    assert "[否] 年度不能评先选优" in text
    # the ladder is the range of consequences, every rung, and explicitly not a verdict
    assert "待岗学习 → 停职 → 引咎辞职 → 责令辞职 → 免职。" in text
    assert "并列的还有一票否决" in text and "不是最重的一档" in text  # beside the ladder, not its top
    assert "不是结论" in text
    assert "妇检问题2例" in text and "司法机关" in text
    assert "2013年" in text  # the snapshot caveat


def test_english():
    expl = explain_unit(V01, lang="en")
    text = expl.to_text()
    assert "outside the policy, parity 5, 1 missed: 5 + 2×(5−3) = 9 points" in text
    assert "Total: 3 + 2 + 9 + 2 + 2 + 4 = 22 points" in text
    assert "not a verdict" in text and "suspended from post for study" in text
    assert "：" not in text.replace("〔", "").split("Figures used")[0]  # no Chinese punctuation in the prose
    assert list(expl.to_frame().columns) == ["ID", "finding", "what was found", "arithmetic", "points", "section"]


def test_no_ladder_without_a_breach_and_payment_deadline_date():
    expl = explain_unit(AUDITS / "county-dept-2013.yaml")
    assert expl.ladder == []
    text = expl.to_text()
    assert "待岗学习" not in text
    # 2013-12-20 is a Friday: 15 working days later is Friday 2014-01-10 (no listed holidays).
    assert "最迟 2014-01-10" in text and "追究责任" in text
    assert expl.record["consequences"]["payment_deadline"] == {"applies": True, "working_days": 15,
                                                               "due_by": "2014-01-10"}  # fmt: skip
    assert [f.name for f in expl.flags if f.raised] == ["no_commendation", "award_cancelled", "pledge_redo"]


def test_holidays_move_the_payment_date():
    expl = explain_unit(AUDITS / "county-dept-2013.yaml", holidays=["2014-01-01"])
    assert expl.record["consequences"]["payment_deadline"]["due_by"] == "2014-01-13"


def test_frame_dict_json_and_html_agree():
    expl = explain_unit(V01)
    frame = expl.to_frame()
    assert list(frame.columns) == ["编号", "项目", "情况", "计算", "扣分", "出处"]
    assert frame["扣分"].sum() == 22 == expl.total
    data = json.loads(expl.to_json())
    assert data["total_points"] == 22
    assert {i["id"]: i["points"] for i in data["items"]}["D-MISSED-BIRTH"] == 14
    assert set(data["flags"]) == {"no_commendation", "award_cancelled", "pledge_redo", "shuangwu_breach",
                                  "case_file_required"}  # fmt: skip
    assert data["flag_reasons"]["case_file_required"]["section"] == "七·1 责任追究"
    assert len(data["shuangwu_ladder"]) == 5 and data["shuangwu_parallel"] == ["一票否决"]
    assert sum(line["points"] for line in data["lines"]) == 22
    html = expl._repr_html_()
    assert "5 + 2×(5−3) = 9分" in html and "<table>" in html and "〔四〕" in html


def test_readings_are_shown_with_the_chosen_option():
    rec = {"unit_id": "A", "period": "2013", "findings": {"D-WRONG-SEX": 1, "D-WRONG-BIRTH": 2}}
    text = explain_unit(rec).to_text()
    assert "代替一般错报分值（RA-WRONG-SEX-INSTEAD）" in text
    on_top = explain_unit(rec, default_params(readings={"RA-WRONG-SEX-INSTEAD": "on_top"}))
    assert "(2 + 1) × 1 = 3分" in on_top.to_text() and on_top.total == 3 + 2
    assert any(r["option"] == "on_top" for r in on_top.readings)


def test_one_unit_at_a_time():
    table = load_audit(AUDITS / "xinfang-township-2013q2.yaml")
    with pytest.raises(KitError):
        explain_unit(table)
    assert explain_unit(table, unit_id="XF-V07").total == 15
    with pytest.raises(KitError) as err:
        explain_unit(table, unit_id="NOPE")
    assert "NOPE" in err.value.message("en")
