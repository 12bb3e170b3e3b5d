"""Serve the trainee app (`app/trainee.ipynb`) with Voilà: `python -m jihua_kit.room.server` (`make app`).

One place builds the server's command (`voila_command`) and environment (`voila_env`), so
`make app`, the browser tests and the load benchmark run the same server: `jihua_kit.room.voila`
(Voilà with the training room's pool, cap and wait page), the page template `jihua-app` (in
`app/jupyter/`, found through JUPYTER_PATH) that makes no request to the internet, and a fixed port
(8866 unless told; a port in use is an error, never a silent move to another port).

Bound to 127.0.0.1, only this computer can open the page and no token is asked. Bound to any other
address (`make app HOST=0.0.0.0`), a token is required: read from a file (`--token-file`), from the
environment variable JIHUA_APP_TOKEN (removed before anything else starts), or made up at random;
it is printed in the address to hand out. The server gets it through a private file it deletes once
read, so the token is in no process's arguments and no kernel's environment.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import string
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from jihua_kit.core.checkout import checkout
from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import t
from jihua_kit.core.paths import REPO_ROOT

__all__ = [
    "APP_NOTEBOOK", "DEFAULT_HOST", "DEFAULT_PORT", "KERNEL_MB", "TEMPLATE", "TEMPLATE_ROOT", "TOKEN_ENV", "Room",
    "app_url", "is_loopback", "main", "needs_token", "new_token", "port_in_use", "voila_command", "voila_env",
    "write_token_file",
]  # fmt: skip

APP_NOTEBOOK = REPO_ROOT / "app" / "trainee.ipynb"
TEMPLATE_ROOT = REPO_ROOT / "app" / "jupyter"  # holds voila/templates/jihua-app
TEMPLATE = "jihua-app"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8866  # Voilà's own default; documented in the README
TOKEN_LENGTH = 10  # lowercase letters and digits: easy to type on a phone, about 51 bits
TOKEN_ENV = "JIHUA_APP_TOKEN"
TOKEN_VARS = ("JUPYTER_TOKEN", TOKEN_ENV, "TOKEN")  # never passed on (TOKEN is the Makefile's name for it)
LOOPBACK = ("127.0.0.1", "localhost", "::1")
# Memory of one trainee's kernel with the app drawn and used (proportional set size, measured by
# `make bench-app` on Debian 12, Python 3.11); the cap and the pool are sized with it.
KERNEL_MB = 95


@dataclass(frozen=True)
class Room:
    """How many trainees the server takes: `pool` kernels kept warm (that many pages open at once),
    at most `cap` kernels alive (in use plus pooled), and the safety nets' timeouts."""

    pool: int = 40  # an 8 GB laptop: 40 x KERNEL_MB is about 3.7 GB, leaving the rest to the system
    cap: int = 40
    idle_minutes: int = 10  # a kernel whose page disconnected and stayed idle this long is ended
    claim_seconds: int = 120  # a kernel whose page never connected is ended after this
    warm_parallel: int = 0  # kernels warming up at once; 0: one per CPU core

    LIMITS = {"pool": (0, 500), "cap": (1, 500), "idle_minutes": (1, 24 * 60)}


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable from this computer only."""
    return host in LOOPBACK or host.startswith("127.")


def needs_token(host: str) -> bool:
    """A server other machines can reach must ask for a token."""
    return not is_loopback(host)


def new_token(length: int = TOKEN_LENGTH) -> str:
    """A random token of lowercase letters and digits."""
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


def write_token_file(token: str) -> Path:
    """The token in a new private file (folder and file readable by this user only), for the
    server's `--RoomVoila.token_file`; the server deletes both once it has read it."""
    folder = Path(tempfile.mkdtemp(prefix="jihua-app-"))
    path = folder / "token"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(token)
    return path


def voila_command(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    token_file: str | Path = "",
    notebook: Path = APP_NOTEBOOK,
    room: Room = Room(),  # noqa: B008 -- frozen
) -> list[str]:
    """The server's command line for `notebook` (run it with `voila_env()`): Voilà through
    `jihua_kit.room.voila`, with the pool, the cap and the culling of idle kernels. A server that asks
    for a token gets `token_file` (see `write_token_file`); the token itself is never an argument."""
    checkout("app/")  # the notebooks and the page template
    cmd = [
        sys.executable, "-m", "jihua_kit.room.voila", str(notebook), "--no-browser", f"--template={TEMPLATE}",
        f"--Voila.ip={host}", f"--Voila.port={port}", "--Voila.port_retries=0",
        "--HTMLExporter.language_code=zh",  # <html lang="zh">: Chinese glyphs and line breaking
        # The pool: pages are served from kernels that have run the notebook already.
        "--VoilaConfiguration.preheat_kernel=True", f"--VoilaConfiguration.default_pool_size={room.pool}",
        f"--RoomVoila.max_kernels={room.cap}", f"--RoomVoila.claim_timeout={room.claim_seconds}",
        f"--RoomVoila.warm_parallel={room.warm_parallel}",
        # A busy laptop may take more than nbclient's 4 s to send a cell's last output.
        "--VoilaExecutor.iopub_timeout=60", "--VoilaExecutor.startup_timeout=180",
        # Safety net for kernels whose page went without saying so: idle and disconnected -> ended.
        f"--MappingKernelManager.cull_idle_timeout={room.idle_minutes * 60}",
        "--MappingKernelManager.cull_interval=30", "--MappingKernelManager.cull_connected=False",
    ]  # fmt: skip
    if token_file:
        cmd.append(f"--RoomVoila.token_file={token_file}")
    return cmd


