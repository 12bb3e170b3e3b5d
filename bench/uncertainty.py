"""`make bench`: the joint-uncertainty run (issue 17's targets) on this machine.

Prints (a) 1,000 joint draws of 2013-2020 with the comparison scenario on a local Dask cluster of
2 workers, wall time (target < 5 minutes); (b) the same with another master seed, and how far
P5 and P95 of each year's total move between the two seeds (target < 1%); (c) throughput of 1
worker (this process) against 2 workers on the same 200 draws (the tasks alone) (target >= 1.8x, results
identical); (d) the peak memory of each worker process (target < 1 GB) and the time and memory
of one task, the figures docs/scale.md works from. Results also go to bench-out/uncertainty.json.

    python bench/uncertainty.py [--draws 1000] [--households 40000] [--quick]

Benchmarks, not tests: nothing here fails the build. The load average is printed with the times.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench-out"
YEARS = list(range(2013, 2021))
TARGETS = {"a_seconds": 300.0, "b_max_rel_diff": 0.01, "c_speedup": 1.8, "d_worker_peak_mb": 1024}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _setup():
    from jihua_kit.params.system import load_system
    from jihua_kit.tables.county import load_county

    system = load_system()
    views = {"raised": system.view("raised"), "baseline": system.view("baseline")}
    return load_county(system.county_file), views


def _run(county, views, draws: int, seed: int, households: int, engine):
    """The draws as `simulate --draws` makes them: anchored on the full county's deterministic run
    with the same seed (its time is included)."""
    from jihua_kit.simulation.engine import project
    from jihua_kit.simulation.montecarlo import run_draws

    start = time.perf_counter()
    det = project(county, views, seed, None, YEARS)
    anchor = np.array([[det[s][y].total() * det[s][y].scale for s in views] for y in range(len(YEARS))])
    mapper = engine.map if engine else None
    result = run_draws(county, views, draws, seed, households, YEARS, mapper=mapper, anchor=anchor)
    return result, time.perf_counter() - start


def _draws_only(county, views, draws: int, households: int, engine):
    """(c): the draws' own throughput (the tasks), without the client's deterministic anchor run."""
    from jihua_kit.simulation.montecarlo import run_draws

    start = time.perf_counter()
    result = run_draws(county, views, draws, 2, households, YEARS, mapper=engine.map if engine else None)
    return result, time.perf_counter() - start


def _band(result) -> np.ndarray:
    """P5 and P95 of each year's total, both scenarios: (year, scenario, 2)."""
    return np.quantile(result.total(), [0.05, 0.95], axis=0).transpose(1, 2, 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--households", type=int, default=None, help="per draw (default: the kit's)")
    parser.add_argument("--quick", action="store_true", help="100 draws, to try the bench itself")
    args = parser.parse_args()
    from jihua_kit.simulation.cluster import open_engine
    from jihua_kit.simulation.montecarlo import DEFAULT_SAMPLE, batch_costs, tasks

    draws = 100 if args.quick else args.draws
    households = args.households or DEFAULT_SAMPLE
    county, views = _setup()
    report: dict = {"draws": draws, "households_per_draw": households, "years": f"{YEARS[0]}-{YEARS[-1]}",
                    "scenarios": list(views), "load_before": os.getloadavg()}  # fmt: skip
    print(f"load average {report['load_before'][0]:.2f}; {draws} draws x {len(YEARS)} years x 2 scenarios, "
          f"{households:,} households per draw")  # fmt: skip

    # (d, part) one task here: time and memory of a batch of draws
    values, batches = tasks(county, 10, 0)
    start, before = time.perf_counter(), _peak_mb()
    batch_costs(county, batches[0], views, [0] * len(batches[0]), households, YEARS)
    task_s = time.perf_counter() - start
    report["d_task"] = {"draws": len(batches[0]), "seconds": task_s, "seconds_per_draw": task_s / len(batches[0]),
                        "process_peak_mb": _peak_mb(), "peak_before_mb": before}  # fmt: skip
    print(f"(d) one task of {len(batches[0])} draws here: {task_s:.1f} s "
          f"({task_s / len(batches[0]):.2f} s a draw), process peak {_peak_mb():.0f} MB")  # fmt: skip

    with open_engine(workers=2) as engine:
        first, seconds = _run(county, views, draws, 0, households, engine)
        report["a_seconds"] = seconds
        print(f"(a) {draws} draws, 2 workers, seed 0: {seconds:.0f} s (target < {TARGETS['a_seconds']:.0f} s)")
        second, seconds_b = _run(county, views, draws, 1, households, engine)
        band0, band1 = _band(first), _band(second)
        rel = np.abs(band1 - band0) / band0
        report["b_seconds"] = seconds_b
        report["b_max_rel_diff"] = float(rel.max())
        report["b_by_year"] = {str(y): {"p05": float(rel[i, :, 0].max()), "p95": float(rel[i, :, 1].max())}
                               for i, y in enumerate(YEARS)}  # fmt: skip
        print(f"(b) seed 1: {seconds_b:.0f} s; P5/P95 of each year's total move by at most {rel.max():.2%} "
              f"between the seeds (target < {TARGETS['b_max_rel_diff']:.0%})")  # fmt: skip
        peaks = engine.client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        report["d_worker_peak_mb"] = max(peaks.values())
        print(f"(d) worker peak memory: {', '.join(f'{v:.0f} MB' for v in peaks.values())} "
              f"(target < {TARGETS['d_worker_peak_mb']} MB)")  # fmt: skip
        sub = 200 if draws >= 200 else draws
        two, two_s = _draws_only(county, views, sub, households, engine)
    one, one_s = _draws_only(county, views, sub, households, None)
    same = bool(np.array_equal(one.cost, two.cost))
    report["c"] = {"draws": sub, "one_worker_s": one_s, "two_workers_s": two_s, "speedup": one_s / two_s,
                   "identical": same}  # fmt: skip
    print(f"(c) {sub} draws: 1 worker {one_s:.0f} s, 2 workers {two_s:.0f} s: {one_s / two_s:.2f}x "
          f"(target >= {TARGETS['c_speedup']}x); results identical: {same}")  # fmt: skip
    report["load_after"] = os.getloadavg()
    report["targets"] = TARGETS
    OUT.mkdir(exist_ok=True)
    (OUT / "uncertainty.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"load average after {report['load_after'][0]:.2f}; written {OUT / 'uncertainty.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
