"""The training room: kernels end with their page, the loading state and the wait page speak
Chinese, the cap holds against browsers and bare clients, and the token stays out of sight.

One server for the module, started as `make app` starts it, with a small room (2 kernels kept warm,
at most 3 at once; a kernel whose page never connects is ended after 20 s) so the limits are
reached with a few pages. Kernels are counted through the server's API (GET /jihua/api/room).
Screenshots (1280x720 and 390x844) go to tests/screenshots/ (git-ignored).
"""

from __future__ import annotations

import asyncio
import errno
import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from jihua_kit.core.i18n import t
from jihua_kit.room import server as app_server
from jihua_kit.room import voila as app_room
from jihua_kit.room.layout import HOUSEHOLD
from jihua_kit.room.server import Room

from .appserver import Server, room, running_server, wait_room
from .browser import BrowserLog, guarded_context, need_browser, save_screenshot
from .conftest import REPO

try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import expect
except ImportError:  # the browser tests then skip (fail under CI) through need_browser()
    expect, PlaywrightError = None, RuntimeError

DRAWN = f".{HOUSEHOLD}-result .jihua-explain"
WAIT_MS = 180_000
SIZES = {"1280x720": {"width": 1280, "height": 720}, "390x844": {"width": 390, "height": 844}}
ROOM = Room(pool=2, cap=3, claim_seconds=20)
HTML = {"Accept": "text/html,application/xhtml+xml"}


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("room"), ROOM) as running:
        yield running


@pytest.fixture
def context(browser, server) -> Iterator:
    """A guarded browser context; at the end no request left the machine and no page failed, and
    the server is back to no page open (every test leaves the room as it found it)."""
    need_browser()
    log = BrowserLog()
    ctx = guarded_context(browser, log)
    yield ctx
    for page in list(ctx.pages):
        try:
            page.close(run_before_unload=True)  # as a closing tab: the page's shutdown beacon goes
        except PlaywrightError:  # closed by the test already
            pass
    wait_room(server, lambda c: c["in_use"] == 0, "every page closed")  # before the context goes
    ctx.close()
    assert log.blocked == [] and log.errors == []


def kernel_of(page) -> str:
    return page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")


