"""The trainer's console of a class session (`app/trainer.ipynb`, on the projector).

At the top: the session, the address trainees open and how many have joined. Then the controls
(open a question, close it, reveal the answer, next; all open for a self-paced quiz; end the
session) and, large enough to read from the back of the room, the question shown with the live
count of answers and their distribution as a bar chart; the right answer is marked only once it is
revealed, so the projector gives nothing away. Beside it the class's scores, counted over revealed
questions only (a score moving while a question is open would give the answer away too).

The page follows the session by itself: `start_live()` runs `refresh()` every `LIVE_S` seconds in
the kernel's event loop (no thread; the buttons' callbacks run in the same loop), and `refresh()`
redraws only what changed. Every control is a plain method tests call: `select(n)`, `open()`,
`close()`, `reveal()`, `next()`, `open_all()`, `close_all()`, `reveal_all()`, `end(confirm)`.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

import ipywidgets as w

from jihua_kit.classes.quiz_form import error_box, option_label, question_html
from jihua_kit.classes.store import ClassStore, QuestionKey
from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import t

__all__ = ["LIVE_S", "TRAINER_CSS", "TrainerApp", "distribution", "distribution_html", "scores_html"]

LIVE_S = 1.5  # seconds between two looks at the session file
TOP_VALUES = 5  # a number question's chart shows the most given values, the rest as 其他
TABLE_ROWS = 10  # the score table wraps into side-by-side columns of this many trainees
T = "jihua-trainer"
TRAINER_CSS = f"""
.{T} {{ font-size: 20px; line-height: 1.4; }}
.{T} .{T}-head {{ display: flex; flex-wrap: wrap; gap: 0.3em 1.5em; align-items: baseline; }}
.{T} .{T}-head h2 {{ font-size: 26px; margin: 0; }}
.{T} .{T}-url {{ font-size: 24px; font-weight: bold; color: #1a5276; }}
.{T} .{T}-count {{ font-size: 24px; }}
.{T} .{T}-mode {{ font-size: 18px; color: #555; }}
.{T} button.jupyter-button {{ font-size: 18px; height: 2.3em; padding: 0 0.9em; }}
.{T} .{T}-secondary button.jupyter-button {{ font-size: 15px; height: 2.1em; padding: 0 0.6em; }}
.{T} .{T}-secondary {{ margin-top: 0.6em; }}
.{T} .jupyter-widget-Collapse-header, .{T} .lm-Widget.p-Collapse-header {{ font-size: 15px; }}
.{T} .widget-dropdown {{ height: auto !important; }}
.{T} select {{ font-size: 18px !important; height: 2.3em !important; }}
.{T} .jihua-quiz-question h3 {{ font-size: 20px; margin: 0.2em 0; color: #555; }}
.{T} .jihua-quiz-question p {{ font-size: 26px; margin: 0.2em 0 0.5em; line-height: 1.35; }}
.{T} .{T}-live-count {{ font-size: 28px; font-weight: bold; margin: 0.2em 0 0.4em; }}
.{T} .{T}-answer {{ font-size: 24px; font-weight: bold; color: #1e8449; margin-top: 0.3em; }}
.{T} .{T}-row {{ display: grid; grid-template-columns: minmax(9em, 38%) 1fr 6.5em; gap: 0.6em;
  align-items: center; margin: 0.35em 0; font-size: 22px; }}
.{T} .{T}-label {{ overflow-wrap: anywhere; }}
.{T} .{T}-bar {{ background: #eef2f5; height: 1.5em; border-radius: 4px; }}
.{T} .{T}-bar div {{ background: #2e86c1; height: 100%; border-radius: 4px; min-width: 2px; }}
.{T} .{T}-right .{T}-bar div {{ background: #27ae60; }}
.{T} .{T}-right .{T}-label {{ color: #1e8449; font-weight: bold; }}
.{T} .{T}-num {{ text-align: right; font-weight: bold; white-space: nowrap; }}
.{T} .{T}-tables {{ display: flex; flex-wrap: wrap; gap: 0 1em; align-items: flex-start; }}
.{T} .{T}-tables table {{ border-collapse: collapse; font-size: 15px; line-height: 1.3; }}
.{T} .{T}-tables th, .{T} .{T}-tables td {{ border-bottom: 1px solid #ddd; padding: 0.05em 0.45em; text-align: left;
  white-space: nowrap; }}
.{T} .{T}-tables td.n {{ text-align: right; }}
.{T} .{T}-message {{ font-size: 18px; color: #555; min-height: 1.4em; }}
"""


# --- plain functions: what the projector shows ---------------------------------------------------


def _pct(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "—"


def distribution(key: QuestionKey, counts: dict[str, int], lang: str = "zh") -> list[tuple[str, int, bool]]:
    """(label, count, is the right answer) per bar: every choice of a choice question, in order; for
    a number question the most given values (most first) and the rest together as 其他."""
    if key.kind == "choice":
        return [(f"{letter}. {text}", counts.get(letter, 0), letter == key.right)
                for letter, text in zip(key.letters, key.choices, strict=True)]  # fmt: skip
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], float(kv[0])))
    bars = [(key.value_text(v), n, key.judge(float(v))) for v, n in ranked[:TOP_VALUES]]
    rest = sum(n for _, n in ranked[TOP_VALUES:])
    if rest:
        bars.append((t("class.trainer.other_values", lang), rest, False))
    return bars


def distribution_html(key: QuestionKey, counts: dict[str, int], joined: int, lang: str = "zh") -> str:
    """The question, the live count and a bar per answer; the right one marked once revealed."""
    answered = sum(counts.values())
    revealed = key.state == "revealed"
    out = [question_html(key, lang),
           f"<div class='{T}-live-count'>{escape(t('class.trainer.answered', lang, answered=answered, joined=joined))}"
           f"（{escape(t(f'class.state.{key.state}', lang))}）</div>"]  # fmt: skip
    bars = distribution(key, counts, lang)
    if not bars:
        out.append(f"<p>{escape(t('class.trainer.no_answers', lang))}</p>")
    top = max([n for _, n, _ in bars] + [1])
    for label, n, right in bars:
        cls = f"{T}-row {T}-right" if right and revealed else f"{T}-row"
        mark = "✓ " if right and revealed else ""
        out.append(f"<div class='{cls}'><span class='{T}-label'>{escape(mark + label)}</span>"
                   f"<div class='{T}-bar'><div style='width:{100 * n / top:.1f}%'></div></div>"
                   f"<span class='{T}-num'>{n}（{_pct(n, answered)}）</span></div>")  # fmt: skip
    if revealed:
        right_n = sum(n for _, n, right in bars if right)
        out.append(
            f"<div class='{T}-answer'>{escape(t('class.trainer.answer', lang, answer=key.answer_text))}　"
            f"{escape(t('class.trainer.right_rate', lang, right=right_n, rate=_pct(right_n, answered)))}</div>"
        )
    return f"<div class='{T}-chart'>{''.join(out)}</div>"


def scores_html(rows: list[dict[str, Any]], lang: str = "zh") -> str:
    """The class's scores by seat (answered, right over revealed questions), in columns of TABLE_ROWS."""
    title = f"<h3 style='margin:0.4em 0 0.2em'>{escape(t('class.trainer.scores', lang))}</h3>"
    if not rows:
        return title + f"<p>{escape(t('class.trainer.no_trainees', lang))}</p>"
    head = "".join(f"<th>{escape(h)}</th>" for h in t("class.trainer.score_head", lang).split("|"))
    tables = []
    for start in range(0, len(rows), TABLE_ROWS):
        body = "".join(f"<tr><td class='n'>{r['seat']}</td><td>{escape(r['name'])}</td><td class='n'>{r['answered']}"
                       f"</td><td class='n'>{r['right']}/{r['revealed']}</td></tr>"
                       for r in rows[start : start + TABLE_ROWS])  # fmt: skip
        tables.append(f"<table><tr>{head}</tr>{body}</table>")
    return title + f"<div class='{T}-tables'>{''.join(tables)}</div>"


def class_scores(store: ClassStore, keys: dict[int, QuestionKey]) -> list[dict[str, Any]]:
    """Per trainee: answered (all questions) and right over the revealed questions only."""
    revealed = {n for n, k in keys.items() if k.state == "revealed"}
    answers = store.answers()
    rows = []
    for seat, name, _ in store.trainees():
        mine = [a for a in answers if a.seat == seat]
        rows.append({"seat": seat, "name": name, "answered": len(mine), "revealed": len(revealed),
                     "right": sum(a.correct for a in mine if a.number in revealed)})  # fmt: skip
    return rows


# --- the console -------------------------------------------------------------------------------------


class TrainerApp:
    """The trainer's console for one session file."""

    def __init__(self, db: Path | None, session: str | None = None, url: str = "", lang: str = "zh") -> None:
        self.db, self.session, self.url, self.lang = (Path(db) if db else None), session, url, lang
        self.store: ClassStore | None = None
        self.number = 1
        self._seen: tuple | None = None
        self._hold = False
        self._task: Any = None
        self._build()
        self.refresh()

    @classmethod
    def from_env(cls, lang: str = "zh") -> TrainerApp:
        """The console of the session the server was started for (`class_server.class_env`)."""
        env = os.environ
        db = env.get("JIHUA_CLASS_DB", "").strip()
        return cls(Path(db) if db else None, env.get("JIHUA_CLASS_SESSION") or None, env.get("JIHUA_CLASS_URL", ""),
                   lang)  # fmt: skip

    def _build(self) -> None:
        lang = self.lang
        self.head = w.HTML()
        self.banner = w.HTML()
        self.picker = w.Dropdown(options=[], layout=w.Layout(width="13em"))
        self.buttons: dict[str, w.Button] = {}
        actions: dict[str, Callable[[], str]] = {
            "open": self.open, "close": self.close, "reveal": self.reveal, "next": self.next,
            "open_all": self.open_all, "close_all": self.close_all, "reveal_all": self.reveal_all,
            "end": self.end,
        }  # fmt: skip
        styles = {"open": "success", "close": "warning", "reveal": "primary", "next": "info", "end": "danger"}
        for name, action in actions.items():
            button = w.Button(
                description=t(f"class.trainer.{name}", lang),
                button_style=styles.get(name, ""),
                layout=w.Layout(width="auto"),
            )
            button.add_class(f"{T}-{name.replace('_', '-')}")
            button.on_click(lambda _b, act=action: act())
            self.buttons[name] = button
        self.end_yes = w.Button(
            description=t("class.trainer.end_yes", lang), button_style="danger", layout=w.Layout(width="auto")
        )
        self.end_no = w.Button(description=t("class.trainer.end_no", lang), layout=w.Layout(width="auto"))
        self.end_yes.add_class(f"{T}-end-yes")
        self.end_yes.on_click(lambda _b: self.end(confirm=True))
        self.end_no.on_click(lambda _b: self._confirm(False))
        self.confirm_box = w.HBox(
            [w.HTML(escape(t("class.trainer.end_confirm", lang))), self.end_yes, self.end_no],
            layout=w.Layout(flex_flow="row wrap", align_items="center", display="none"),
        )
        self.message = w.HTML()
        self.live = w.HTML()
        self.scores = w.HTML()
        row = w.Layout(flex_flow="row wrap", align_items="center", grid_gap="4px")
        b = self.buttons
        self.help = w.Accordion([w.HTML(t("class.trainer.help", lang))], titles=(t("class.trainer.help_title", lang),),
                                 selected_index=None)  # fmt: skip
        secondary = w.HBox([b["open_all"], b["close_all"], b["reveal_all"], b["end"]], layout=row)
        secondary.add_class(f"{T}-secondary")
        controls = w.VBox([
            w.HBox([self.picker, b["open"], b["close"], b["reveal"], b["next"]], layout=row),
            self.confirm_box, self.message,
        ])  # fmt: skip
        left = w.VBox([controls, self.live], layout=w.Layout(flex="1 1 640px", min_width="0"))
        right = w.VBox([self.scores, secondary, self.help], layout=w.Layout(flex="0 1 460px", min_width="0"))
        body = w.HBox([left, right], layout=w.Layout(flex_flow="row wrap", align_items="flex-start",
                                                     grid_gap="0 24px"))  # fmt: skip
        self.widget = w.VBox([w.HTML(f"<style>{TRAINER_CSS}</style>"), self.head, self.banner, body],
                             layout=w.Layout(width="100%"))  # fmt: skip
        self.widget.add_class(T)
        for part, widget in (("picker", self.picker), ("live", self.live), ("scores", self.scores),
                             ("message", self.message), ("banner", self.banner), ("title", self.head)):  # fmt: skip
            widget.add_class(f"{T}-{part}")
        self.picker.observe(self._picked, names="value")

    def _store(self) -> ClassStore:
        if self.db is None:
            raise KitError("class.not_class_mode")
        if self.store is None:
            self.store = ClassStore.open(self.db, self.session)
        return self.store

    # -- following the session ---------------------------------------------------------------------

    def refresh(self) -> bool:
        """Read the session and redraw what changed; True if something was redrawn."""
        try:
            store = self._store()
            info, keys = store.session(), store.keys()
            trainees = store.trainees()
            if info.current is not None and self._seen is None:
                self.number = info.current  # a reloaded console picks up where the class is
            key = keys[self.number]
            counts = store.counts(self.number)
            scores = class_scores(store, keys)
        except KitError as err:
            html = error_box(err, self.lang, fault=True)
            changed = self.banner.value != html
            self.banner.value = html
            return changed
        seen = (info, tuple((n, k.state) for n, k in keys.items()), tuple(trainees), tuple(counts.items()),
                tuple(tuple(r.values()) for r in scores), self.number)  # fmt: skip
        if seen == self._seen:
            return False
        self._seen = seen
        self.banner.value = ""
        self.head.value = self._head_html(info, len(trainees))
        self._hold = True
        try:
            self.picker.options = [(option_label(k, self.lang), n) for n, k in sorted(keys.items())]
            self.picker.value = self.number
        finally:
            self._hold = False
        self.live.value = distribution_html(key, counts, len(trainees), self.lang)
        self.scores.value = scores_html(scores, self.lang)
        for name in ("open", "close", "reveal", "next", "open_all", "close_all", "reveal_all", "end"):
            self.buttons[name].disabled = info.ended
        if not info.ended:
            self.buttons["open"].disabled = key.state in ("open", "revealed")
            self.buttons["close"].disabled = key.state != "open"
            self.buttons["reveal"].disabled = key.state == "revealed"
            self.buttons["next"].disabled = self.number >= max(keys)
        return True

    def _head_html(self, info: Any, joined: int) -> str:
        title = escape(t("class.trainer.title", self.lang, session=info.name))
        state = t("class.trainer.ended", self.lang) if info.ended else t(f"class.trainer.mode.{info.mode}", self.lang)
        url = f"<span class='{T}-url'>{escape(t('class.trainer.join_at', self.lang, url=self.url))}</span>" \
            if self.url else ""  # fmt: skip
        joined_text = escape(t("class.trainer.joined", self.lang, n=joined))
        return (f"<div class='{T}-head'><h2>{title}</h2>{url}<span class='{T}-count'>{joined_text}</span>"
                f"<span class='{T}-mode'>{escape(state)}</span></div>")  # fmt: skip

    def start_live(self, interval: float = LIVE_S) -> bool:
        """Refresh every `interval` seconds in the running event loop (a kernel's); False without one."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False

        async def follow() -> None:
            while True:
                await asyncio.sleep(interval)
                try:
                    self.refresh()
                except Exception as exc:  # keep following; say what went wrong in place
                    self.banner.value = (
                        f"<div class='jihua-error'>{escape(type(exc).__name__)}: {escape(str(exc))}</div>"
                    )

        if self._task is None or self._task.done():
            self._task = loop.create_task(follow())
        return True

    # -- the controls ------------------------------------------------------------------------------

    def _do(self, action: str, run: Callable[[ClassStore], int], number: int | None = None) -> str:
        try:
            moved = run(self._store())
        except KitError as err:
            self.message.value = error_box(err, self.lang, fault=err.key.startswith("class.db_"))
            return self.message.value
        label = t(f"class.trainer.{action}", self.lang)
        if number is None:
            text = t("class.trainer.done_all", self.lang, action=label, moved=moved)
        elif moved:
            text = t("class.trainer.done", self.lang, action=label, n=number)
        else:
            state = self._store().key(number).state
            text = t("class.trainer.nothing", self.lang, n=number, state=t(f"class.state.{state}", self.lang))
        self._seen = None
        self.refresh()
        self.message.value = escape(text)
        return self.message.value

    def select(self, number: int) -> str:
        """Show question `number` here, and on the trainees' pages once it has been opened."""
        self.number = number
        try:
            if self._store().key(number).state != "pending":
                self._store().show(number)
        except KitError as err:
            self.message.value = error_box(err, self.lang, fault=err.key.startswith("class.db_"))
            return self.message.value
        self.message.value = ""
        self._seen = None
        self.refresh()
        return self.live.value

    def _picked(self, change: Any) -> None:
        if not self._hold and change["new"] is not None:
            self.select(change["new"])

    def open(self) -> str:
        n = self.number
        return self._do("open", lambda s: s.open_question(n), n)

    def close(self) -> str:
        n = self.number
        return self._do("close", lambda s: s.close_question(n), n)

    def reveal(self) -> str:
        n = self.number
        return self._do("reveal", lambda s: s.reveal(n), n)

    def next(self) -> str:
        """Close the question shown if it is open, then open the next one that has not been open."""
        n = self.number
        store = self._store()
        if store.key(n).state == "open":
            self._do("close", lambda s: s.close_question(n), n)
        if n + 1 not in store.keys():
            return self.message.value
        self.number = n + 1
        if store.key(n + 1).state == "pending":
            return self._do("open", lambda s: s.open_question(n + 1), n + 1)
        return self.select(n + 1)

    def open_all(self) -> str:
        return self._do("open_all", lambda s: s.open_all())

    def close_all(self) -> str:
        return self._do("close_all", lambda s: s.close_all())

    def reveal_all(self) -> str:
        return self._do("reveal_all", lambda s: s.reveal_all())

    def _confirm(self, show: bool) -> str:
        self.confirm_box.layout.display = "" if show else "none"
        return self.message.value

    def end(self, confirm: bool = False) -> str:
        """First call: ask (the confirm row appears); `confirm=True`: end the session."""
        if not confirm:
            self._confirm(True)
            self.message.value = escape(t("class.trainer.end_confirm", self.lang))
            return self.message.value
        self._confirm(False)

        def run(store: ClassStore) -> int:
            store.end()
            return 0

        self._do("end", run)
        self.message.value = escape(t("class.trainer.ended", self.lang))
        return self.message.value
