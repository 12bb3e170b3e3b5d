"""The household calculator: its plain callbacks (household_form) and the ipywidgets object wired to them.

Expected amounts are worked out by hand from the handout's figures (section 六), not read back
from the code: one-child reward 2,160 a person a year (六、二是), pension 1,800 a person a year
before the raise (六、五是) and 300 a person a month after it (六、提标扩面三是), two-daughter lump
sum 10,000 and reward 1,800 a person a year (六、二是).
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from jihua_kit.course.household_form import (
    FIELDS,
    blank_values,
    compare_html,
    form_labels,
    form_to_case,
    household_result_html,
    missing_inputs,
    reading_fields,
    values_from_case,
)
from jihua_kit.course.household_widget import HouseholdCalculator
from jihua_kit.course.widgets_common import optional_int
from jihua_kit.explanations.household import explain
from jihua_kit.tables.cases import example_cases
from jihua_kit.tables.households import COLUMNS

from .conftest import REPO

ELDERLY = "01-rural-onechild-elderly"  # rural one-child household, mother 62, father 65, a son of 35


def _text(html: str) -> str:
    """The HTML without tags, to look for words and figures."""
    return re.sub(r"<[^>]+>", " ", html)


def _two_daughters() -> dict:
    """A rural two-daughter couple (35 and 37) who had a sterilization this year, typed into the form."""
    return blank_values() | {
        "residence": "rural", "household_type": "two_daughter", "method": "sterilization",
        "mother.age": 35, "father.age": 37, "children": 2,
        "children[1].age": 8, "children[1].sex": "F", "children[2].age": 5, "children[2].sex": "F",
        "events.long_term_adopted": True,
    }  # fmt: skip


# --- the plain callbacks ---------------------------------------------------------------------------


def test_form_has_an_input_for_every_case_field():
    keys = {f.key for f in FIELDS}
    for col in COLUMNS:  # every column of the household table is reachable from the form
        if col.startswith("c") and col[1].isdigit():
            k, name = col[1], col[3:]
            assert (f"children[{k}].{name}" in keys) if name != "present" else "children" in keys, col
        elif col.startswith(("p1_", "p2_")):
            role = "mother" if col.startswith("p1_") else "father"
            assert f"{role}.{col[3:]}" in keys, col
        elif col.startswith("ev_"):
            assert f"events.{col[3:]}" in keys, col
        else:
            assert ("id" if col == "household_id" else col) in keys, col


def test_blank_form_is_a_valid_household_with_nothing_to_receive():
    html = household_result_html(blank_values())
    assert "jihua-error" not in html and "jihua-explain" in html
    assert "每年合计 0 元/年" in " ".join(_text(html).split())


def test_valid_household_shows_each_line_and_the_hand_computed_total():
    html = household_result_html(values_from_case(ELDERLY), "raised")
    text = _text(html)
    assert "jihua-error" not in html
    reward, pension = 2160 * 2, 300 * 12 * 2  # 六、二是; 六、提标扩面三是, two parents over 60
    assert f"{reward:,} 元/年" in text and f"{pension:,} 元/年" in text
    assert f"{reward + pension:,} 元/年" in text  # 每年合计 11,520
    assert "E-ONECHILD-REWARD" in text and "E-PENSION" in text
    assert "300 × 12 × 2" in text and "六、提标扩面三是" in text  # arithmetic and the cited section
    assert "RA-PENSION-AGE" in text  # the reading the pension depends on
    assert "不是二女户" in text  # a benefit not received, with its reason


def test_baseline_switch_uses_the_older_pension():
    text = _text(household_result_html(values_from_case(ELDERLY), "baseline"))
    assert "提标前" in text
    assert f"{2160 * 2 + 1800 * 2:,} 元/年" in text  # 7,920: pension 1,800 a person a year before the raise
    assert "提标扩面" in text  # E-STAFF-* and others: not in the baseline standard, said so


def test_compare_shows_the_difference_per_line():
    text = _text(compare_html(values_from_case(ELDERLY)))
    assert "提标前" in text and "提标后" in text
    assert f"+{300 * 12 * 2 - 1800 * 2:,}" in text  # the pension rises by 3,600 a year
    assert household_result_html(values_from_case(ELDERLY), "compare") == compare_html(values_from_case(ELDERLY))


def test_a_household_typed_into_the_form():
    text = _text(household_result_html(_two_daughters()))
    assert "E-TWOGIRL-LUMP" in text and "10,000 元" in text  # one-time, the year the method is adopted
    assert f"{1800 * 2:,} 元/年" in text  # each parent of a two-daughter household with the method
    case = form_to_case(_two_daughters())
    assert [c["sex"] for c in case["children"]] == ["F", "F"]
    assert "college_tier" not in case["events"]  # no child admitted: no tier sent


def test_a_reading_switched_in_the_form_changes_the_result():
    values = values_from_case(ELDERLY)  # mother 62, father 65
    text = _text(household_result_html(values, "raised", {"RA-PENSION-AGE": "age65"}))
    assert f"{2160 * 2 + 300 * 12:,} 元/年" in text  # only the father is 65: one pension
    assert "非默认" in text


@pytest.mark.parametrize(
    ("change", "words", "label"),
    [
        ({"mother.age": -3}, "不能为负数", "母亲 · 年龄"),
        ({"children[1].age": "三十五"}, "应为整数", "第1个孩子 · 年龄"),
        ({"events.child_died": 1}, "仍标为在世", "当年事件 · 当年去世的孩子"),
        ({"children": 5}, "最多登记 4 个孩子", "子女人数"),
        ({"events.spouse_died": "mother"}, "仍为 true", "当年事件 · 夫妻一方当年去世"),
    ],
)
def test_invalid_input_shows_the_chinese_message_in_place(change, words, label):
    values = values_from_case(ELDERLY) | change
    html = household_result_html(values)  # must not raise
    text = _text(html)
    assert "jihua-error" in html and "输入有误" in text
    assert words in text
    assert f"请修改表单中的：{label}" in text
    assert "Traceback" not in html


def _before_details(html: str) -> str:
    """The part of a trainee's result a trainee sees without opening 依据."""
    return _text(re.sub(r"<details.*?</details>", "", html, flags=re.S))


