"""A class session's answers in one SQLite file (standard library `sqlite3`): who joined, which
questions are open, and every answer given, kept across restarts.

One file per session: `classes/<NAME>.sqlite` by default ($JIHUA_CLASS_DIR moves the folder), or
any path given. The kit creates the schema and stamps its version (`PRAGMA user_version`); a file
of a newer kit, a file that is not a session, a missing, read-only or corrupt file is a `KitError`
with a Chinese message, and nothing ever creates a new, empty session in its place except
`ClassStore.create` (called by `jihua-kit class serve` for a new session name, and said so).

Several processes write at once (one Jupyter kernel per trainee, the trainer's kernel): the file is
in WAL mode, every connection waits up to `BUSY_TIMEOUT_MS` for a lock, and each answer is one
`BEGIN IMMEDIATE` transaction that checks the question is still open before it writes, with
`synchronous=FULL`, so an answer acknowledged to a trainee survives a killed server (and a power cut).

The session keeps its own answer key (`QuestionKey`: the question, the library's answer and its
explanation, worked out once when the session is created), so a session is judged and reported
from its file alone, the same way on every machine, even if `data/quiz/` changes afterwards.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from jihua_kit.core.checkout import checkout
from jihua_kit.core.errors import KitError
from jihua_kit.core.textfmt import format_number
from jihua_kit.course.quiz import Feedback, Quiz, is_right, parse_answer, prompt_shown

__all__ = [
    "BUSY_TIMEOUT_MS", "MAX_NAME", "MAX_SEAT", "SCHEMA_VERSION", "STATES", "Answer", "ClassStore", "Joined",
    "QuestionKey", "SessionInfo", "answer_key", "check_name", "check_seat", "check_session_name", "class_dir",
    "default_db", "session_files",
]  # fmt: skip

SCHEMA_VERSION = 1  # PRAGMA user_version of a session file this kit writes
APP_ID = 0x4A4B434C  # PRAGMA application_id: 'JKCL', marks a jihua-kit class file
BUSY_TIMEOUT_MS = 15_000  # how long a writer waits for another one's lock before giving up
MAX_SEAT = 999
MAX_NAME = 20  # characters: a Chinese name with room to spare, short enough for the projector's table
MAX_SESSION = 40
STATES = ("pending", "open", "closed", "revealed")
MODES = ("paced", "self")  # the trainer moves through the questions / all open at once
_SESSION_NAME = re.compile(r"\w[\w.-]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")

_SCHEMA = """
CREATE TABLE session (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    lang TEXT NOT NULL CHECK (lang IN ('zh', 'en')),
    mode TEXT NOT NULL DEFAULT 'paced' CHECK (mode IN ('paced', 'self')),
    current INTEGER REFERENCES questions(number),
    created_at TEXT NOT NULL,
    ended_at TEXT
);
CREATE TABLE questions (
    number INTEGER PRIMARY KEY,
    qid TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('number', 'choice')),
    letters TEXT NOT NULL,
    right TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'open', 'closed', 'revealed')),
    key TEXT NOT NULL
);
CREATE TABLE trainees (
    seat INTEGER PRIMARY KEY CHECK (seat BETWEEN 1 AND 999),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 20),
    joined_at TEXT NOT NULL
);
CREATE TABLE answers (
    seat INTEGER NOT NULL REFERENCES trainees(seat),
    number INTEGER NOT NULL REFERENCES questions(number),
    given TEXT NOT NULL,
    value TEXT NOT NULL,
    correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
    changes INTEGER NOT NULL DEFAULT 0,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (seat, number)
);
CREATE TABLE history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    seat INTEGER NOT NULL REFERENCES trainees(seat),
    number INTEGER NOT NULL REFERENCES questions(number),
    given TEXT NOT NULL,
    value TEXT NOT NULL,
    at TEXT NOT NULL
);
"""
_TABLES = {"session", "questions", "trainees", "answers", "history"}


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


# --- names, seats, paths ----------------------------------------------------------------------------


def check_session_name(name: Any) -> str:
    """A session name that is also a safe file name: letters (Chinese too), digits, '-', '_', '.'."""
    text = unicodedata.normalize("NFKC", str(name or "")).strip()
    if not text or len(text) > MAX_SESSION or not _SESSION_NAME.fullmatch(text):
        raise KitError("class.bad_session_name", field="--session", got=str(name), most=MAX_SESSION)
    return text


def class_dir() -> Path:
    """Where sessions are kept: $JIHUA_CLASS_DIR, else `classes/` in the repository (git-ignored)."""
    override = os.environ.get("JIHUA_CLASS_DIR")
    return Path(override) if override else checkout("classes/") / "classes"


def default_db(session: str) -> Path:
    """`classes/<session>.sqlite`."""
    return class_dir() / f"{check_session_name(session)}.sqlite"


def session_files(path: Path) -> list[Path]:
    """The database and the WAL files beside it that exist (what deleting a session removes)."""
    path = Path(path)
    return [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")) if p.exists()]


def check_seat(seat: Any) -> int:
    """A seat number 1..MAX_SEAT (typed as text on a phone: full-width digits are fine)."""
    text = unicodedata.normalize("NFKC", str(seat if seat is not None else "")).strip()
    if not text:
        raise KitError("class.seat_missing", field="seat")
    if isinstance(seat, bool) or not text.isdigit() or not 1 <= int(text) <= MAX_SEAT:
        raise KitError("class.bad_seat", field="seat", got=text, most=MAX_SEAT)
    return int(text)


def check_name(name: Any) -> str:
    """A trainee's name: spaces tidied, 1..MAX_NAME characters, no control characters."""
    text = " ".join(unicodedata.normalize("NFKC", str(name or "")).split())
    if not text:
        raise KitError("class.name_missing", field="name")
    if _CONTROL.search(text):
        raise KitError("class.bad_name", field="name")
    if len(text) > MAX_NAME:
        raise KitError("class.name_too_long", field="name", n=len(text), most=MAX_NAME)
    return text


