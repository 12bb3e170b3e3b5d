"""Chapter 07 quiz: every answer right when answered right and wrong otherwise, worked out by the
library (never typed in the quiz files), explained with the library's lines, errors in place, score.

Hand-computed answers use the handout's figures: 七·1 (missed births 2/3/5 points and +2 a parity
from parity 4; wrong sex 2; newly-wed 2), 七·2(三)1 (2 a missed check), 七·5(三) (1 an unsigned
pledge, 2 an unpaid reward, 15 working days), 六 (the amounts named in each test).
"""

from __future__ import annotations

import re

import pytest
import yaml

from jihua_kit.core.errors import KitError
from jihua_kit.course.quiz import check_html, load_quiz, score_html
from jihua_kit.course.quiz_load import load_questions

from .conftest import REPO


@pytest.fixture(scope="module")
def quiz():
    return load_quiz()


def _number(quiz, qid: str) -> int:
    return next(n for n, q in enumerate(quiz.questions, start=1) if q.id == qid)


def _wrong(quiz, n: int):
    q = quiz.question(n)
    right = quiz.right_answer(n)
    return right + 1 if q.kind == "number" else next(letter for letter in q.letters if letter != right)


# --- coverage --------------------------------------------------------------------------------------


def test_at_least_fifteen_questions_across_chapters_01_to_06(quiz):
    assert len(quiz) >= 15
    assert {q.chapter for q in quiz.questions} == {"01", "02", "03", "04", "05", "06"}
    assert {q.kind for q in quiz.questions} == {"number", "choice"}
    assert len({q.id for q in quiz.questions}) == len(quiz)


def test_no_answer_figure_is_typed_in_the_quiz_files():
    for path in sorted((REPO / "data" / "quiz").glob("*.yaml")):
        for q in yaml.safe_load(path.read_text(encoding="utf-8")):
            assert "answer" not in q and "value" not in q["ask"] or q["ask"] == {"value": True}, q["id"]


# --- every question: right when right, wrong when wrong ------------------------------------------------


def test_every_question_is_right_when_answered_right_and_wrong_otherwise(quiz):
    for n in range(1, len(quiz) + 1):
        q, right = quiz.question(n), quiz.right_answer(n)
        assert quiz.check(n, right).status == "right", q.id
        assert quiz.check(n, _wrong(quiz, n)).status == "wrong", q.id
        if q.kind == "choice":
            for letter in q.letters:
                assert quiz.check(n, letter.lower()).ok == (letter == right), (q.id, letter)
        fb = quiz.check(n, right)
        assert fb.evidence and fb.heading and fb.why, q.id  # explained by the library's working


@pytest.mark.parametrize(
    ("qid", "expected"),
    [
        ("q01-villages", 497),  # 七·5(一)
        ("q02-village-total", 9 + 3 + 2 + 2 + 2 + 2 * 2),  # 5 + 2×(5−3); in-policy 3; outside 1st 2; sex 2; newly-wed 2
        ("q02-parity-seven", 5 + 2 * (7 - 3)),
        ("q03-twogirl-lump", 10000),  # 六、二是
        ("q03-college", 20000),  # 六、三是, first batch
        ("q03-dibao-raise", 300 * 12 * 2),  # 六、提标扩面三是, both parents; none before
        ("q03-pension-age65", 2160 * 2 + 300 * 12),  # reward for both parents, pension for the father only
        ("q04-exam-points", 3 * 2),  # 七·2(三)1
        ("q05-unit-total", 4 * 1 + 1 * 2),  # 七·5(三)
        ("q06-health-fee-year", 100 * 12),  # 六、提标扩面二是, a full year (R4)
    ],
)
def test_number_answers_match_hand_computation(quiz, qid, expected):
    n = _number(quiz, qid)
    assert quiz.right_answer(n) == expected
    assert quiz.check(n, f"{expected:,} 元").ok  # separators and a unit are fine


@pytest.mark.parametrize(
    ("qid", "letter"),
    [
        ("q01-migrant-bound", "B"),  # 三: more than 70% (a lower bound)
        ("q02-backlog-pledge", "B"),  # 四: a backlog alone breaks the pledge; case files from parity 4 (七·1)
        ("q03-staff-death", "B"),  # R8: only the higher, 10,000 > 8,000
        ("q04-surgery-target", "B"),  # 84% < 85%
        ("q04-missed-list", "B"),  # by the 10th of the next quarter's first month: 2013-07-10
        ("q05-cert-three", "C"),  # 3 reaches both steps (2 and 3); the lighter one stays
        ("q05-deadline", "B"),  # 15 working days from Mon 8 July 2013 -> Fri 26 July
    ],
)
def test_choice_answers_match_hand_reasoning(quiz, qid, letter):
    assert quiz.right_answer(_number(quiz, qid)) == letter


