"""The assessment calculators: plain callbacks (audit_form, targets_form), the parity and ladder
tables, and the ipywidgets objects wired to them.

Expected points are worked out by hand from the handout's figures, not read back from the code:
七·1 责任追究 — a missed birth costs 2 / 3 / 5 points outside the policy at parity 1 / 2 / 3, then
2 more per higher parity (parity 6: 5 + 2×3 = 11), and 3 inside the policy at any parity; a wrong
birth record 1, a wrong sex 2 (instead of the 1), a missed newly-wed household 2, a missed person 1,
a missed household 3. 七·2(三)1 — a pregnancy-check case 2. 七·5(三) — an unsigned pledge 1, an
unchecked certificate 2 (from 2 in a year no commendation, from 3 no award), an unpaid reward 2
(from 2 no award), to be paid within 15 working days.
"""

from __future__ import annotations

import re
import subprocess
import sys
import warnings

import pytest
import yaml

from jihua_kit.course.audit_form import (
    SECTIONS,
    audit_result_html,
    blank_values,
    calendar_html,
    flags_frame,
    form_fields,
    form_labels,
    form_to_audit,
    lines_frame,
    target_values,
    targets_overview,
    targets_result_html,
    values_from_audit,
)
from jihua_kit.course.deduction_charts import (
    ladder_chart,
    ladder_table,
    parity_chart,
    parity_table,
    points_table,
    sanction_steps,
)
from jihua_kit.explanations.assessment import explain_unit
from jihua_kit.params.store import default_params
from jihua_kit.tables.audit_table import layout

from .conftest import REPO