def test_household_type_and_children_agree_only_once_the_children_step_is_reached():
    one_child = blank_values() | {"household_type": "one_child"}  # chosen on the first step, no child yet
    early = household_result_html(one_child, children_reached=False)
    assert "jihua-error" not in early and "jihua-pending" in early
    assert "下一步：在“子女”中登记孩子" in _text(early)
    late = _text(household_result_html(one_child | {"children": 2, "children[1].age": 3, "children[2].age": 1}))
    assert "请在“子女”中登记1个孩子" in late and "现在登记了 2 个" in late  # names the step, says what is wrong
    assert "户别：" not in late  # not the old pointer at the household type
    two = blank_values() | {"household_type": "two_daughter", "children": 1, "children[1].age": 4}
    two["children[1].sex"] = "F"
    text = _text(household_result_html(two))
    assert "请在“子女”中登记两个女儿" in text and "现在登记了 1 个孩子，其中女儿 1 个" in text
    assert "jihua-error" in household_result_html(two, children_reached=True)
    assert "jihua-error" not in household_result_html(two, children_reached=False)


def test_a_new_child_has_no_age_until_one_is_typed():
    assert all(blank_values()[f"children[{k}].age"] is None for k in range(1, 5))
    values = blank_values() | {"residence": "rural", "household_type": "one_child", "children": 1}
    assert missing_inputs(values) == ["children[1].age"]
    html = household_result_html(values)
    assert "jihua-pending" in html and "第1个孩子 · 年龄" in _text(html)
    assert "保健费" not in _text(html)  # no silent age 0 and its health fee
    typed = household_result_html(values | {"children[1].age": 0})  # a baby, typed on purpose: the fee applies
    assert "独生子女保健费" in _text(typed) and "jihua-pending" not in typed
    assert missing_inputs(values | {"children": 0}) == []


@pytest.mark.parametrize(
    ("typed", "read"), [("", None), ("  ", None), (" 7 ", 7), ("-3", -3), ("35", 35), ("３５", "３５"),
                        ("三十五", "三十五"), ("1e3", "1e3"), (None, None), (12, 12)],
)  # fmt: skip
def test_blank_number_boxes_read_as_typed(typed, read):
    assert optional_int(typed) == read


def test_trainee_view_leads_with_names_and_keeps_codes_in_a_closed_basis_part():
    values = values_from_case(ELDERLY)
    for html in (household_result_html(values, view="trainee"), compare_html(values, view="trainee")):
        seen = _before_details(html)
        assert not re.search(r"\b(E|RA|R)-?[A-Z0-9]+(-[A-Z0-9]+)*\b", seen.replace("提标", "")), seen[:300]
        assert "独生子女家庭节育奖励" in seen and "养老保障金" in seen  # names lead
        assert html.count("<details") == 1 and "<details open" not in html  # closed until opened
        basis = _text(re.search(r"<details.*?</details>", html, re.S).group(0))
        assert "依据" in basis and "E-ONECHILD-REWARD" in basis and "E-PENSION" in basis
    full = household_result_html(values, view="trainee")
    assert "300 × 12 × 2" in _before_details(full)  # the arithmetic stays in view
    basis = _text(re.search(r"<details.*?</details>", full, re.S).group(0))
    assert "RA-PENSION-AGE" in basis and "六、提标扩面三是" in basis  # readings and sections in 依据
    assert "E-ONECHILD-REWARD" in _text(household_result_html(values))  # the chapters keep the full view


def test_bad_scenario_or_reading_is_a_message_too():
    assert "未知情景" in _text(household_result_html(blank_values(), "future"))
    text = _text(household_result_html(blank_values(), "raised", {"RA-PENSION-AGE": "age70"}))
    assert "没有选项" in text and "age70" in text


def test_unknown_form_key_is_named():
    text = _text(household_result_html({"mother.agee": 3}))
    assert "mother.agee" in text and "表单中没有这一项" in text


