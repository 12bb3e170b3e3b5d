"""A trainee's phone without the browser: the requests a page of the trainee app makes, for the load
benchmark (`bench/app_load.py`) and the server tests.

`Phone(base_url, token)` opens the page the way a browser does (`Accept: text/html`, cookies kept;
the 请稍候 page is retried like the page itself retries), connects to its kernel's websocket, asks
the widgets for their state (ipywidgets' control comm: what the page's widget manager does before it
draws), changes inputs as a trainee does (a widget `update` message) and waits for the result to
come back; `close()` sends the page's shutdown beacon (with the `_xsrf` cookie) and drops the
websocket, as a browser closing or reloading the page does. Times are `time.perf_counter()` seconds.
Only for 127.0.0.1: it is a test and benchmark tool.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1, serialize_msg_to_ws_v1
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

__all__ = ["BROWSER_ACCEPT", "Phone", "PhoneError", "model_by_class"]

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
_KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')
CONTROL_VERSION = "1.0.0"  # ipywidgets' widget control protocol
WS_PROTOCOL = "v1.kernel.websocket.jupyter.org"  # binary frames, as JupyterLab's kernel connection uses


class PhoneError(RuntimeError):
    """The page, its kernel or a widget did not answer as a browser expects."""


def model_by_class(states: dict[str, Any], css_class: str) -> str:
    """The model ID of the widget carrying `css_class` (its `_dom_classes`)."""
    found = [mid for mid, s in states.items() if css_class in s["state"].get("_dom_classes", ())]
    if len(found) != 1:
        raise PhoneError(f"{len(found)} widgets carry the class {css_class!r}")
    return found[0]


@dataclass
class Phone:
    """One trainee's page: see the module's docstring."""

    base_url: str  # http://127.0.0.1:<port>/
    token: str = ""
    cookies: dict[str, str] = field(default_factory=dict)
    kernel_id: str = ""
    states: dict[str, Any] = field(default_factory=dict)  # model ID -> {"state": ..., "model_name": ...}
    wait_pages: int = 0  # 请稍候 pages seen before the app
    opened_at: float = 0.0  # when the page request that was answered started
    usable_at: float = 0.0  # when the widgets' state had arrived (the page can be drawn and used)
    _ws: WebSocketClientConnection | None = None
    _session: str = field(default_factory=lambda: uuid.uuid4().hex)
    _pending: dict[str, asyncio.Future] = field(default_factory=dict)  # msg_id -> idle future
    _updates: asyncio.Queue | None = None
    _reader: asyncio.Task | None = None
    _control: str = ""

    def __post_init__(self) -> None:
        host = urlsplit(self.base_url).hostname
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError(f"the phone simulator talks to this computer only, not {host}")

    # --- HTTP ----------------------------------------------------------------------------------

    def _cookie_header(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    def _keep_cookies(self, headers: Any) -> None:
        for line in headers.get_list("Set-Cookie"):
            name, _, rest = line.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]

    async def fetch(self, path: str = "", method: str = "GET", body: str | None = None,
                    headers: dict[str, str] | None = None, timeout: float = 120) -> tuple[int, str]:  # fmt: skip
        """One request with the phone's cookies (and the token until a login cookie is set)."""
        query = (
            ""
            if any(k.startswith("username-") for k in self.cookies) or not self.token
            else "?" + urlencode({"token": self.token})
        )
        request = HTTPRequest(
            self.base_url + path + query, method=method, body=body, follow_redirects=False,
            headers={**self._cookie_header(), **(headers or {})}, request_timeout=timeout,
        )  # fmt: skip
        try:
            response = await AsyncHTTPClient().fetch(request, raise_error=False)
        except HTTPClientError as err:  # a network failure, not a status
            raise PhoneError(f"{method} /{path}: {err}") from err
        self._keep_cookies(response.headers)
        return response.code, (response.body or b"").decode("utf-8", "replace")

    async def open(self, deadline: float = 300, wait_page_retry: float = 3.0) -> float:
        """Open the page (retrying the 请稍候 page) and its kernel; returns seconds to usable."""
        start = time.perf_counter()
        while True:
            self.opened_at = time.perf_counter()
            code, html = await self.fetch(headers={"Accept": BROWSER_ACCEPT})
            if code == 200:
                break
            if code != 503 or time.perf_counter() - start > deadline:
                raise PhoneError(f"GET / answered {code}: {html[:200]!r}")
            self.wait_pages += 1
            await asyncio.sleep(wait_page_retry)
        found = _KERNEL_ID.search(html)
        if not found:
            raise PhoneError("the page names no kernel")
        self.kernel_id = found.group(1)
        await self._connect()
        await self._request_states()
        self.usable_at = time.perf_counter()
        return self.usable_at - self.opened_at

    # --- the kernel's websocket ----------------------------------------------------------------

    async def _connect(self) -> None:
        ws_url = self.base_url.replace("http", "ws", 1) + f"api/kernels/{self.kernel_id}/channels?session_id="
        request = HTTPRequest(ws_url + self._session, headers=self._cookie_header(), request_timeout=60)
        self._ws = await websocket_connect(request, max_message_size=64 * 2**20, subprotocols=[WS_PROTOCOL])
        if self._ws.selected_subprotocol != WS_PROTOCOL:
            raise PhoneError(f"the server does not speak {WS_PROTOCOL}")
        self._updates = asyncio.Queue()
        self._reader = asyncio.ensure_future(self._read())
        await self._send("kernel_info_request", {})

    async def _read(self) -> None:
        while True:
            raw = await self._ws.read_message()
            if raw is None:
                for future in self._pending.values():
                    if not future.done():
                        future.add_done_callback(lambda f: f.exception())  # fine if nobody waits for it
                        future.set_exception(PhoneError("the kernel's websocket closed"))
                return
            if not isinstance(raw, bytes):
                continue
            _channel, parts = deserialize_msg_from_ws_v1(raw)
            kind = json.loads(parts[0])["msg_type"]
            if kind not in ("status", "comm_msg"):  # only these matter here: leave the rest unparsed
                continue
            parent = json.loads(parts[1]).get("msg_id", "")
            content = json.loads(parts[3])
            if kind == "status" and content.get("execution_state") == "idle" and parent in self._pending:
                future = self._pending.pop(parent)
                if not future.done():
                    future.set_result(time.perf_counter())
            elif kind == "comm_msg":
                self._updates.put_nowait((time.perf_counter(), content))

    async def _send(self, msg_type: str, content: dict, metadata: dict | None = None) -> asyncio.Future:
        msg_id = uuid.uuid4().hex
        done: asyncio.Future = asyncio.get_running_loop().create_future()
        self._pending[msg_id] = done
        header = {"msg_id": msg_id, "username": "phone", "session": self._session, "msg_type": msg_type,
                  "version": "5.3", "date": datetime.now(UTC).isoformat()}  # fmt: skip
        msg = {"header": header, "parent_header": {}, "metadata": metadata or {}, "content": content}
        frame = serialize_msg_to_ws_v1(msg, "shell", pack=lambda part: json.dumps(part).encode("utf-8"))
        await self._ws.write_message(frame, binary=True)
        return done

    async def _request_states(self, timeout: float = 120) -> None:
        """What the page's widget manager does first: open the control comm, ask for every state."""
        self._control = uuid.uuid4().hex
        opened = await self._send(
            "comm_open", {"comm_id": self._control, "target_name": "jupyter.widget.control", "data": {}},
            {"version": CONTROL_VERSION},
        )  # fmt: skip
        await asyncio.wait_for(opened, timeout)
        await self._send("comm_msg", {"comm_id": self._control, "data": {"method": "request_states"}})
        end = time.perf_counter() + timeout
        while True:
            _, content = await asyncio.wait_for(self._updates.get(), max(0.1, end - time.perf_counter()))
            data = content.get("data", {})
            if content.get("comm_id") == self._control and data.get("method") == "update_states":
                self.states = data["states"]
                return

    async def set_state(self, css_class: str, state: dict[str, Any], result_class: str,
                        timeout: float = 60) -> tuple[float | None, float]:  # fmt: skip
        """Change a widget (found by its CSS class) as the page does, wait until the kernel has handled
        it; returns (seconds until the widget with `result_class` was updated, or None when its value
        did not change; seconds until the kernel was idle again)."""
        target = model_by_class(self.states, css_class)
        result = model_by_class(self.states, result_class)
        while not self._updates.empty():
            self._updates.get_nowait()
        sent = time.perf_counter()
        idle = await self._send("comm_msg", {"comm_id": target, "data": {"method": "update", "state": state,
                                                                         "buffer_paths": []}})  # fmt: skip
        idle_at = await asyncio.wait_for(idle, timeout)
        self.states[target]["state"].update(state)
        updated = None
        while not self._updates.empty():
            at, content = self._updates.get_nowait()
            data = content.get("data", {})
            if data.get("method") == "update" and "state" in data:
                self.states.setdefault(content["comm_id"], {"state": {}})["state"].update(data["state"])
                if content["comm_id"] == result and "value" in data["state"]:
                    updated = at - sent
        return updated, idle_at - sent

    async def open_tab(self, titles: list[str], index: int, timeout: float = 120) -> float:
        """Select tab `index` of the Tab widget with these titles, as a tap does; returns seconds until
        the kernel has done what that asks (the trainee app builds its assessment calculator then)."""
        found = [mid for mid, s in self.states.items() if s["state"].get("titles") == titles]
        if len(found) != 1:
            raise PhoneError(f"{len(found)} tab widgets have the titles {titles}")
        sent = time.perf_counter()
        idle = await self._send("comm_msg", {"comm_id": found[0], "data": {
            "method": "update", "state": {"selected_index": index}, "buffer_paths": []}})  # fmt: skip
        return await asyncio.wait_for(idle, timeout) - sent

    def value(self, css_class: str) -> Any:
        """The current value of a widget (as last sent by the kernel)."""
        return self.states[model_by_class(self.states, css_class)]["state"].get("value")

    # --- closing ---------------------------------------------------------------------------------

    async def close(self, beacon: bool = True) -> int | None:
        """Leave the page: the shutdown beacon (as the page sends on unload) unless `beacon` is False
        (a phone that just vanished), then the websocket goes. Returns the beacon's status."""
        status = None
        if beacon and self.kernel_id:
            boundary = uuid.uuid4().hex
            body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"_xsrf\"\r\n\r\n"
                    f"{self.cookies.get('_xsrf', '')}\r\n--{boundary}--\r\n")  # fmt: skip
            status, _ = await self.fetch(
                f"voila/api/shutdown/{self.kernel_id}", "POST", body,
                {"Content-Type": f"multipart/form-data; boundary={boundary}"},
            )  # fmt: skip
        if self._ws is not None:
            self._ws.close()
            self._ws = None
        if self._reader is not None:
            try:
                await asyncio.wait_for(self._reader, 5)
            except (TimeoutError, PhoneError):
                self._reader.cancel()
            self._reader = None
        return status

    async def room(self) -> dict[str, Any]:
        """The server's counts (GET /jihua/api/room)."""
        code, body = await self.fetch("jihua/api/room")
        if code != 200:
            raise PhoneError(f"GET /jihua/api/room answered {code}")
        return json.loads(body)