def _text(html: str) -> str:
    """The HTML without tags, whitespace collapsed, to look for words and figures."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _flag(text: str, label: str) -> str:
    """'是' or '否' as the result marks a flag."""
    match = re.search(r"\[(是|否)\] " + re.escape(label), text)
    assert match, label
    return match.group(1)


def _error(html: str) -> str:
    assert "jihua-error" in html and "Traceback" not in html
    return _text(html)


# --- the audit form: valid input -------------------------------------------------------------------


def test_every_unit_table_column_has_an_input():
    keys = {f.key for f in form_fields()}
    assert set(layout(default_params()).columns) <= keys
    assert {f.group for f in form_fields()} == {"unit", *SECTIONS}


def test_blank_form_scores_nothing():
    text = _text(audit_result_html(blank_values()))
    assert "合计扣分：0分" in text and "jihua-error" not in text
    assert _flag(text, "违反“双无”承诺") == "否"


def test_statistics_findings_hand_computed():
    values = {"missed_out_1": 1, "missed_in_3": 2, "missed_out_6": 1, "D-WRONG-BIRTH": 2, "D-WRONG-SEX": 1,
              "D-MISSED-NEWLYWED": 1, "D-MISSED-PERSON": 3, "D-MISSED-HOUSEHOLD": 1}  # fmt: skip
    text = _text(audit_result_html(values))
    # 2 + 2×3 + (5 + 2×3) + 2×1 + 1×2 + 1×2 + 3×1 + 1×3 = 31
    assert "合计扣分：" in text and "= 31分" in text
    assert "5 + 2×(6−3) = 11分" in text and "2 × 3 = 6分" in text and "1 × 2 = 2分" in text
    assert "七·1 责任追究" in text and "RA-WRONG-SEX-INSTEAD" in text


def test_wrong_sex_on_top_reading_adds_the_general_point():
    values = {"D-WRONG-BIRTH": 2, "D-WRONG-SEX": 1}
    assert "= 4分" in _text(audit_result_html(values))  # 2×1 + 1×2
    text = _text(audit_result_html(values, readings={"RA-WRONG-SEX-INSTEAD": "on_top"}))
    assert "(2 + 1) × 1 = 3分" in text and "= 5分" in text  # the sex error also counts as a wrong record


def test_resident_births_break_the_pledge_and_need_a_case_file():
    text = _text(audit_result_html({"resident_out_births_4": 1}))
    assert _flag(text, "违反“双无”承诺") == "是" and _flag(text, "须建立个案档案") == "是"
    assert "待岗学习 → 停职 → 引咎辞职 → 责令辞职 → 免职" in text and "不是结论" in text  # the ladder, as a range
    assert "合计扣分：0分" in text  # a flag, not points
    text = _text(audit_result_html({"resident_backlog": 1, "resident_out_births_3": 1}))
    assert _flag(text, "违反“双无”承诺") == "是" and _flag(text, "须建立个案档案") == "否"


def test_exam_cases_cost_two_points_and_carry_the_referral_note():
    text = _text(audit_result_html({"D-EXAM": 3}, sections=("exam",)))
    assert "3 × 2 = 6分" in text and "七·2(三)1" in text and "移送司法机关" in text
    assert "年度不能评先选优" not in text  # flags of parts not shown are left out when not raised


@pytest.mark.parametrize(
    ("cert", "unpaid", "points", "no_commendation", "award_cancelled"),
    [(1, 0, 2, "否", "否"), (2, 0, 4, "是", "否"), (3, 0, 6, "是", "是"), (0, 1, 2, "否", "否"), (0, 2, 4, "否", "是")],
)
def test_integrity_boundaries(cert, unpaid, points, no_commendation, award_cancelled):
    text = _text(audit_result_html({"D-UNCHECKED-CERT": cert, "D-UNPAID-REWARD": unpaid}, sections=("integrity",)))
    assert f"合计扣分：{points}分" in text
    assert _flag(text, "年度不能评先选优") == no_commendation
    assert _flag(text, "取消年度评奖资格") == award_cancelled


def test_department_example_with_payment_deadline():
    text = _text(audit_result_html(values_from_audit("county-dept-2013")))
    assert "4 + 6 + 4 = 14分" in text  # 4×1 + 3×2 + 2×2
    assert _flag(text, "承诺书推倒重来") == "是"
    # 15 working days after Friday 2013-12-20: Dec 23–27, Dec 30–Jan 3, Jan 6–10
    assert "2014-01-10" in text and "15个工作日" in text


def test_worked_village_example_round_trips_through_the_form():
    values = values_from_audit("xinfang-v01-2013q2.yaml")
    assert values["missed_out_5"] == 1 and values["resident_out_births_4"] == 1 and values["period"] == "2013Q2"
    assert "= 22分" in _text(audit_result_html(values))  # 9 + 3 + 2 + 2 + 2 + 4, in the file's comment
    record = form_to_audit(values)
    assert record["findings"]["D-MISSED-BIRTH"] == [
        {"policy": "in", "parity": 2, "count": 1}, {"policy": "out", "parity": 1, "count": 1},
        {"policy": "out", "parity": 5, "count": 1},
    ]  # fmt: skip
    assert "D-WRONG-BIRTH" not in record["findings"]  # zero means none found
    many = values_from_audit("xinfang-township-2013q2#XF-V07")
    assert "5 + 2×(8−3) = 15分" in _text(audit_result_html(many))


def test_english():
    text = _text(audit_result_html({"D-EXAM": 1}, lang="en"))
    assert "Total: 2 points" in text and "this unit" in text and "本单位" not in text
    assert "should be a whole number" in _error(audit_result_html({"D-EXAM": 1.5}, lang="en"))


# --- the audit form: invalid input shows the message in place --------------------------------------


@pytest.mark.parametrize(
    ("change", "words", "label"),
    [
        ({"missed_out_5": -1}, "数量不能为负数", "漏报出生 · 政策外 · 第5孩"),
        ({"D-EXAM": 2.5}, "应为整数", "妇检漏检、漏统或虚假"),
        ({"resident_backlog": "两例"}, "应为数字", "常住人口手术库存（例）"),
        ({"D-UNSIGNED": 100000}, "超过合理上限", "目标人群应签未签承诺书"),
        ({"period": "2013Q5"}, "格式不对", "考核期"),
        ({"inspection_date": "2013-13-40"}, "日期", "检查日期"),
        ({"level": "省"}, "单位级别", "单位级别"),
        ({"D-WEAK-PLEDGE": "yes"}, "是/否", "承诺书缺乏针对性、吸引力、约束力"),
    ],
)
def test_invalid_input_shows_the_chinese_message_in_place(change, words, label):
    text = _error(audit_result_html(blank_values() | change))
    assert "输入有误" in text and words in text
    assert f"请修改表单中的：{label}" in text


def test_unknown_input_or_reading_is_a_message_too():
    assert "表单中没有这一项" in _error(audit_result_html({"D-NOTHING": 1}))
    assert "RA-NOPE" in _error(audit_result_html({}, readings={"RA-NOPE": "x"}))


def test_labels_name_every_input():
    labels = form_labels()
    assert labels["missed_in_2"] == "漏报出生 · 政策内 · 第2孩" and labels["D-MISSED-HOUSEHOLD"].startswith("全员")


# --- targets checker and calendar -------------------------------------------------------------------


def test_targets_hand_checked():
    values = {"T-EXAM-RATE": 97.2, "T-MIGRANT-CERT": 95, "T-INFO-ACCURACY.accuracy": 98.6,
              "T-INFO-ACCURACY.missed_births": 2, "T-INFO-ACCURACY.wrong_births": 0,
              "T-MIGRANT-INPOLICY.previous": 86.5, "T-MIGRANT-INPOLICY.actual": 86.5}  # fmt: skip
    text = _text(targets_result_html(values))
    # exam 97.2 < 100 (short 2.8); certificates 95 ≥ 95; accuracy 98.6 ≥ 98; 2 missed > 0; 0 wrong;
    # the migrants' rate equals last year's, so it has not risen: 3 of 6 met
    assert "达标 3 项，共 6 项" in text and "2.8%" in text
    assert re.search(r"《流动人口婚育证明》办证率 ≥ 95% 95% ✓ 达标", text)
    assert re.search(r"流动人口符合政策生育率 高于上年（86.5%） 86.5% ✗ 未达标", text)


@pytest.mark.parametrize(
    ("change", "words", "label"),
    [
        ({"T-EXAM-RATE": 120}, "不能超过100", "常住人口应检对象妇检率"),
        ({"T-GIVE-UP": -5}, "不能为负数", "放弃政策内二孩生育"),
        ({"T-PLEDGE.signing": "全部"}, "应为数字", "诚信计生承诺书签约率与违约责任兑现率 · 签约率"),
    ],
)
def test_targets_invalid(change, words, label):
    text = _error(targets_result_html(target_values() | change))
    assert words in text and f"请修改表单中的：{label}" in text


def test_target_values_follow_the_sample_file():
    sample = yaml.safe_load((REPO / "data/targets/county-2013-sample.yaml").read_text(encoding="utf-8"))["figures"]
    values = target_values(ids=["T-EXAM-RATE", "T-MIGRANT-INPOLICY"])
    assert values == {"T-EXAM-RATE": sample["T-EXAM-RATE"], "T-MIGRANT-INPOLICY.previous": 86.5,
                      "T-MIGRANT-INPOLICY.actual": 88.0}  # fmt: skip


def test_calendar_of_a_quarter_and_the_payment_deadline():
    text = _text(calendar_html("2013Q3", "2013-07-05"))
    assert "2013年第3季度" in text
    assert "妇检对象花名册核实 2013-07-01 2013-07-31" in text  # the quarter's first month
    assert "未检对象名单上报 2013-10-01 2013-10-10" in text  # by the 10th of the next quarter's first month
    assert "2013-07-05 2013-07-26" in text  # Friday + 15 working days: Jul 8–12, 15–19, 22–26
    assert "2013-07-05 2013-07-29" in _text(calendar_html("2013Q3", "2013-07-05", "2013-07-08"))  # one holiday


@pytest.mark.parametrize(
    ("args", "label"),
    [(("2013Q9",), "季度或日期"), (("2013Q3", "七月五日"), "发现嘉奖未兑现的日期"),
     (("2013Q3", "2013-07-05", "2013-07-08, 国庆"), "另计的节假日")],
)  # fmt: skip
def test_calendar_invalid(args, label):
    assert f"请修改表单中的：{label}" in _error(calendar_html(*args))


# --- the parity and ladder tables, computed by scoring -----------------------------------------------


def test_parity_table_by_hand():
    table = parity_table()
    assert list(table.index) == list(range(1, 9))
    assert list(table.iloc[:, 0]) == [3] * 8
    assert list(table.iloc[:, 1]) == [2, 3, 5, 7, 9, 11, 13, 15]
    assert table.iloc[5, 2] == "5 + 2×(6−3)"


def test_parity_table_follows_the_data(data_copy):
    path = data_copy / "parameters" / "deductions.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("{key: outside_step, value: 2", "{key: outside_step, value: 3"), encoding="utf-8")
    assert parity_table().iloc[5, 1] == 5 + 3 * 3


def test_ladder_tables_by_hand():
    cert = ladder_table("D-UNCHECKED-CERT")
    assert list(cert.iloc[:, 0]) == [0, 2, 4, 6, 8]
    assert list(cert["年度不能评先选优"]) == ["否", "否", "是", "是", "是"]
    assert list(cert["取消年度评奖资格"]) == ["否", "否", "否", "是", "是"]
    unpaid = ladder_table("D-UNPAID-REWARD")
    assert list(unpaid["取消年度评奖资格"]) == ["否", "否", "是", "是", "是"]
    assert list(unpaid["年度不能评先选优"]) == ["否"] * 5


def test_rule_tables_read_the_data():
    births = points_table("七·1").loc["出生人口漏报（D-MISSED-BIRTH）"].iloc[0]
    assert "政策外第3孩 5 分" in births and "其后每高一孩次再加 2 分" in births
    cert = points_table("七·5").loc["未查询诚信计生证明即为政策外生育家庭办事（D-UNCHECKED-CERT）"].iloc[0]
    assert "全年达到即取消评奖资格 3 次" in cert
    steps = list(sanction_steps().iloc[:, 0])
    assert steps[0] == "待岗学习" and steps[4] == "免职" and steps[-1] == "一票否决" and len(steps) == 6
    assert list(sanction_steps().index)[-1] == "并列"  # 一票否决 is not a sixth step
    overview = targets_overview(["七·3"])
    assert [i.split("（")[-1] for i in overview.index] == [
        "T-MIGRANT-CERT）",
        "T-MIGRANT-BACKLOG）",
        "T-MIGRANT-INPOLICY）",
    ]
    assert overview.loc["流动人口符合政策生育率（T-MIGRANT-INPOLICY）"].iloc[0] == "高于上年（2012 年）"
    zero = targets_overview(["七·2"]).loc["避孕节育手术落实率（分村） · 手术库存（T-SURGERY-RATE）"].iloc[0]
    assert zero == "0（不得出现）"  # a zero-tolerance target, not "≤ 0"


def test_explanation_tables():
    expl = explain_unit(REPO / "data/audits/xinfang-v01-2013q2.yaml")
    lines = lines_frame(expl)
    assert list(lines["扣分"]) == [3, 2, 9, 2, 2, 4] and lines.index[0] == "出生人口漏报（D-MISSED-BIRTH）"
    flags = flags_frame(expl)
    assert flags.loc["违反“双无”承诺", "是否出现"] == "是" and flags.loc["年度不能评先选优", "是否出现"] == "否"


def test_charts_have_chinese_titles_and_no_missing_glyphs(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a warning
        for name, fig in (("parity", parity_chart()), ("ladder", ladder_chart())):
            fig.savefig(tmp_path / f"{name}.png")
            titles = [ax.get_title() for ax in fig.axes] + [fig.get_suptitle()]
            assert any("扣" in x or "诚信" in x for x in titles), titles


def test_plain_functions_need_no_ipywidgets():
    code = (
        "import sys, jihua_kit.course.audit_form, jihua_kit.course.deduction_charts;"
        " assert 'ipywidgets' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


# --- the ipywidgets objects, driven as a trainee would --------------------------------------------------


def test_calculator_recomputes_when_an_input_changes():
    from jihua_kit.course.audit_widget import AuditCalculator

    calc = AuditCalculator(sections=("stats", "shuangwu"))
    assert list(calc.tabs.titles)[:3] == ["被考核单位", "统计（七·1）", "“双无”（四）"]
    assert "合计扣分：0分" in _text(calc.output.value)
    calc.inputs["missed_out_4"].value = 2  # typed into the grid: 2 × (5 + 2×1) = 14
    assert "= 14分" in _text(calc.output.value)
    calc.inputs["resident_out_births_5"].value = 1
    assert _flag(_text(calc.output.value), "须建立个案档案") == "是"
    calc.reading_inputs["RA-WRONG-SEX-INSTEAD"].value = "on_top"
    calc.inputs["D-WRONG-SEX"].value = 1  # 14 + 1×2 + 1×1 with the sex error also a wrong record
    assert "合计扣分：14 + 1 + 2 = 17分" in _text(calc.output.value)


def test_calculator_shows_an_error_in_place_and_recovers():
    from jihua_kit.course.audit_widget import AuditCalculator

    calc = AuditCalculator(sections=("exam",))
    calc.inputs["D-EXAM"].value = -1
    text = _error(calc.output.value)
    assert "数量不能为负数" in text and "请修改表单中的：妇检漏检、漏统或虚假" in text
    calc.inputs["D-EXAM"].value = 2
    assert "2 × 2 = 4分" in _text(calc.output.value)
    calc.inputs["period"].value = "去年"
    assert "考核期" in _error(calc.output.value)


def test_calculator_example_picker_and_reset():
    from jihua_kit.course.audit_widget import AuditCalculator

    calc = AuditCalculator(initial={"D-UNSIGNED": 2}, sections=("integrity",))
    assert "2 × 1 = 2分" in _text(calc.output.value)
    calc.example.value = "county-dept-2013.yaml#DEPT-07"
    assert "= 14分" in _text(calc.output.value) and calc.inputs["level"].value == "department"
    calc.inputs["D-UNCHECKED-CERT"].value = 1  # 4 + 2 + 4 = 10; below both thresholds now
    text = _text(calc.output.value)
    assert "= 10分" in text and _flag(text, "年度不能评先选优") == "否" and _flag(text, "取消年度评奖资格") == "是"
    calc.reset_button.click()
    assert calc.example.value == "" and calc.inputs["D-UNCHECKED-CERT"].value == 0
    assert "合计扣分：2分" in _text(calc.output.value)
    assert calc.load("xinfang-township-2013q2", "XF-V05") == calc.output.value
    assert _flag(_text(calc.output.value), "违反“双无”承诺") == "是"  # its surgery backlog


def test_calculator_rejects_unknown_sections():
    from jihua_kit.course.audit_widget import AuditCalculator

    with pytest.raises(ValueError, match="sections"):
        AuditCalculator(sections=("stats", "quiz"))


def test_targets_checker_widget():
    from jihua_kit.course.audit_widget import TargetsChecker

    checker = TargetsChecker(ids=["T-EXAM-RATE", "T-REMEDY-RATE"])
    assert set(checker.inputs) == {"T-EXAM-RATE", "T-REMEDY-RATE"}
    assert "达标 1 项，共 2 项" in _text(checker.output.value)  # sample: exam 97.2, remedy 100
    checker.inputs["T-EXAM-RATE"].value = 100
    assert "达标 2 项，共 2 项" in _text(checker.output.value)
    checker.inputs["T-REMEDY-RATE"].value = 101
    assert "不能超过100" in _error(checker.output.value)
    checker.reset_button.click()
    assert checker.inputs["T-EXAM-RATE"].value == 97.2 and "达标 1 项" in _text(checker.output.value)


def test_calendar_widget():
    from jihua_kit.course.audit_widget import CalendarPlanner

    cal = CalendarPlanner(quarter="2013Q4")
    assert "2014-01-10" in _text(cal.output.value)  # missed-exam list: the 10th of the next quarter's first month
    cal.set_values({"reward_from": "2013-12-20"})
    assert "2013-12-20 2014-01-10" in _text(cal.output.value)  # 15 working days after a Friday
    cal.inputs["quarter"].value = "Q4"
    assert "请修改表单中的：季度或日期" in _error(cal.output.value)
    cal.reset_button.click()
    assert cal.inputs["quarter"].value == "2013Q4" and "jihua-error" not in cal.output.value


def test_stored_text_of_a_calculator_has_no_model_id():
    from jihua_kit.course.audit_widget import AssessmentApp, AuditCalculator

    for app in (AuditCalculator(examples=False), AssessmentApp()):
        bundle = app._repr_mimebundle_()
        assert "application/vnd.jupyter.widget-view+json" in bundle
        assert "计算器" in bundle["text/plain"] or "考核工具" in bundle["text/plain"]
        assert not re.search(r"[0-9a-f]{32}", bundle["text/plain"])
    assert list(AssessmentApp().widget.titles) == ["考核扣分", "年度目标", "季度日程"]
