"""Self-checks: answers worked out by the library from data (so they follow the data), checked in place."""

from __future__ import annotations

import pytest
import yaml

from jihua_kit.core.errors import KitError
from jihua_kit.course.selfcheck import load_selfcheck


def test_chapter_01_answers_come_from_the_handout_figures():
    quiz = load_selfcheck("01_background")
    assert quiz.solve(1)[0] == 70  # 三: more than 70% of out-of-policy births are to migrants
    assert quiz.solve(3)[0] == 497  # 七·5(一): 497 villages
    out = quiz.check({1: "70%", 2: "d", 3: 500})
    assert "第1题：√" in out and "第2题：√" in out
    assert "第3题：× 不对，答案是 497" in out and "〔七·5(一)〕" in out
    assert out.endswith("得分：2 / 3")


def test_chapter_03_answers_are_the_households_totals():
    quiz = load_selfcheck("03_incentives")
    assert quiz.solve(1)[0] == 10000  # 六、二是: two-daughter lump sum in the year of the method
    assert quiz.solve(2)[0] == 2 * 2160 + 2 * 300 * 12  # 六、二是 + 六、提标扩面三是 = 11,520
    out = quiz.check({2: "11,520 元", 3: "A"})
    assert "第1题：还没有作答" in out
    assert "第2题：√" in out and "E-PENSION" in out  # the evidence: the household's lines
    assert "第3题：× 不对，答案是 B" in out


def test_prompts_can_show_some_questions_keeping_their_numbers():
    quiz = load_selfcheck("06_cost")
    first, rest = quiz.prompts([1, 2, 3]), quiz.prompts([4, 5])
    assert first.startswith("1. ") and "\n3. " in first and "\n4. " not in first
    assert rest.startswith("4. ") and "\n5. " in rest and "   C. " in rest
    assert first + "\n" + rest == quiz.prompts()


@pytest.mark.parametrize("given", ["abc", True, "", [1]])
def test_odd_answers_are_wrong_not_errors(given):
    assert "第1题：× 不对" in load_selfcheck("01_background").check({1: given})


def test_answer_follows_the_data(data_copy):
    path = data_copy / "parameters" / "context.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("value: 70,", "value: 75,"), encoding="utf-8")
    out = load_selfcheck("01_background").check({1: 70})
    assert "答案是 75" in out


def _write(data_copy, questions):
    folder = data_copy / "selfcheck"
    (folder / "99_test.yaml").write_text(yaml.safe_dump(questions, allow_unicode=True), encoding="utf-8")


BASE = {"id": "q", "kind": "number", "prompt_zh": "问", "prompt_en": "Q", "why_zh": "因", "why_en": "W",
        "answer": {"parameter": "F-VILLAGES"}}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "key", "field"),
    [
        ({"colour": "red"}, "check.unknown_field", "colour"),
        ({"kind": "essay"}, "check.bad_kind", "kind"),
        ({"answer": {"guess": 1}}, "check.bad_answer", "answer"),
        ({"kind": "choice", "choices_zh": ["A. 甲"], "choices_en": ["A. a"], "answer": {"value": "B"}},
         "check.bad_choice", "answer"),
    ],
)  # fmt: skip
def test_bad_questions_are_named(data_copy, change, key, field):
    _write(data_copy, [BASE | change])
    with pytest.raises(KitError) as err:
        load_selfcheck("99_test")
    assert (err.value.key, err.value.field, err.value.where["file"]) == (key, field, "99_test.yaml")


def test_a_range_cannot_be_a_number_answer(data_copy):
    _write(data_copy, [BASE | {"answer": {"case": "12-disability", "total": "one_time"}}])
    with pytest.raises(KitError) as err:
        load_selfcheck("99_test").check({1: 17000})
    assert err.value.key == "check.range_answer"
