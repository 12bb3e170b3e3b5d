"""The training room's server: Voilà with a pool of warm kernels, a cap and a polite wait page.

Runs inside the server process (`python -m jihua_kit.room.voila`, which `room.server` starts; see
`room.server.voila_command`). Each page of the trainee app has its own Python kernel, so the room's
limits are kernels:

- **Pool.** Voilà's preheated kernels (`--preheat_kernel=True --pool_size=N`) have run
  app/trainee.ipynb before anyone asks, so a page is served at once. At most `warm_parallel`
  kernels warm up together (one per core), so filling a pool of 40 does not thrash a 2-core laptop.
- **Cap.** Kernels in use plus pooled kernels never exceed `max_kernels`: the pool refills only up
  to the cap. A page request gets a kernel only when a pooled one is ready (or, with no pool, while
  under the cap); otherwise the trainee sees the wait page (请稍候), which retries by itself. Kernels
  in use are never touched, so nobody working loses a page.
- **Kernels end with their page.** The page's shutdown beacon (`POST /voila/api/shutdown/<id>`)
  carries the `_xsrf` cookie, which Voilà never sets (voila-dashboards/voila issue 1458), so it was
  refused; the page handler sets it. Safety nets: a kernel whose page never connected within
  `claim_timeout` seconds is ended (a bare `GET /`, a browser closed while loading), and
  jupyter_server culls kernels idle and disconnected for `MappingKernelManager.cull_idle_timeout`.
- **Only a browser opening the page** (`Accept: text/html`) is given a kernel.
- **The token** is read from `token_file`, which is deleted once read: it is in no process's
  arguments or environment, hence in no kernel's environment either.
- `GET /jihua/api/room` (token required) answers with the counts as JSON, for the trainer, the
  tests and the benchmark; it lists no kernel IDs.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import time
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

import tornado.ioloop
import tornado.web
from jupyter_server._tz import utcnow
from jupyter_server.auth.identity import PasswordIdentityProvider
from jupyter_server.base.handlers import JupyterHandler
from traitlets import Float, Integer, Unicode, default
from voila import app as voila_app
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

from jihua_kit.core.i18n import t

__all__ = [
    "ROOM_API", "RoomPageHandler", "RoomStatusHandler", "RoomVoila", "main", "room_kernel_manager", "scrub_token",
    "wait_page",
]  # fmt: skip

ROOM_API = "jihua/api/room"
TIDY_SECONDS = 2.0  # how often unclaimed kernels, failed warm-ups and the ready message are looked at
RETRY_SECONDS = (3, 7)  # the wait page retries after a random delay in this range, so phones do not knock together

# The states of a pool item (an asyncio task that starts a kernel and runs the notebook in it).
RENDERED, STARTED, PENDING, FAILED = range(4)


_TOKEN_PARAM = re.compile(r"(^|[?&])token=[^&#]*&?")


def scrub_token(env: dict[str, str], token: str) -> dict[str, str]:
    """`env` without the token: Voilà hands each kernel the page's address (VOILA_REQUEST_URL,
    QUERY_STRING), `?token=…` included; the parameter is dropped, any other trace of it blanked."""
    if not token:
        return dict(env)
    out = {}
    for name, value in env.items():
        if isinstance(value, str) and token in value:
            value = _TOKEN_PARAM.sub(r"\1", value).rstrip("?&").replace(token, "")
        out[name] = value
    return out


def _item_state(task: asyncio.Future) -> int:
    if not task.done():
        return PENDING
    if task.cancelled() or task.exception() is not None:
        return FAILED
    return RENDERED if task.result()["task"].done() else STARTED


def room_kernel_manager(
    base: type, pool_size: int, cap: int, warm_parallel: int, claim_timeout: float, token: str = ""
) -> type:
    """Voilà's pooling kernel manager (`base`) with the room's rules: the cap, ordered warm-ups, ready
    kernels handed out first, kernels whose page never connected ended, the token kept out of every
    kernel's environment, and the counts."""

    class RoomKernelManager(base):
        room_pool_size = max(0, min(pool_size, cap))
        room_cap = cap
        room_parallel = max(1, warm_parallel)

        def __init__(self, **kwargs: Any) -> None:
            self._in_use: set[str] = set()  # handed to a page (from the pool, or started for it)
            self._handed: dict[str, float] = {}  # kernel -> when handed out, until its page connects
            self._claimed: set[str] = set()  # kernels a page has connected to
            self._handing_out = 0  # pool items taken but not yet counted in _in_use
            self._opening = 0  # pages being drawn with a kernel started on demand (no pool)
            self._warming = asyncio.Semaphore(self.room_parallel)
            self._closing = False
            self._announced = False
            super().__init__(**kwargs)

        # --- counts ------------------------------------------------------------------------------

        def _alive(self) -> set[str]:
            return set(self.list_kernel_ids())

        def in_use_count(self) -> int:
            """Kernels serving a page (or about to)."""
            return len(self._in_use & self._alive()) + self._handing_out + self._opening

        def pool_items(self) -> list[asyncio.Future]:
            return [task for pool in self._pools.values() for task in pool]

        def room_status(self) -> dict[str, Any]:
            """The room in numbers (no kernel IDs)."""
            states = [_item_state(task) for task in self.pool_items()]
            in_use = self.in_use_count()
            return {
                "in_use": in_use,
                "pool_ready": sum(s in (RENDERED, STARTED) for s in states),
                "pool_rendered": states.count(RENDERED),
                "pool_warming": states.count(PENDING),
                "pool_size": self.room_pool_size,
                "cap": self.room_cap,
                "kernels": len(self._alive()),
                "full": in_use >= self.room_cap,
            }

        def admit(self) -> str:
            """'ok' when a page may have a kernel now; else why not: 'full' (the cap is reached) or
            'warming' (room left, but no pooled kernel is ready yet)."""
            in_use = self.in_use_count()
            if in_use >= self.room_cap:
                return "full"
            if self.room_pool_size == 0:
                return "ok"
            ready = any(_item_state(task) in (RENDERED, STARTED) for task in self.pool_items())
            return "ok" if ready else "warming"

        # --- the pool --------------------------------------------------------------------------

        def fill_if_needed(self, delay: float | None = None, notebook_name: str | None = None, **kwargs: Any) -> None:
            """Voilà's refill, but only up to the cap: pooled + in use <= max_kernels."""
            if self._closing:
                return
            want = max(0, min(self.room_pool_size, self.room_cap - self.in_use_count()))
            saved = self.kernel_pools_config
            limited = {name: {**conf, "pool_size": want} for name, conf in saved.items()}
            limited.setdefault("default", {"pool_size": want, "kernel_env_variables": self.default_env_variables})
            self.kernel_pools_config = limited
            extra = kwargs.pop("extra_kernel_env_variables", None) or {}
            kwargs["extra_kernel_env_variables"] = scrub_token(extra, token)
            try:
                super().fill_if_needed(delay, notebook_name, **kwargs)
            finally:
                self.kernel_pools_config = saved

        async def _initialize(self, notebook_path: str, kernel_id: str | None = None, **kwargs: Any) -> dict:
            """One warm-up at a time per core: the slot is held until the notebook has run."""
            await self._warming.acquire()
            try:
                content = await super()._initialize(notebook_path, kernel_id, **kwargs)
            except BaseException:
                self._warming.release()
                raise
            content["task"].add_done_callback(lambda _task: self._warming.release())
            return content

        async def get_rendered_notebook(self, notebook_name: str, extra_kernel_env_variables: dict | None = None,
                                        **kwargs: Any) -> tuple:  # fmt: skip
            """Hand out a ready kernel first (Voilà takes the pool's first item, ready or not)."""
            pool = self._pools.get(notebook_name, [])
            pool.sort(key=_item_state)
            self._handing_out += 1
            try:
                render_task, cache, kernel_id = await super().get_rendered_notebook(
                    notebook_name, extra_kernel_env_variables or {}, **kwargs
                )
            finally:
                self._handing_out -= 1
            self._hand_out(kernel_id)
            return render_task, cache, kernel_id

        async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
            """A kernel started for one page (no pool): counted as in use at once."""
            if kwargs.get("env"):
                kwargs["env"] = scrub_token(kwargs["env"], token)
            kernel_id = await super().start_kernel(*args, **kwargs)
            if (kwargs.get("env") or {}).get("VOILA_PREHEAT") != "True":
                self._hand_out(kernel_id)
            return kernel_id

        def _hand_out(self, kernel_id: str) -> None:
            self._in_use.add(kernel_id)
            self._handed[kernel_id] = time.monotonic()
            kernel = self._kernels.get(kernel_id)
            if kernel is not None:  # its idle time counts from now, not from its warm-up
                kernel.last_activity = utcnow()

        def notify_connect(self, kernel_id: str) -> None:
            super().notify_connect(kernel_id)
            self._claimed.add(kernel_id)
            self._handed.pop(kernel_id, None)

        async def shutdown_kernel(self, kernel_id: str, *args: Any, **kwargs: Any) -> Any:
            """End a kernel; when it served a page, its slot goes back to the pool (once it has ended:
            until then it still counts)."""
            self._handed.pop(kernel_id, None)
            try:
                return await super().shutdown_kernel(kernel_id, *args, **kwargs)
            finally:
                was_in_use = kernel_id in self._in_use
                self._in_use.discard(kernel_id)
                self._claimed.discard(kernel_id)
                if was_in_use and not self._closing:
                    self.fill_if_needed(notebook_name=self.notebook_path)

        async def shutdown_all(self, *args: Any, **kwargs: Any) -> None:
            self._closing = True
            await super().shutdown_all(*args, **kwargs)

        # --- housekeeping ----------------------------------------------------------------------

        async def tidy(self, announce: Callable[[dict], None] | None = None) -> None:
            """End kernels whose page never connected; drop failed warm-ups and refill; say once
            when the pool is first warm."""
            now = time.monotonic()
            alive = self._alive()
            for kernel_id, since in list(self._handed.items()):
                if kernel_id not in alive:
                    self._handed.pop(kernel_id, None)
                elif now - since > claim_timeout:
                    self.log.warning("Ending kernel %s: no page connected to it in %.0f s", kernel_id, claim_timeout)
                    try:
                        await self.shutdown_kernel(kernel_id)
                    except Exception:  # already gone
                        self._handed.pop(kernel_id, None)
            for name, pool in self._pools.items():
                failed = [task for task in pool if _item_state(task) == FAILED]
                for task in failed:
                    pool.remove(task)
                    self.log.error("A kernel of the pool failed to warm up: %r", task.exception())
                if failed:
                    self.fill_if_needed(notebook_name=name)
            status = self.room_status()
            target = min(self.room_pool_size, self.room_cap)
            if not self._announced and target and status["pool_rendered"] >= target and announce:
                self._announced = True
                announce(status)

    return RoomKernelManager


