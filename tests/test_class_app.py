"""A class session end to end (issue 13): `jihua-kit class serve` as a trainer starts it, three
trainees on phones and the trainer's console in one headless Chromium.

The trainees join (one is sent to another seat), answer, change an answer and mistype a number;
the trainer sees the count and the chart move, closes and reveals; the trainees see right or wrong
with the library's explanation; the report equals what was answered. Then the server is killed
(SIGKILL, no clean shutdown) and started again: a trainee comes back with the same seat and name
and carries on, nothing answered is lost. Screenshots (tests/screenshots/, git-ignored): the
console at projector size (1280×720), a trainee's phone (390×844), a full room of 40.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from jihua_kit.classes.server import CLASS_NOTEBOOK, TRAINER_NOTEBOOK, server_commands
from jihua_kit.classes.store import ClassStore
from jihua_kit.cli.main import main as cli_main
from jihua_kit.core.errors import KitError
from jihua_kit.room import server as app_server

from .browser import BrowserLog, guarded_context, need_browser, save_screenshot
from .class_fixtures import right_answer, wrong_answer

try:
    from playwright.sync_api import expect
except ImportError:  # need_browser() skips (fails under CI)
    expect = None

WAIT_MS = 180_000  # four kernels starting at once on a busy 2-core machine
FOLLOW_MS = 30_000  # a page follows the session within a few ticks (2 s trainee, 1.5 s console)
PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1280, "height": 720}
SESSION = "浏览器班"
TRAINEES = {1: "张三", 2: "李四", 3: "王五"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Session:
    db: Path
    port: int
    trainer_port: int
    token: str
    log: Path
    proc: subprocess.Popen | None = None

    @property
    def trainee_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/?token={self.token}"

    @property
    def trainer_url(self) -> str:
        return f"http://127.0.0.1:{self.trainer_port}/"

    def start(self) -> None:
        """`jihua-kit class serve` as `make class` runs it, in a process group of its own."""
        args = [
            "class",
            "serve",
            "--session",
            SESSION,
            "--db",
            str(self.db),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--trainer-port",
            str(self.trainer_port),
            "--pool",
            "4",
            "--cap",
            "8",
        ]  # fmt: skip  (three phones, their reloads and the restart)
        out = self.log.open("a")
        env = os.environ | {"JIHUA_APP_TOKEN": self.token}  # as `TOKEN=… make class` hands it over
        self.proc = subprocess.Popen([sys.executable, "-m", "jihua_kit", *args], stdout=out, stderr=subprocess.STDOUT,
                                     start_new_session=True, env=env)  # fmt: skip
        deadline = time.monotonic() + WAIT_MS / 1000
        for port in (self.port, self.trainer_port):
            while True:  # until Voilà listens (a static file: no kernel is started for it)
                if self.proc.poll() is not None:
                    pytest.fail(f"class serve exited with {self.proc.returncode}:\n{self.log.read_text()}")
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/static/voila.js", timeout=5).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        pytest.fail(f"class serve did not answer on {port}:\n{self.log.read_text()}")
                    time.sleep(0.3)

    def kill(self) -> None:
        """SIGKILL the launcher and both Voilà servers at once (a crash); their kernels follow."""
        kernels = _descendants(self.proc.pid)
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        deadline = time.monotonic() + 30
        while any(_alive(pid) for pid in kernels) and time.monotonic() < deadline:
            time.sleep(0.3)  # ipykernel ends itself when its parent is gone
        left = [pid for pid in kernels if _alive(pid)]
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        assert left == [], "kernels outlived their killed server"

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)  # Ctrl+C: both servers end their kernels
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill()


def _children() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            out.setdefault(ppid, []).append(int(entry.name))
    return out


def _descendants(pid: int) -> list[int]:
    tree, found, todo = _children(), [], [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture(scope="module")
def session(tmp_path_factory) -> Iterator[Session]:
    folder = tmp_path_factory.mktemp("class")
    s = Session(folder / "浏览器班.sqlite", free_port(), free_port(), app_server.new_token(), folder / "serve.log")
    s.start()
    try:
        yield s
    finally:
        s.stop()


def _page(browser, log: BrowserLog, viewport: dict, url: str):
    context = guarded_context(browser, log)
    page = context.new_page()
    page.set_viewport_size(viewport)
    page.goto(url)
    return page


def _join(page, seat: int, name: str) -> None:
    page.locator(".jihua-class-seat input").fill(str(seat))
    page.locator(".jihua-class-name input").fill(name)
    page.locator(".jihua-class-join").click()


def _choose(page, letter: str) -> None:
    page.locator(f".jihua-class-choice .widget-radio-box label:has-text('{letter}. ')").click()
    page.locator(".jihua-class-submit").click()
    expect(page.locator(".jihua-class-status")).to_contain_text(f"已提交：{letter}.", timeout=FOLLOW_MS)


def _type(page, text: str) -> None:
    page.locator(".jihua-class-number input").fill(text)
    page.locator(".jihua-class-submit").click()


def _report(capsys, db: Path) -> dict:
    capsys.readouterr()
    assert cli_main(["class", "report", "--session", SESSION, "--db", str(db), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.slow
def test_a_class_session_in_one_browser(session, browser, capsys):
    need_browser()
    log = BrowserLog()
    with ClassStore.open(session.db) as s:
        keys = s.keys()
    q1, q2, q3 = keys[1], keys[2], keys[3]
    assert (q1.kind, q2.kind) == ("choice", "number")

    trainer = _page(browser, log, PROJECTOR, session.trainer_url)
    phones = {seat: _page(browser, log, PHONE, session.trainee_url) for seat in TRAINEES}
    for page in (trainer, *phones.values()):
        page.wait_for_selector(".jihua-trainer-live, .jihua-class-seat input", timeout=WAIT_MS)
    assert trainer.title() == "课堂测验 · 讲师控制台" and phones[1].title() == "计生业务培训 · 课堂测验"
    expect(phones[1].locator(".lm-TabBar-tab.lm-mod-current").first).to_have_text("课堂测验")  # the quiz comes first
    save_screenshot(phones[1], "class-phone-join")

    # Joining: seat 1 is taken when the third trainee tries it; they pick their own.
    _join(phones[1], 1, TRAINEES[1])
    _join(phones[2], 2, TRAINEES[2])
    expect(phones[1].locator(".jihua-class-who")).to_contain_text("第1座 · 张三", timeout=FOLLOW_MS)
    _join(phones[3], 1, "王五")
    expect(phones[3].locator(".jihua-class-join-message")).to_contain_text("请换一个座号", timeout=FOLLOW_MS)
    _join(phones[3], 3, TRAINEES[3])
    for page in phones.values():
        expect(page.locator(".jihua-class-status")).to_contain_text("讲师开放题目后", timeout=FOLLOW_MS)
    expect(trainer.locator(".jihua-trainer-title")).to_contain_text("已加入 3 人", timeout=FOLLOW_MS)

    # Question 1 (choice): the count and the chart follow the answers; the answer is not on the projector.
    trainer.locator(".jihua-trainer-open").click()
    live = trainer.locator(".jihua-trainer-live")
    for page in phones.values():
        expect(page.locator(".jihua-class-prompt")).to_contain_text(q1.prompt, timeout=FOLLOW_MS)
    assert phones[1].locator(".jihua-class-choice .widget-radio-box label").count() == len(q1.letters)
    assert "A. " not in phones[1].locator(".jihua-class-prompt").inner_text()  # choices shown once
    _choose(phones[1], right_answer(q1))
    expect(live).to_contain_text("已作答 1 / 3 人", timeout=FOLLOW_MS)
    _choose(phones[2], wrong_answer(q1))
    expect(live).to_contain_text("已作答 2 / 3 人", timeout=FOLLOW_MS)
    _choose(phones[3], wrong_answer(q1))
    _choose(phones[3], right_answer(q1))  # changed before the close
    expect(live).to_contain_text("已作答 3 / 3 人", timeout=FOLLOW_MS)
    right_row = live.locator(".jihua-trainer-row", has_text=f"{right_answer(q1)}. ")
    expect(right_row).to_contain_text("2（67%）", timeout=FOLLOW_MS)
    assert "✓" not in live.inner_text()
    save_screenshot(trainer, "class-trainer-open")
    trainer.locator(".jihua-trainer-close").click()
    expect(phones[2].locator(".jihua-class-status")).to_contain_text("本题已截止", timeout=FOLLOW_MS)
    trainer.locator(".jihua-trainer-reveal").click()
    expect(live).to_contain_text(f"✓ {right_answer(q1)}.", timeout=FOLLOW_MS)
    expect(phones[1].locator(".jihua-class-result")).to_contain_text("√ 正确", timeout=FOLLOW_MS)
    expect(phones[1].locator(".jihua-class-result")).to_contain_text(q1.why)
    expect(phones[2].locator(".jihua-class-result")).to_contain_text("× 不对", timeout=FOLLOW_MS)
    expect(phones[2].locator(".jihua-class-result")).to_contain_text(q1.evidence[0])
    save_screenshot(trainer, "class-trainer-revealed")
    save_screenshot(phones[2], "class-phone-revealed")

    # Question 2 (a number): a word where a number belongs is a Chinese message in place.
    trainer.locator(".jihua-trainer-next").click()
    expect(phones[1].locator(".jihua-class-prompt")).to_contain_text(q2.prompt, timeout=FOLLOW_MS)
    _type(phones[1], "五百")
    error = phones[1].locator(".jihua-class-status .jihua-error")
    expect(error).to_contain_text("第2题要填一个数字", timeout=FOLLOW_MS)
    save_screenshot(phones[1], "class-phone-not-a-number")
    _type(phones[1], right_answer(q2))
    expect(phones[1].locator(".jihua-class-status")).to_contain_text("已提交", timeout=FOLLOW_MS)
    _type(phones[2], wrong_answer(q2))
    expect(live).to_contain_text("已作答 2 / 3 人", timeout=FOLLOW_MS)
    trainer.locator(".jihua-trainer-reveal").click()
    expect(phones[2].locator(".jihua-class-result")).to_contain_text("× 不对", timeout=FOLLOW_MS)
    expect(phones[3].locator(".jihua-class-result")).to_contain_text("你没有作答本题", timeout=FOLLOW_MS)

    # The report equals what was answered.
    expected_trainees = [
        {"seat": 1, "name": "张三", "answered": 2, "correct": 2},
        {"seat": 2, "name": "李四", "answered": 2, "correct": 0},
        {"seat": 3, "name": "王五", "answered": 1, "correct": 1},
    ]
    report = _report(capsys, session.db)
    assert [{k: r[k] for k in ("seat", "name", "answered", "correct")} for r in report["trainees"]] == expected_trainees
    assert report["questions"][:3] == [
        {"id": q1.qid, "answered": 3, "correct": 2, "correct_rate": round(2 / 3, 4)},
        {"id": q2.qid, "answered": 2, "correct": 1, "correct_rate": 0.5},
        {"id": q3.qid, "answered": 0, "correct": 0, "correct_rate": None},
    ]
    assert log.blocked == [] and log.errors == []

    # A crash mid-session: the server is killed and started again. Nothing answered is lost, and a
    # trainee who opens the page again with the same seat and name carries on.
    session.kill()
    session.start()
    assert _report(capsys, session.db) == report
    phones[2].goto(session.trainee_url)
    phones[2].wait_for_selector(".jihua-class-seat input", timeout=WAIT_MS)
    _join(phones[2], 2, TRAINEES[2])
    expect(phones[2].locator(".jihua-class-who")).to_contain_text("欢迎回来：已找回你的 2 个答案", timeout=FOLLOW_MS)
    expect(phones[2].locator(".jihua-class-prompt")).to_contain_text(q2.prompt)  # where the class was
    expect(phones[2].locator(".jihua-class-result")).to_contain_text("× 不对")
    trainer.goto(session.trainer_url)
    live = trainer.locator(".jihua-trainer-live")
    expect(live).to_contain_text("已作答 2 / 3 人", timeout=WAIT_MS)
    trainer.locator(".jihua-trainer-next").click()
    expect(phones[2].locator(".jihua-class-prompt")).to_contain_text(q3.prompt, timeout=FOLLOW_MS)
    if q3.kind == "choice":
        _choose(phones[2], right_answer(q3))
    else:
        _type(phones[2], right_answer(q3))
    expect(live).to_contain_text("已作答 1 / 3 人", timeout=FOLLOW_MS)
    after = _report(capsys, session.db)
    assert after["trainees"][1]["answered"] == 3 and after["questions"][:2] == report["questions"][:2]

    # A full room (37 more trainees, straight into the file) as the projector shows it.
    with ClassStore.open(session.db) as s:
        for seat in range(4, 41):
            s.join(seat, f"学员{seat:02d}")
            if seat % 5:
                s.submit(seat, 3, (right_answer if seat % 3 else wrong_answer)(q3))
    expect(trainer.locator(".jihua-trainer-title")).to_contain_text("已加入 40 人", timeout=FOLLOW_MS)
    expect(live).to_contain_text("已作答 30 / 40 人", timeout=FOLLOW_MS)
    save_screenshot(trainer, "class-trainer-full-room")
    save_screenshot(phones[2], "class-phone-open")

    # The end: trainees are told, and can no longer answer.
    trainer.locator(".jihua-trainer-end").click()
    trainer.locator(".jihua-trainer-end-yes").click()
    expect(phones[2].locator(".jihua-class-banner")).to_contain_text("本次测验已经结束", timeout=FOLLOW_MS)
    expect(phones[2].locator(".jihua-class-submit")).to_be_hidden()
    save_screenshot(phones[2], "class-phone-ended")
    with pytest.raises(KitError), ClassStore.open(session.db) as s:
        s.join(41, "迟到")
    assert log.blocked == [] and log.errors == [], (log.blocked, log.errors)


# --- the launcher, without a browser -------------------------------------------------------------------


def _token_in(cmd: list[str]) -> str:
    """The token a server command is given: read from its private token file ('' for none)."""
    files = [arg.split("=", 1)[1] for arg in cmd if arg.startswith("--RoomVoila.token_file=")]
    if not files:
        return ""
    path = Path(files[0])
    token = path.read_text(encoding="utf-8")
    path.unlink()
    path.parent.rmdir()
    return token


def test_the_trainer_console_is_its_own_server_on_this_computer(tmp_path):
    cmds = server_commands(tmp_path / "x.sqlite", "甲班", "0.0.0.0", 8866, "roomtoken", "127.0.0.1", 8867, "")
    trainee_cmd, trainee_env = cmds["trainees"]
    trainer_cmd, trainer_env = cmds["trainer"]
    assert str(CLASS_NOTEBOOK) in trainee_cmd and str(TRAINER_NOTEBOOK) in trainer_cmd
    assert "--Voila.ip=0.0.0.0" in trainee_cmd and "--Voila.ip=127.0.0.1" in trainer_cmd
    assert _token_in(trainee_cmd) == "roomtoken" and _token_in(trainer_cmd) == ""
    assert not any("roomtoken" in arg for arg in trainee_cmd + trainer_cmd)  # never an argument (ps)
    for env in (trainee_env, trainer_env):  # the session comes from the environment, for preheated kernels too
        assert env["JIHUA_CLASS_DB"] == str((tmp_path / "x.sqlite").resolve()) and env["JIHUA_CLASS_SESSION"] == "甲班"
        assert "JUPYTER_TOKEN" not in env
    assert "token=roomtoken" in trainer_env["JIHUA_CLASS_URL"]  # shown on the projector for the trainees
    assert "roomtoken" not in " ".join(trainee_env.values())  # trainees' kernels never hold the token
    assert "--VoilaConfiguration.default_pool_size=40" in trainee_cmd  # the room server of make app
    assert "--VoilaConfiguration.default_pool_size=1" in trainer_cmd


def test_a_trainer_console_on_the_network_needs_its_own_token(tmp_path):
    db = tmp_path / "x.sqlite"
    with pytest.raises(KitError) as err:
        server_commands(db, "甲班", "0.0.0.0", 8866, "room", "0.0.0.0", 8867, "")
    assert err.value.key == "class.trainer_token_needed"
    with pytest.raises(KitError) as err:
        server_commands(db, "甲班", "0.0.0.0", 8866, "same", "0.0.0.0", 8867, "same")
    assert err.value.key == "class.same_token"
    cmds = server_commands(db, "甲班", "0.0.0.0", 8866, "room", "0.0.0.0", 8867, "trainer1")
    assert _token_in(cmds["trainer"][0]) == "trainer1" and _token_in(cmds["trainees"][0]) == "room"
    with pytest.raises(KitError):
        server_commands(db, "甲班", "127.0.0.1", 8866, "", "127.0.0.1", 8866, "")


def test_the_class_notebooks_keep_no_outputs():
    for path in (CLASS_NOTEBOOK, TRAINER_NOTEBOOK):
        nb = json.loads(path.read_text(encoding="utf-8"))
        assert all(c.get("outputs", []) == [] for c in nb["cells"] if c["cell_type"] == "code"), path.name