def test_simulation_answers_pick_the_largest_figure_the_evidence_shows(quiz):
    for qid in ("q06-top-cost", "q06-top-rise", "q06-top-swing"):
        n = _number(quiz, qid)
        q, sol = quiz.question(n), quiz.solution(n)
        assert len(sol.evidence) == len(q.choices)  # one line per option, from the simulation
        figures = [float(re.findall(r"([\d,]+) 万元", line)[-1].replace(",", "")) for line in sol.evidence]
        chosen = q.choices[q.letters.index(quiz.right_answer(n))].match
        assert next(iter(q.ask.values()))[figures.index(max(figures))] == chosen  # evidence in the asked order


# --- the explanation is the library's ---------------------------------------------------------------------


def test_household_answers_show_the_explain_lines_and_readings(quiz):
    fb = quiz.check(_number(quiz, "q03-pension-age65"), 7920)
    text = fb.to_text()
    assert "2,160 × 2 = 4,320 元" in text and "300 × 12 × 1 = 3,600 元" in text
    assert "RA-PENSION-AGE" in text and "每年合计：7,920 元/年" in text
    staff = quiz.check(_number(quiz, "q03-staff-death"), "A").to_text()
    assert "夫妻一方死亡抚慰金（E-SPOUSE-DEATH）：不发" in staff and "R8" in staff


def test_audit_answers_show_the_deduction_arithmetic(quiz):
    text = quiz.check(_number(quiz, "q02-parity-seven"), 13).to_text()
    assert "5 + 2×(7−3) = 13分" in text and "七·1" in text
    deadline = quiz.show_answer(_number(quiz, "q05-deadline")).text
    assert "最迟 2013-07-26" in deadline


def test_answers_follow_the_data_not_the_quiz_file(data_copy):
    path = data_copy / "parameters" / "entitlements.yaml"
    text = path.read_text(encoding="utf-8")
    old, new = (f"{{scenario: raised, value: {v}, unit: yuan/person/month}}" for v in (100, 120))
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    quiz = load_quiz()
    assert quiz.right_answer(_number(quiz, "q06-health-fee-year")) == 120 * 12


# --- bad input: the Chinese message in place -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("qid", "given", "expected"),
    [
        ("q02-village-total", "二十二", "第3题要填一个数字"),
        ("q02-village-total", True, "要填一个数字"),
        ("q03-staff-death", "D", "请选 A/B/C 中的一个字母"),
        ("q03-staff-death", "AB", "请选 A/B/C 中的一个字母"),
    ],
)
def test_bad_answers_show_the_message_in_place(quiz, qid, given, expected):
    n = _number(quiz, qid)
    html = check_html(quiz, n, given)
    assert "jihua-error" in html and expected.replace("第3题", f"第{n}题") in html and "改好后再按“核对”" in html
    with pytest.raises(KitError):
        quiz.check(n, given)


def test_an_unknown_question_is_a_message_not_a_traceback(quiz):
    html = check_html(quiz, len(quiz) + 1, "1")
    assert f"没有第 {len(quiz) + 1} 题" in html
    with pytest.raises(KitError):
        quiz.question(0)


def test_blank_answers_are_not_answered_and_not_scored(quiz):
    for given in (None, "", "  "):
        fb = quiz.check(1, given)
        assert fb.status == "unanswered" and fb.ok is None and "还没有作答" in fb.to_html()
    assert quiz.score({1: None, 2: ""}) == (0, 0)


# --- score ------------------------------------------------------------------------------------------------------


def test_score_counts_right_answers_and_skips_unreadable_ones(quiz):
    total = len(quiz)
    all_right = {n: quiz.right_answer(n) for n in range(1, total + 1)}
    assert quiz.score(all_right) == (total, total)
    assert quiz.score({n: _wrong(quiz, n) for n in all_right}) == (0, total)
    mixed = {1: quiz.right_answer(1), 2: _wrong(quiz, 2), 3: "abc", 4: None, 5: quiz.right_answer(5)}
    assert quiz.score(mixed) == (2, 3)
    assert f"得分：2 / {total}（已作答 3 题）" in score_html(quiz, mixed)


# --- the quiz files: faults named -------------------------------------------------------------------------------


GOOD = {
    "id": "t-1", "chapter": "03", "kind": "number", "prompt_zh": "问", "prompt_en": "Q",
    "source": {"case": "06-twogirl-sterilized"}, "ask": {"total": "one_time"}, "why_zh": "因为", "why_en": "Because",
}  # fmt: skip