def wait_page(reason: str, status: dict[str, Any], lang: str = "zh") -> str:
    """The page a trainee sees while no kernel is free: why, and that it retries by itself."""
    low, high = RETRY_SECONDS
    texts = {k: {lg: t(f"room.page.{k}", lg, cap=status["cap"]) for lg in ("zh", "en")}
             for k in ("title", reason, "keep", "retry")}  # fmt: skip
    zh = "".join(f"<p>{escape(texts[k]['zh'])}</p>" for k in (reason, "keep", "retry"))
    en = " ".join(escape(texts[k]["en"]) for k in (reason, "keep", "retry"))
    return f"""<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<noscript><meta http-equiv="refresh" content="{high}"></noscript>
<title>{escape(texts["title"]["zh"])}</title>
<style>
body {{ font-family: sans-serif; margin: 0; padding: 12vh 1.2em; background: #f7f7f5; color: #222; }}
main {{ max-width: 32em; margin: 0 auto; background: #fff; border-radius: 8px; padding: 1.2em 1.4em;
  box-shadow: 0 1px 4px rgba(0,0,0,.12); }}
h1 {{ font-size: 1.5em; margin: 0 0 .6em; }}
p {{ font-size: 1.05em; line-height: 1.6; margin: .5em 0; }}
.en {{ color: #666; font-size: .85em; margin-top: 1.2em; }}
.dots::after {{ content: "…"; animation: blink 1.2s steps(2) infinite; }}
@keyframes blink {{ 50% {{ opacity: .2; }} }}
</style></head>
<body><main class="jihua-wait" data-reason="{escape(reason)}">
<h1 class="dots">{escape(texts["title"]["zh"])}</h1>{zh}
<p class="en" lang="en">{escape(texts["title"]["en"])}. {en}</p>
</main>
<script>setTimeout(function () {{ location.reload(); }}, {low * 1000} + Math.random() * {(high - low) * 1000});</script>
</body></html>
"""


