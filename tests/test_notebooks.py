"""The stored course: every chapter present, executed, clean and deterministic (nbval re-runs them)."""

from __future__ import annotations

import json
import re

import pytest

from .conftest import REPO

CHAPTERS = ["00", "01", "02", "03", "04", "05", "06", "07"]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
NOISE = [
    (re.compile(r"Traceback \(most recent call last\)"), "a traceback"),
    (re.compile(r"\w*Warning\b"), "a warning"),
    (re.compile(r"Glyph \d+|missing from (current )?font"), "a missing-glyph message"),
    (re.compile(r"\b20\d\d-\d\d-\d\d[ T]\d\d:\d\d:\d\d"), "a timestamp"),
    (re.compile(r"<[\w.]+ (object )?at 0x[0-9a-f]+>"), "a memory address"),
]


def _text(output: dict) -> str:
    parts = [output.get("text", "")]
    parts += [v for k, v in output.get("data", {}).items() if k.startswith("text/")]
    return "".join("".join(p) if isinstance(p, list) else p for p in parts)


def test_every_chapter_is_there_once():
    prefixes = [p.name[:2] for p in NOTEBOOKS]
    assert prefixes == CHAPTERS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_executed_with_clean_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["jihua_kit"]["chapter"] == path.name[:2]
    assert "widgets" not in nb["metadata"], "store without widget state (ids change on every run)"
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    assert code, "a chapter computes something"
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), "executed top to bottom in one fresh kernel"
    for i, cell in enumerate(code):
        assert cell["outputs"], f"code cell {i} has no stored output"
        for out in cell["outputs"]:
            assert out["output_type"] != "error", f"code cell {i} stored an error"
            assert out.get("name") != "stderr", f"code cell {i} wrote to stderr: {_text(out)[:200]}"
            text = _text(out)
            for pattern, what in NOISE:
                assert not pattern.search(text), f"code cell {i} stores {what}: {pattern.search(text).group(0)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_charts_are_stored_as_images(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    sources = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    images = sum("image/png" in o.get("data", {}) for c in nb["cells"] for o in c.get("outputs", []))
    if re.search(r"chart|diagram|plt\.", sources):
        assert images >= 1, "a chapter that draws charts stores them as PNG"


def test_quiz_chapter_stores_no_answer_before_one_is_given():
    """Chapter 07 asks; it reveals an answer only once one is given (the widget, `quiz.report`),
    so no stored output holds an answer, a reason or the library's working for one (issue 13)."""
    from jihua_kit.core.i18n import t
    from jihua_kit.course.quiz import load_quiz

    quiz = load_quiz()
    nb = json.loads((REPO / "notebooks" / "07_quiz.ipynb").read_text(encoding="utf-8"))
    stored = "\n".join(_text(o) for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"])
    assert "第1题 / 共20题" in stored  # the questions are there
    marks = [q.why["zh"] for q in quiz.questions] + ["题答案", "√ 正确", "× 不对", "答案是", "依据（库的计算）"]
    marks += [e for n in range(1, len(quiz) + 1) for e in quiz.solution(n).evidence if len(e) > 12]
    assert [m for m in marks if m in stored] == []
    assert t("quiz.report_empty").split("：")[0] in stored  # the cell for answers starts empty
    sources = "".join("".join(c["source"]) for c in nb["cells"])
    assert "show_answer" not in sources and nb["metadata"]["jihua_kit"]["answer_key"] == "quiz"
