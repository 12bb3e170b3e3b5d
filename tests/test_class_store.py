"""The class session file (issue 13): a real SQLite file, several writing processes, a killed writer,
the schema's version, and every file fault giving its Chinese message instead of a new, empty session."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys

import pytest

from jihua_kit.classes.store import (
    MAX_NAME,
    SCHEMA_VERSION,
    ClassStore,
    check_name,
    check_seat,
    check_session_name,
    default_db,
    session_files,
)
from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import t

from .class_fixtures import new_session, quiz_keys, right_answer, run_python, wrong_answer


@pytest.fixture
def db(tmp_path):
    return tmp_path / "班.sqlite"


@pytest.fixture
def store(db):
    with new_session(db) as s:
        yield s


def _key_of(call) -> str:
    with pytest.raises(KitError) as err:
        call()
    return err.value.key


# --- the file the kit makes ---------------------------------------------------------------------------


def test_a_new_session_file_is_versioned_in_wal_mode_and_keeps_its_answer_key(store, db):
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")} >= {
        "session", "questions", "trainees", "answers", "history"}  # fmt: skip
    raw.close()
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert [p.name for p in db.parent.iterdir() if p.name.startswith(".")] == []  # no half-made file left
    keys = store.keys()
    assert len(keys) == len(quiz_keys()) >= 15 and all(k.state == "pending" for k in keys.values())
    q2 = next(k for k in keys.values() if k.qid == "q01-villages")
    assert q2.right == "497.0" and q2.answer_text == "497" and q2.evidence  # the library's answer, kept
    assert store.session().name == "测试班" and not store.session().ended


def test_creating_over_an_existing_session_is_refused(store, db):
    assert _key_of(lambda: new_session(db)) == "class.db_exists"


def test_session_names_are_safe_file_names(monkeypatch, tmp_path):
    assert check_session_name(" 新房乡-2013.07_第2期 ") == "新房乡-2013.07_第2期"
    for bad in ("", "../x", "a/b", ".hidden", "-x", "x" * 41, "a b"):
        assert _key_of(lambda bad=bad: check_session_name(bad)) == "class.bad_session_name", bad
    monkeypatch.setenv("JIHUA_CLASS_DIR", str(tmp_path))
    assert default_db("甲班") == tmp_path / "甲班.sqlite"


# --- faults: a clear message, never a new empty session -------------------------------------------------


def test_a_missing_file_is_an_error_and_nothing_is_created(db):
    with pytest.raises(KitError) as err:
        ClassStore.open(db)
    assert err.value.key == "class.db_missing" and "找不到这次测验的数据文件" in err.value.message("zh")
    assert not db.exists() and session_files(db) == []


def test_a_garbage_file_is_corrupt_and_left_as_it_was(db):
    db.write_bytes(b"this is not a database, just bytes " * 200)
    before = db.read_bytes()
    with pytest.raises(KitError) as err:
        ClassStore.open(db)
    assert err.value.key == "class.db_corrupt" and "已损坏" in err.value.message("zh")
    assert db.read_bytes() == before  # not overwritten, not replaced


def test_a_damaged_file_is_found_by_the_integrity_check(store, db):
    store.join(1, "张三")
    store.open_question(1)
    for seat in range(2, 60):
        store.join(seat, f"学员{seat}")
        store.submit(seat, 1, "B")
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    data = bytearray(db.read_bytes())
    page = 4096
    data[page * 2 : page * 4] = b"\xff" * (page * 2)  # scribble over two pages of tables
    db.write_bytes(bytes(data))
    with pytest.raises(KitError) as err:
        ClassStore.open(db, check=True)
    assert err.value.key == "class.db_corrupt"


def test_a_newer_schema_version_is_named(store, db):
    store.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    store.close()
    with pytest.raises(KitError) as err:
        ClassStore.open(db)
    assert err.value.key == "class.db_newer"
    assert f"数据格式第 {SCHEMA_VERSION + 1} 版" in err.value.message("zh") and "升级" in err.value.message("zh")


def test_another_sqlite_file_is_not_taken_for_a_session(db):
    other = sqlite3.connect(db)
    other.execute("CREATE TABLE t (x)")
    other.commit()
    other.close()
    assert _key_of(lambda: ClassStore.open(db)) == "class.db_not_session"


def test_a_file_of_another_session_is_refused_by_name(store, db):
    store.close()
    with pytest.raises(KitError) as err:
        ClassStore.open(db, "乙班")
    assert err.value.key == "class.db_other_session" and "测试班" in err.value.message("zh")


def test_a_read_only_file_is_named_before_anything_is_lost(store, db):
    store.close()
    os.chmod(db, 0o444)
    try:
        code = (
            "import json, sys; from pathlib import Path\n"
            "from jihua_kit.classes.store import ClassStore\nfrom jihua_kit.core.errors import KitError\n"
            "try:\n    ClassStore.open(Path(sys.argv[1]))\n    print(json.dumps('opened'))\n"
            "except KitError as err:\n    print(json.dumps([err.key, err.message('zh')], ensure_ascii=False))\n"
        )
        run = run_python(code, str(db), powerless=True)
        assert run.returncode == 0, run.stderr
        key, message = json.loads(run.stdout)
        assert key == "class.db_readonly" and "只读" in message and "答案无法保存" in message
    finally:
        os.chmod(db, 0o644)


def test_a_file_deleted_or_swapped_mid_session_is_not_written_to_in_secret(store, db, tmp_path):
    store.join(1, "张三")
    store.open_question(1)
    for f in session_files(db):  # moved away with its WAL files, as a file manager would
        f.rename(tmp_path / f.name.replace(db.stem, "moved"))
    assert _key_of(lambda: store.submit(1, 1, "B")) == "class.db_missing"
    new_session(db, "测试班").close()  # someone made a new file under the same name
    assert _key_of(lambda: store.submit(1, 1, "B")) == "class.db_replaced"
    with ClassStore.open(db) as fresh:
        assert fresh.answers() == []


# --- joining -------------------------------------------------------------------------------------------


def test_seat_and_name_checks():
    assert check_seat(" 12 ") == 12 and check_seat("１２") == 12  # full-width digits from a phone
    assert check_name("  张  三 ") == "张 三"
    for seat, key in (("", "class.seat_missing"), (None, "class.seat_missing"), ("0", "class.bad_seat"),
                      ("1000", "class.bad_seat"), ("十二", "class.bad_seat"), ("3.5", "class.bad_seat"),
                      (True, "class.bad_seat")):  # fmt: skip
        assert _key_of(lambda seat=seat: check_seat(seat)) == key, seat
    assert _key_of(lambda: check_name("   ")) == "class.name_missing"
    assert _key_of(lambda: check_name("张" * (MAX_NAME + 1))) == "class.name_too_long"
    assert _key_of(lambda: check_name("张\u202e三")) == "class.bad_name"
    assert check_name("张" * MAX_NAME) == "张" * MAX_NAME


def test_a_taken_seat_asks_for_another_and_the_same_name_comes_back(store):
    first = store.join(7, "张三")
    assert not first.rejoined
    with pytest.raises(KitError) as err:
        store.join(7, "李四")
    assert err.value.key == "class.seat_taken" and "请换一个座号" in t(err.value.key, **err.value.info)
    store.open_question(1)
    store.submit(7, 1, "a")
    back = store.join("7", " 张三 ")
    assert back.rejoined and back.answers[1].value == "A"
    assert [r[:2] for r in store.trainees()] == [(7, "张三")]


# --- answering -----------------------------------------------------------------------------------------


def test_an_answer_changes_until_closed_and_every_submission_is_kept(store):
    keys = store.keys()
    n = next(k.number for k in keys.values() if k.kind == "choice")
    store.join(1, "张三")
    assert _key_of(lambda: store.submit(1, n, "A")) == "class.question_pending"
    store.open_question(n)
    first = store.submit(1, n, wrong_answer(keys[n]))
    assert not first.correct and first.changes == 0
    second = store.submit(1, n, right_answer(keys[n]).lower())
    assert second.correct and second.changes == 1
    store.close_question(n)
    assert _key_of(lambda: store.submit(1, n, "A")) == "class.question_closed"
    store.reveal(n)
    assert _key_of(lambda: store.submit(1, n, "A")) == "class.question_revealed"
    assert store.open_question(n) == 0  # a revealed question is not opened again
    assert [a.value for a in store.answers(1)] == [right_answer(keys[n])] and store.history_count() == 2


def test_bad_answers_are_refused_with_the_quiz_message_and_nothing_written(store):
    keys = store.keys()
    num = next(k.number for k in keys.values() if k.kind == "number")
    store.join(1, "张三")
    store.open_question(num)
    with pytest.raises(KitError) as err:
        store.submit(1, num, "五百")
    assert err.value.key == "quiz.not_number" and "要填一个数字" in t(err.value.key, **err.value.info)
    for given in ("", "   ", None):
        assert _key_of(lambda given=given: store.submit(1, num, given)) == "class.answer_missing"
    assert _key_of(lambda: store.submit(1, num, "inf")) == "quiz.not_number"
    assert _key_of(lambda: store.submit(1, 999, "1")) == "class.unknown_question"
    assert _key_of(lambda: store.submit(1, "2", "1")) == "class.unknown_question"
    assert _key_of(lambda: store.submit(42, num, "1")) == "class.not_joined"
    assert store.answers() == [] and store.history_count() == 0
    ok = store.submit(1, num, "1,200 元")
    assert ok.value == "1200.0"


def test_an_ended_session_takes_no_one_and_no_answer(store):
    store.join(1, "张三")
    store.open_question(1)
    store.end()
    assert store.session().ended and store.key(1).state == "closed"
    assert _key_of(lambda: store.join(2, "李四")) == "class.ended"
    assert _key_of(lambda: store.join(1, "张三")) == "class.ended"
    assert _key_of(lambda: store.submit(1, 1, "B")) == "class.ended"
    assert _key_of(lambda: store.open_question(2)) == "class.ended"


def test_self_paced_opens_every_question(store):
    assert store.open_all() == len(store.keys())
    assert store.session().mode == "self" and store.session().current == 1
    store.join(1, "张三")
    for k in store.keys().values():
        store.submit(1, k.number, right_answer(k))
    assert store.close_all() == len(store.keys())
    assert store.reveal_all() == len(store.keys())
    assert all(a.correct for a in store.answers(1))


# --- several processes, a killed writer ----------------------------------------------------------------

PROCESSES, SEATS_EACH = 5, 4


def _writer(path: str, first_seat: int, start, rounds: int) -> None:
    """One kernel's worth of writing: join seats, then answer every open question, twice over."""
    with ClassStore.open(path) as s:
        keys = s.keys()
        start.wait()
        for seat in range(first_seat, first_seat + SEATS_EACH):
            s.join(seat, f"学员{seat}")
        for r in range(rounds):
            for seat in range(first_seat, first_seat + SEATS_EACH):
                for k in keys.values():
                    s.submit(seat, k.number, (right_answer if (seat + k.number + r) % 3 else wrong_answer)(k))


