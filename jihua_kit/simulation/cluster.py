"""Where the simulation's tasks run: in this process, on a local Dask cluster, or on an existing
Dask cluster. `Engine.map(func, argument_tuples)` returns the results in the order of the tasks,
whatever worker ran each one, so results are identical for 1, 2 or N workers.

    with open_engine(workers=2) as engine:        # a LocalCluster of 2 worker processes
        results = engine.map(batch_costs, args)
    with open_engine(scheduler="tcp://host:8786"):  # workers started elsewhere (README: Dask)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from jihua_kit.core.errors import KitError

CONNECT_SECONDS = 20  # how long to wait for a scheduler before giving up


class Engine:
    """Runs tasks in order here (`client` None) or on a Dask client; `progress(k)` after each."""

    def __init__(self, client: Any = None, progress: Callable[[int], None] | None = None) -> None:
        self.client = client
        self.progress = progress

    @property
    def workers(self) -> int:
        if self.client is None:
            return 1
        return len(self.client.scheduler_info().get("workers", {})) or 1

    def map(self, func: Callable[..., Any], args: Sequence[tuple], weights: Sequence[int] | None = None) -> list[Any]:
        """`[func(*a) for a in args]`, possibly on the cluster; in task order. `progress` hears
        `weights[i]` (default 1) when task i is done."""
        weights = list(weights) if weights is not None else [1] * len(args)
        if self.client is None:
            out = []
            for a, w in zip(args, weights, strict=True):
                out.append(func(*a))
                if self.progress and w:
                    self.progress(w)
            return out
        from distributed import as_completed

        futures = [self.client.submit(func, *a, pure=False) for a in args]
        weight = {f.key: w for f, w in zip(futures, weights, strict=True)}
        for done in as_completed(futures, loop=self.client.loop):
            if self.progress and weight[done.key]:
                self.progress(weight[done.key])
        return self.client.gather(futures)


def default_workers() -> int:
    """The local cluster's size by default: the machine's cores."""
    return max(1, os.cpu_count() or 1)


@contextmanager
def open_engine(
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[Engine]:
    """An engine for the run: `scheduler` (an address) joins an existing cluster; else `workers`
    (default: the cores) worker processes on this machine, or this process alone for 1."""
    if scheduler:
        from distributed import Client

        try:
            client = Client(scheduler, timeout=f"{CONNECT_SECONDS}s", set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise KitError("sim.no_scheduler", field="--scheduler", address=scheduler,
                           seconds=CONNECT_SECONDS) from exc  # fmt: skip
        try:
            yield Engine(client, progress)
        finally:
            client.close()
        return
    workers = default_workers() if workers is None else workers
    if workers <= 1:
        yield Engine(None, progress)
        return
    import dask
    from distributed import Client, LocalCluster

    # Dask sets MALLOC_TRIM_THRESHOLD_ in its workers, which turns off glibc's adaptive mmap
    # threshold: every numpy array over 128 KB is then mapped and unmapped, and the rules' many
    # household-sized temporaries run about 30% slower. The workers keep glibc's defaults.
    environ = {k: v for k, v in dask.config.get("distributed.nanny.pre-spawn-environ").items()
               if not k.startswith("MALLOC_")}  # fmt: skip
    with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}):  # for this cluster only
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                               host="127.0.0.1", silence_logs=50)  # fmt: skip
    client = Client(cluster, set_as_default=False)
    try:
        yield Engine(client, progress)
    finally:
        client.close()
        cluster.close()