@pytest.mark.parametrize("path", example_cases(), ids=lambda p: p.stem)
def test_every_example_goes_through_the_form_unchanged(path):
    direct, via_form = explain(path.stem), explain(form_to_case(values_from_case(path.stem)))
    assert via_form.totals == direct.totals
    assert [line.received for line in via_form.lines] == [line.received for line in direct.lines]


def test_labels_cover_every_input_and_the_main_readings():
    labels = form_labels()
    assert set(labels) == {f.key for f in FIELDS}
    assert labels["children[3].sex"] == "第3个孩子 · 性别"
    ids = {f.key for f in reading_fields()}
    assert {"RA-PENSION-AGE", "RA-HEALTH-FEE-AGE", "R8", "RA-SPOUSE-DEATH-METHOD"} <= ids
    assert "R4" not in ids  # a single option: nothing to switch


def test_plain_functions_work_without_ipywidgets():
    code = (
        "import sys; sys.modules['ipywidgets'] = None\n"
        "from jihua_kit.course.household_form import household_result_html, values_from_case\n"
        f"html = household_result_html(values_from_case({ELDERLY!r}))\n"
        "assert '11,520' in html, html[:200]\n"
        "assert 'ipywidgets' not in [m for m in sys.modules if sys.modules[m] is not None]\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# --- the ipywidgets object -------------------------------------------------------------------------


def test_widget_is_wired_to_the_plain_functions():
    calc = HouseholdCalculator()
    for key, value in _two_daughters().items():  # as a trainee would: one input at a time
        calc.inputs[key].value = value
    assert calc.values() == _two_daughters()
    assert calc.output.value == household_result_html(_two_daughters())
    assert "10,000 元" in _text(calc.output.value)
    assert [box.layout.display for box in calc.child_boxes] == ["", "", "none", "none"]


def test_widget_reaches_the_children_step_like_a_trainee():
    calc = HouseholdCalculator()  # blank: the trainee starts on the first step
    assert not calc.children_reached and calc.values()["children[1].age"] is None
    calc.inputs["household_type"].value = "one_child"
    assert "jihua-error" not in calc.output.value and "jihua-pending" in calc.output.value
    calc.form_tabs.selected_index = 2  # the 子女 step
    assert "请在“子女”中登记1个孩子" in _text(calc.output.value)
    calc.inputs["children"].value = 1
    assert calc.inputs["children[1].age"].value == "" and "第1个孩子 · 年龄" in _text(calc.output.value)
    calc.inputs["children[1].age"].value = "10"
    assert "5,520 元/年" in _text(calc.output.value)  # 2,160 x 2 + 100 x 12
    calc.reset_button.click()
    assert not calc.children_reached and calc.form_tabs.selected_index == 0
    calc.inputs["children"].value = 1  # changing the children is reaching the step too
    assert calc.children_reached
    assert HouseholdCalculator(ELDERLY).children_reached  # a household loaded is complete


def test_widget_shows_an_error_and_recovers():
    calc = HouseholdCalculator(ELDERLY)
    calc.inputs["mother.age"].value = -3
    assert "不能为负数" in _text(calc.output.value) and "母亲 · 年龄" in _text(calc.output.value)
    calc.inputs["mother.age"].value = 62
    assert f"{2160 * 2 + 300 * 12 * 2:,} 元/年" in _text(calc.output.value)


def test_widget_scenario_readings_example_and_reset():
    calc = HouseholdCalculator(ELDERLY)
    calc.scenario.value = "baseline"
    assert f"{2160 * 2 + 1800 * 2:,} 元/年" in _text(calc.output.value)
    calc.scenario.value = "compare"
    assert "+3,600" in _text(calc.output.value)
    calc.scenario.value = "raised"
    calc.reading_inputs["RA-PENSION-AGE"].value = "age65"
    assert calc.readings() == {"RA-PENSION-AGE": "age65"}
    assert f"{2160 * 2 + 300 * 12:,} 元/年" in _text(calc.output.value)
    calc.example.value = "06-twogirl-sterilized"
    assert calc.values()["household_type"] == "two_daughter"
    assert "E-TWOGIRL-LUMP" in _text(calc.output.value)
    calc.reset_button.click()
    assert calc.values() == values_from_case(ELDERLY)
    assert calc.readings() == {} and calc.scenario.value == "raised" and calc.example.value == ""
    assert f"{2160 * 2 + 300 * 12 * 2:,} 元/年" in _text(calc.output.value)


def test_widget_never_raises_at_the_trainee(monkeypatch):
    import jihua_kit.course.household_widget as hw

    calc = HouseholdCalculator(ELDERLY)

    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(hw, "household_result_html", broken)
    calc.inputs["father.age"].value = 66
    assert "程序错误" in calc.output.value and "RuntimeError" in calc.output.value


def test_notebook_output_of_the_calculator_has_no_model_id():
    bundle = HouseholdCalculator(ELDERLY)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert not re.search(r"[0-9a-f]{32}", bundle["text/plain"])
    assert "计算器" in bundle["text/plain"]
