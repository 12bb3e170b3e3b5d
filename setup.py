"""The build hook: a wheel carries the repository's `data/` as `jihua_kit/_data`.

The repository keeps one copy of the data, at the top (`data/`); only the built package gets a
second one, so `pip install .` gives a kit that runs anywhere (`jihua_kit.core.paths.data_dir`).
An editable install reads `data/` in place and copies nothing. Metadata lives in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA = Path(__file__).resolve().parent / "data"


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode or not DATA.is_dir():
            return
        target = Path(self.build_lib) / "jihua_kit" / "_data"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("__pycache__", ".*"))


setup(cmdclass={"build_py": BuildWithData})