def voila_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The server's environment: JUPYTER_PATH starts with the app's template folder; no variable
    that may hold the token (TOKEN_VARS) is passed on, since the kernels inherit this environment."""
    env = dict(os.environ if base is None else base)
    for name in TOKEN_VARS:
        env.pop(name, None)
    rest = env.get("JUPYTER_PATH", "")
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(TEMPLATE_ROOT), rest) if p)
    return env


def port_in_use(host: str, port: int) -> bool:
    """Whether something already listens on `port`: checked by binding it as a server does (with
    SO_REUSEADDR, so connections of a server just stopped, in TIME_WAIT, do not count), then letting go."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def _lan_address() -> str:
    """This computer's address on the local network (no packet is sent), or its host name."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("10.255.255.255", 1))
            return sock.getsockname()[0]
        except OSError:
            return socket.gethostname()


def app_url(host: str, port: int, token: str = "") -> str:
    """The address to open: this computer's network address when bound to all of them."""
    shown = _lan_address() if host in ("0.0.0.0", "::", "") else host
    shown = f"[{shown}]" if ":" in shown else shown
    return f"http://{shown}:{port}/" + (f"?token={token}" if token else "")


def read_token(token_file: str, environ: dict[str, str] | os._Environ, env_name: str = TOKEN_ENV) -> str:
    """The token from `token_file`, else from `env_name` (removed from `environ`), else ''."""
    from_env = environ.pop(env_name, "").strip()
    if not token_file:
        return from_env
    try:
        token = Path(token_file).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as err:
        raise SystemExit(_both("app.token_unreadable", path=token_file, detail=err)) from None
    if not token:
        raise SystemExit(_both("app.token_empty", path=token_file))
    return token


def _both(key: str, **kw: object) -> str:
    return "\n".join(t(key, lang, **kw) for lang in ("zh", "en"))


def _bounded(name: str, low: int, high: int):
    def parse(text: str) -> int:
        if not text.strip().isascii() or not text.strip().isdigit() or not low <= int(text) <= high:
            raise argparse.ArgumentTypeError(_both("app.bad_number", name=name, low=low, high=high, got=text))
        return int(text)

    return parse


def memory_advice(room: Room) -> list[str]:
    """Lines about memory: what the cap needs against what this computer has free (psutil)."""
    try:
        import psutil
    except ImportError:  # ipykernel brings psutil; without it there is nothing to say
        return []
    avail = psutil.virtual_memory().available / 2**30
    need = room.cap * KERNEL_MB / 1024
    lines = [_both("app.memory", per=KERNEL_MB, cap=room.cap, need=need, avail=avail)]
    if need > avail:
        fit = max(1, int(avail * 1024 * 0.9 / KERNEL_MB))
        lines.append(_both("app.memory_short", cap=room.cap, fit=fit))
    return lines


def add_room_args(parser: argparse.ArgumentParser) -> None:
    """--pool, --cap and --idle, bounded (Room.LIMITS), with the defaults of `Room`."""
    d = Room()
    for name, default in (("pool", d.pool), ("cap", d.cap), ("idle_minutes", d.idle_minutes)):
        flag = "--" + name.split("_")[0]
        parser.add_argument(flag, dest=name, type=_bounded(flag[2:].upper(), *Room.LIMITS[name]), default=default,
                            help=t(f"app.help.{flag[2:]}", n=default))  # fmt: skip


def room_from(args: argparse.Namespace) -> Room:
    """The `Room` of parsed --pool/--cap/--idle (the pool never above the cap)."""
    return Room(pool=min(args.pool, args.cap), cap=args.cap, idle_minutes=args.idle_minutes)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m jihua_kit.room.server", description=t("app.description"))
    parser.add_argument("--host", default=DEFAULT_HOST, help=t("app.help.host"))
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=t("app.help.port"))
    parser.add_argument("--token-file", default="", help=t("app.help.token_file"))
    add_room_args(parser)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Check the port, print the address (with the token when one is needed), then become the server."""
    args = parse_args(argv)
    room = room_from(args)
    try:
        checkout("app/trainee.ipynb")
    except KitError as err:
        print(err, file=sys.stderr)
        return 2
    if port_in_use(args.host, args.port):
        print(_both("app.port_taken", port=args.port), file=sys.stderr)
        return 1
    token = read_token(args.token_file, os.environ) or (new_token() if needs_token(args.host) else "")
    url = app_url(args.host, args.port, token)
    for lang in ("zh", "en"):
        print(t("app.serving", lang, url=url))
        print(t("app.token_note" if token else "app.local_note", lang))
    for line in memory_advice(room):
        print(line)
    sys.stdout.flush()
    cmd = voila_command(args.host, args.port, write_token_file(token) if token else "", room=room)
    os.execve(cmd[0], cmd, voila_env())
    return 0  # not reached


if __name__ == "__main__":
    raise SystemExit(main())
