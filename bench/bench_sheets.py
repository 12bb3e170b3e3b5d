"""`make bench`: how long 50,000-row spreadsheets take, from file to result workbook.

Builds (once per run, in a temporary folder) a 50,000-unit audit sheet and a 50,000-household
roster from the synthetic population, each as .xlsx and as GBK CSV, with one row in 200 bad
(a Chinese numeral) so the error path is timed too. Times each phase in this process (read and
check, compute, write the workbook) and the whole command in a fresh process (`jihua-kit score
FILE --out`, `jihua-kit explain ROSTER --out`, imports included). Prints a table and writes
bench-out/sheets.json. Timings depend on what else the machine does (the load average is printed).
Benchmarks, not tests: nothing here fails the build.

Bad input beside good input of the same size (issue 14), each a whole command in a fresh process,
wall and CPU time: a 10,000-row roster whose age column holds birth years (every row rejected)
beside the same roster with real ages, and a 100,000-unit JSON audit (`score --json`) beside the same
audit with no findings, plus 10,000 units to show the cost per unit stays the same. Target: bad or
large input within 2x of the good input.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench-out"
ROWS = 50_000
BAD_EVERY = 200
sys.path.insert(0, str(ROOT))

from jihua_kit.core.masking import check_character  # noqa: E402
from jihua_kit.core.xlsx_write import Workbook  # noqa: E402
from jihua_kit.params.store import default_params, load_parameters  # noqa: E402
from jihua_kit.sheets.headers import audit_specs, header_data, roster_specs  # noqa: E402
from jihua_kit.simulation.population import population  # noqa: E402
from jihua_kit.tables.audit_table import layout  # noqa: E402
from jihua_kit.tables.columns import SLOTS  # noqa: E402
from jihua_kit.tables.county import load_county  # noqa: E402


def audit_frame(rng: np.random.Generator) -> pd.DataFrame:
    params = default_params()
    lay = layout(params)
    data: dict[str, object] = {}
    for s in audit_specs(params):
        if s.code == "unit_id":
            data[s.header()] = [f"U{i:05d}" for i in range(ROWS)]
        elif s.code == "unit_name":
            data[s.header()] = [f"单位{i:05d}" for i in range(ROWS)]
        elif s.code == "township":
            data[s.header()] = [f"乡镇{i % 25 + 1:02d}" for i in range(ROWS)]
        elif s.code == "level":
            data[s.header()] = "村"
        elif s.code == "period":
            data[s.header()] = "2013Q2"
        elif s.code in ("inspection_date", "notes"):
            data[s.header()] = "2013-07-05" if s.code == "inspection_date" else ""
        elif s.code in lay.flag_codes:
            data[s.header()] = np.where(rng.random(ROWS) < 0.05, "是", "否")
        else:
            data[s.header()] = rng.poisson(0.05, ROWS).astype(object)
    df = pd.DataFrame(data)
    exam = next(h for h in df.columns if h.endswith("（D-EXAM）"))
    df.loc[df.index % BAD_EVERY == 7, exam] = "三"
    return df


def roster_frame(rows: int = ROWS) -> pd.DataFrame:
    table = population(load_county(), seed=0, households=rows)
    words = {k: {str(v): w[0] for v, w in m.items()} for k, m in header_data()["values"].items()}
    data: dict[str, object] = {}
    for s in roster_specs():
        c = s.code
        if c == "head_name":
            data[s.header()] = [f"户主{i:05d}" for i in range(rows)]
        elif c == "id_number":
            first = [f"5205251980{i % 12 + 1:02d}01{i % 1000:03d}"[:17] for i in range(rows)]
            data[s.header()] = [f + check_character(f) for f in first]
        elif s.values:
            col = table[c].astype(object) if c in table else pd.Series([False] * rows)
            data[s.header()] = col.map(lambda v, k=s.values: words[k].get(str(v), "")).to_numpy()
        else:
            data[s.header()] = (
                table[c].astype(str).to_numpy() if c in ("household_id", "village", "township") else table[c].to_numpy()
            )
    df = pd.DataFrame(data)
    for k in SLOTS:  # absent children: their cells are blank
        absent = ~table[f"c{k}_present"].to_numpy()
        for s in roster_specs():
            if s.code.startswith(f"c{k}_"):
                df.loc[absent, s.header()] = None
    age = next(h for h in df.columns if h.endswith("（p1_age）"))
    df[age] = df[age].astype(object)
    df.loc[df.index % BAD_EVERY == 3, age] = "四十"
    return df


def save(df: pd.DataFrame, folder: Path, stem: str) -> dict[str, Path]:
    book = Workbook(mask_ids=False)  # input with real ID numbers (outputs are always masked)
    book.add("数据").frame(df)
    xlsx = book.save(folder / f"{stem}.xlsx")
    csv = folder / f"{stem}-gbk.csv"
    df.to_csv(csv, index=False, encoding="gb18030")
    return {"xlsx": xlsx, "csv": csv}


def phases(kind: str, path: Path, out: Path) -> dict[str, float]:
    """Read+check, compute and write, timed separately in this process."""
    times = {}
    start = time.perf_counter()
    if kind == "audit":
        from jihua_kit.rules.deductions import score
        from jihua_kit.sheets.audit import read_audit
        from jihua_kit.sheets.scorecard_book import write_scorecard

        params = default_params()
        sheet = read_audit(path, params)
        times["read_check_s"] = time.perf_counter() - start
        start = time.perf_counter()
        result = score(sheet.table, params)
        times["compute_s"] = time.perf_counter() - start
        start = time.perf_counter()
        write_scorecard(out, sheet, result, params)
    else:
        from jihua_kit.sheets.payments import payments
        from jihua_kit.sheets.payments_book import write_payments
        from jihua_kit.sheets.roster import read_roster

        params = load_parameters().view("raised")
        sheet = read_roster(path)
        times["read_check_s"] = time.perf_counter() - start
        start = time.perf_counter()
        pay = payments(sheet.table, params)
        times["compute_s"] = time.perf_counter() - start
        start = time.perf_counter()
        write_payments(out, sheet, pay, params)
    times["write_s"] = time.perf_counter() - start
    times["rows_in"], times["rejected"] = sheet.stats.rows_in, sheet.stats.rejected
    return times


def command(kind: str, path: Path, out: Path) -> float:
    cmd = "score" if kind == "audit" else "explain"
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "jihua_kit", cmd, str(path), "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT)  # fmt: skip
    assert done.returncode == 3, done.stderr  # one row in 200 is bad on purpose
    return time.perf_counter() - start


# Runs the command, then writes the process's own peak memory (VmHWM, kB) to the file named first:
# a child's rusage also counts the memory of the parent it was forked from (here, the 50,000-row frames).
_PEAK = """
import atexit, runpy, sys
path = sys.argv.pop(1)
sys.argv[0] = "jihua-kit"
def peak():
    kb = next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM"))
    open(path, "w").write(kb)
