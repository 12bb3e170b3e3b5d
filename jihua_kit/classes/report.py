"""A class session's results, from its SQLite file: per trainee, per question, and as a workbook.

Counting: one point per right answer; a trainee's `score` is right / questions × 100 (one decimal),
so a question not answered counts as not right; a question's `correct_rate` is right / answered
(None when nobody answered it). Each trainee's last submission per question is the answer; every
earlier one stays in the file's history and is counted on the summary sheet. Right and wrong come
from the answer key kept in the session file (worked out by the library when the session began).

`report_json` gives exactly `{"session", "questions": [{"id", "answered", "correct", "correct_rate"}],
"trainees": [{"seat", "name", "answered", "correct", "score"}]}` (questions in quiz order, trainees
by seat); the workbook (`write_report`, the kit's own xlsx writer) has 汇总, 成绩 (trainees ×
questions), 各题正确率 (the hardest first) and 作答明细.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from jihua_kit.classes.store import Answer, ClassStore, QuestionKey, SessionInfo
from jihua_kit.core.i18n import t
from jihua_kit.core.textfmt import format_number, table
from jihua_kit.core.xlsx_write import HEADER, TITLE, WRAP, Workbook

__all__ = ["ClassResults", "load_results", "question_rows", "report_json", "report_text", "trainee_rows",
           "write_report"]  # fmt: skip


@dataclass(frozen=True)
class ClassResults:
    """Everything a report needs, read from one session file in one go."""

    path: Path
    session: SessionInfo
    keys: dict[int, QuestionKey]
    trainees: list[tuple[int, str, str]]
    answers: list[Answer]
    submissions: int

    def right(self, answer: Answer) -> bool:
        key = self.keys[answer.number]
        return key.judge(float(answer.value) if key.kind == "number" else answer.value)


def load_results(store: ClassStore) -> ClassResults:
    """The session's trainees, questions and answers (a consistent view: one read transaction)."""
    store.conn.execute("BEGIN")
    try:
        return ClassResults(store.path, store.session(), store.keys(), store.trainees(), store.answers(),
                            store.history_count())  # fmt: skip
    finally:
        store.conn.execute("COMMIT")


def _score(correct: int, total: int) -> float:
    return round(100 * correct / total, 1) if total else 0.0


def trainee_rows(res: ClassResults) -> list[dict[str, Any]]:
    """Per trainee, by seat: seat, name, answered, correct, score (out of 100)."""
    out = []
    for seat, name, _ in res.trainees:
        given = [a for a in res.answers if a.seat == seat]
        right = sum(res.right(a) for a in given)
        out.append({"seat": seat, "name": name, "answered": len(given), "correct": right,
                    "score": _score(right, len(res.keys))})  # fmt: skip
    return out


def question_rows(res: ClassResults) -> list[dict[str, Any]]:
    """Per question, in quiz order: number, id, answered, correct, correct_rate (None if unanswered)."""
    out = []
    for number, key in sorted(res.keys.items()):
        given = [a for a in res.answers if a.number == number]
        right = sum(res.right(a) for a in given)
        rate = round(right / len(given), 4) if given else None
        out.append({"number": number, "id": key.qid, "answered": len(given), "correct": right, "correct_rate": rate})
    return out


