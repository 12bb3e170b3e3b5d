"""Bench: the trainee app under a class's load (`make bench-app`; part of `make bench`).

Starts the app's server as `make app` does (on 127.0.0.1 with a token, default pool and cap) and
opens N pages at once the way a phone does (page, kernel websocket, the widgets' state: see
`jihua_kit/room/client.py`), fills in the household calculator in each (a rural one-child household:
5,520 元/年 expected), then closes them (the page's shutdown beacon). For N = 10, 20, 40 it prints
the time to usable and from an input to its result (median, p95), wait pages and errors, the
server's memory (server process and its kernels) at peak and after closing, and the kernels alive
after closing, against the issue's targets. `--soak` adds page loads and reloads by 20 sessions over
10 minutes. Bounded in count and time, 127.0.0.1 only; prints wall and CPU time and the load
average (other work on the machine slows it); never fails.

    python bench/app_load.py [--sessions 10,20,40] [--pool 40] [--cap 40] [--soak]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from jihua_kit.core.i18n import t
from jihua_kit.course.household_form import FIELDS
from jihua_kit.room import server as app_server
from jihua_kit.room.client import Phone, PhoneError
from jihua_kit.room.layout import HOUSEHOLD, css_name

# The household typed in each page (as in tests/test_app.py), and its yearly total by hand:
# one-child reward 2,160 x 2 parents + health fee 100 x 12 (rules.md section A).
FORM = [("residence", "rural"), ("household_type", "one_child"), ("mother.age", 40), ("father.age", 42),
        ("children", 1), ("children[1].age", 10), ("children[1].sex", "M")]  # fmt: skip
EXPECTED = "5,520 元/年"
RESULT = f"{HOUSEHOLD}-result"
TARGETS = {"usable_p95": 3.0, "input_p95": 1.0, "peak_gb": 6.0, "settle_s": 60.0, "memory_back": 0.10}
GB = 2**30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank); nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


# --- the server and its memory -------------------------------------------------------------------


class Sampler(threading.Thread):
    """Samples the server's process tree every `every` seconds: memory (RSS and PSS) and kernels."""

    def __init__(self, pid: int, every: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.root, self.every, self.stop_flag = psutil.Process(pid), every, threading.Event()
        self.lock = threading.Lock()
        self.peak_rss = self.peak_pss = 0
        self.last: tuple[int, int, int] = (0, 0, 0)

    def measure(self) -> tuple[int, int, int]:
        """(RSS bytes, PSS bytes, kernel processes) of the server and its children now."""
        rss = pss = kernels = 0
        try:
            procs = [self.root, *self.root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0, 0, 0
        for proc in procs:
            try:
                mem = proc.memory_full_info()
                rss, pss = rss + mem.rss, pss + getattr(mem, "pss", mem.rss)
                kernels += "ipykernel_launcher" in " ".join(proc.cmdline())
            except psutil.Error:
                continue
        return rss, pss, kernels

    def run(self) -> None:
        while not self.stop_flag.wait(self.every):
            rss, pss, kernels = self.measure()
            with self.lock:
                self.last = (rss, pss, kernels)
                self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)

    def reset_peak(self) -> None:
        with self.lock:
            self.peak_rss = self.peak_pss = 0

    def cpu_seconds(self) -> tuple[float, float]:
        """CPU time (user + system) so far of the server process itself and of its kernels (ended
        kernels included, through the server's children times)."""
        server = kernels = 0.0
        try:
            procs = [self.root, *self.root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0.0, 0.0
        for proc in procs:
            try:
                cpu = proc.cpu_times()
                if proc == self.root:
                    server += cpu.user + cpu.system
                    kernels += cpu.children_user + cpu.children_system
                else:
                    kernels += cpu.user + cpu.system
            except psutil.Error:
                continue
        return server, kernels


@dataclass
class Server:
    proc: subprocess.Popen
    base: str
    token: str
    log: Path
    sampler: Sampler = field(init=False)

    def __post_init__(self) -> None:
        self.sampler = Sampler(self.proc.pid)
        self.sampler.start()

    def stop(self) -> None:
        self.sampler.stop_flag.set()
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def start_server(room: app_server.Room, folder: Path) -> Server:
    port, token = free_port(), app_server.new_token()
    log = folder / "server.log"
    cmd = app_server.voila_command("127.0.0.1", port, app_server.write_token_file(token), room=room)
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, env=app_server.voila_env(), stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)  # fmt: skip
    return Server(proc, f"http://127.0.0.1:{port}/", token, log)


async def room_status(server: Server) -> dict:
    return await Phone(server.base, server.token).room()


async def wait_for(server: Server, ready, limit: float, what: str) -> tuple[float, dict]:
    """Poll the room until `ready(status)`; (seconds waited, last status). Gives up after `limit`."""
    start = time.perf_counter()
    status: dict = {}
    while time.perf_counter() - start < limit:
        if server.proc.poll() is not None:
            raise SystemExit(f"the server stopped ({what}):\n{server.log.read_text()[-3000:]}")
        try:
            status = await room_status(server)
            if ready(status):
                break
        except (PhoneError, OSError):
            pass
        await asyncio.sleep(0.5)
    return time.perf_counter() - start, status


# --- one trainee ---------------------------------------------------------------------------------

_OPTIONS = {f.key: {value: label for label, value in f.options("zh")} for f in FIELDS if f.kind == "choice"}


def _state(phone: Phone, key: str, value) -> tuple[str, dict]:
    css = f"{HOUSEHOLD}-{css_name(key)}"
    if key in _OPTIONS:
        labels = phone.states[next(m for m, s in phone.states.items() if css in s["state"].get("_dom_classes", ()))]
        return css, {"index": labels["state"]["_options_labels"].index(_OPTIONS[key][value])}
    return css, {"value": value if isinstance(value, int) and "children[" not in key else str(value)}


APP_TABS = [t("app.tab.household"), t("app.tab.audit")]


@dataclass
class Visit:
    usable: float = float("nan")
    inputs: list[float] = field(default_factory=list)  # input -> result, seconds
    audit_tab: float = float("nan")  # seconds to open the assessment tab (built on first opening)
    wait_pages: int = 0
    error: str = ""
    right: bool = False
    beacon: int | None = None


async def trainee(server: Server, fill: bool = True, beacon: bool = True, deadline: float = 240,
                  audit: bool = False) -> Visit:  # fmt: skip
    """One phone: open, fill in the household, check the total, (open the assessment tab,) leave."""
    phone, visit = Phone(server.base, server.token), Visit()
    try:
        visit.usable = await phone.open(deadline=deadline)
        if fill:
            for key, value in FORM:
                css, state = _state(phone, key, value)
                result, _idle = await phone.set_state(css, state, RESULT)
                if result is not None:
                    visit.inputs.append(result)
            visit.right = EXPECTED in (phone.value(RESULT) or "")
        if audit:
            visit.audit_tab = await phone.open_tab(APP_TABS, 1)
    except (PhoneError, TimeoutError, OSError) as err:
        visit.error = f"{type(err).__name__}: {err}"[:200]
    finally:
        visit.wait_pages = phone.wait_pages
        try:
            visit.beacon = await phone.close(beacon=beacon)
        except (PhoneError, OSError) as err:
            visit.error = visit.error or f"close: {err}"[:200]
    return visit


# --- rounds --------------------------------------------------------------------------------------


def gb(n: int) -> str:
    return f"{n / GB:.2f} GB"


def load_text() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


async def class_round(server: Server, n: int, room: app_server.Room, idle_pss: int) -> dict:
    """N phones at once: open, fill, close; then the kernels and memory after closing."""
    sampler = server.sampler
    sampler.reset_peak()
    cpu0, client0, wall0 = sampler.cpu_seconds(), time.process_time(), time.perf_counter()
    visits = await asyncio.gather(*(trainee(server, audit=True) for _ in range(n)))
    closed_at = time.perf_counter()
    cpu1, client1 = sampler.cpu_seconds(), time.process_time()  # the round itself, not the pool's refill
    settle, status = await wait_for(server, lambda s: s["in_use"] == 0 and s["kernels"] <= room.pool, 60, "settle")
    _, _, kernel_procs = sampler.measure()
    after_close_rss, after_close_pss, _ = sampler.measure()
    rewarm, _ = await wait_for(server, lambda s: s["pool_rendered"] >= room.pool, 240, "re-warm")
    await asyncio.sleep(2)
    _, back_pss, _ = sampler.measure()
    usable = [v.usable for v in visits if not v.error]
    inputs = [x for v in visits for x in v.inputs]
    audit = [v.audit_tab for v in visits if v.audit_tab == v.audit_tab]
    return {
        "n": n, "wall": closed_at - wall0, "usable": usable, "inputs": inputs, "audit": audit,
        "wait_pages": sum(v.wait_pages for v in visits), "errors": [v.error for v in visits if v.error],
        "wrong": sum(not v.right for v in visits if not v.error), "beacons_ok": sum(v.beacon == 204 for v in visits),
        "peak_rss": sampler.peak_rss, "peak_pss": sampler.peak_pss, "after_close_pss": after_close_pss,
        "after_close_rss": after_close_rss, "back_pss": back_pss, "idle_pss": idle_pss, "settle": settle,
        "kernels_after": status.get("kernels"), "in_use_after": status.get("in_use"), "kernel_procs": kernel_procs,
        "rewarm": rewarm, "server_cpu": cpu1[0] - cpu0[0], "kernel_cpu": cpu1[1] - cpu0[1],
        "client_cpu": client1 - client0,
        "load": os.getloadavg(),
    }  # fmt: skip


def report(r: dict, room: app_server.Room) -> None:
    u, i = r["usable"], r["inputs"]
    ok = lambda good: "ok" if good else "MISSED"  # noqa: E731
    back = (r["back_pss"] - r["idle_pss"]) / r["idle_pss"] if r["idle_pss"] else float("nan")
    print(f"  N = {r['n']:>2} phones at once ({r['wall']:.1f} s for all to open, fill in, switch tab and close)")
    print(
        f"    time to usable      median {statistics.median(u) if u else float('nan'):.2f} s   p95 {pct(u, 95):.2f} s"
        f"   max {max(u, default=float('nan')):.2f} s   [{ok(pct(u, 95) <= TARGETS['usable_p95'])}: p95 <= 3 s]"
    )
    print(
        f"    input -> result     median {statistics.median(i) if i else float('nan'):.3f} s   p95 {pct(i, 95):.3f} s"
        f"   max {max(i, default=float('nan')):.3f} s   ({len(i)} inputs) [{ok(pct(i, 95) <= TARGETS['input_p95'])}:"
        " p95 <= 1 s]"
    )
    a = r["audit"]
    print(
        f"    assessment tab      median {statistics.median(a) if a else float('nan'):.2f} s   p95 {pct(a, 95):.2f} s"
        "   (its calculator is built in the kernel on first opening)"
    )
    print(
        f"    pages: {len(u)} drawn, {r['wait_pages']} wait pages (请稍候), {len(r['errors'])} errors,"
        f" {r['wrong']} wrong totals, {r['beacons_ok']}/{r['n']} shutdown beacons accepted"
        f" [{ok(not r['errors'] and not r['wrong'])}]"
    )
    for err in r["errors"][:3]:
        print(f"      error: {err}")
    print(
        f"    server memory       peak {gb(r['peak_pss'])} PSS ({gb(r['peak_rss'])} RSS)"
        f" [{ok(r['peak_rss'] / GB <= TARGETS['peak_gb'])}: <= 6 GB]; idle {gb(r['idle_pss'])},"
        f" right after closing {gb(r['after_close_pss'])}, pool warm again {gb(r['back_pss'])}"
        f" ({back:+.1%}) [{ok(abs(back) <= TARGETS['memory_back'])}: within 10% of idle]"
    )
    print(
        f"    after closing       {r['kernels_after']} kernels alive ({r['in_use_after']} in use,"
        f" {r['kernel_procs']} kernel processes) {r['settle']:.1f} s after the last page closed"
        f" [{ok(r['in_use_after'] == 0 and r['kernels_after'] <= room.pool and r['settle'] <= 60)}:"
        f" <= pool ({room.pool}) within 60 s]; pool warm again after {r['rewarm']:.0f} s"
    )
    print(
        f"    CPU time            server process {r['server_cpu']:.1f} s, kernels {r['kernel_cpu']:.1f} s,"
        f" this client {r['client_cpu']:.1f} s;"
        f" {'/'.join(f'{x:.2f}' for x in r['load'])} load average"
    )


async def soak(server: Server, room: app_server.Room, sessions: int, loads: int, minutes: float) -> None:
    """`loads` page loads by `sessions` phones spread over `minutes`: each loads, types a little,
    then reloads (beacon) or, one time in ten, vanishes without a word (the cull's job)."""
    print(f"  soak: {loads} page loads and reloads by {sessions} sessions over {minutes:g} minutes")
    rng = random.Random(12)
    per_session = loads // sessions
    gap = minutes * 60 / per_session
    counts, errors, vanished, max_kernels, samples = [0], [], [0], [0], []
    start = time.perf_counter()

    async def session(k: int) -> None:
        first = rng.uniform(0, gap)
        for i in range(per_session):  # load i at about start + first + i * gap (jittered), whatever the load took
            await asyncio.sleep(max(0.0, start + first + (i + rng.uniform(-0.3, 0.3)) * gap - time.perf_counter()))
            leave_quietly = rng.random() < 0.1
            visit = await trainee(server, fill=rng.random() < 0.5, beacon=not leave_quietly, deadline=gap * 2)
            counts[0] += 1
            vanished[0] += leave_quietly
            if visit.error:
                errors.append(visit.error)

    async def watch() -> None:
        while True:
            try:
                status = await room_status(server)
                max_kernels[0] = max(max_kernels[0], status["kernels"])
                samples.append((time.perf_counter() - start, status["kernels"], status["in_use"],
                                server.sampler.last[1]))  # fmt: skip
            except (PhoneError, OSError):
                pass
            await asyncio.sleep(5)

    watcher = asyncio.ensure_future(watch())
    await asyncio.wait_for(asyncio.gather(*(session(k) for k in range(sessions))), minutes * 60 * 1.5 + 120)
    took = time.perf_counter() - start
    settle, status = await wait_for(
        server, lambda s: s["in_use"] == 0 and s["kernels"] <= room.pool, room.idle_minutes * 60 + 90, "soak settle"
    )
    watcher.cancel()
    minute = [s for s in samples if s[0] <= 60]
    last = samples[-1] if samples else (0, 0, 0, 0)
    print(
        f"    {counts[0]} loads in {took / 60:.1f} min ({vanished[0]} left without the beacon), {len(errors)} errors;"
        f" kernels alive at most {max_kernels[0]} (pool {room.pool}, cap {room.cap})"
        f" [{'ok' if max_kernels[0] <= room.pool else 'MISSED'}: no growth beyond the pool]"
    )
    print(
        f"    memory: first minute {gb(max((s[3] for s in minute), default=0))} PSS, at the end {gb(last[3])};"
        f" after the soak {status.get('kernels')} kernels, {status.get('in_use')} in use,"
        f" {settle:.0f} s after the last load (kernels left without a beacon are culled after"
        f" {room.idle_minutes} min of silence)"
    )
    for err in errors[:3]:
        print(f"      error: {err}")


async def run(args: argparse.Namespace) -> None:
    idle = args.idle or (2 if args.soak else app_server.Room().idle_minutes)
    room = app_server.Room(pool=min(args.pool, args.cap), cap=args.cap, idle_minutes=idle)
    sizes = [n for n in args.sessions if n <= room.cap]
    wall0, cpu0 = time.perf_counter(), time.process_time()
    print(
        f"(h) trainee app under a class's load / 学员计算器负载测试 (127.0.0.1; pool {room.pool}, cap {room.cap};"
        f" {os.cpu_count()} cores, {psutil.virtual_memory().total / GB:.0f} GB; {load_text()})"
    )
    with tempfile.TemporaryDirectory(prefix="jihua-bench-app-") as folder:
        server = start_server(room, Path(folder))
        try:
            warm, status = await wait_for(server, lambda s: s["pool_rendered"] >= room.pool, args.warm_limit, "warm")
            await asyncio.sleep(3)
            _, idle_pss, kernels = server.sampler.measure()
            idle_rss = server.sampler.measure()[0]
            print(
                f"  pool warm-up: {status.get('pool_rendered')} of {room.pool} kernels ready in {warm:.0f} s"
                f" (from start); idle server {gb(idle_pss)} PSS, {gb(idle_rss)} RSS, {kernels} kernel processes"
                f" ({idle_pss / max(kernels, 1) / 2**20:.0f} MB PSS a kernel with the server's share)"
            )
            for n in sizes:
                if time.perf_counter() - wall0 > args.max_seconds:
                    print(f"  N = {n}: skipped, the run is past {args.max_seconds:.0f} s")
                    continue
                _, idle_pss, _ = server.sampler.measure()
                report(await class_round(server, n, room, idle_pss), room)
            if args.soak:
                await soak(server, room, args.soak_sessions, args.soak_loads, args.soak_minutes)
        finally:
            server.stop()
    print(
        f"  total {time.perf_counter() - wall0:.0f} s wall, this client {time.process_time() - cpu0:.1f} s CPU;"
        f" {load_text()}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sizes = lambda text: [int(x) for x in text.split(",") if x.strip()]  # noqa: E731
    default = app_server.Room()
    parser.add_argument("--sessions", type=sizes, default=[10, 20, 40], help="phones at once, per round")
    parser.add_argument("--pool", type=int, default=default.pool)
    parser.add_argument("--cap", type=int, default=default.cap)
    parser.add_argument(
        "--idle",
        type=int,
        default=None,
        help=f"minutes before a silent kernel is culled ({default.idle_minutes}; 2 with --soak)",
    )
    parser.add_argument("--warm-limit", type=float, default=240, help="seconds to wait for the pool")
    parser.add_argument("--max-seconds", type=float, default=270, help="skip rounds that would start later")
    parser.add_argument("--soak", action="store_true", help="also 200 loads by 20 sessions over 10 minutes")
    parser.add_argument("--soak-sessions", type=int, default=20)
    parser.add_argument("--soak-loads", type=int, default=200)
    parser.add_argument("--soak-minutes", type=float, default=10)
    args = parser.parse_args(argv)
    asyncio.run(run(args))


if __name__ == "__main__":
    main(sys.argv[1:])
