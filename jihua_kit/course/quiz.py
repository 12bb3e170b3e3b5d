"""The chapter 07 quiz: questions across chapters 01-06, answered and explained by the library.

Questions live in `data/quiz/*.yaml` (one file per chapter, read in name order). Each names a
`source` (a parameter, a household case, an audited unit, a figures sheet, a quarter, the county
simulation) and what to `ask` of it (see `quiz_solve.ASKS`); a choice question lists its
choices, each with the value it stands for (`match`). The right answer is worked out by the
library when asked, never typed into the file, and comes with the library's explanation of the
case (the household's lines, the unit's arithmetic, the target rows, the simulated costs).

`Quiz.check(n, answer)` gives a `Feedback` (right / wrong / not answered, the answer, the reason
and the evidence); `check_html` and `score_html` are the plain callbacks of the quiz widget.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import check_lang, t
from jihua_kit.core.textfmt import format_number
from jihua_kit.course.quiz_load import Choice, Question, load_questions
from jihua_kit.course.quiz_solve import Solution, match_key, solve
from jihua_kit.course.widgets_common import error_html

__all__ = [
    "Choice", "Feedback", "Question", "Quiz", "Shown", "check_html", "is_right", "load_quiz", "parse_answer",
    "prompt_shown", "score_html",
]  # fmt: skip

_UNITS = "元分%％个人次户天岁年"


@dataclass(frozen=True)
class Shown:
    """Text and HTML of one thing to show (a question, an answer): notebooks and slides render the
    HTML, nbval and terminals read the text."""

    text: str
    html: str

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        return self.html


@dataclass(frozen=True)
class Feedback:
    """The check of one answer: status is "right", "wrong" or "unanswered"."""

    number: int
    status: str
    answer: str
    why: str
    heading: str
    evidence: tuple[str, ...]
    lang: str = "zh"

    @property
    def ok(self) -> bool | None:
        return None if self.status == "unanswered" else self.status == "right"

    def _head(self) -> str:
        if self.status == "unanswered":
            return t("quiz.unanswered", self.lang, n=self.number)
        return t(f"quiz.{self.status}", self.lang, n=self.number, answer=self.answer)

    def to_text(self) -> str:
        if self.status == "unanswered":
            return self._head()
        lines = [f"{self._head()}{self.why}", t("quiz.evidence", self.lang, heading=self.heading)]
        return "\n".join(lines + [f"    · {e}" for e in self.evidence])

    def to_html(self) -> str:
        color = {"right": "#27ae60", "wrong": "#c0392b"}.get(self.status, "#999999")
        body = f"<b>{escape(self._head())}</b>"
        if self.status != "unanswered":
            items = "".join(f"<li>{escape(e)}</li>" for e in self.evidence)
            note = escape(t("quiz.evidence", self.lang, heading=self.heading))
            body += (f"{escape(self.why)}<p style='margin:0.3em 0 0;font-size:0.85em;color:#555'>{note}</p>"
                     f"<ul style='margin:0.2em 0'>{items}</ul>")  # fmt: skip
        return (
            f"<div class='jihua-quiz-feedback' style='border-left:4px solid {color};padding:0.3em 0.8em'>{body}</div>"
        )


@dataclass
class Quiz:
    """The questions in one language, with their answers worked out on demand (and kept)."""

    questions: list[Question]
    lang: str = "zh"
    _solutions: dict[int, Solution] = field(default_factory=dict, repr=False)
    _cache: dict = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.questions)

    def question(self, number: int) -> Question:
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= len(self.questions):
            raise KitError("quiz.no_such_question", field="number", got=number, total=len(self.questions))
        return self.questions[number - 1]

    def solution(self, number: int) -> Solution:
        """The library's answer and explanation for question `number` (from 1)."""
        q = self.question(number)
        if number not in self._solutions:
            try:
                self._solutions[number] = solve(q.source, q.ask, self.lang, self._cache)
            except KitError as err:
                where = {"file": q.file, "record": q.id} | err.where
                raise KitError(err.key, **where, **err.info) from None
        return self._solutions[number]

    def right_answer(self, number: int) -> float | str:
        """What a trainee types to be right: the number, or the letter of the matching choice."""
        q, sol = self.question(number), self.solution(number)
        if q.kind == "number":
            return float(sol.value)
        hits = [
            letter for letter, c in zip(q.letters, q.choices, strict=True) if match_key(c.match) == match_key(sol.value)
        ]
        if len(hits) != 1:
            raise KitError("quiz.no_match", file=q.file, record=q.id, field="choices", got=match_key(sol.value),
                           n=len(hits))  # fmt: skip
        return hits[0]

    def answer_text(self, number: int) -> str:
        """The right answer as a trainee reads it: '497', or 'B. 一个下限：七成以上'."""
        q, right = self.question(number), self.right_answer(number)
        if q.kind == "number":
            return format_number(right)
        return f"{right}. {q.choices[q.letters.index(right)].text(self.lang)}"

    def parse(self, number: int, given: Any) -> float | str | None:
        """A trainee's answer as a number or a letter; None when blank. Bad input is a KitError."""
        q = self.question(number)
        return parse_answer(q.kind, q.letters, given, number)

    def check(self, number: int, given: Any) -> Feedback:
        """Right, wrong or not answered, with the answer, the reason and the library's evidence."""
        got = self.parse(number, given)
        sol, q = self.solution(number), self.question(number)
        if got is None:
            return Feedback(number, "unanswered", "", "", "", (), self.lang)
        ok = is_right(q.kind, got, self.right_answer(number))
        return Feedback(number, "right" if ok else "wrong", self.answer_text(number), q.why[self.lang], sol.heading,
                        sol.evidence, self.lang)  # fmt: skip

    def score(self, answers: Mapping[int, Any]) -> tuple[int, int]:
        """(right, answered) over `answers`; blank and unreadable answers are not counted."""
        right = answered = 0
        for number, given in answers.items():
            try:
                fb = self.check(number, given)
            except KitError:
                continue
            answered += fb.ok is not None
            right += fb.ok is True
        return right, answered

    def report(self, answers: Mapping[int, Any]) -> str:
        """Every answered question's feedback (or its error message), then the score: for answers
        written in a notebook cell instead of the widget."""
        if not answers:
            return "\n".join([t("quiz.report_empty", self.lang), self.score_text(answers)])
        out = []
        for number, given in sorted(answers.items()):
            try:
                fb = self.check(number, given)
            except KitError as err:
                out.append(err.message(self.lang))
                continue
            if fb.ok is not None:
                out.append(fb.to_text())
        return "\n".join(out + [self.score_text(answers)])

    def score_text(self, answers: Mapping[int, Any]) -> str:
        right, answered = self.score(answers)
        return t("quiz.score", self.lang, right=right, answered=answered, total=len(self))

    def show_prompt(self, number: int) -> Shown:
        """The question without its choices: for a form that offers the choices itself (radio buttons)."""
        q = self.question(number)
        head = t("quiz.question_head", self.lang, n=number, total=len(self), chapter=q.chapter)
        kind = t(f"quiz.kind.{q.kind}", self.lang)
        return prompt_shown(head, kind, q.prompt[self.lang])

    def show_question(self, number: int) -> Shown:
        """The question with its chapter and choices (a slide)."""
        q = self.question(number)
        head = t("quiz.question_head", self.lang, n=number, total=len(self), chapter=q.chapter)
        kind = t(f"quiz.kind.{q.kind}", self.lang)
        choices = [f"{letter}. {c.text(self.lang)}" for letter, c in zip(q.letters, q.choices, strict=True)]
        text = "\n".join([f"{head}（{kind}）", q.prompt[self.lang], *[f"   {c}" for c in choices]])
        items = "".join(f"<li style='list-style:none'>{escape(c)}</li>" for c in choices)
        html = (f"<div class='jihua-quiz-question'><h3>{escape(head)}（{escape(kind)}）</h3>"
                f"<p><b>{escape(q.prompt[self.lang])}</b></p>{f'<ul>{items}</ul>' if items else ''}</div>")  # fmt: skip
        return Shown(text, html)

    def show_answer(self, number: int) -> Shown:
        """The right answer, the reason and the library's explanation (a sub-slide under the question)."""
        q, sol = self.question(number), self.solution(number)
        head = t("quiz.answer", self.lang, n=number, answer=self.answer_text(number))
        evidence = t("quiz.evidence", self.lang, heading=sol.heading)
        text = "\n".join([head, q.why[self.lang], evidence, *[f"    · {e}" for e in sol.evidence]])
        items = "".join(f"<li>{escape(e)}</li>" for e in sol.evidence)
        html = (f"<div class='jihua-quiz-answer'><p><b>{escape(head)}</b></p><p>{escape(q.why[self.lang])}</p>"
                f"<p style='font-size:0.85em;color:#555'>{escape(evidence)}</p>"
                f"<ul style='font-size:0.8em'>{items}</ul></div>")  # fmt: skip
        return Shown(text, html)


