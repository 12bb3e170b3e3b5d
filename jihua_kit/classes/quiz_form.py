"""What a trainee's 课堂测验 tab says, as plain functions returning HTML (no ipywidgets here).

`class_quiz_widget.ClassQuiz` puts these on the page; tests call them directly. The texts are
Chinese first; rule codes and sections appear only inside the library's explanation, once the
trainer has revealed the answer.
"""

from __future__ import annotations

from html import escape

from jihua_kit.classes.store import Answer, QuestionKey
from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import t

__all__ = ["CLASS_CSS", "CSS_CLASS", "answer_html", "error_box", "head_text", "note_html", "option_label",
           "question_html", "result_html", "status_html"]  # fmt: skip

CSS_CLASS = "jihua-class"
# Phone first: 16px inputs (no zoom on focus), buttons a finger can hit, choices that wrap.
CLASS_CSS = f"""
.{CSS_CLASS} {{ font-size: 16px; line-height: 1.5; max-width: 760px; }}
.{CSS_CLASS} .jihua-quiz-question h3 {{ font-size: 1.05em; margin: 0.3em 0; color: #555; }}
.{CSS_CLASS} .jihua-quiz-question p {{ font-size: 1.15em; margin: 0.3em 0 0.6em; }}
.{CSS_CLASS} input, .{CSS_CLASS} select {{ font-size: 16px !important; height: 2.4em !important; }}
.{CSS_CLASS} .widget-text, .{CSS_CLASS} .widget-dropdown {{ width: calc(100% - 6px) !important; max-width: 24em; }}
.{CSS_CLASS} .widget-text input {{ min-width: 0; }}
.{CSS_CLASS} .widget-label-basic, .{CSS_CLASS} .widget-label {{ font-size: 16px; }}
.{CSS_CLASS} button.jupyter-button {{ font-size: 17px; height: 2.6em; min-width: 7em; padding: 0 1.2em; }}
.{CSS_CLASS} .widget-radio {{ width: 100% !important; }}
.{CSS_CLASS} .widget-radio-box {{ width: 100%; }}
.{CSS_CLASS} .widget-radio-box label {{ white-space: normal; line-height: 1.4; font-size: 17px;
  height: auto !important; padding: 0.5em 0.5em; margin: 0 0 0.4em 0; border: 1px solid #ccc; border-radius: 6px;
  display: flex; align-items: flex-start; gap: 0.6em; }}
.{CSS_CLASS} .widget-radio-box input {{ order: -1; float: none; height: 1.2em !important; width: 1.2em;
  flex: 0 0 auto; margin: 0.1em 0 0 0; }}
.{CSS_CLASS} .widget-radio-box label:has(input:checked) {{ border-color: #2e86c1; background: #eef5fb; }}
.{CSS_CLASS} .jihua-class-me {{ font-size: 1.1em; font-weight: bold; }}
.{CSS_CLASS} .jihua-class-progress {{ color: #555; font-size: 0.95em; }}
.{CSS_CLASS} .jihua-class-note {{ padding: 0.5em 0.8em; border-left: 4px solid #2e86c1; background: #eef5fb; }}
.{CSS_CLASS} .jihua-class-ok {{ padding: 0.5em 0.8em; border-left: 4px solid #27ae60; background: #eefaf2; }}
.{CSS_CLASS} .jihua-quiz-feedback {{ background: #fafafa; }}
.{CSS_CLASS} .jihua-quiz-feedback ul {{ font-size: 0.9em; padding-left: 1.2em; }}
"""


def head_text(key: QuestionKey, lang: str = "zh") -> str:
    return t("quiz.question_head", lang, n=key.number, total=key.total, chapter=key.chapter)


def question_html(key: QuestionKey, lang: str = "zh") -> str:
    """The question's heading and prompt; its choices are the radio buttons below it (shown once)."""
    return key.prompt_html(t(f"quiz.kind.{key.kind}", lang), head_text(key, lang))


def option_label(key: QuestionKey, lang: str = "zh") -> str:
    """'第3题（作答中）': how the question picker lists a question."""
    return f"{t('class.report.q', lang, n=key.number)}（{t(f'class.state.{key.state}', lang)}）"


def note_html(text: str, kind: str = "note") -> str:
    return f"<div class='jihua-class-{kind}'>{escape(text)}</div>"


def error_box(err: KitError, lang: str = "zh", fault: bool = False) -> str:
    """A message in place: what to correct (bad input), or why the quiz cannot go on (a file fault)."""
    text = t(err.key, lang, **err.info)
    if fault and err.where.get("file"):
        text += f"（{err.where['file']}）" if lang == "zh" else f" ({err.where['file']})"
    title = t("class.error.fault" if fault else "class.error.title", lang)
    return (
        "<div class='jihua-error' style='border-left:4px solid #c0392b;padding:0.4em 0.8em;background:#fdf0ef'>"
        f"<b>{escape(title)}</b><p style='margin:0.2em 0'>{escape(text)}</p></div>"
    )


def answer_html(key: QuestionKey, lang: str = "zh") -> str:
    """The answer with the reason and the library's explanation (for one who did not answer)."""
    items = "".join(f"<li>{escape(e)}</li>" for e in key.evidence)
    note = escape(t("quiz.evidence", lang, heading=key.heading))
    return (
        "<div class='jihua-quiz-feedback' style='border-left:4px solid #999;padding:0.3em 0.8em'>"
        f"<b>{escape(t('class.status.revealed_none', lang, answer=key.answer_text))}</b>{escape(key.why)}"
        f"<p style='margin:0.3em 0 0;font-size:0.85em;color:#555'>{note}</p><ul style='margin:0.2em 0'>{items}</ul>"
        "</div>"
    )


def status_html(key: QuestionKey, mine: Answer | None, ended: bool = False, lang: str = "zh") -> str:
    """What the trainee is to do now for the question shown (answer, wait, or nothing)."""
    given = key.value_text(mine.value) if mine else ""
    if key.state == "open" and not ended:
        return note_html(t("class.status.open_given", lang, answer=given), "ok") if mine else note_html(
            t("class.status.open_none", lang))  # fmt: skip
    if key.state in ("open", "closed"):
        state = "ended" if ended else "closed"
        return note_html(t(f"class.status.{state}_{'given' if mine else 'none'}", lang, answer=given))
    return ""


def result_html(key: QuestionKey, mine: Answer | None, lang: str = "zh") -> str:
    """Once revealed: right or wrong with the library's explanation (the 07 chapter's feedback)."""
    if key.state != "revealed":
        return ""
    if mine is None:
        return answer_html(key, lang)
    return key.feedback(mine.value).to_html()
