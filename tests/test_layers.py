"""The package's shape: layers only import downward, no import circles, a small top level."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.layers import KIT, LAYERS, circles, faults, graph

REPO = Path(__file__).resolve().parents[1]


def test_the_kit_is_clean():
    assert faults() == []


def test_few_modules_at_the_top():
    top = sorted(p.name for p in KIT.glob("*.py"))
    assert len(top) <= 10, top


def test_every_package_is_a_layer():
    packages = sorted(p.name for p in KIT.iterdir() if (p / "__init__.py").exists())
    assert sorted(packages) == sorted(LAYERS)


@pytest.fixture
def kit_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "jihua_kit"
    shutil.copytree(KIT, copy, ignore=shutil.ignore_patterns("__pycache__", "messages"))
    return copy


def test_a_wrong_import_fails_the_check(kit_copy: Path):
    rule = kit_copy / "rules" / "benefits.py"
    rule.write_text(rule.read_text(encoding="utf-8") + "\nfrom jihua_kit.course import quiz  # noqa\n", "utf-8")
    found = faults(kit_copy)
    assert any("jihua_kit.rules.benefits (rules) imports jihua_kit.course.quiz (course)" in f for f in found)
    out = subprocess.run(
        [sys.executable, str(REPO / "tests" / "layers.py"), str(kit_copy)], capture_output=True, text=True
    )
    assert out.returncode == 1 and "imports jihua_kit.course.quiz" in out.stdout


def test_an_import_inside_a_function_counts(kit_copy: Path):
    module = kit_copy / "core" / "textfmt.py"
    module.write_text(module.read_text("utf-8") + "\n\ndef _late():\n    from jihua_kit.sheets import write\n", "utf-8")
    assert any("jihua_kit.core.textfmt (core) imports jihua_kit.sheets.write" in f for f in faults(kit_copy))


def test_a_circle_fails_the_check(kit_copy: Path):
    (kit_copy / "core" / "ring_a.py").write_text("from jihua_kit.core import ring_b  # noqa\n", "utf-8")
    (kit_copy / "core" / "ring_b.py").write_text("from jihua_kit.core.ring_a import x  # noqa\n", "utf-8")
    assert ["jihua_kit.core.ring_a", "jihua_kit.core.ring_b"] in circles(graph(kit_copy))
    assert any(f.startswith("import circle:") for f in faults(kit_copy))


def test_an_unknown_package_fails_the_check(kit_copy: Path):
    (kit_copy / "extras").mkdir()
    (kit_copy / "extras" / "__init__.py").write_text("", "utf-8")
    assert "package extras is not in LAYERS" in faults(kit_copy)
