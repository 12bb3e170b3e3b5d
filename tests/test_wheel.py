"""The kit as an installed library (issue 15): `pip install .` gives a wheel that carries data/ and
runs outside the repository, and `core.paths` finds the data in a checkout, in the package or where
$JIHUA_KIT_DATA says.

The slow test builds the wheel offline (no build isolation: the repository's environment has
setuptools), installs it into a new virtual environment in a temporary folder, whose other packages
come from this environment's site-packages through a .pth line (its .pth files, the editable
install's among them, are not run), and runs the commands there, away from the repository.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from jihua_kit.core import paths
from jihua_kit.core.checkout import checkout
from jihua_kit.core.errors import KitError

from .conftest import REPO

CASE = "data/cases/01-rural-onechild-elderly.yaml"
AUDIT = "data/audits/xinfang-township-2013q2.yaml"
BUILD_INPUTS = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "jihua_kit", "data")


# --- core.paths, in this checkout -------------------------------------------------------------


def test_data_dir_in_a_checkout_and_the_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("JIHUA_KIT_DATA", raising=False)
    assert paths.in_checkout() and paths.data_dir() == REPO / "data" and checkout("app/") == REPO
    monkeypatch.setenv("JIHUA_KIT_DATA", str(tmp_path))
    assert paths.data_dir() == tmp_path


def test_installed_without_a_checkout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("JIHUA_KIT_DATA", raising=False)
    monkeypatch.setattr(paths, "REPO_ROOT", tmp_path)  # what lies above an installed package
    assert not paths.in_checkout() and paths.data_dir() == paths.BUNDLED_DATA
    monkeypatch.setenv("JIHUA_KIT_DATA", str(tmp_path / "mine"))
    assert paths.data_dir() == tmp_path / "mine"  # the override wins everywhere
    with pytest.raises(KitError) as err:
        checkout("slides/")
    assert err.value.key == "paths.needs_checkout"
    assert "仓库副本" in str(err.value) and "checkout" in str(err.value) and "slides/" in str(err.value)


def test_repository_parts_refuse_without_a_checkout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys) -> None:
    from jihua_kit.classes.store import class_dir
    from jihua_kit.decks.assets import copy_reveal
    from jihua_kit.decks.build import build_decks
    from jihua_kit.room import server

    monkeypatch.delenv("JIHUA_CLASS_DIR", raising=False)
    monkeypatch.setattr(paths, "REPO_ROOT", tmp_path)
    for call in (class_dir, lambda: copy_reveal(tmp_path / "assets"), lambda: build_decks(out_dir=tmp_path / "o"),
                 server.voila_command):  # fmt: skip
        with pytest.raises(KitError) as err:
            call()
        assert err.value.key == "paths.needs_checkout"
    assert server.main(["--port", "1"]) == 2
    assert "app/trainee.ipynb" in capsys.readouterr().err


# --- the wheel, installed away from the repository ----------------------------------------------


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("JIHUA_KIT_DATA", "JIHUA_CLASS_DIR", "PYTHONPATH")}
    env["PYTHONNOUSERSITE"] = "1"
    return env


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=env or _clean_env(), capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A fresh virtual environment holding the built wheel, and a working folder outside the repository."""
    root = tmp_path_factory.mktemp("wheel")
    src = root / "src"
    src.mkdir()
    for name in BUILD_INPUTS:  # built from a copy: no build/ or egg-info left in the checkout
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "_data"))
        else:
            shutil.copy2(source, src / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    built = _run([*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(root / "dist"), "."], src)
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (root / "dist").glob("jihua_kit-*.whl")
    venv = root / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], root)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    site = Path(
        _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], root).stdout.strip()
    )
    deps = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (site / "_jihua_test_deps.pth").write_text("".join(f"{p}\n" for p in deps), encoding="utf-8")
    done = _run([*pip, "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)], root)
    assert done.returncode == 0, done.stdout + done.stderr
    work = root / "work"
    for sample in (CASE, AUDIT):
        (work / sample).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / sample, work / sample)
    return {"python": python, "cli": venv / "bin" / "jihua-kit", "site": site, "work": work, "wheel": wheel}


@pytest.mark.slow
def test_the_wheel_carries_the_data_and_no_repository(installed: dict[str, Path]) -> None:
    import zipfile

    names = zipfile.ZipFile(installed["wheel"]).namelist()
    expected = {f"jihua_kit/_data/{p.relative_to(REPO / 'data').as_posix()}" for p in (REPO / "data").rglob("*")
                if p.is_file() and "__pycache__" not in p.parts}  # fmt: skip
    assert expected and expected <= set(names)
    assert "jihua_kit/classes/__init__.py" in names and "jihua_kit/messages/core.yaml" in names
    assert not [n for n in names if n.startswith(("app/", "slides/", "notebooks/", "tests/"))]
    assert not (REPO / "jihua_kit" / "_data").exists()  # the checkout keeps one copy of the data


@pytest.mark.slow
def test_the_installed_package_is_the_one_imported(installed: dict[str, Path]) -> None:
    probe = (
        "import jihua_kit, jihua_kit.core.paths as p\n"
        "print(jihua_kit.__file__, p.data_dir(), p.in_checkout(), sep='\\n')"
    )
    out = _run([str(installed["python"]), "-c", probe], installed["work"])
    assert out.returncode == 0, out.stderr
    where, data, checkout = out.stdout.splitlines()
    assert Path(where).is_relative_to(installed["site"])
    assert Path(data) == installed["site"] / "jihua_kit" / "_data" and checkout == "False"
    assert not Path(where).is_relative_to(REPO) and not Path(data).is_relative_to(REPO)
    lib = _run([str(installed["python"]), "-c", "from jihua_kit import explain; print(explain.__module__)"],
               installed["work"])  # fmt: skip
    assert lib.returncode == 0 and lib.stdout.strip() == "jihua_kit.explanations.household", lib.stderr


@pytest.mark.slow
@pytest.mark.parametrize(("command", "sample"), [("explain", CASE), ("score", AUDIT)])
def test_installed_json_equals_the_repository_s(installed: dict[str, Path], command: str, sample: str) -> None:
    there = _run([str(installed["cli"]), command, sample, "--json"], installed["work"])
    here = _run([sys.executable, "-m", "jihua_kit", command, sample, "--json"], REPO)
    assert there.returncode == here.returncode == 0, there.stderr + here.stderr
    assert json.loads(there.stdout) == json.loads(here.stdout)


@pytest.mark.slow
def test_installed_params_and_simulate(installed: dict[str, Path]) -> None:
    params = _run([str(installed["cli"]), "params", "--lang", "en"], installed["work"])
    assert params.returncode == 0, params.stderr
    assert "E-PENSION" in params.stdout and str(installed["site"] / "jihua_kit" / "_data") in params.stdout
    out = installed["work"] / "sim"
    sim = _run([str(installed["cli"]), "simulate", "--households", "300", "--sensitivity", "0", "--years", "2013",
                "--out", str(out)], installed["work"])  # fmt: skip
    assert sim.returncode == 0, sim.stderr
    assert (out / "simulation.xlsx").is_file() and (out / "by_year.csv").is_file()


@pytest.mark.slow
def test_installed_repository_parts_say_they_need_a_checkout(installed: dict[str, Path]) -> None:
    slides = _run([str(installed["cli"]), "slides"], installed["work"])
    room = _run([str(installed["python"]), "-m", "jihua_kit.room.server"], installed["work"])
    for done in (slides, room):
        assert done.returncode == 2
        assert "仓库副本" in done.stderr and "checkout" in done.stderr and "Traceback" not in done.stderr
