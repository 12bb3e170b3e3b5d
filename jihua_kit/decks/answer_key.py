"""The trainer's answer key: a deck of its own, apart from the trainees' question-only deck.

A chapter whose metadata says `"answer_key": "quiz"` (chapter 07) stores no answer in its cells,
so its deck and printed handout give nothing away. `answer_key_notebook` builds, in memory, the
notebook of the answer key: a slide per question and, below it (↓), the answer with the reason and
the library's explanation, worked out by the library when the deck is built. `slides.build_decks`
writes it as `<stem>-answer-key.html`, and `make handouts` prints it to `handouts/trainer/`.
"""

from __future__ import annotations

import nbformat

from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import t

__all__ = ["KEY_SUFFIX", "KINDS", "answer_key_notebook", "has_answer_key", "is_answer_key"]

KEY_SUFFIX = "-answer-key"  # <stem>-answer-key.html: the trainer's deck
KINDS = ("quiz",)


def has_answer_key(meta: dict, name: str) -> bool:
    """Whether a chapter (its checked `metadata.jihua_kit`) asks for an answer key; a bad value is named."""
    kind = meta.get("answer_key")
    if kind is None:
        return False
    if kind not in KINDS:
        raise KitError("slides.bad_answer_key", file=name, field="metadata.jihua_kit.answer_key", got=kind,
                       allowed=", ".join(KINDS))  # fmt: skip
    return True


def is_answer_key(deck_name: str) -> bool:
    """Whether a built deck's file name is an answer key."""
    return deck_name.removesuffix(".html").endswith(KEY_SUFFIX)


def _shown(shown, slide_type: str) -> nbformat.NotebookNode:
    """A code cell with no code whose stored output is `shown` (a quiz question or answer)."""
    output = nbformat.v4.new_output("display_data", data={"text/html": shown.html, "text/plain": shown.text})
    return nbformat.v4.new_code_cell("", outputs=[output], metadata={"slideshow": {"slide_type": slide_type}})


def answer_key_notebook(meta: dict, lang: str = "zh") -> nbformat.NotebookNode:
    """The answer key of a quiz chapter: its title slide, then each question with its answer below."""
    from jihua_kit.course.quiz import load_quiz  # the solvers import pandas and the rules: only when building

    quiz = load_quiz(lang)
    nb = nbformat.v4.new_notebook()
    nb.metadata["jihua_kit"] = {
        "chapter": meta["chapter"],
        "title": t("slides.key_title", lang, title=meta["title"]),
        "goals": [t("slides.key_goal_use", lang), t("slides.key_goal_keep", lang)],
    }
    for n in range(1, len(quiz) + 1):
        nb.cells.append(_shown(quiz.show_question(n), "slide"))
        nb.cells.append(_shown(quiz.show_answer(n), "subslide"))
    return nb