def hardest_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Questions from the lowest correct rate; unanswered ones last; ties in quiz order."""
    return sorted(rows, key=lambda r: (r["correct_rate"] is None, r["correct_rate"] or 0.0, r["number"]))


def report_json(res: ClassResults) -> dict[str, Any]:
    """The results with exactly the keys of the `class report --json` contract."""
    return {
        "session": res.session.name,
        "questions": [{k: r[k] for k in ("id", "answered", "correct", "correct_rate")} for r in question_rows(res)],
        "trainees": trainee_rows(res),
    }


def _rate_text(rate: float | None) -> str:
    return "—" if rate is None else f"{format_number(round(rate * 100, 1))}%"


def report_text(res: ClassResults, lang: str = "zh") -> str:
    """The results for a terminal: trainees by seat, then the questions, the hardest first."""
    trainees = [(r["seat"], r["name"], r["answered"], r["correct"], format_number(r["score"]))
                for r in trainee_rows(res)]  # fmt: skip
    questions = [(t("class.report.q", lang, n=r["number"]), r["id"], r["answered"], r["correct"],
                  _rate_text(r["correct_rate"])) for r in hardest_first(question_rows(res))]  # fmt: skip
    return "\n\n".join([
        t("class.report.title", lang, session=res.session.name),
        table(t("class.report.text_trainees", lang).split("|"), trainees),
        table(t("class.report.text_questions", lang).split("|"), questions),
    ])  # fmt: skip


# --- the workbook ---------------------------------------------------------------------------------------


def _col(name: str, lang: str) -> str:
    return t(f"class.report.col.{name}", lang)


def scores_frame(res: ClassResults, lang: str = "zh") -> pd.DataFrame:
    """Trainees × questions: seat, name, answered, right, score, then one column per question
    (1 right, 0 wrong, empty when not answered)."""
    rows = trainee_rows(res)
    marks = {(a.seat, a.number): int(res.right(a)) for a in res.answers}
    data: dict[str, Any] = {
        _col("seat", lang): pd.array([r["seat"] for r in rows], dtype="Int64"),
        _col("name", lang): pd.Series([r["name"] for r in rows], dtype=object),
        _col("answered", lang): pd.array([r["answered"] for r in rows], dtype="Int64"),
        _col("correct", lang): pd.array([r["correct"] for r in rows], dtype="Int64"),
        _col("score", lang): pd.Series([r["score"] for r in rows], dtype=float),
    }
    for number in sorted(res.keys):
        values = [marks.get((r["seat"], number)) for r in rows]
        data[t("class.report.q", lang, n=number)] = pd.Series(values, dtype=object)
    return pd.DataFrame(data)


def questions_frame(res: ClassResults, lang: str = "zh") -> pd.DataFrame:
    """One row per question, the hardest first: rank, number, id, chapter, text, answer, counts, rate (%)."""
    rows = hardest_first(question_rows(res))
    keys = [res.keys[r["number"]] for r in rows]
    rate = [None if r["correct_rate"] is None else round(r["correct_rate"] * 100, 1) for r in rows]
    return pd.DataFrame({
        _col("rank", lang): list(range(1, len(rows) + 1)),
        _col("number", lang): [r["number"] for r in rows],
        _col("qid", lang): [r["id"] for r in rows],
        _col("chapter", lang): [k.chapter for k in keys],
        _col("prompt", lang): [k.prompt for k in keys],
        _col("right_answer", lang): [k.answer_text for k in keys],
        _col("answered", lang): [r["answered"] for r in rows],
        _col("correct", lang): [r["correct"] for r in rows],
        f"{_col('rate', lang)}（%）" if lang == "zh" else f"{_col('rate', lang)} (%)": pd.Series(rate, dtype=object),
    })  # fmt: skip


def answers_frame(res: ClassResults, lang: str = "zh") -> pd.DataFrame:
    """Every answer kept: seat, name, question, what was typed, how it was read, the answer, result."""
    names = {seat: name for seat, name, _ in res.trainees}
    rows = []
    for a in res.answers:
        key = res.keys[a.number]
        rows.append([a.seat, names.get(a.seat, ""), a.number, key.qid, a.given, key.value_text(a.value),
                     key.answer_text, t("class.report.right" if res.right(a) else "class.report.wrong", lang),
                     a.changes, a.answered_at])  # fmt: skip
    cols = ["seat", "name", "number", "qid", "given", "value", "right_answer", "result", "changes", "time"]
    return pd.DataFrame(rows, columns=[_col(c, lang) for c in cols]).astype(object)


def _summary_rows(res: ClassResults, lang: str) -> list[list[Any]]:
    other = "en" if lang == "zh" else "zh"
    scores = [r["score"] for r in trainee_rows(res)]
    items = [
        ("session", res.session.name), ("file", str(res.path)), ("created", res.session.created_at),
        ("ended", res.session.ended_at or t("class.report.not_ended", lang)), ("trainees", len(res.trainees)),
        ("questions", len(res.keys)), ("answers", len(res.answers)), ("submissions", res.submissions),
        ("mean", round(sum(scores) / len(scores), 1) if scores else 0), ("rule", t("class.report.sum.rule_text", lang)),
    ]  # fmt: skip
    return [[t(f"class.report.sum.{k}", lang), v, t(f"class.report.sum.{k}", other)] for k, v in items]


def write_report(res: ClassResults, path: str | Path, lang: str = "zh") -> Path:
    """The results workbook: 汇总, 成绩, 各题正确率 (hardest first), 作答明细."""
    book = Workbook()
    summary = book.add(t("class.report.sheet.summary", lang))
    summary.rows([[t("class.report.title", lang, session=res.session.name)]], TITLE)
    summary.rows([[_col("item", lang), _col("value_sum", lang), _col("item", "en" if lang == "zh" else "zh")]],
                 HEADER)  # fmt: skip
    summary.rows(_summary_rows(res, lang), WRAP)
    summary.widths = {0: 30, 1: 60, 2: 40}
    for name, frame in (("scores", scores_frame(res, lang)), ("questions", questions_frame(res, lang)),
                        ("answers", answers_frame(res, lang))):  # fmt: skip
        sheet = book.add(t(f"class.report.sheet.{name}", lang))
        sheet.frame(frame)
        sheet.freeze = (1, 2 if name != "questions" else 3)
    return book.save(path)