def parse_answer(kind: str, letters: str, given: Any, number: int) -> float | str | None:
    """An answer to question `number` as a number (kind "number") or one of `letters`; None when
    blank. A figure may carry thousands separators and a unit ('1,200 元'); anything else is a
    KitError naming the question (quiz.not_number / quiz.bad_choice)."""
    if given is None or (isinstance(given, str) and not given.strip()):
        return None
    text = unicodedata.normalize("NFKC", str(given)).strip()
    if kind == "number":
        cleaned = text.replace(",", "").replace(" ", "").rstrip(_UNITS)
        try:
            if isinstance(given, bool):
                raise ValueError
            value = float(cleaned)
        except ValueError:
            raise KitError("quiz.not_number", field=f"q{number}", n=number, got=str(given)) from None
        if not math.isfinite(value):
            raise KitError("quiz.not_number", field=f"q{number}", n=number, got=str(given))
        return value
    letter = text.rstrip(".．、 ").upper()
    if letter not in letters or len(letter) != 1:
        raise KitError("quiz.bad_choice", field=f"q{number}", n=number, got=str(given), allowed="/".join(letters))
    return letter


def is_right(kind: str, got: float | str, right: float | str) -> bool:
    """Whether a parsed answer is the right one (figures compared to within 1e-9)."""
    return abs(float(got) - float(right)) < 1e-9 if kind == "number" else got == right


