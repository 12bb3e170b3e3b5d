"""`jihua-kit class report|list|purge` (issue 13): the workbook and the JSON equal the answers given,
the hardest questions first; sessions listed; deleting asks first."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from jihua_kit.classes.server import open_or_create
from jihua_kit.classes.store import ClassStore
from jihua_kit.cli.main import main as cli_main
from jihua_kit.core.errors import KitError

from .class_fixtures import new_session, right_answer, wrong_answer

# Three trainees, five questions answered in class. By seat: which question numbers they get right,
# which wrong (the rest unanswered). Worked out here, independently of the report code.
PLAN = {
    3: {"right": [1, 2, 3, 4], "wrong": [5]},
    5: {"right": [1, 2], "wrong": [3, 4]},
    11: {"right": [1], "wrong": [2, 3, 4, 5]},
}
NAMES = {3: "张三", 5: "李四", 11: "王五"}


@pytest.fixture
def session(tmp_path, monkeypatch):
    monkeypatch.setenv("JIHUA_CLASS_DIR", str(tmp_path / "classes"))
    path = tmp_path / "classes" / "一班.sqlite"
    with new_session(path, "一班") as s:
        for seat, name in NAMES.items():
            s.join(seat, name)
        for n in range(1, 6):
            s.open_question(n)
            key = s.key(n)
            for seat, plan in PLAN.items():
                if n in plan["right"] or n in plan["wrong"]:
                    s.submit(seat, n, wrong_answer(key))  # everyone changes their mind once
                    s.submit(seat, n, right_answer(key) if n in plan["right"] else wrong_answer(key))
            s.reveal(n)
    return path


def _run(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli_main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def _expected_questions(total: int) -> list[dict]:
    out = []
    for n in range(1, total + 1):
        answered = [s for s, p in PLAN.items() if n in p["right"] + p["wrong"]]
        right = [s for s, p in PLAN.items() if n in p["right"]]
        out.append((n, len(answered), len(right), round(len(right) / len(answered), 4) if answered else None))
    return out


def test_json_has_exactly_the_contract_keys_and_equals_the_answers(session, capsys):
    code, out, _ = _run(capsys, "class", "report", "--session", "一班", "--json")
    assert code == 0
    data = json.loads(out)
    assert list(data) == ["session", "questions", "trainees"] and data["session"] == "一班"
    total = len(data["questions"])
    assert total >= 15
    with ClassStore.open(session) as s:
        ids = [s.key(n).qid for n in range(1, total + 1)]
    for row, (n, answered, right, rate) in zip(data["questions"], _expected_questions(total), strict=True):
        assert list(row) == ["id", "answered", "correct", "correct_rate"]
        assert row == {"id": ids[n - 1], "answered": answered, "correct": right, "correct_rate": rate}
    assert data["trainees"] == [
        {"seat": seat, "name": NAMES[seat], "answered": len(p["right"]) + len(p["wrong"]), "correct": len(p["right"]),
         "score": round(100 * len(p["right"]) / total, 1)}
        for seat, p in sorted(PLAN.items())
    ]  # fmt: skip


def test_workbook_is_trainees_by_questions_with_the_hardest_first(session, capsys, tmp_path):
    out = tmp_path / "成绩.xlsx"
    code, text, _ = _run(capsys, "class", "report", "--session", "一班", "--out", str(out))
    assert code == 0 and "成绩工作簿" in text and out.is_file()
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == ["汇总", "成绩", "各题正确率", "作答明细"]
    scores = [list(r) for r in book["成绩"].iter_rows(values_only=True)]
    head = scores[0]
    assert head[:5] == ["座号", "姓名", "已答题数", "答对题数", "得分（百分制）"] and head[5] == "第1题"
    total = len(head) - 5
    for row in scores[1:]:
        seat = row[0]
        plan = PLAN[seat]
        assert row[1] == NAMES[seat] and row[2] == len(plan["right"]) + len(plan["wrong"])
        assert row[3] == len(plan["right"]) and row[4] == pytest.approx(round(100 * len(plan["right"]) / total, 1))
        marks = {n: row[4 + n] for n in range(1, total + 1)}
        assert {n for n, m in marks.items() if m == 1} == set(plan["right"])
        assert {n for n, m in marks.items() if m == 0} == set(plan["wrong"])
        assert all(m is None for n, m in marks.items() if n > 5)
    assert [r[0] for r in scores[1:]] == sorted(PLAN)
    questions = [list(r) for r in book["各题正确率"].iter_rows(values_only=True)]
    rates = [r[8] for r in questions[1:]]
    answered = [r for r in rates if r is not None]
    assert answered == sorted(answered) and rates[len(answered) :] == [None] * (len(rates) - len(answered))
    assert questions[1][1] == 5 and rates[0] == 0  # question 5: nobody right, the hardest
    assert questions[-1][0] == len(questions) - 1  # ranks 1..n
    details = [list(r) for r in book["作答明细"].iter_rows(values_only=True)]
    assert len(details) - 1 == sum(len(p["right"]) + len(p["wrong"]) for p in PLAN.values())
    assert {r[7] for r in details[1:]} == {"对", "错"}
    summary = {r[0]: r[1] for r in book["汇总"].iter_rows(min_row=3, values_only=True)}
    assert summary["学员人数"] == 3 and summary["提交次数（含修改）"] == 2 * (len(details) - 1)


def test_text_report_and_english(session, capsys):
    code, out, _ = _run(capsys, "class", "report", "--session", "一班")
    assert code == 0 and "课堂测验成绩：一班" in out and "王五" in out
    code, out, _ = _run(capsys, "class", "report", "--session", "一班", "--lang", "en")
    assert code == 0 and "Class quiz results" in out


def test_report_of_a_missing_or_damaged_session_is_an_error_not_an_empty_report(session, capsys, tmp_path):
    code, _, err = _run(capsys, "class", "report", "--session", "二班", "--json")
    assert code == 2 and "找不到这次测验的数据文件" in err
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"garbage" * 100)
    code, _, err = _run(capsys, "class", "report", "--session", "一班", "--db", str(bad))
    assert code == 2 and "已损坏" in err


def test_list_shows_each_session(session, capsys):
    code, out, _ = _run(capsys, "class", "list")
    assert code == 0 and "一班" in out and "进行中" in out
    code, out, _ = _run(capsys, "class", "list", "--json")
    (row,) = json.loads(out)["sessions"]
    assert row["session"] == "一班" and row["trainees"] == 3 and row["revealed"] == 5


def test_purge_asks_first_and_yes_skips_the_question(session, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    code, out, _ = _run(capsys, "class", "purge", "--session", "一班")
    assert code == 1 and "确定删除吗" in out and "没有删除任何文件" in out and session.exists()
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    code, out, _ = _run(capsys, "class", "purge", "--session", "一班")
    assert code == 0 and "已删除测验 一班" in out and not session.exists()
    assert not session.with_name("一班.sqlite-wal").exists()
    code, _, err = _run(capsys, "class", "purge", "--session", "一班", "--yes")
    assert code == 1 and "没有找到测验 一班 的数据文件" in err


def test_purge_yes_deletes_without_asking(session, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # nothing to read: it must not ask
    code, out, _ = _run(capsys, "class", "purge", "--session", "一班", "--yes")
    assert code == 0 and not session.exists() and "确定删除吗" not in out


def test_serve_resumes_an_existing_session_and_never_replaces_a_damaged_one(session, tmp_path):
    store, created = open_or_create("一班")
    with store:
        assert not created and len(store.trainees()) == 3
    bad = tmp_path / "坏.sqlite"
    bad.write_bytes(b"garbage" * 100)
    with pytest.raises(KitError) as err:
        open_or_create("坏", bad)
    assert err.value.key == "class.db_corrupt" and bad.read_bytes() == b"garbage" * 100
    store, created = open_or_create("新班")
    with store:
        assert created and store.session().name == "新班" and store.path.parent == session.parent