# --- the answer key -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionKey:
    """One question of a session as its file keeps it: the question, the library's answer (`right`:
    a letter, or the number as text) and explanation, and where the trainer has put it (`state`)."""

    number: int
    qid: str
    chapter: str
    kind: str
    prompt: str
    choices: tuple[str, ...]
    right: str
    answer_text: str
    why: str
    heading: str
    evidence: tuple[str, ...]
    total: int
    lang: str = "zh"
    state: str = "pending"

    @property
    def letters(self) -> str:
        return "ABCDEFGH"[: len(self.choices)]

    def parse(self, given: Any) -> float | str | None:
        """The answer as a number or a letter (None when blank); bad input is the quiz's KitError."""
        return parse_answer(self.kind, self.letters, given, self.number)

    def judge(self, value: float | str) -> bool:
        return is_right(self.kind, value, float(self.right) if self.kind == "number" else self.right)

    def feedback(self, given: Any) -> Feedback:
        """Right or wrong, with the answer and the library's explanation (as the 07 chapter shows it)."""
        value = self.parse(given)
        if value is None:
            return Feedback(self.number, "unanswered", "", "", "", (), self.lang)
        status = "right" if self.judge(value) else "wrong"
        return Feedback(self.number, status, self.answer_text, self.why, self.heading, self.evidence, self.lang)

    def prompt_html(self, kind_label: str, head: str) -> str:
        return prompt_shown(head, kind_label, self.prompt).html

    def value_text(self, value: str) -> str:
        """A stored answer as a trainee reads it: '1,200', or 'B. 选项'."""
        if self.kind == "number":
            return format_number(float(value))
        i = self.letters.find(value)
        return f"{value}. {self.choices[i]}" if i >= 0 else value

    def to_json(self) -> str:
        data = {k: getattr(self, k) for k in ("chapter", "prompt", "choices", "answer_text", "why", "heading",
                                              "evidence", "total", "lang")}  # fmt: skip
        return json.dumps(data, ensure_ascii=False)


def answer_key(quiz: Quiz) -> list[QuestionKey]:
    """Every question of `quiz` with the library's answer and explanation, worked out now."""
    keys = []
    for n, q in enumerate(quiz.questions, start=1):
        sol, right = quiz.solution(n), quiz.right_answer(n)
        keys.append(QuestionKey(
            n, q.id, q.chapter, q.kind, q.prompt[quiz.lang], tuple(c.text(quiz.lang) for c in q.choices),
            repr(float(right)) if q.kind == "number" else str(right), quiz.answer_text(n), q.why[quiz.lang],
            sol.heading, tuple(sol.evidence), len(quiz), quiz.lang,
        ))  # fmt: skip
    return keys


# --- records read back --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionInfo:
    name: str
    lang: str
    mode: str
    current: int | None
    created_at: str
    ended_at: str | None

    @property
    def ended(self) -> bool:
        return self.ended_at is not None


