"""The trainee app's 课堂测验 tab: join with a seat and a name, answer the question the trainer opened.

`class_tabs()` is what `app/class.ipynb` adds to the trainee app (`TraineeApp(extra_tabs=…)`):
the tab when the server was started by `jihua-kit class serve` (which puts the session file in
$JIHUA_CLASS_DB), nothing outside a class session. The session comes from the environment, never
from the page's address, so a kernel started before any trainee arrives (Voilà's preheated pool)
is ready for whoever gets it.

The page follows the session by itself: once a trainee has joined, a hidden `Play` widget ticks in
the browser every `TICK_MS` and each tick calls `refresh()`, which reads the session file and
redraws only what changed (a page that is closed stops ticking, so an abandoned kernel stays idle).
Every action is a plain method that tests call: `join(seat, name)`, `submit(given)`, `show(n)`,
`refresh()`; each returns the HTML it put on the page.
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path
from typing import Any

import ipywidgets as w

from jihua_kit.classes.quiz_form import (
    CLASS_CSS,
    CSS_CLASS,
    error_box,
    note_html,
    option_label,
    question_html,
    result_html,
    status_html,
)
from jihua_kit.classes.store import Answer, ClassStore, QuestionKey
from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import t

__all__ = ["TICK_MS", "ClassQuiz", "class_tabs"]

TICK_MS = 2000  # how often a joined trainee's page asks whether the trainer moved on
ENV_DB, ENV_SESSION = "JIHUA_CLASS_DB", "JIHUA_CLASS_SESSION"  # set by class_server.class_env


def class_tabs(lang: str = "zh", environ: dict[str, str] | None = None) -> list[tuple[str, Any]]:
    """[(tab title, widget)] for the trainee app: the quiz tab in a class session, else nothing."""
    env = os.environ if environ is None else environ
    db = env.get(ENV_DB, "").strip()
    if not db:
        return []
    quiz = ClassQuiz(Path(db), env.get(ENV_SESSION) or None, lang)
    return [(t("class.tab", lang), quiz.widget)]


class ClassQuiz:
    """One trainee's quiz page, bound to one session file."""

    def __init__(self, db: Path, session: str | None = None, lang: str = "zh") -> None:
        self.db, self.session, self.lang = Path(db), session, lang
        self.store: ClassStore | None = None
        self.seat: int | None = None
        self.name = ""
        self.mine: dict[int, Answer] = {}
        self.keys: dict[int, QuestionKey] = {}
        self.number: int | None = None
        self.ended = False
        self._seen: tuple | None = None
        self._hold = False
        self._build()
        try:
            if self._store().session().ended:  # a page opened after the end: say so before anyone types
                self.banner.value = note_html(t("class.ended", lang))
                self.join_button.disabled = True
        except KitError as err:
            self.banner.value = error_box(err, lang, fault=True)

    # -- the page ----------------------------------------------------------------------------------

    def _build(self) -> None:
        lang = self.lang
        self.banner = w.HTML()
        self.seat_input = w.Text(placeholder=t("class.join.seat_hint", lang))
        self.name_input = w.Text(placeholder=t("class.join.name_hint", lang))
        self.join_button = w.Button(description=t("class.join.button", lang), button_style="primary")
        self.join_message = w.HTML()
        self.join_box = w.VBox([
            w.HTML(f"<h3 style='margin:0.2em 0'>{escape(t('class.join.title', lang))}</h3>"
                   f"<p style='margin:0 0 0.5em'>{escape(t('class.join.intro', lang))}</p>"),
            w.HTML(f"<b>{escape(t('class.join.seat', lang))}</b>"), self.seat_input,
            w.HTML(f"<b>{escape(t('class.join.name', lang))}</b>"), self.name_input,
            self.join_button, self.join_message,
        ])  # fmt: skip
        self.who = w.HTML()
        self.picker = w.Dropdown(options=[], value=None, description="", layout=w.Layout(width="auto"))
        self.prev_button = w.Button(description=t("quiz.prev", lang))
        self.next_button = w.Button(description=t("quiz.next", lang))
        self.prompt = w.HTML()
        self.choice = w.RadioButtons(options=[], value=None, layout=w.Layout(width="100%"))
        self.number_input = w.Text(placeholder=t("class.number_hint", lang))
        self.submit_button = w.Button(description=t("class.submit", lang), button_style="primary")
        self.status = w.HTML()
        self.result = w.HTML()
        self.nav = w.HBox([self.picker, self.prev_button, self.next_button],
                          layout=w.Layout(flex_flow="row wrap", grid_gap="4px"))  # fmt: skip
        self.answer_box = w.VBox([self.prompt, self.choice, self.number_input, self.submit_button])
        self.quiz_box = w.VBox([self.who, self.nav, self.answer_box, self.status, self.result])
        self.quiz_box.layout.display = "none"
        self.ticker = w.Play(value=0, min=0, max=10**9, step=1, interval=TICK_MS, repeat=True)
        self.ticker.layout.display = "none"
        self.widget = w.VBox([w.HTML(f"<style>{CLASS_CSS}</style>"), self.banner, self.join_box, self.quiz_box,
                              self.ticker], layout=w.Layout(width="100%"))  # fmt: skip
        self.widget.add_class(CSS_CLASS)
        for part, widget in (("seat", self.seat_input), ("name", self.name_input), ("join", self.join_button),
                             ("join-message", self.join_message), ("who", self.who), ("picker", self.picker),
                             ("prompt", self.prompt), ("choice", self.choice), ("number", self.number_input),
                             ("submit", self.submit_button), ("status", self.status), ("result", self.result),
                             ("banner", self.banner)):  # fmt: skip
            widget.add_class(f"{CSS_CLASS}-{part}")
        self.join_button.on_click(lambda _b: self.join())
        self.submit_button.on_click(lambda _b: self.submit())
        self.prev_button.on_click(lambda _b: self.step(-1))
        self.next_button.on_click(lambda _b: self.step(1))
        self.picker.observe(self._picked, names="value")
        self.ticker.observe(lambda _c: self.refresh(), names="value")

    def _store(self) -> ClassStore:
        if self.store is None:
            self.store = ClassStore.open(self.db, self.session)
        return self.store

    def _fault(self, err: KitError) -> str:
        """A file fault (missing, read-only, corrupt, replaced): said at the top and in place."""
        html = error_box(err, self.lang, fault=True)
        self.banner.value = html
        return html

    # -- joining -----------------------------------------------------------------------------------

    def join(self, seat: Any = None, name: Any = None) -> str:
        """Take the seat (or come back to it with the same name); returns the message shown."""
        seat = self.seat_input.value if seat is None else seat
        name = self.name_input.value if name is None else name
        try:
            joined = self._store().join(seat, name)
        except KitError as err:
            fault = err.key.startswith("class.db_")
            self.join_message.value = error_box(err, self.lang, fault=fault)
            if fault:
                self._fault(err)
            return self.join_message.value
        self.seat, self.name, self.mine = joined.seat, joined.name, dict(joined.answers)
        self.banner.value = ""
        key = "class.join.back" if joined.rejoined else "class.join.welcome"
        self.join_message.value = note_html(t(key, self.lang, seat=joined.seat, name=joined.name, n=len(self.mine)),
                                            "ok")  # fmt: skip
        self.join_box.layout.display = "none"
        self.quiz_box.layout.display = ""
        self._seen = None
        self.refresh()
        self.who.value = self._who_html() + self.join_message.value
        self.ticker.playing = True  # the page now follows the session (the view exists: it was clicked)
        return self.join_message.value

    def _ended_html(self) -> str:
        right = sum(a.correct for a in self.mine.values())  # the report's count: the session is over
        return note_html(t("class.ended_summary", self.lang, right=right, total=len(self.keys)))

    def _who_html(self) -> str:
        revealed = [n for n, k in self.keys.items() if k.state == "revealed"]
        right = sum(1 for n in revealed if n in self.mine and self.mine[n].correct)
        progress = t("class.progress", self.lang, answered=len(self.mine), revealed=len(revealed), right=right)
        who = t("class.who", self.lang, seat=self.seat, name=self.name)
        return (f"<div class='jihua-class-me'>{escape(who)}</div>"
                f"<div class='jihua-class-progress'>{escape(progress)}</div>")  # fmt: skip

    # -- following the session ---------------------------------------------------------------------

    def refresh(self) -> bool:
        """Read the session; redraw what changed (a new current question is shown). True if redrawn."""
        if self.seat is None:
            return False
        store = self.store
        try:
            info = store.session()
            self.keys = store.keys()
            mine = {a.number: a for a in store.answers(self.seat)}
        except KitError as err:
            self._fault(err)
            return True
        seen = (info.current, info.ended_at, tuple((n, k.state) for n, k in self.keys.items()),
                tuple((n, a.value) for n, a in mine.items()))  # fmt: skip
        if seen == self._seen:
            return False
        before, self._seen, self.mine = self._seen, seen, mine
        self.ended = info.ended
        self.banner.value = self._ended_html() if info.ended else ""
        if info.ended:
            self.ticker.playing = False  # nothing more will change
        available = [n for n, k in sorted(self.keys.items()) if k.state != "pending"]
        self._hold = True
        try:
            self.picker.options = [(option_label(self.keys[n], self.lang), n) for n in available]
            self.picker.value = self.number if self.number in available else None
        finally:
            self._hold = False
        moved = before is None or before[0] != info.current
        if moved and info.current in available:
            self.show(info.current)
        elif self.number in available:
            self.show(self.number, keep_input=True)
        elif available:
            self.show(available[0])
        else:
            self.number = None
            self.answer_box.layout.display = "none"
            self.status.value = note_html(t("class.waiting", self.lang))
            self.result.value = ""
        self.who.value = self._who_html()
        self.nav.layout.display = "" if len(available) > 1 else "none"
        return True

    def show(self, number: int, keep_input: bool = False) -> str:
        """Show question `number` with what this trainee gave; `keep_input` leaves a half-typed answer."""
        key = self.keys.get(number)
        if key is None or key.state == "pending":
            return self.status.value
        self.number, self._hold = number, True
        try:
            if self.picker.value != number and number in [v for _, v in self.picker.options]:
                self.picker.value = number
            mine = self.mine.get(number)
            self.prompt.value = question_html(key, self.lang)
            is_choice = key.kind == "choice"
            options = [(f"{letter}. {text}", letter) for letter, text in zip(key.letters, key.choices, strict=True)]
            if list(self.choice.options) != options:
                self.choice.options = options
                keep_input = False
            if not keep_input:
                self.choice.value = mine.value if is_choice and mine else None
                self.number_input.value = mine.given if mine and not is_choice else ""
            self.choice.layout.display = "" if is_choice else "none"
            self.number_input.layout.display = "none" if is_choice else ""
            editable = key.state == "open" and not self.ended
            for widget in (self.choice, self.number_input, self.submit_button):
                widget.disabled = not editable
            self.submit_button.layout.display = "" if editable else "none"
            self.answer_box.layout.display = ""
            self.status.value = status_html(key, mine, self.ended, self.lang)
            self.result.value = result_html(key, mine, self.lang)
        finally:
            self._hold = False
        return self.prompt.value

    def step(self, delta: int) -> str:
        available = [v for _, v in self.picker.options]
        if self.number not in available:
            return self.status.value
        i = min(max(available.index(self.number) + delta, 0), len(available) - 1)
        return self.show(available[i])

    def _picked(self, change: Any) -> None:
        if not self._hold and change["new"] is not None:
            self.show(change["new"])

    # -- answering ---------------------------------------------------------------------------------

    def given(self) -> Any:
        key = self.keys.get(self.number) if self.number else None
        if key is None:
            return None
        return self.choice.value if key.kind == "choice" else self.number_input.value

    def submit(self, given: Any = None) -> str:
        """Keep the answer to the question shown (one transaction); the message in place."""
        if self.seat is None or self.number is None:
            return self.status.value
        given = self.given() if given is None else given
        key = self.keys[self.number]
        try:
            answer = self._store().submit(self.seat, self.number, given)
        except KitError as err:
            if err.key.startswith("class.db_"):
                self._fault(err)
            self.status.value = error_box(err, self.lang, fault=err.key.startswith("class.db_"))
            if err.key.startswith("class.question_") or err.key == "class.ended":
                self._seen = None  # the trainer moved on: catch up now, and keep the message
                message = self.status.value
                self.refresh()
                self.status.value = message + self.status.value
            return self.status.value
        self.mine[self.number] = answer
        if key.kind == "choice":
            self.choice.value = answer.value
        self.status.value = status_html(key, answer, self.ended, self.lang)
        self.who.value = self._who_html()
        return self.status.value