atexit.register(peak)
runpy.run_module("jihua_kit", run_name="__main__")
"""


def timed(argv: list[str], codes: tuple[int, ...] = (0, 3)) -> dict[str, float]:
    """Wall time, CPU time (user + system) and peak memory of one `jihua-kit` command in a fresh process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile() as peak:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", _PEAK, peak.name, *argv], stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own CPU time
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        assert proc.returncode in codes, err.read()[-2000:]
        kb = int(Path(peak.name).read_text() or 0)
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_mb": kb / 1024}


def audit_units(n: int, findings: bool) -> dict:
    """A JSON audit of `n` units; with `findings`, about a third of them have some."""
    rng = np.random.default_rng(0)
    units = []
    for i in range(n):
        found: dict[str, object] = {}
        if findings and rng.random() < 0.2:
            found["D-MISSED-BIRTH"] = [{"policy": "外", "parity": int(rng.integers(1, 4)), "count": 1}]
        if findings and rng.random() < 0.2:
            found["D-EXAM"] = int(rng.integers(0, 3))
        if findings and rng.random() < 0.1:
            found["D-UNPAID-REWARD"] = 1
        units.append({"unit_id": f"U{i:06d}", "unit_name": f"单位{i:06d}", "township": f"乡镇{i % 25:02d}",
                      "level": "village", "inspection_date": "2013-07-05", "findings": found})  # fmt: skip
    return {"period": "2013Q2", "units": units}


