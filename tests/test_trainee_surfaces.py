"""Every surface a trainee reads, rendered and read as Chinese (issue 16): the stored chapters
(markdown and outputs), the app's HTML as its form functions produce it, the command line's text
and help in Chinese, and the slide decks. Each fails on an ASCII rule, reading or option key
outside the small code label, on 库 (工具 / 程序 is meant), on an ASCII ';' or ':' between
Chinese text, and on a case's file name used as a heading (see tests/trainee_text.py)."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest

from jihua_kit.tables.cases import example_cases

from .conftest import REPO
from .trainee_text import html_faults, markdown_faults, text_faults

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
AUDITS = sorted((REPO / "data" / "audits").glob("*.*"))
CASE_NAMES = [p.stem for p in example_cases()]


def _case_id_faults(text: str) -> list[str]:
    return [f"case file name: {name}" for name in CASE_NAMES if name in text]


def _check(faults: list[str], where: str) -> None:
    assert not faults, f"{where} ({len(faults)}):\n  " + "\n  ".join(faults[:40])


# --- the stored chapters ----------------------------------------------------------------------------


def _output_faults(output: dict) -> list[str]:
    data = output.get("data", {})
    if "text" in output:
        text = "".join(output["text"])
        return text_faults(text) + _case_id_faults(text)
    if "text/html" in data:
        text = "".join(data["text/html"])
        return html_faults(text) + _case_id_faults(text)
    if "text/plain" in data and not any(k.startswith("image/") for k in data):
        return text_faults("".join(data["text/plain"]))
    return []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_reads_as_chinese(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    faults = [f"goal: {f}" for g in nb["metadata"]["jihua_kit"]["goals"] for f in text_faults(g)]
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown":
            faults += [f"cell {i} (markdown): {f}" for f in markdown_faults("".join(cell["source"]))]
        for out in cell.get("outputs", []):
            faults += [f"cell {i} (output): {f}" for f in _output_faults(out)]
    _check(faults, path.name)


# --- the app, as its form functions produce it -------------------------------------------------------


@pytest.mark.parametrize("case", CASE_NAMES)
def test_app_household_result_reads_as_chinese(case: str) -> None:
    from jihua_kit.course.household_form import compare_html, household_result_html, values_from_case

    values = values_from_case(case)
    html = household_result_html(values) + compare_html(values)
    _check(html_faults(html) + _case_id_faults(html), case)


def test_app_household_error_and_readings_read_as_chinese() -> None:
    from jihua_kit.course.household_form import household_result_html, reading_fields, values_from_case

    values = values_from_case(CASE_NAMES[0]) | {"mother.age": -3}
    _check(html_faults(household_result_html(values)), "error")
    labels = [f.text("zh") for f in reading_fields()] + [c[0] for f in reading_fields() for c in f.choices]
    _check([f for label in labels for f in text_faults(label)], "reading choices")


def _audit_units() -> list[str]:
    from jihua_kit.course.audit_form import audit_examples

    return [ref for _, ref in audit_examples()]


@pytest.mark.parametrize("ref", _audit_units())
def test_app_audit_result_reads_as_chinese(ref: str) -> None:
    from jihua_kit.course.audit_form import audit_result_html, reading_fields, values_from_audit

    html = audit_result_html(values_from_audit(ref))
    html += audit_result_html(values_from_audit(ref), readings={"RA-WRONG-SEX-INSTEAD": "on_top"})
    labels = [f.text("zh") for f in reading_fields()]
    _check(html_faults(html) + [f for label in labels for f in text_faults(label)], ref)


def test_course_calculators_read_as_chinese() -> None:
    from jihua_kit.course.audit_form import calendar_html, target_values, targets_result_html

    html = targets_result_html(target_values()) + calendar_html("2013Q3", reward_from="2013-07-05")
    _check(html_faults(html), "targets and calendar")


# --- the command line, in Chinese --------------------------------------------------------------------


def _cli(*argv: str) -> str:
    from jihua_kit.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(argv))
        except SystemExit:  # -h
            pass
    return out.getvalue() + err.getvalue()


COMMANDS = ["calendar", "explain", "params", "score", "simulate", "slides", "targets", "template"]


@pytest.mark.parametrize("argv", [["-h"]] + [[c, "-h"] for c in COMMANDS], ids=lambda a: " ".join(a))
def test_cli_help_is_chinese(argv: list[str]) -> None:
    text = _cli(*argv)
    assert text.startswith("用法：") and "选项：" in text and "显示本帮助并退出" in text
    assert "usage:" not in text and "options:" not in text and "show this help" not in text
    _check(text_faults(text), " ".join(argv))


def test_cli_help_is_english_with_lang_en() -> None:
    text = _cli("explain", "-h", "--lang", "en")
    assert text.startswith("usage:") and "show this help message and exit" in text and "用法" not in text
    assert "explain what one household receives" in text  # the command's own help, in English too


def test_cli_argument_errors_are_chinese() -> None:
    text = _cli("explain", "--scenario", "x", CASE_NAMES[0])
    assert "错误" in text and "无效的选项" in text and "invalid choice" not in text


def test_params_fits_80_columns() -> None:
    from jihua_kit.core.textfmt import width

    for text in (_cli("params"), _cli("params", "E-PENSION"), _cli("params", "D-MISSED-BIRTH")):
        assert max(width(line) for line in text.splitlines()) <= 80, max(text.splitlines(), key=width)


def test_cli_text_output_reads_as_chinese(tmp_path: Path) -> None:
    from jihua_kit.params.store import load_parameters

    outputs = {"params": _cli("params")}
    for pid in load_parameters().parameters:
        outputs[f"params {pid}"] = _cli("params", pid)
    for case in CASE_NAMES:
        outputs[f"explain {case}"] = _cli("explain", case)
        outputs[f"explain {case} --compare"] = _cli("explain", case, "--compare")
    for audit in AUDITS:
        outputs[f"score {audit.name}"] = _cli("score", str(audit))
    outputs["targets"] = _cli("targets", str(REPO / "data" / "targets" / "county-2013-sample.yaml"))
    outputs["calendar"] = _cli("calendar", "2013Q3", "--from", "2013-07-05")
    outputs["template"] = _cli("template", "audit", str(tmp_path / "a.xlsx"), "--period", "2013Q2")
    outputs["template, no period"] = _cli("template", "audit", str(tmp_path / "b.xlsx"))
    outputs["simulate"] = _cli("simulate", "--households", "3000", "--sensitivity", "2000", "--years", "2013-2014",
                               "--out", str(tmp_path / "sim"))  # fmt: skip
    faults = []
    for what, text in outputs.items():
        faults += [f"{what}: {f}" for f in text_faults(text) + _case_id_faults(text)]
    _check(faults, "jihua-kit")
    assert re.search(r"\[\d+秒\] 开始测算", outputs["simulate"])  # it says what it is doing


# --- the slide decks ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_slide_decks_read_as_chinese(tmp_path: Path) -> None:
    from .test_slides import need_reveal

    need_reveal()
    from jihua_kit.decks.build import build_decks

    faults = []
    for deck in build_decks(None, tmp_path / "decks"):
        body = deck.read_text(encoding="utf-8")
        body = re.sub(r"<(script|style)\b.*?</\1>", "", body, flags=re.S | re.I)
        body = re.sub(r"<code\b.*?</code>", "", body, flags=re.S | re.I)  # code as code (markdown `spans`)
        body = re.sub(r'<div class="highlight[^"]*">.*?</div>', "", body, flags=re.S | re.I)  # and ``` fences
        faults += [f"{deck.name}: {f}" for f in html_faults(body) + _case_id_faults(body)]
    _check(faults, "decks")


def test_every_value_reads_as_words() -> None:
    """A value's key is code: each keyed value has a label, and each count a measure word, in the data."""
    from jihua_kit.params.store import load_parameters

    for p in load_parameters().parameters.values():
        for v in p.values:
            if v.key:
                assert v.label("zh") and v.label("en"), (p.id, v.key)
            if v.unit == "count":
                assert v.measure("zh") is not None and v.measure("en") is not None, (p.id, v.key)
