"""`jihua-kit class serve` / `make class SESSION=…`: a class session's two web servers.

- The trainee app with a 课堂测验 tab first (`app/class.ipynb`: the same `TraineeApp` and the same
  Voilà command as `make app`, see `app_server`): trainees join with a seat and a name and answer
  on their phones.
- The trainer's console (`app/trainer.ipynb`), a second Voilà server bound to 127.0.0.1 unless told
  otherwise; on any other address it asks for its own trainer token, never the trainees' one.

Both learn the session from their environment, not from the page's address: `JIHUA_CLASS_DB` (the
session file) and `JIHUA_CLASS_SESSION` (its name), plus `JIHUA_CLASS_URL` (the trainees' address,
shown on the projector). Kernels started ahead of any request (Voilà's preheated pool) inherit
them the same way. The session file is created here, once, for a new name (its answer key worked
out by the library); an existing one is opened and checked, and the session carries on. Ctrl+C
stops both servers; if one of them dies, the other is stopped too.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from jihua_kit.classes.store import ClassStore, answer_key, check_session_name, default_db, session_files
from jihua_kit.core.checkout import checkout
from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import t
from jihua_kit.core.paths import REPO_ROOT
from jihua_kit.course.quiz import load_quiz
from jihua_kit.room import server as app_server

__all__ = [
    "CLASS_NOTEBOOK", "DEFAULT_TRAINER_PORT", "ENV_DB", "ENV_SESSION", "ENV_URL", "TRAINER_NOTEBOOK", "class_env",
    "open_or_create", "serve", "server_commands",
]  # fmt: skip

CLASS_NOTEBOOK = REPO_ROOT / "app" / "class.ipynb"  # the trainee app with the 课堂测验 tab first
TRAINER_NOTEBOOK = REPO_ROOT / "app" / "trainer.ipynb"
DEFAULT_TRAINER_PORT = 8867
ENV_DB, ENV_SESSION, ENV_URL = "JIHUA_CLASS_DB", "JIHUA_CLASS_SESSION", "JIHUA_CLASS_URL"
POLL_S = 0.5  # how often the launcher looks whether both servers still run
STOP_S = 20  # how long a server may take to shut its kernels down before it is killed


def class_env(db: Path, session: str, url: str = "", base: Mapping[str, str] | None = None) -> dict[str, str]:
    """`base` (default: this process's environment) with the session's file, name and address."""
    env = dict(os.environ if base is None else base)
    env.update({ENV_DB: str(Path(db).resolve()), ENV_SESSION: session, ENV_URL: url})
    return env


def open_or_create(session: str, db: Path | None = None, lang: str = "zh") -> tuple[ClassStore, bool]:
    """The session's file, checked (integrity, version, name), or a new one for a new session name
    with the library's answer key. Returns (store, created)."""
    session = check_session_name(session)
    path = Path(db) if db else default_db(session)
    if session_files(path):
        return ClassStore.open(path, session, check=True), False
    return ClassStore.create(path, session, answer_key(load_quiz(lang)), lang), True


def _say(key: str, **kwargs: object) -> None:
    for lang in ("zh", "en"):
        print(t(key, lang, **kwargs))
    sys.stdout.flush()


def _stop(procs: Mapping[str, subprocess.Popen]) -> None:
    """SIGTERM to every server still running (Voilà then ends its kernels), SIGKILL if one lingers."""
    for proc in procs.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_S
    for proc in procs.values():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


TRAINER_TOKEN_ENV = "JIHUA_TRAINER_TOKEN"  # the trainer token, when not in a file
TRAINER_ROOM = app_server.Room(pool=1, cap=4)  # the console: one page (a second screen or a reload at most)


def server_commands(
    db: Path,
    session: str,
    host: str,
    port: int,
    token: str,
    trainer_host: str,
    trainer_port: int,
    trainer_token: str,
    room: app_server.Room = app_server.Room(),  # noqa: B008 -- frozen
) -> dict[str, tuple[list[str], dict[str, str]]]:
    """{"trainees": (command, environment), "trainer": (…)}: the two servers of a session, each the
    room server of `make app` (warm pool, cap, kernels ended with their page). The trainer's console
    is a server of its own, so the trainees' token never opens it; off 127.0.0.1 it needs its own
    token. Tokens reach the servers in private files (`app_server.write_token_file`, deleted by the
    server once read), never in an argument or a kernel's environment; only the console's kernels
    learn the trainees' address (to show it on the projector)."""
    if port == trainer_port:
        raise KitError("class.same_port", port=port)
    if app_server.needs_token(trainer_host) and not trainer_token:
        raise KitError("class.trainer_token_needed")
    if trainer_token and trainer_token == token:
        raise KitError("class.same_token")
    files = {tok: app_server.write_token_file(tok) if tok else "" for tok in {token, trainer_token}}
    trainee_env = app_server.voila_env(class_env(db, session))
    trainer_env = app_server.voila_env(class_env(db, session, app_server.app_url(host, port, token)))
    trainees = app_server.voila_command(host, port, files[token], CLASS_NOTEBOOK, room)
    trainer = app_server.voila_command(trainer_host, trainer_port, files[trainer_token], TRAINER_NOTEBOOK, TRAINER_ROOM)
    return {"trainees": (trainees, trainee_env), "trainer": (trainer, trainer_env)}


def serve(
    session: str,
    db: Path | None = None,
    host: str = app_server.DEFAULT_HOST,
    port: int = app_server.DEFAULT_PORT,
    token: str = "",
    trainer_host: str = app_server.DEFAULT_HOST,
    trainer_port: int = DEFAULT_TRAINER_PORT,
    trainer_token: str = "",
    lang: str = "zh",
    room: app_server.Room = app_server.Room(),  # noqa: B008 -- frozen
) -> int:
    """Open (or create) the session, start both servers, print both addresses, wait for Ctrl+C."""
    checkout("app/class.ipynb")
    if port == trainer_port:
        raise KitError("class.same_port", port=port)
    for h, p in ((host, port), (trainer_host, trainer_port)):
        if app_server.port_in_use(h, p):
            for lang_ in ("zh", "en"):
                print(t("app.port_taken", lang_, port=p), file=sys.stderr)
            return 1
    store, created = open_or_create(session, db, lang)
    with store:
        info = store.session()
        if created:
            _say("class.new_session", session=info.name, path=store.path, n=len(store.keys()))
        else:
            _say("class.resume_session", session=info.name, path=store.path, trainees=len(store.trainees()),
                 answers=len(store.answers()))  # fmt: skip
        if info.ended:
            _say("class.ended_note", session=info.name)
        path = store.path
    token = token or (app_server.new_token() if app_server.needs_token(host) else "")
    trainer_token = trainer_token or (app_server.new_token() if app_server.needs_token(trainer_host) else "")
    url = app_server.app_url(host, port, token)
    trainer_url = app_server.app_url(trainer_host, trainer_port, trainer_token)
    commands = server_commands(path, info.name, host, port, token, trainer_host, trainer_port, trainer_token, room)
    procs = {which: subprocess.Popen(cmd, env=env) for which, (cmd, env) in commands.items()}
    _say("class.serving_trainees", url=url)
    _say("app.token_note" if token else "app.local_note")
    _say("class.serving_trainer", url=trainer_url)
    _say("class.trainer_token_note" if trainer_token else "class.trainer_local")
    _say("class.stop_note")
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        while True:
            for which, proc in procs.items():
                code = proc.poll()
                if code is not None:
                    _stop(procs)
                    for lang_ in ("zh", "en"):
                        print(t("class.server_died", lang_, which=t(f"class.which.{which}", lang_), code=code),
                              file=sys.stderr)  # fmt: skip
                    return 1
            time.sleep(POLL_S)
    except KeyboardInterrupt:
        _stop(procs)
        _say("class.stopped", session=info.name)
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)


def _raise_interrupt(_sig: int, _frame: object) -> None:
    raise KeyboardInterrupt
