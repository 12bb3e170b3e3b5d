"""Bench: each training chapter run top to bottom in a fresh kernel (target: under 30 s each).

python bench/notebooks.py            (part of `make bench`; prints, never fails)
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
TARGET_S = 30.0


def run(path: Path) -> float:
    """Seconds to execute the notebook in a new kernel, kernel start included (nothing is saved)."""
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start


def main() -> None:
    print("(g) chapters in a fresh kernel / 各章在新内核中从头运行")
    for path in NOTEBOOKS:
        seconds = run(path)
        verdict = "ok" if seconds < TARGET_S else f"over the {TARGET_S:.0f} s target"
        print(f"    {path.name:<28} {seconds:6.1f} s   {verdict}")


if __name__ == "__main__":
    main()