@dataclass(frozen=True)
class Answer:
    seat: int
    number: int
    given: str
    value: str
    correct: bool
    changes: int
    answered_at: str


@dataclass(frozen=True)
class Joined:
    seat: int
    name: str
    rejoined: bool
    answers: dict[int, Answer] = field(default_factory=dict)


# --- the store ----------------------------------------------------------------------------------------


def _kit_error(exc: sqlite3.Error, path: Path) -> KitError:
    """A SQLite failure as the kit's message: read-only, busy, corrupt, or could not be used."""
    text = str(exc).lower()
    if "readonly" in text or "read-only" in text:
        return KitError("class.db_readonly", file=str(path))
    if "locked" in text or "busy" in text:
        return KitError("class.db_busy", file=str(path))
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return KitError("class.db_corrupt", file=str(path), detail=str(exc))
    return KitError("class.db_failed", file=str(path), detail=str(exc))


def _connect(path: Path, mode: str = "rw") -> sqlite3.Connection:
    uri = f"{Path(path).resolve().as_uri()}?mode={mode}"
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                           check_same_thread=False)  # fmt: skip
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")
    return conn


class ClassStore:
    """An open session file. `ClassStore.open(path)` for one that exists (the only way the app and
    the reports get one), `ClassStore.create(path, name, keys)` for a new session."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = Path(path)
        self.conn = conn
        self._keys: dict[int, QuestionKey] | None = None
        self._file = _identity(self.path)

    def _same_file(self) -> None:
        """The file opened is still there: a deleted or swapped file is an error, never written to in
        secret (an open connection would go on writing into a deleted file's ghost)."""
        if not self.path.exists():
            raise KitError("class.db_missing", file=str(self.path))
        if _identity(self.path) != self._file:
            raise KitError("class.db_replaced", file=str(self.path))

    # -- opening ---------------------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, session: str, keys: Sequence[QuestionKey], lang: str = "zh") -> ClassStore:
        """A new session file at `path` (which must not exist), written whole or not at all."""
        path, session = Path(path), check_session_name(session)
        if session_files(path):
            raise KitError("class.db_exists", file=str(path))
        if not keys:
            raise KitError("class.no_questions", file=str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.new")
        for stale in session_files(tmp):
            stale.unlink()
        try:
            conn = _connect(tmp, "rwc")
            try:
                conn.execute("PRAGMA journal_mode = DELETE")
                conn.execute("BEGIN")
                for statement in filter(str.strip, _SCHEMA.split(";")):
                    conn.execute(statement)
                conn.execute("INSERT INTO session (id, name, lang, created_at) VALUES (1, ?, ?, ?)",
                             (session, lang, _now()))  # fmt: skip
                conn.executemany(
                    "INSERT INTO questions (number, qid, kind, letters, right, key) VALUES (?, ?, ?, ?, ?, ?)",
                    [(k.number, k.qid, k.kind, k.letters, k.right, k.to_json()) for k in keys],
                )
                conn.execute(f"PRAGMA application_id = {APP_ID}")
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                conn.execute("COMMIT")
            finally:
                conn.close()
            os.replace(tmp, path)
        except sqlite3.Error as exc:
            raise _kit_error(exc, path) from exc
        finally:
            for stale in session_files(tmp):
                stale.unlink()
        return cls.open(path, session)  # which switches the file to WAL (kept in the file from then on)

    @classmethod
    def open(cls, path: Path, session: str | None = None, check: bool = False) -> ClassStore:
        """The session file at `path`, ready to write; never creates one. `session`, when given, must
        be the name inside; `check` also runs SQLite's integrity check (for the server and reports)."""
        path = Path(path)
        if not path.exists():
            raise KitError("class.db_missing", file=str(path))
        if not path.is_file() or not os.access(path, os.R_OK):
            raise KitError("class.db_unreadable", file=str(path))
        if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK | os.X_OK):
            raise KitError("class.db_readonly", file=str(path))
        try:
            conn = _connect(path)
        except sqlite3.Error as exc:
            raise _kit_error(exc, path) from exc
        try:
            store = cls(path, conn)
            store._check(session, check)
        except sqlite3.Error as exc:
            conn.close()
            raise _kit_error(exc, path) from exc
        except KitError:
            conn.close()
            raise
        return store

    def _check(self, session: str | None, integrity: bool) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
        if version > SCHEMA_VERSION and app_id == APP_ID:
            raise KitError("class.db_newer", file=str(self.path), got=version, known=SCHEMA_VERSION)
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if app_id != APP_ID or version != SCHEMA_VERSION or not _TABLES <= tables:
            raise KitError("class.db_not_session", file=str(self.path), got=version)
        if integrity:
            problems = [r[0] for r in self.conn.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise KitError("class.db_corrupt", file=str(self.path), detail="; ".join(problems[:3]))
        info = self.session()
        if session is not None and info.name != check_session_name(session):
            raise KitError("class.db_other_session", file=str(self.path), got=info.name, want=session)
        mode = self.conn.execute("PRAGMA journal_mode").fetchone()[0]
        if mode.lower() != "wal":
            self.conn.execute("PRAGMA journal_mode = WAL")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> ClassStore:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken before reading (BEGIN IMMEDIATE): checks and writes agree."""
        self._same_file()
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise _kit_error(exc, self.path) from exc
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise _kit_error(exc, self.path) from exc
            raise

    def _read(self, sql: str, args: Sequence[Any] = ()) -> list[tuple]:
        try:
            return self.conn.execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            raise _kit_error(exc, self.path) from exc

    # -- reading ---------------------------------------------------------------------------------------

    def session(self) -> SessionInfo:
        rows = self._read("SELECT name, lang, mode, current, created_at, ended_at FROM session WHERE id = 1")
        if not rows:
            raise KitError("class.db_not_session", file=str(self.path), got="-")
        return SessionInfo(*rows[0])

    def keys(self) -> dict[int, QuestionKey]:
        """Every question with its answer key and current state, by number."""
        if self._keys is None:
            keys = {}
            for number, qid, kind, right, key in self._read("SELECT number, qid, kind, right, key FROM questions"):
                data = json.loads(key)
                keys[number] = QuestionKey(
                    number, qid, data["chapter"], kind, data["prompt"], tuple(data["choices"]), right,
                    data["answer_text"], data["why"], data["heading"], tuple(data["evidence"]), data["total"],
                    data["lang"],
                )  # fmt: skip
            self._keys = keys
        states = self.states()
        return {n: _with_state(k, states.get(n, "pending")) for n, k in self._keys.items()}

    def states(self) -> dict[int, str]:
        return dict(self._read("SELECT number, state FROM questions ORDER BY number"))

    def key(self, number: Any) -> QuestionKey:
        keys = self.keys()
        if isinstance(number, bool) or not isinstance(number, int) or number not in keys:
            raise KitError("class.unknown_question", field="number", got=number, total=len(keys))
        return keys[number]

    def trainees(self) -> list[tuple[int, str, str]]:
        """(seat, name, joined_at) by seat."""
        return self._read("SELECT seat, name, joined_at FROM trainees ORDER BY seat")

    def answers(self, seat: int | None = None) -> list[Answer]:
        sql = "SELECT seat, number, given, value, correct, changes, answered_at FROM answers"
        rows = self._read(sql + " WHERE seat = ? ORDER BY number", (seat,)) if seat is not None else self._read(
            sql + " ORDER BY seat, number")  # fmt: skip
        return [Answer(s, n, g, v, bool(c), ch, at) for s, n, g, v, c, ch, at in rows]

    def counts(self, number: int) -> dict[str, int]:
        """How many trainees gave each answer to question `number` (value as stored -> count)."""
        return dict(self._read("SELECT value, COUNT(*) FROM answers WHERE number = ? GROUP BY value ORDER BY value",
                               (number,)))  # fmt: skip

    def history_count(self) -> int:
        return self._read("SELECT COUNT(*) FROM history")[0][0]

    # -- trainees --------------------------------------------------------------------------------------

    def join(self, seat: Any, name: Any) -> Joined:
        """Take a seat (or come back to one's own: same seat, same name); the answers given so far."""
        seat, name = check_seat(seat), check_name(name)
        with self._write() as db:
            if db.execute("SELECT ended_at FROM session WHERE id = 1").fetchone()[0]:
                raise KitError("class.ended")
            row = db.execute("SELECT name FROM trainees WHERE seat = ?", (seat,)).fetchone()
            if row is not None and row[0] != name:
                raise KitError("class.seat_taken", field="seat", seat=seat)
            if row is None:
                db.execute("INSERT INTO trainees (seat, name, joined_at) VALUES (?, ?, ?)", (seat, name, _now()))
        return Joined(seat, name, row is not None, {a.number: a for a in self.answers(seat)})

    def submit(self, seat: int, number: Any, given: Any) -> Answer:
        """Keep one answer (one transaction): the question must be open and the session running.
        A blank or unreadable answer is refused with the quiz's message and nothing is written."""
        key = self.key(number)
        value = key.parse(given)
        if value is None:
            raise KitError("class.answer_missing", field=f"q{key.number}", n=key.number)
        stored = repr(float(value)) if key.kind == "number" else str(value)
        correct = int(key.judge(value))
        at, text = _now(), str(given).strip()[:200]
        with self._write() as db:
            if db.execute("SELECT ended_at FROM session WHERE id = 1").fetchone()[0]:
                raise KitError("class.ended")
            if db.execute("SELECT 1 FROM trainees WHERE seat = ?", (seat,)).fetchone() is None:
                raise KitError("class.not_joined", field="seat", seat=seat)
            state = db.execute("SELECT state FROM questions WHERE number = ?", (key.number,)).fetchone()[0]
            if state != "open":
                raise KitError(f"class.question_{state}", field=f"q{key.number}", n=key.number)
            db.execute(
                "INSERT INTO answers (seat, number, given, value, correct, changes, answered_at) "
                "VALUES (?, ?, ?, ?, ?, 0, ?) ON CONFLICT (seat, number) DO UPDATE SET given = excluded.given, "
                "value = excluded.value, correct = excluded.correct, answered_at = excluded.answered_at, "
                "changes = changes + (value != excluded.value)",
                (seat, key.number, text, stored, correct, at),
            )
            db.execute("INSERT INTO history (seat, number, given, value, at) VALUES (?, ?, ?, ?, ?)",
                       (seat, key.number, text, stored, at))  # fmt: skip
            row = db.execute("SELECT changes FROM answers WHERE seat = ? AND number = ?", (seat, key.number)).fetchone()
        return Answer(seat, key.number, text, stored, bool(correct), row[0], at)

    # -- the trainer -----------------------------------------------------------------------------------

    def _set(self, numbers: Sequence[int], state: str, allowed: Sequence[str], current: int | None = None) -> int:
        """Move `numbers` from an allowed state to `state`; returns how many moved."""
        known = self.keys()
        for n in numbers:
            if n not in known:
                self.key(n)  # raises class.unknown_question
        with self._write() as db:
            if db.execute("SELECT ended_at FROM session WHERE id = 1").fetchone()[0]:
                raise KitError("class.ended")
            marks = ",".join("?" * len(allowed))
            moved = sum(db.execute(f"UPDATE questions SET state = ? WHERE number = ? AND state IN ({marks})",
                                   (state, n, *allowed)).rowcount for n in numbers)  # fmt: skip
            if current is not None:
                db.execute("UPDATE session SET current = ? WHERE id = 1", (current,))
        return moved

    def open_question(self, number: int) -> int:
        """Open one question for answers (a closed one may be opened again; a revealed one not)."""
        return self._set([number], "open", ("pending", "closed"), current=number)

    def close_question(self, number: int) -> int:
        return self._set([number], "closed", ("open",))

    def reveal(self, number: int) -> int:
        """Close the question (if open) and show every trainee the answer and explanation."""
        return self._set([number], "revealed", ("open", "closed"))

    def show(self, number: int) -> None:
        """Point every trainee's page at question `number` (the trainer's current question)."""
        self._set([number], "pending", ("pending",), current=number)

    def open_all(self) -> int:
        """Self-paced: every question not yet answered in class is open at once."""
        with self._write() as db:
            db.execute("UPDATE session SET mode = 'self' WHERE id = 1")
        first = min(self.keys())
        return self._set(sorted(self.keys()), "open", ("pending", "closed"), current=first)

    def close_all(self) -> int:
        return self._set(sorted(self.keys()), "closed", ("open",))

    def reveal_all(self) -> int:
        return self._set(sorted(self.keys()), "revealed", ("open", "closed"))

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise KitError("class.bad_mode", got=mode, allowed="/".join(MODES))
        with self._write() as db:
            db.execute("UPDATE session SET mode = ? WHERE id = 1", (mode,))

    def end(self) -> None:
        """End the session: open questions close, trainees can no longer join or answer."""
        with self._write() as db:
            db.execute("UPDATE questions SET state = 'closed' WHERE state = 'open'")
            db.execute("UPDATE session SET ended_at = COALESCE(ended_at, ?) WHERE id = 1", (_now(),))


def _identity(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_dev, st.st_ino


def _with_state(key: QuestionKey, state: str) -> QuestionKey:
    return key if key.state == state else replace(key, state=state)
