"""The chapter 07 quiz as ipywidgets: one question at a time, a check button, feedback, the score.

A thin layer over `quiz`: the check button calls `quiz.check_html` (the feedback with the
library's explanation, or the Chinese message for bad input) and `quiz.score_html` (the running
score). A choice question shows radio buttons, a number question a text box.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ipywidgets as w

from jihua_kit.core.i18n import t
from jihua_kit.course.quiz import Quiz, check_html, load_quiz, score_html
from jihua_kit.course.widgets_common import WidgetApp

__all__ = ["QuizApp"]


class QuizApp(WidgetApp):
    """The quiz: pick a question, answer, press 核对; `answers` keeps what was checked."""

    plain_key = "quiz.plain"

    def __init__(self, quiz: Quiz | None = None, lang: str = "zh") -> None:
        self.quiz = quiz or load_quiz(lang)
        self.lang = self.quiz.lang
        self.answers: dict[int, Any] = {}
        self.number = 1
        self._hold = False
        options = [(t("quiz.question_head", self.lang, n=n, total=len(self.quiz), chapter=q.chapter), n)
                   for n, q in enumerate(self.quiz.questions, start=1)]  # fmt: skip
        self.picker = w.Dropdown(options=options, value=1, layout=w.Layout(width="22em"))
        self.prev_button = w.Button(description=t("quiz.prev", self.lang))
        self.next_button = w.Button(description=t("quiz.next", self.lang))
        self.prompt = w.HTML()
        self.choice = w.RadioButtons(options=[], value=None, layout=w.Layout(width="auto"))
        self.number_input = w.Text(placeholder=t("quiz.number_placeholder", self.lang), layout=w.Layout(width="12em"))
        self.check_button = w.Button(description=t("quiz.check", self.lang), button_style="primary")
        self.feedback = w.HTML()
        self.score = w.HTML(score_html(self.quiz, self.answers))
        self.widget = w.VBox([
            w.HBox([self.picker, self.prev_button, self.next_button]),
            self.prompt, self.choice, self.number_input, self.check_button, self.feedback, self.score,
        ])  # fmt: skip
        self.picker.observe(self._picked, names="value")
        self.prev_button.on_click(lambda _b: self.show(max(1, self.number - 1)))
        self.next_button.on_click(lambda _b: self.show(min(len(self.quiz), self.number + 1)))
        self.check_button.on_click(lambda _b: self.check())
        self.show(1)

    def show(self, number: int) -> str:
        """Show question `number` (from 1) with the answer given before, if any; returns its HTML."""
        q = self.quiz.question(number)
        self.number, self._hold = number, True
        try:
            self.picker.value = number
            self.prompt.value = self.quiz.show_prompt(number).html  # the choices are the radio buttons
            is_choice = q.kind == "choice"
            self.choice.options = [(f"{letter}. {c.text(self.lang)}", letter) for letter, c in
                                   zip(q.letters, q.choices, strict=True)]  # fmt: skip
            prior = str(self.answers.get(number, "")).strip().upper()
            self.choice.value = prior if is_choice and len(prior) == 1 and prior in q.letters else None
            self.number_input.value = "" if is_choice else str(self.answers.get(number, ""))
            self.choice.layout.display = "" if is_choice else "none"
            self.number_input.layout.display = "none" if is_choice else ""
            self.feedback.value = check_html(self.quiz, number, self.answers[number]) if number in self.answers else ""
        finally:
            self._hold = False
        return self.prompt.value

    def given(self) -> Any:
        """What is entered for the question shown (a letter, the text typed, or None)."""
        return self.choice.value if self.quiz.question(self.number).kind == "choice" else self.number_input.value

    def answer(self, given: Any) -> str:
        """Enter `given` for the question shown and check it; returns the feedback HTML."""
        if self.quiz.question(self.number).kind == "choice":
            self.choice.value = given if given in self.quiz.question(self.number).letters else None
            return self.check(given)
        self.number_input.value = "" if given is None else str(given)
        return self.check()

    def check(self, given: Any = None) -> str:
        """Check the entered answer: feedback (or the error message) in place, the score updated."""
        given = self.given() if given is None else given
        self.answers[self.number] = given
        self.feedback.value = check_html(self.quiz, self.number, given)
        self.score.value = score_html(self.quiz, self.answers)
        return self.feedback.value

    def load_answers(self, answers: Mapping[int, Any]) -> str:
        """Check several answers at once (question number -> answer); returns the score HTML."""
        for number, given in answers.items():
            self.show(number)
            self.answer(given)
        return self.score.value

    def _picked(self, change: Any) -> None:
        if not self._hold:
            self.show(change["new"])