def _folder(tmp_path, *questions):
    (tmp_path / "01.yaml").write_text(yaml.safe_dump(list(questions), allow_unicode=True), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("change", "key", "field"),
    [
        ({"colour": "red"}, "quiz.unknown_field", "colour"),
        ({"why_en": None}, "quiz.missing", "why_en"),
        ({"kind": "essay"}, "quiz.bad_kind", "kind"),
        ({"source": {"rumour": 1}}, "quiz.bad_source", "source"),
        ({"ask": {"line": "E-PENSION", "total": "annual"}}, "quiz.bad_ask", "ask"),
        ({"kind": "choice", "choices": [{"zh": "甲", "en": "a", "match": 1}, {"zh": "乙", "en": "b", "match": 2}]},
         "quiz.kind_mismatch", "kind"),
    ],
)  # fmt: skip
def test_a_bad_question_names_its_file_record_and_field(tmp_path, change, key, field):
    raw = {k: v for k, v in (GOOD | change).items() if v is not None}
    with pytest.raises(KitError) as err:
        load_questions(_folder(tmp_path, raw))
    assert err.value.key == key and err.value.field == field
    assert err.value.where["file"] == "01.yaml" and err.value.where["record"] == "t-1"


def test_a_choice_question_must_match_exactly_one_choice(tmp_path):
    choice = GOOD | {"kind": "choice", "ask": {"paid": ["E-TWOGIRL-LUMP", "E-LATE-MARRIAGE"]}, "choices": [
        {"zh": "只发晚婚", "en": "late marriage only", "match": ["E-LATE-MARRIAGE"]},
        {"zh": "都不发", "en": "neither", "match": []},
    ]}  # fmt: skip
    from jihua_kit.course.quiz import Quiz

    quiz = Quiz(load_questions(_folder(tmp_path, choice)))
    with pytest.raises(KitError) as err:
        quiz.right_answer(1)  # the library pays the lump sum, which no choice says
    assert err.value.key == "quiz.no_match" and err.value.where["record"] == "t-1"
    same = choice | {"choices": [{"zh": "甲", "en": "a", "match": []}, {"zh": "乙", "en": "b", "match": []}]}
    with pytest.raises(KitError) as err:
        load_questions(_folder(tmp_path, same))
    assert err.value.key == "quiz.same_match"


def test_a_source_that_cannot_be_a_number_is_refused(tmp_path):
    from jihua_kit.course.quiz import Quiz

    ranged = GOOD | {"source": {"case": "12-disability"}, "ask": {"total": "one_time"}}  # 六、四是: a range
    with pytest.raises(KitError) as err:
        Quiz(load_questions(_folder(tmp_path, ranged))).right_answer(1)
    assert err.value.key == "quiz.range_answer"


# --- English and the widget -----------------------------------------------------------------------------------------


def test_english_on_request():
    quiz = load_quiz("en")
    n = _number(quiz, "q02-parity-seven")
    assert "parity 7" in quiz.show_question(n).text
    assert quiz.check(n, 13).to_text().startswith(f"Question {n}: right (13).")


def test_slides_show_the_question_then_the_answer(quiz):
    n = _number(quiz, "q03-staff-death")
    question, answer = quiz.show_question(n), quiz.show_answer(n)
    assert "A. 只发农村两户的抚慰金" in question.text and "答案" not in question.text
    assert answer.text.startswith(f"第{n}题答案：B.") and "<li>" in answer.html
    assert repr(question) == question.text and question._repr_html_() == question.html


def test_widget_checks_in_place_and_keeps_the_score():
    pytest.importorskip("ipywidgets")
    from jihua_kit.course.quiz_widget import QuizApp

    app = QuizApp()
    n = _number(app.quiz, "q02-parity-seven")
    app.show(n)
    assert app.choice.layout.display == "none" and app.number_input.layout.display == ""
    assert "√ 正确" in app.answer("13") and "得分：1 /" in app.score.value
    assert "要填一个数字" in app.answer("很多") and "得分：0 /" in app.score.value  # replaced by unreadable input
    app.answer(13)
    c = _number(app.quiz, "q03-staff-death")
    app.picker.value = c
    assert app.number == c and app.choice.layout.display == ""
    assert "× 不对，答案是 B." in app.answer("A") and "（已作答 2 题）" in app.score.value
    app.show(n)
    assert app.number_input.value == "13" and "√ 正确" in app.feedback.value  # the earlier answer is kept
    assert "还没有作答" in QuizApp(app.quiz).check()  # nothing chosen yet
    assert app._repr_mimebundle_()["text/plain"] == "（测验：在 JupyterLab 或 Voilà 中运行本单元格后可以作答）"


def test_report_checks_answers_written_in_a_cell(quiz):
    text = quiz.report({1: quiz.right_answer(1), 2: _wrong(quiz, 2), 3: "很多", 4: None})
    assert text.startswith("第1题：√ 正确") and "第2题：× 不对" in text
    assert "第3题要填一个数字" in text and "第4题" not in text
    assert text.endswith(f"得分：1 / {len(quiz)}（已作答 2 题）")


def test_widget_takes_several_answers_at_once():
    pytest.importorskip("ipywidgets")
    from jihua_kit.course.quiz_widget import QuizApp

    app = QuizApp()
    answers = {n: app.quiz.right_answer(n) for n in (1, 2, 3)}
    assert "得分：3 /" in app.load_answers(answers) and app.number == 3