def wants_page(request: Any) -> bool:
    """Whether a request is a browser opening the page (it accepts HTML), not a bare client."""
    return "text/html" in request.headers.get("Accept", "")


class RoomPageHandler(TornadoVoilaHandler):
    """The app's page, given a kernel only when the room has one; else the wait page."""

    @tornado.web.authenticated
    async def get(self, path: str | None = None) -> None:
        km = self.kernel_manager
        if path:  # a file next to the notebook: Voilà redirects, no kernel involved
            await super().get(path)
            return
        if not wants_page(self.request):
            self.set_status(406)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(t("room.not_browser", "zh") + "\n" + t("room.not_browser", "en") + "\n")
            return
        verdict = km.admit()
        if verdict != "ok":
            self.set_status(503)
            self.set_header("Retry-After", str(RETRY_SECONDS[1]))
            self.set_header("Cache-Control", "no-store")
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(wait_page(verdict, km.room_status()))
            return
        self.xsrf_token  # noqa: B018 -- sets the _xsrf cookie the page's shutdown beacon sends back
        on_demand = km.room_pool_size == 0
        km._opening += on_demand
        try:
            await super().get(path)
        finally:
            km._opening -= on_demand


class RoomStatusHandler(JupyterHandler):
    """GET /jihua/api/room: the room's counts as JSON."""

    @tornado.web.authenticated
    def get(self) -> None:
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(self.kernel_manager.room_status()))


