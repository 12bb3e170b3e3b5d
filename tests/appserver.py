"""The trainee app's server for tests: started as `make app` starts it (with a token, as on the
training room's network), on a free port, until the test module is done.

    with running_server(tmp_path, Room(pool=3, cap=6)) as server:
        room(server)          # {"in_use": 0, "pool_ready": 3, ...} from GET /jihua/api/room
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from jihua_kit.room import server as app_server

WAIT_S = 240  # a slow, shared machine: the pool's warm-up


@dataclass
class Server:
    url: str  # with the token
    base: str  # without it
    token: str
    port: int
    log: Path
    proc: subprocess.Popen
    room: app_server.Room


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM to the server's process group (it then shuts its kernels down), SIGKILL if it lingers."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def room(server: Server) -> dict:
    """The server's counts (GET /jihua/api/room with the token)."""
    with urllib.request.urlopen(f"{server.base}jihua/api/room?token={server.token}", timeout=30) as answer:
        return json.loads(answer.read())


def wait_room(server: Server, ready, what: str, limit: float = WAIT_S) -> dict:
    """Poll the room until `ready(counts)`; fail the test, with the server's log, after `limit` s."""
    deadline = time.monotonic() + limit
    while True:
        if server.proc.poll() is not None:
            pytest.fail(f"the app server exited with {server.proc.returncode}:\n{server.log.read_text()[-4000:]}")
        try:
            counts = room(server)
            if ready(counts):
                return counts
        except (OSError, urllib.error.URLError, ValueError):
            counts = None
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not so after {limit:.0f} s (last counts {counts}):\n{server.log.read_text()[-4000:]}")
        time.sleep(0.3)


@contextmanager
def running_server(folder: Path, room_options: app_server.Room) -> Iterator[Server]:
    """The app's server (pool warm) on a free port with a random token."""
    port, token = free_port(), app_server.new_token()
    log = folder / "server.log"
    cmd = app_server.voila_command("127.0.0.1", port, app_server.write_token_file(token), room=room_options)
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, env=app_server.voila_env(), stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)  # fmt: skip
    base = f"http://127.0.0.1:{port}/"
    server = Server(f"{base}?token={token}", base, token, port, log, proc, room_options)
    try:
        wait_room(server, lambda c: c["pool_rendered"] >= room_options.pool, "the kernel pool is warm")
        yield server
    finally:
        stop(proc)