def test_several_processes_write_at_once_and_nothing_is_lost(store, db):
    store.open_all()
    n = len(store.keys())
    ctx = multiprocessing.get_context("fork")
    start = ctx.Barrier(PROCESSES)
    procs = [ctx.Process(target=_writer, args=(str(db), 1 + i * SEATS_EACH, start, 2)) for i in range(PROCESSES)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=300)
    assert [p.exitcode for p in procs] == [0] * PROCESSES
    seats = PROCESSES * SEATS_EACH
    assert len(store.trainees()) == seats
    answers = store.answers()
    assert len(answers) == seats * n  # one answer per trainee and question
    assert store.history_count() == seats * n * 2  # every submission of both rounds
    for a in answers:  # the last round's answer is the one kept
        k = store.key(a.number)
        expected = (right_answer if (a.seat + a.number + 1) % 3 else wrong_answer)(k)
        assert a.value == (expected if k.kind == "choice" else repr(float(expected))), (a.seat, a.number)
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


_KILLED_WRITER = """
import sys
from jihua_kit.classes.store import ClassStore
s = ClassStore.open(sys.argv[1])
keys = s.keys()
s.join(1, "张三")
for k in keys.values():
    s.submit(1, k.number, k.right if k.kind == "choice" else k.right)
    print(k.number, flush=True)  # acknowledged: the transaction has committed
    sys.stdin.readline()  # wait for the test before the next answer
"""


def test_a_writer_killed_mid_session_loses_no_acknowledged_answer_and_the_trainee_carries_on(store, db):
    store.open_all()
    store.close()
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(db)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)  # fmt: skip
    acknowledged = []
    try:
        for _ in range(7):
            acknowledged.append(int(proc.stdout.readline()))
            proc.stdin.write("\n")
            proc.stdin.flush()
        acknowledged.append(int(proc.stdout.readline()))
    finally:
        proc.send_signal(signal.SIGKILL)  # no clean shutdown: the server process is gone
        proc.wait()
    assert acknowledged == list(range(1, 9))
    with ClassStore.open(db, "测试班", check=True) as again:  # restarted: the same file, checked
        back = again.join(1, "张三")
        assert sorted(back.answers) == acknowledged
        assert all(a.correct for a in back.answers.values())
        again.submit(1, 9, again.key(9).right)  # and carries on where it was
        assert len(again.answers(1)) == 9