def bad_input(folder: Path) -> dict[str, dict[str, float]]:
    """Issue 14: bad or large input beside good input of the same size, whole commands."""
    rows = 10_000
    good = roster_frame(rows)
    age = next(h for h in good.columns if h.endswith("（p1_age）"))
    good[age] = good[age].where(good[age] != "四十", 40)
    bad = good.copy()
    bad[age] = [1950 + i % 40 for i in range(rows)]  # ages typed as birth years: every row rejected
    paths = {"good": save(good, folder, "roster-good")["xlsx"], "bad": save(bad, folder, "roster-bad")["xlsx"]}
    out: dict[str, dict[str, float]] = {}
    for kind, path in paths.items():
        out[f"roster_10k_{kind}"] = timed(["explain", str(path), "--out", str(folder / f"pay-{kind}.xlsx")])
    for n, findings, name in ((100_000, False, "audit_100k_clean"), (100_000, True, "audit_100k"),
                              (10_000, True, "audit_10k")):  # fmt: skip
        path = folder / f"{name}.json"
        path.write_text(json.dumps(audit_units(n, findings), ensure_ascii=False), encoding="utf-8")
        out[name] = timed(["score", str(path), "--json"])
    return out


def report_bad_input(r: dict[str, dict[str, float]]) -> None:
    def line(label: str, key: str) -> str:
        x = r[key]
        return f"{label} {x['wall_s']:6.2f} s wall, {x['cpu_s']:6.2f} s CPU, peak {x['peak_mb']:5.0f} MB"

    print(f"bad input beside good input (issue 14); load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("  " + line("roster 10,000 rows, real ages            :", "roster_10k_good"))
    print("  " + line("roster 10,000 rows, ages are birth years :", "roster_10k_bad"))
    print(f"    bad / good CPU = {r['roster_10k_bad']['cpu_s'] / r['roster_10k_good']['cpu_s']:.2f}  [target <= 2]")
    print("  " + line("JSON audit 100,000 units, no findings    :", "audit_100k_clean"))
    print("  " + line("JSON audit 100,000 units, with findings  :", "audit_100k"))
    print("  " + line("JSON audit  10,000 units, with findings  :", "audit_10k"))
    print(f"    with / without findings CPU = {r['audit_100k']['cpu_s'] / r['audit_100k_clean']['cpu_s']:.2f}"
          f"; 100k / (10 x 10k) CPU = {r['audit_100k']['cpu_s'] / (10 * r['audit_10k']['cpu_s']):.2f}"
          "  [target <= 2: linear]")  # fmt: skip


def main() -> None:
    OUT.mkdir(exist_ok=True)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {ROWS:,} rows, 1 in {BAD_EVERY} bad")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = {"audit": save(audit_frame(np.random.default_rng(0)), folder, "audit"),
                 "roster": save(roster_frame(), folder, "roster")}  # fmt: skip
        for kind, paths in files.items():
            for fmt, path in paths.items():
                key = f"{kind}_{fmt}"
                results[key] = phases(kind, path, folder / f"{key}-phases.xlsx")
                results[key]["command_s"] = command(kind, path, folder / f"{key}-out.xlsx")
                r = results[key]
                print(f"{key:12s} read+check {r['read_check_s']:6.2f} s  compute {r['compute_s']:5.2f} s  "
                      f"write {r['write_s']:5.2f} s  | whole command {r['command_s']:6.2f} s  "
                      f"({r['rows_in']:,} rows in, {r['rejected']:,} rejected)")  # fmt: skip
        results["bad_input"] = bad_input(folder)
        report_bad_input(results["bad_input"])
    (OUT / "sheets.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
