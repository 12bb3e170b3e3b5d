"""Serve the trainee app (`app/trainee.ipynb`) with Voilà: `python -m jihua_kit.app_server` (`make app`).

One place builds the Voilà command, so `make app` and the browser tests run the same server:
the page template `jihua-app` (in `app/jupyter/`, found through JUPYTER_PATH) makes no request to
the internet; the port is fixed (8866 unless told) and a port already in use is an error, never a
silent move to another port. Bound to 127.0.0.1, only this computer can open the page and no token
is asked. Bound to any other address (`make app HOST=0.0.0.0`), a token is required: the one given,
or a new random one, printed in the address to hand out.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import string
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from jihua_kit.i18n import t
from jihua_kit.paths import REPO_ROOT

__all__ = [
    "APP_NOTEBOOK", "DEFAULT_HOST", "DEFAULT_PORT", "TEMPLATE", "TEMPLATE_ROOT", "app_url", "is_loopback",
    "main", "needs_token", "new_token", "port_in_use", "voila_command", "voila_env",
]  # fmt: skip

APP_NOTEBOOK = REPO_ROOT / "app" / "trainee.ipynb"
TEMPLATE_ROOT = REPO_ROOT / "app" / "jupyter"  # holds voila/templates/jihua-app
TEMPLATE = "jihua-app"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8866  # Voilà's own default; documented in the README
TOKEN_LENGTH = 10  # lowercase letters and digits: easy to type on a phone, about 51 bits
LOOPBACK = ("127.0.0.1", "localhost", "::1")


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


def voila_command(
    host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, token: str = "", notebook: Path = APP_NOTEBOOK
) -> list[str]:
    """The Voilà command line serving `notebook`; run it with `voila_env(token)`, which hands Voilà
    the token (through JUPYTER_TOKEN, so it does not show in the process list)."""
    cmd = [
        sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--template={TEMPLATE}",
        f"--Voila.ip={host}", f"--Voila.port={port}", "--Voila.port_retries=0",
        "--HTMLExporter.language_code=zh",  # <html lang="zh">: Chinese glyphs and line breaking
    ]  # fmt: skip
    if token:
        cmd.append("--Voila.auto_token=True")  # ask for a token; jupyter_server reads it from JUPYTER_TOKEN
    return cmd


def voila_env(token: str = "", base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for Voilà: JUPYTER_PATH starts with the app's template folder; JUPYTER_TOKEN
    holds the token (removed when there is none)."""
    env = dict(os.environ if base is None else base)
    env.pop("JUPYTER_TOKEN", None)
    if token:
        env["JUPYTER_TOKEN"] = token
    rest = env.get("JUPYTER_PATH", "")
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(TEMPLATE_ROOT), rest) if p)
    return env


def port_in_use(host: str, port: int) -> bool:
    """Whether something already listens on `port` (checked by binding it, then letting go)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
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


def main(argv: Sequence[str] | None = None) -> int:
    """Check the port, print the address (with the token when one is needed), then become Voilà."""
    parser = argparse.ArgumentParser(prog="python -m jihua_kit.app_server", description=t("app.description"))
    parser.add_argument("--host", default=DEFAULT_HOST, help=t("app.help.host"))
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=t("app.help.port"))
    parser.add_argument("--token", default="", help=t("app.help.token"))
    args = parser.parse_args(argv)
    if port_in_use(args.host, args.port):
        for lang in ("zh", "en"):
            print(t("app.port_taken", lang, port=args.port), file=sys.stderr)
        return 1
    token = args.token or (new_token() if needs_token(args.host) else "")
    url = app_url(args.host, args.port, token)
    for lang in ("zh", "en"):
        print(t("app.serving", lang, url=url))
        print(t("app.token_note" if token else "app.local_note", lang))
    sys.stdout.flush()
    cmd = voila_command(args.host, args.port, token)
    os.execve(cmd[0], cmd, voila_env(token))
    return 0  # not reached


if __name__ == "__main__":
    raise SystemExit(main())
