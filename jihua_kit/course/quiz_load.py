"""The quiz's questions as data: `data/quiz/*.yaml` read and checked into `Question`s.

A question: id, chapter, kind (number | choice), prompt_zh/en, `source` (what the answer is
computed from, see `quiz_solve.ASKS`), `ask` (what to compute), choices (a choice question's
options, each with zh, en and the value it stands for, `match`) and why_zh/en (the reason shown
with the answer). A fault names the file, the question and the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from jihua_kit.core.errors import KitError
from jihua_kit.core.paths import data_dir
from jihua_kit.course.quiz_solve import ASKS, NUMBER_ASKS, match_key

__all__ = ["KINDS", "LETTERS", "Choice", "Question", "load_questions"]

KINDS = ("number", "choice")
LETTERS = "ABCDEFGH"
_FIELDS = ("id", "chapter", "kind", "prompt_zh", "prompt_en", "source", "ask", "choices", "why_zh", "why_en")


@dataclass(frozen=True)
class Choice:
    zh: str
    en: str
    match: Any

    def text(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class Question:
    id: str
    chapter: str
    kind: str
    prompt: dict[str, str]
    source: dict[str, Any]
    ask: dict[str, Any]
    why: dict[str, str]
    choices: tuple[Choice, ...] = ()
    file: str = ""

    @property
    def letters(self) -> str:
        return LETTERS[: len(self.choices)]


def _question(raw: Any, file: str, n: int) -> Question:
    where = {"file": file, "record": raw.get("id", n) if isinstance(raw, Mapping) else n}
    if not isinstance(raw, Mapping):
        raise KitError("quiz.not_mapping", **where)
    for name in raw:
        if name not in _FIELDS:
            raise KitError("quiz.unknown_field", field=str(name), allowed=", ".join(_FIELDS), **where)
    for name in (f for f in _FIELDS if f != "choices"):
        if name not in raw:
            raise KitError("quiz.missing", field=name, **where)
    kind, source, ask = raw["kind"], raw["source"], raw["ask"]
    if kind not in KINDS:
        raise KitError("quiz.bad_kind", field="kind", got=kind, allowed=", ".join(KINDS), **where)
    src = next((k for k in ASKS if isinstance(source, Mapping) and k in source), None)
    if src is None:
        raise KitError("quiz.bad_source", field="source", got=source, allowed=", ".join(ASKS), **where)
    if not isinstance(ask, Mapping) or len(ask) != 1 or next(iter(ask)) not in ASKS[src]:
        raise KitError("quiz.bad_ask", field="ask", got=ask, allowed=", ".join(ASKS[src]), **where)
    numeric = (src, next(iter(ask))) in NUMBER_ASKS
    choices = raw.get("choices") or []
    if numeric != (kind == "number") or (kind == "number") == bool(choices):
        raise KitError("quiz.kind_mismatch", field="kind", got=kind, **where)
    parsed = []
    for i, c in enumerate(choices, start=1):
        if not isinstance(c, Mapping) or set(c) != {"zh", "en", "match"}:
            raise KitError("quiz.bad_choice_record", field=f"choices[{i}]", **where)
        parsed.append(Choice(str(c["zh"]), str(c["en"]), c["match"]))
    if kind == "choice" and not 2 <= len(parsed) <= len(LETTERS):
        raise KitError("quiz.few_choices", field="choices", got=len(parsed), **where)
    if len({repr(match_key(c.match)) for c in parsed}) != len(parsed):
        raise KitError("quiz.same_match", field="choices", **where)
    lang_text = {lang: str(raw[f"prompt_{lang}"]) for lang in ("zh", "en")}
    why = {lang: str(raw[f"why_{lang}"]) for lang in ("zh", "en")}
    return Question(str(raw["id"]), str(raw["chapter"]), kind, lang_text, dict(source), dict(ask), why,
                    tuple(parsed), file)  # fmt: skip


def load_questions(folder: Path | None = None) -> list[Question]:
    """Every question of `data/quiz/*.yaml` (files in name order), checked."""
    folder = folder or data_dir() / "quiz"
    questions: list[Question] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise KitError("quiz.unreadable", file=path.name, detail=str(exc).splitlines()[0]) from exc
        if not isinstance(raw, list) or not raw:
            raise KitError("quiz.not_list", file=path.name)
        questions += [_question(q, path.name, n) for n, q in enumerate(raw, start=1)]
    if not questions:
        raise KitError("quiz.no_questions", file=str(folder))
    ids = [q.id for q in questions]
    dup = next((i for i in ids if ids.count(i) > 1), None)
    if dup:
        raise KitError("quiz.duplicate_id", record=dup, field="id")
    return questions
