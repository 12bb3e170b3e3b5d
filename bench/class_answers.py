"""`make bench`: a class of 40 answering at once into one session file, as 40 trainee kernels would.

Forty processes (one per trainee kernel) open the same SQLite session file and join. First the
worst moment of a real room: all forty press 提交 at the same instant, five times over (a barrier
before each answer). Then a flood: each submits every question of the quiz twice (an answer and a
change) as fast as it can, far more than a room does (one answer per trainee every few seconds). Meanwhile
one more process reads what the trainer's console reads (counts, states, scores) in a loop. Prints
the time an answer takes (median, p95, max; one transaction each), answers per second, the
console's refresh time, wall and CPU time and the load average, and checks that no answer is
missing. Writes bench-out/class.json. Benchmarks, not tests: nothing here fails the build.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench-out"
TRAINEES = 40
ROUNDS = 2
BURSTS = 5  # answers given by all trainees at the same instant
sys.path.insert(0, str(ROOT))

from jihua_kit.classes.store import ClassStore, answer_key  # noqa: E402
from jihua_kit.classes.trainer import class_scores  # noqa: E402
from jihua_kit.course.quiz import load_quiz  # noqa: E402


def trainee(path: str, seat: int, start, out) -> None:
    with ClassStore.open(Path(path)) as store:
        keys = list(store.keys().values())
        store.join(seat, f"学员{seat:02d}")
        burst = []
        for key in keys[:BURSTS]:  # everyone at once, one answer each
            start.wait()
            t0 = time.perf_counter()
            store.submit(seat, key.number, key.letters[0] if key.kind == "choice" else "1")
            burst.append(time.perf_counter() - t0)
        start.wait()
        times = []
        for r in range(ROUNDS):
            for key in keys:
                given = key.letters[(seat + r) % len(key.letters)] if key.kind == "choice" else str(seat + r)
                t0 = time.perf_counter()
                store.submit(seat, key.number, given)
                times.append(time.perf_counter() - t0)
        out.put((burst, times))


def console(path: str, start, stop, out) -> None:
    with ClassStore.open(Path(path)) as store:
        for _ in range(BURSTS):
            start.wait()
        start.wait()
        times = []
        while not stop.is_set():
            t0 = time.perf_counter()
            keys = store.keys()
            store.counts(1)
            store.trainees()
            class_scores(store, keys)
            times.append(time.perf_counter() - t0)
            time.sleep(0.05)
        out.put(times)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> int:
    keys = answer_key(load_quiz())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite"
        with ClassStore.create(path, "bench", keys) as store:
            store.open_all()
        ctx = mp.get_context("fork")
        start, stop, out, reads = ctx.Barrier(TRAINEES + 2), ctx.Event(), ctx.Queue(), ctx.Queue()
        procs = [ctx.Process(target=trainee, args=(str(path), seat, start, out)) for seat in range(1, TRAINEES + 1)]
        reader = ctx.Process(target=console, args=(str(path), start, stop, reads))
        for p in [*procs, reader]:
            p.start()
        for _ in range(BURSTS):
            start.wait()
        start.wait()
        wall0, cpu0 = time.perf_counter(), os.times()
        results = [out.get(timeout=600) for _ in procs]
        burst = [t for b, _ in results for t in b]
        times = [t for _, f in results for t in f]
        wall = time.perf_counter() - wall0
        stop.set()
        read_times = reads.get(timeout=60)
        for p in [*procs, reader]:
            p.join()
        cpu1 = os.times()
        cpu = (cpu1.children_user - cpu0.children_user) + (cpu1.children_system - cpu0.children_system)
        with ClassStore.open(path, check=True) as store:
            kept, history = len(store.answers()), store.history_count()
    expected = TRAINEES * len(keys)
    result = {
        "trainees": TRAINEES, "questions": len(keys), "submissions": len(times),
        "burst_answer_ms": {"median": round(pct(burst, 0.5) * 1000, 2), "p95": round(pct(burst, 0.95) * 1000, 2),
                            "max": round(max(burst) * 1000, 2)},
        "answer_ms": {"median": round(pct(times, 0.5) * 1000, 2), "p95": round(pct(times, 0.95) * 1000, 2),
                      "max": round(max(times) * 1000, 2)},
        "answers_per_s": round(len(times) / wall, 1), "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
        "console_refresh_ms": {"median": round(pct(read_times, 0.5) * 1000, 2),
                               "p95": round(pct(read_times, 0.95) * 1000, 2)},
        "answers_kept": kept, "answers_expected": expected, "history": history,
        "history_expected": len(times) + len(burst),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }  # fmt: skip
    print(f"课堂测验 / class session: {TRAINEES} trainee processes on one file")
    b = result["burst_answer_ms"]
    print(f"  all {TRAINEES} answer at once (×{BURSTS}): median {b['median']} ms, p95 {b['p95']} ms, max {b['max']} ms")
    a = result["answer_ms"]
    print(f"  flood, {len(keys)} questions × {ROUNDS} each: median {a['median']} ms, p95 {a['p95']} ms,")
    print(f"    max {a['max']} ms; {result['answers_per_s']} answers/s")
    print(
        f"  console refresh: median {result['console_refresh_ms']['median']} ms,"
        f" p95 {result['console_refresh_ms']['p95']} ms"
    )
    print(f"  wall {result['wall_s']} s, CPU {result['cpu_s']} s; load average {result['load_average']}")
    print(
        f"  kept {kept} of {expected} answers, {history} submissions in the history"
        + ("" if kept == expected and history == result["history_expected"] else "  ← MISSING ANSWERS")
    )
    OUT.mkdir(exist_ok=True)
    (OUT / "class.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