def kernel_api(server: Server, kernel_id: str) -> int:
    """The status of GET /api/kernels/<id>: 200 while the kernel lives, 404 once it has ended."""
    try:
        with urllib.request.urlopen(f"{server.base}api/kernels/{kernel_id}?token={server.token}", timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as err:
        return err.code


def open_app(context, server: Server, size: str = "1280x720"):
    page = context.new_page()
    page.set_viewport_size(SIZES[size])
    page.goto(server.url)
    page.wait_for_selector(DRAWN, timeout=WAIT_MS)  # through a 请稍候 page if the pool is still warming
    return page


# --- kernels end with their page -------------------------------------------------------------------


@pytest.mark.slow
def test_reload_ends_the_old_kernel_and_closing_ends_the_last(context, server):
    page = open_app(context, server)
    first = kernel_of(page)
    before = room(server)
    assert before["in_use"] == 1 and kernel_api(server, first) == 200
    page.reload()  # the page's beacon asks for its kernel's end; the new page gets a warm one
    page.wait_for_selector(DRAWN, timeout=WAIT_MS)
    second = kernel_of(page)
    assert second != first
    after = wait_room(server, lambda c: c["in_use"] == 1, "one page, one kernel in use")
    assert kernel_api(server, first) == 404 and kernel_api(server, second) == 200
    assert after["kernels"] <= ROOM.pool + 1  # no kernel left behind: the pool and this page
    page.close(run_before_unload=True)
    wait_room(server, lambda c: c["in_use"] == 0, "the closed page's kernel ended")
    assert kernel_api(server, second) == 404
    settled = wait_room(server, lambda c: c["kernels"] <= ROOM.pool, "back to the pool alone")
    assert settled["kernels"] <= ROOM.pool


# --- the loading state -----------------------------------------------------------------------------

# Every frame the page paints, until the app is drawn: what text showed (innerText is what is rendered).
_WATCH = """
window.__seen = {chinese: false, english: []};
(function look() {
    const text = document.body ? document.body.innerText : "";
    if (text.includes("正在打开学员计算器")) window.__seen.chinese = true;
    for (const word of ["Loading widget", "Running ", "Executing ", "Error displaying"])
        if (text.includes(word) && !window.__seen.english.includes(word)) window.__seen.english.push(word);
    if (!document.querySelector(".jihua-app")) requestAnimationFrame(look);
})();
"""


@pytest.mark.slow
@pytest.mark.parametrize("size", SIZES)
def test_loading_state_is_chinese(context, server, size):
    page = context.new_page()
    page.set_viewport_size(SIZES[size])
    page.add_init_script(_WATCH)
    held = []
    page.route("**/voila/static/voila.js", lambda route: held.append(route))  # held: the loading state stays
    page.goto(server.url, wait_until="commit")
    loading = page.locator("#loading_text")
    expect(loading).to_have_text("正在打开学员计算器，请稍候…", timeout=WAIT_MS)
    expect(page.locator("#loading")).to_be_visible()
    page.wait_for_timeout(300)  # let the spinner paint (a screenshot, not a check)
    save_screenshot(page, f"room-loading-{size}")
    assert held, "the page asked for its script"
    for route in held:
        route.continue_()
    page.wait_for_selector(DRAWN, timeout=WAIT_MS)
    expect(page.locator("#loading")).to_have_count(0)  # gone once the app is drawn
    seen = page.evaluate("window.__seen")
    assert seen["chinese"] and seen["english"] == [], seen
    save_screenshot(page, f"room-app-{size}")


# --- a full room -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_full_room_shows_a_wait_page_that_lets_the_trainee_in_later(context, server):
    working = [open_app(context, server) for _ in range(ROOM.cap)]  # the room is full
    assert wait_room(server, lambda c: c["in_use"] == ROOM.cap, "full")["full"]
    late = {}
    for size in SIZES:
        late[size] = context.new_page()
        late[size].set_viewport_size(SIZES[size])
        late[size].goto(server.url)
        wait = late[size].locator("main.jihua-wait")
        expect(wait).to_be_visible(timeout=WAIT_MS)
        assert wait.get_attribute("data-reason") == "full"
        text = wait.inner_text()
        assert text.startswith("请稍候") and f"接待 {ROOM.cap} 位学员" in text and "自动进入" in text
        save_screenshot(late[size], f"room-wait-{size}")
    counts = room(server)
    assert counts["in_use"] == ROOM.cap and counts["kernels"] <= ROOM.cap  # the waiting hold no kernel
    # Nobody working lost their page: the first trainee still calculates.
    first = working[0]
    baseline = t("widget.scenario.baseline")
    first.locator(f".{HOUSEHOLD}-scenario").get_by_role("button", name=baseline, exact=True).click()
    expect(first.locator(f".{HOUSEHOLD}-result h4")).to_contain_text(t("widget.scenario.baseline"), timeout=WAIT_MS)
    # Two trainees leave; the waiting pages come in by themselves (no reload by hand).
    for page in working[:2]:
        page.close(run_before_unload=True)
    for page in late.values():
        page.wait_for_selector(DRAWN, timeout=WAIT_MS)
    assert room(server)["kernels"] <= ROOM.cap


# --- not a browser ---------------------------------------------------------------------------------


def _get(server: Server, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(f"{server.base}?token={server.token}", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8")


@pytest.mark.slow
def test_bare_requests_cannot_hold_kernels(server):
    wait_room(server, lambda c: c["in_use"] == 0 and c["pool_rendered"] >= ROOM.pool, "a quiet room")
    code, body = _get(server)  # curl, urllib: no Accept: text/html
    assert code == 406 and "请用浏览器打开" in body
    assert room(server)["in_use"] == 0
    codes = [_get(server, HTML)[0] for _ in range(ROOM.cap + 3)]  # a loop that asks for pages, never connects
    assert codes.count(200) <= ROOM.cap and set(codes) <= {200, 503}, codes
    counts = room(server)
    assert counts["kernels"] <= ROOM.cap and counts["in_use"] <= ROOM.cap
    # No page connected to them: they end after the claim time, and the pool is back.
    wait_room(server, lambda c: c["in_use"] == 0, "unclaimed kernels ended", limit=ROOM.claim_seconds + 120)
    assert "no page connected" in server.log.read_text()


@pytest.mark.slow
def test_token_is_in_no_process_arguments_or_kernel_environment(server):
    psutil = pytest.importorskip("psutil")
    wait_room(server, lambda c: c["pool_rendered"] >= ROOM.pool, "the pool's kernels are up")
    need = server.token.encode()
    root = psutil.Process(server.proc.pid)
    procs = [root, *root.children(recursive=True)]
    assert any("ipykernel_launcher" in " ".join(p.cmdline()) for p in procs)  # kernels are there to look at
    for proc in procs:
        assert server.token not in " ".join(proc.cmdline())
        with open(f"/proc/{proc.pid}/environ", "rb") as env:
            assert need not in env.read(), proc.cmdline()[:3]
    token_file = next(a.split("=", 1)[1] for a in root.cmdline() if a.startswith("--RoomVoila.token_file="))
    assert not Path(token_file).exists()  # read, then deleted


# --- without a server ------------------------------------------------------------------------------


def test_wait_page_says_why_in_chinese_and_retries():
    full = app_room.wait_page("full", {"cap": 40})
    assert "<title>请稍候</title>" in full and "接待 40 位学员" in full and "location.reload" in full
    assert 'http-equiv="refresh"' in full  # retries without script too
    assert full.index("请稍候") < full.index("Please wait")  # Chinese first
    assert "http://" not in full and "https://" not in full  # nothing from outside
    warming = app_room.wait_page("warming", {"cap": 40})
    assert t("room.page.warming") in warming and t("room.page.full", cap=40) not in warming


def test_port_in_use_ignores_a_stopped_servers_time_wait():
    """A server just stopped leaves its connections in TIME_WAIT; that port is free for the next one."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Tornado's (Voilà's) listening socket
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = listener.accept()
    accepted.close()  # the server's side closes first: its end of the connection waits (TIME_WAIT)
    client.close()
    listener.close()
    time.sleep(0.2)
    with socket.socket() as plain:  # a bind without SO_REUSEADDR: refused, so TIME_WAIT is really there
        with pytest.raises(OSError) as err:
            plain.bind(("127.0.0.1", port))
        assert err.value.errno == errno.EADDRINUSE
    assert not app_server.port_in_use("127.0.0.1", port)
    with socket.socket() as busy:  # a server listening there: taken
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        assert app_server.port_in_use("127.0.0.1", busy.getsockname()[1])


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_app_keeps_the_token_out_of_its_arguments():
    stamp = ["-o", ".venv/.installed-stamp"]  # do not reinstall
    refused = subprocess.run(["make", *stamp, "app", "TOKEN=secret123"], cwd=REPO, capture_output=True, text=True,
                             timeout=120)  # fmt: skip
    assert refused.returncode != 0
    assert "ps" in refused.stdout and "TOKEN=" in refused.stdout and "TOKEN_FILE" in refused.stdout
    shown = subprocess.run(["make", "-n", *stamp, "app", "HOST=0.0.0.0"], cwd=REPO, capture_output=True,
                           text=True, timeout=120, env={**os.environ, "TOKEN": "secret123"})  # fmt: skip
    assert shown.returncode == 0 and "secret123" not in shown.stdout  # given in the environment: not in the command


def test_token_sources(tmp_path, monkeypatch):
    env = {"JIHUA_APP_TOKEN": " fromenv ", "OTHER": "x"}
    assert app_server.read_token("", env) == "fromenv" and "JIHUA_APP_TOKEN" not in env
    path = tmp_path / "token.txt"
    path.write_text("fromfile\n", encoding="utf-8")
    assert app_server.read_token(str(path), {}) == "fromfile"
    assert path.exists()  # the trainer's own file is kept (the server gets a private copy)
    path.write_text("  \n", encoding="utf-8")
    with pytest.raises(SystemExit) as err:
        app_server.read_token(str(path), {})
    assert "口令文件" in str(err.value) and "is empty" in str(err.value)
    with pytest.raises(SystemExit) as err:
        app_server.read_token(str(tmp_path / "missing"), {})
    assert "读不出口令文件" in str(err.value)


@pytest.mark.parametrize(("args", "words"), [(["--cap", "0"], "CAP 应为 1 到 500"), (["--pool", "３"], "POOL 应为"),
                                             (["--idle", "-1"], "IDLE 应为")])  # fmt: skip
def test_room_options_are_checked(args, words, capsys):
    with pytest.raises(SystemExit):
        app_server.parse_args(args)
    assert words in capsys.readouterr().err


def test_room_options_and_memory_advice():
    args = app_server.parse_args(["--pool", "12", "--cap", "20", "--idle", "5"])
    assert (args.pool, args.cap, args.idle_minutes) == (12, 20, 5)
    default = Room()
    assert default.pool <= default.cap and default.cap * app_server.KERNEL_MB / 1024 < 6  # fits an 8 GB laptop
    huge = app_server.memory_advice(Room(pool=400, cap=400_000))
    assert len(huge) == 2 and "可用内存不够" in huge[1] and "POOL=" in huge[1]


def test_intro_names_the_controls_as_they_are_labelled():
    """Every term the app's intro puts in quotes is a label the trainee finds on the page."""
    nb = json.loads(app_server.APP_NOTEBOOK.read_text(encoding="utf-8"))
    intro = "".join(nb["cells"][0]["source"])
    labels = {t(f"widget.tab.{k}") for k in ("household", "parents", "children", "events", "readings")}
    labels |= {t("widget.scenario.label"), t("widget.reset"), t("app.tab.household"), t("app.tab.audit")}
    labels |= {t(f"widget.scenario.{k}") for k in ("raised", "baseline", "compare")}
    quoted = [term for run in re.findall(r"“([^”]+)”", intro) for term in run.split("、")]
    assert quoted, intro
    for term in quoted:
        assert term in labels or t("trainee.basis").startswith(term), term
    assert "情景" not in intro and "重置" not in intro  # the old names of 标准 and 重新填写


# --- the room's arithmetic, on a stand-in for Voilà's pooling kernel manager ------------------------


class _FakeVoilaPool:
    """What `room_kernel_manager` relies on in Voilà's VoilaKernelManager, kept in memory: a pool of
    futures per notebook, refilled to `kernel_pools_config[...]['pool_size']`, and live kernel IDs."""

    def __init__(self, **kwargs):
        self._pools, self._kernels, self.fills = {}, {}, []
        self.kernel_pools_config = {"default": {"pool_size": 99}}
        self.default_env_variables = {}
        self.notebook_path = "trainee.ipynb"
        self.fill_if_needed(delay=0, notebook_name=self.notebook_path)

    def list_kernel_ids(self):
        return list(self._kernels)

    def fill_if_needed(self, delay=None, notebook_name=None, **kwargs):
        size = self.kernel_pools_config["default"]["pool_size"]
        self.fills.append((size, kwargs.get("extra_kernel_env_variables")))
        pool = self._pools.setdefault(notebook_name, [])
        pool.extend(asyncio.get_event_loop().create_future() for _ in range(size - len(pool)))

    async def get_rendered_notebook(self, notebook_name, extra_kernel_env_variables=None, **kwargs):
        content = await self._pools[notebook_name].pop(0)
        self.fill_if_needed(notebook_name=notebook_name, extra_kernel_env_variables=extra_kernel_env_variables)
        return content["task"], [], content["kernel_id"]

    async def shutdown_kernel(self, kernel_id, *args, **kwargs):
        self._kernels.pop(kernel_id)

    def notify_connect(self, kernel_id):
        pass


def _warm(pool: list, kernel_id: str, manager) -> None:
    """The first pending pool item becomes a kernel that has run the notebook."""
    item = next(f for f in pool if not f.done())
    rendered = asyncio.get_event_loop().create_future()
    rendered.set_result(None)
    item.set_result({"task": rendered, "kernel_id": kernel_id})
    manager._kernels[kernel_id] = type("Kernel", (), {})()


def test_room_counts_hands_out_ready_kernels_and_never_exceeds_the_cap():
    async def scenario() -> None:
        km = app_room.room_kernel_manager(_FakeVoilaPool, pool_size=2, cap=3, warm_parallel=1, claim_timeout=60,
                                          token="tok123")()  # fmt: skip
        pool = km._pools["trainee.ipynb"]
        assert [size for size, _ in km.fills] == [2] and len(pool) == 2  # the pool, not Voilà's 99
        assert km.admit() == "warming"  # nothing ready yet: the wait page, no kernel
        _warm(pool, "k1", km)
        pool.reverse()  # Voilà would take the first item, still warming; the room takes the ready one
        assert km.admit() == "ok" and km.room_status()["pool_ready"] == 1
        _, _, kid = await km.get_rendered_notebook("trainee.ipynb", {"VOILA_REQUEST_URL": "http://h/?token=tok123"})
        assert kid == "k1" and km.in_use_count() == 1
        size, env = km.fills[-1]
        assert size == 2 and env == {"VOILA_REQUEST_URL": "http://h/"}  # the next kernel never sees the token
        for k in ("k2", "k3"):
            _warm(pool, k, km)
            await km.get_rendered_notebook("trainee.ipynb")
        status = km.room_status()
        assert status["in_use"] == 3 and status["full"] and km.admit() == "full"
        assert km.fills[-1][0] == 0  # at the cap the pool is not refilled: in use + pooled <= 3
        assert status["in_use"] + len(pool) <= 3
        await km.shutdown_kernel("k2")  # a trainee leaves: the slot returns to the pool
        assert km.in_use_count() == 2 and km.fills[-1][0] == 1 and km.admit() == "warming"
        assert km.in_use_count() + len(pool) <= 3

    # A loop of its own, in a thread: the session's Playwright driver may hold this thread's loop.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, scenario()).result()


def test_scrub_token_keeps_the_rest_of_the_address():
    env = {"VOILA_REQUEST_URL": "http://h:1/?a=1&token=tok123&b=2", "QUERY_STRING": "token=tok123", "HOME": "/h"}
    assert app_room.scrub_token(env, "tok123") == {"VOILA_REQUEST_URL": "http://h:1/?a=1&b=2", "QUERY_STRING": "",
                                                   "HOME": "/h"}  # fmt: skip
    assert app_room.scrub_token(env, "") == env