class RoomIdentityProvider(PasswordIdentityProvider):
    """Voilà's token login, except that an invalid login cookie is left alone instead of cleared.

    After a restart every phone still holds the old server's cookie. A phone that reopens the page
    with the token gets a new cookie, but a request of its old page still in flight was answered
    with "clear the invalid cookie", which could arrive last and delete the new one: the new page's
    kernel requests were then refused (403) and it never drew. An invalid cookie is ignored anyway,
    and the token's cookie of the same name replaces it."""

    def clear_login_cookie(self, handler: Any) -> None:
        return None


class RoomVoila(Voila):
    """Voilà for a training room: see the module's docstring."""

    @default("identity_provider_class")
    def _room_identity_provider(self) -> type:
        return RoomIdentityProvider

    max_kernels = Integer(40, config=True, help="Most kernels alive at once: in use plus pooled.")
    warm_parallel = Integer(0, config=True, help="Kernels warming up at once (0: one per CPU core).")
    claim_timeout = Float(120.0, config=True, help="Seconds a handed-out kernel may wait for its page to connect.")
    token_file = Unicode("", config=True, help="File holding the access token; deleted once read.")

    def initialize(self, argv: list[str] | None = None) -> None:
        super().initialize(argv)
        for name in ("JUPYTER_TOKEN", "JIHUA_APP_TOKEN", "TOKEN"):  # never into a kernel's environment
            os.environ.pop(name, None)
        if self.token_file:
            path = Path(self.token_file)
            self.token = path.read_text(encoding="utf-8").strip()
            path.unlink(missing_ok=True)
            if path.parent.name.startswith("jihua-app-"):  # the private folder room.server made for it
                path.parent.rmdir()

    def init_settings(self) -> dict:
        # Voilà builds its kernel manager class inside init_settings; wrap the class it builds so the
        # pool Voilà starts at once already follows the room's rules.
        make = voila_app.voila_kernel_manager_factory
        parallel = self.warm_parallel or os.cpu_count() or 1

        def factory(base: type, preheat: bool, pool_size: int, page_config_hook: Any = None) -> type:
            cls = make(base, preheat, pool_size, page_config_hook=page_config_hook)
            return room_kernel_manager(cls, pool_size, self.max_kernels, parallel, self.claim_timeout, self.token or "")

        voila_app.voila_kernel_manager_factory = factory
        try:
            return super().init_settings()
        finally:
            voila_app.voila_kernel_manager_factory = make

    def init_handlers(self) -> list:
        handlers = []
        for route in super().init_handlers():
            if len(route) > 1 and route[1] is voila_app.TornadoVoilaHandler:
                route = (route[0], RoomPageHandler, *route[2:])
            handlers.append(route)
        return [(f"{self.server_url.rstrip('/')}/{ROOM_API}", RoomStatusHandler), *handlers]

    def announce(self, status: dict[str, Any]) -> None:
        """Tell the trainer, in Chinese first, how many trainees the server is ready for."""
        for lang in ("zh", "en"):
            print(t("room.console.ready", lang, ready=status["pool_rendered"], cap=status["cap"]), flush=True)

    def listen(self) -> None:
        km = self.kernel_manager
        pool, cap = km.room_pool_size, km.room_cap
        for lang in ("zh", "en"):
            key = "room.console.warming" if pool else "room.console.no_pool"
            print(t(key, lang, pool=pool, cap=cap, parallel=km.room_parallel), flush=True)
        if not pool:
            self.announce({"pool_rendered": 0, "cap": cap})

        async def tidy() -> None:
            try:
                await km.tidy(self.announce)
            except Exception:  # housekeeping must never stop the server
                self.log.exception("room housekeeping failed")

        tornado.ioloop.PeriodicCallback(tidy, TIDY_SECONDS * 1000).start()
        super().listen()


def main(argv: list[str] | None = None) -> None:
    """`python -m jihua_kit.room.voila <notebook> [Voilà options]`: what `room.server` runs."""
    RoomVoila.launch_instance(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
