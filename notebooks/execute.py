"""Re-execute chapters in place, the way they are stored: `make notebooks` (all) or
`python notebooks/execute.py notebooks/06_cost.ipynb …`.

Each chapter runs top to bottom in a fresh kernel from its own folder; execution timings and
widget state are left out, so a re-run of an unchanged chapter gives the same file (nbval and
tests/test_notebooks.py compare what is stored).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent


def execute(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)


def main(argv: list[str]) -> int:
    paths = [Path(p) for p in argv] or sorted(HERE.glob("*.ipynb"))
    for path in paths:
        print(f"执行 / executing {path}", flush=True)
        execute(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
