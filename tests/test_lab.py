"""`make lab` serves JupyterLab on 127.0.0.1 with a token, in Chinese, without the news popup."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from .conftest import REPO


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get_with_retry(url: str, seconds: float = 60) -> int:
    """The server prints its URL a moment before it accepts connections."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return urllib.request.urlopen(url, timeout=30).status
        except urllib.error.URLError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


@pytest.mark.slow
def test_make_lab_answers_200_and_defaults_to_chinese():
    if not (REPO / ".venv" / "bin" / "jupyter").exists():
        pytest.skip("no .venv: run through `make test`")
    port = _free_port()
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"PORT={port}", "LAB_ARGS=--no-browser"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        env={**os.environ, "BROWSER": "true"},
    )
    try:
        url, deadline, seen = None, time.monotonic() + 90, []
        while url is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            seen.append(line)
            match = re.search(rf"http://127\.0\.0\.1:{port}/lab\?token=([0-9a-f]+)", line)
            url = match and match.group(0)
        assert url, "".join(seen[-20:])
        token = url.rsplit("=", 1)[1]
        assert _get_with_retry(url) == 200
        with pytest.raises(urllib.error.HTTPError):  # the token is required
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents", timeout=30)
        base = f"http://127.0.0.1:{port}/lab/api/settings"
        locale = json.load(urllib.request.urlopen(f"{base}/@jupyterlab/translation-extension:plugin?token={token}"))
        assert locale["schema"]["properties"]["locale"]["default"] == "zh_CN"
        news = json.load(urllib.request.urlopen(f"{base}/@jupyterlab/apputils-extension:notification?token={token}"))
        assert news["schema"]["properties"]["checkForUpdates"]["default"] is False
        contents = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents?token={token}"))
        assert "sanitize.cfg" in {item["name"] for item in contents["content"]}  # rooted at notebooks/
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
