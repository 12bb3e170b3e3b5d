"""Self-check questions at the end of a chapter, answered by the library, not typed in.

`data/selfcheck/<name>.yaml` holds the questions (prompt, choices, a short reason). A number's
answer names where it comes from: a parameter (`{parameter: F-VILLAGES}`), a household's total
(`{case: 06-twogirl-sterilized, total: annual}`) or one of its lines (`{case: …, line: E-PENSION}`);
a choice's answer is a letter (`{value: B}`). `check(answers)` says right or wrong for each,
with the reason and the evidence (the figure and its section, or the household's lines).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import t
from jihua_kit.core.paths import data_dir
from jihua_kit.core.textfmt import format_number, named
from jihua_kit.core.yamlio import load_yaml
from jihua_kit.explanations.household import explain
from jihua_kit.explanations.household_render import money
from jihua_kit.params.figures import figure_text
from jihua_kit.params.store import Trace, load_parameters

__all__ = ["Question", "SelfCheck", "load_selfcheck"]

KINDS = ("number", "choice")
_FIELDS = ("id", "kind", "prompt_zh", "prompt_en", "choices_zh", "choices_en", "answer", "why_zh", "why_en")
_ANSWER = ("value", "parameter", "key", "scenario", "per_year", "case", "readings", "total", "line")


def read_parameter(spec: Mapping[str, Any]) -> tuple[float, Trace]:
    """The figure an answer names (`parameter`, `key`, `scenario`, `per_year`) and the trace of it."""
    params = load_parameters().view(spec.get("scenario", "raised"))
    with params.trace() as used:
        pid, key = spec["parameter"], spec.get("key")
        value = params.per_year(pid, key) if spec.get("per_year") else params.value(pid, key)
    return value, used


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    prompt: dict[str, str]
    why: dict[str, str]
    answer: dict[str, Any]
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _number(x: Any) -> float | None:
    """A trainee's numeric answer: 70, '70', '70%', '11,520 元' -> float; anything else None."""
    if isinstance(x, bool):
        return None
    text = str(x).replace(",", "").replace("，", "").strip().rstrip("%％元分人个 ")
    try:
        return float(text)
    except ValueError:
        return None


@dataclass
class SelfCheck:
    """The questions of one chapter, in one language."""

    questions: list[Question]
    lang: str = "zh"
    file: str = ""

    def prompts(self, numbers: Iterable[int] | None = None) -> str:
        """The numbered questions with their choices, to print above the answer cell; only those
        `numbers` (from 1) when given, so a long self-check can be shown over two slides."""
        wanted = None if numbers is None else set(numbers)
        out = []
        for n, q in enumerate(self.questions, start=1):
            if wanted is not None and n not in wanted:
                continue
            out.append(f"{n}. {q.prompt[self.lang]}")
            out += [f"   {c}" for c in q.choices.get(self.lang, ())]
        return "\n".join(out)

    def solve(self, number: int) -> tuple[Any, str]:
        """(the right answer, the evidence for it) of question `number` (from 1), worked out now."""
        q = self.questions[number - 1]
        spec, lang = q.answer, self.lang
        sep = "；" if lang == "zh" else "; "
        where = {"file": self.file, "record": q.id}
        if "value" in spec:
            return spec["value"], ""
        if "parameter" in spec:
            value, used = read_parameter(spec)
            return value, sep.join(figure_text(f, lang) for f in used.figures)
        if "case" in spec:
            expl = explain(spec["case"], spec.get("scenario", "raised"), spec.get("readings"), lang)
            if "line" in spec:
                line = next((ln for ln in expl.lines if ln.id == spec["line"]), None)
                if line is None:
                    raise KitError("check.bad_answer", field="answer.line", got=spec["line"], **where)
                low, high = line.low, line.high
            else:
                total = expl.totals[spec.get("total", "annual")]
                low, high = total["min"], total["max"]
            if low != high:
                raise KitError("check.range_answer", field="answer", **where)
            lines = [f"{named(ln.name, ln.id, lang)} {money(ln.low, ln.high, ln.kind, lang, ln.points)}"
                     for ln in expl.received]  # fmt: skip
            return low, t("check.case_evidence", lang, head=expl.heading(), lines=sep.join(lines) or "—")
        raise KitError("check.bad_answer", field="answer", got=spec, **where)

    def check(self, answers: Mapping[int, Any]) -> str:
        """One line per question (right, wrong with the answer, or not answered yet) and the score."""
        out, score = [], 0
        for n, q in enumerate(self.questions, start=1):
            given = answers.get(n)
            if given is None:
                out.append(t("check.unanswered", self.lang, n=n))
                continue
            right, evidence = self.solve(n)
            if q.kind == "number":
                got = _number(given)
                ok = got is not None and abs(got - float(right)) < 1e-9
                shown = format_number(float(right))
            else:
                ok = str(given).strip().upper() == str(right).upper()
                shown = str(right)
            score += ok
            text = t("check.right" if ok else "check.wrong", self.lang, n=n, answer=shown, why=q.why[self.lang])
            out.append(text + (t("check.evidence", self.lang, evidence=evidence) if evidence else ""))
        out.append(t("check.score", self.lang, score=score, total=len(self.questions)))
        return "\n".join(out)


def _question(raw: Any, where: dict[str, Any]) -> Question:
    if not isinstance(raw, dict):
        raise KitError("check.not_mapping", **where)
    where = where | {"record": raw.get("id", where.get("record"))}
    for name in raw:
        if name not in _FIELDS:
            raise KitError("check.unknown_field", field=str(name), allowed=", ".join(_FIELDS), **where)
    for name in ("id", "kind", "prompt_zh", "prompt_en", "answer", "why_zh", "why_en"):
        if name not in raw:
            raise KitError("check.missing", field=name, **where)
    if raw["kind"] not in KINDS:
        raise KitError("check.bad_kind", field="kind", got=raw["kind"], allowed=", ".join(KINDS), **where)
    answer = raw["answer"]
    if not isinstance(answer, dict) or not answer or any(k not in _ANSWER for k in answer):
        raise KitError("check.bad_answer", field="answer", got=answer, **where)
    choices = {lang: tuple(raw.get(f"choices_{lang}") or ()) for lang in ("zh", "en")}
    if raw["kind"] == "choice":
        letters = [c.split(".", 1)[0].strip().upper() for c in choices["zh"]]
        if str(answer.get("value", "")).upper() not in letters or len(choices["en"]) != len(choices["zh"]):
            raise KitError("check.bad_choice", field="answer", got=answer.get("value"), **where)
    prompt = {lang: raw[f"prompt_{lang}"] for lang in ("zh", "en")}
    why = {lang: raw[f"why_{lang}"] for lang in ("zh", "en")}
    return Question(str(raw["id"]), raw["kind"], prompt, why, answer, choices)


def load_selfcheck(name: str, lang: str = "zh", folder: Path | None = None) -> SelfCheck:
    """The questions of `data/selfcheck/<name>.yaml` (e.g. '01_background'), checked."""
    path = (folder or data_dir() / "selfcheck") / f"{name}.yaml"
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KitError("check.unreadable", file=path.name, detail=str(exc).splitlines()[0]) from exc
    if not isinstance(raw, list) or not raw:
        raise KitError("check.not_list", file=path.name)
    questions = [_question(q, {"file": path.name, "record": i}) for i, q in enumerate(raw, start=1)]
    return SelfCheck(questions, lang, path.name)