def prompt_shown(head: str, kind: str, prompt: str) -> Shown:
    """A question's heading and prompt, without choices (text and HTML)."""
    html = (f"<div class='jihua-quiz-question'><h3>{escape(head)}（{escape(kind)}）</h3>"
            f"<p><b>{escape(prompt)}</b></p></div>")  # fmt: skip
    return Shown(f"{head}（{kind}）\n{prompt}", html)


def check_html(quiz: Quiz, number: int, given: Any) -> str:
    """The widget's check button: the feedback's HTML, or the library's message for bad input."""
    try:
        return quiz.check(number, given).to_html()
    except KitError as err:
        html = error_html(err, quiz.lang, {f"q{number}": t("quiz.input", quiz.lang, n=number)})
        return html.replace(escape(t("widget.error.hint", quiz.lang)), escape(t("quiz.fix_hint", quiz.lang)))


def score_html(quiz: Quiz, answers: Mapping[int, Any]) -> str:
    """The running score line of the widget."""
    return f"<div class='jihua-quiz-score'><b>{escape(quiz.score_text(answers))}</b></div>"


def load_quiz(lang: str = "zh", folder: Path | None = None) -> Quiz:
    """Every question of `data/quiz/*.yaml` (files in name order), checked."""
    check_lang(lang)
    return Quiz(load_questions(folder), lang)
