"""The parameter store: every spec ID present once, validation faults named, tracing works."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from jihua_kit.core.errors import KitError
from jihua_kit.params.store import load_parameters

from .conftest import REPO, SHARED

SPEC = SHARED / "spec" / "rules.md"
SNAPSHOT = REPO / "tests" / "spec_ids.txt"
ID_ROW = re.compile(r"^\|\s*([A-Z]+-[A-Z0-9-]+)\s*\|", re.M)


def spec_ids() -> list[str]:
    if SPEC.exists():
        return ID_ROW.findall(SPEC.read_text(encoding="utf-8"))
    return [line for line in SNAPSHOT.read_text().splitlines() if line and not line.startswith("#")]


def test_snapshot_matches_spec():
    if not SPEC.exists():
        pytest.skip("shared/spec not beside this clone; the snapshot is used instead")
    snap = [line for line in SNAPSHOT.read_text().splitlines() if line and not line.startswith("#")]
    assert snap == ID_ROW.findall(SPEC.read_text(encoding="utf-8"))


def test_every_spec_id_present_once_with_a_section():
    ids = spec_ids()
    assert len(ids) >= 50
    records = []
    for path in sorted((REPO / "data" / "parameters").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, list) and data and "values" in data[0]:
            records += data
    counts = {pid: sum(r["id"] == pid for r in records) for pid in ids}
    assert {pid: n for pid, n in counts.items() if n != 1} == {}
    store = load_parameters()
    for pid in ids:
        assert store.parameters[pid].section.strip()
    extras = set(store.parameters) - set(ids)
    assert all(pid.startswith("TR-") for pid in extras), extras


def test_readings_cover_r1_to_r8_and_are_referenced():
    store = load_parameters()
    assert {f"R{i}" for i in range(1, 9)} <= set(store.readings)
    referenced = {r for p in store.parameters.values() for r in p.readings}
    unreferenced = set(store.readings) - referenced - {"R5", "R6"}
    assert unreferenced == set()


def test_scenarios_resolve_units():
    store = load_parameters()
    assert store.view("baseline").per_year("E-PENSION") == 1800
    assert store.view("raised").per_year("E-PENSION") == 300 * 12
    assert store.view("raised").per_year("E-HEALTH-FEE") == 100 * 12
    assert not store.view("baseline").in_force("E-STAFF-CHILD-DEATH")
    assert store.view("raised").in_force("E-STAFF-CHILD-DEATH")
    assert store.view().range("E-ONECHILD-DISABILITY") == (15000, 30000)


def test_trace_records_figures_and_readings():
    params = load_parameters().view("raised", {"RA-PENSION-AGE": "age65"})
    params.value("E-LATE-MARRIAGE")  # outside the trace: not recorded
    with params.trace() as tr:
        params.value("E-COLLEGE", "tier2")
        assert params.reading("RA-PENSION-AGE") == 65
    assert [(f.id, f.key, f.low) for f in tr.figures] == [("E-COLLEGE", "tier2", 10000)]
    assert tr.figures[0].section == "六、三是"
    assert tr.readings == ["RA-PENSION-AGE"]


def test_bad_reading_choice_names_field():
    store = load_parameters()
    with pytest.raises(KitError) as err:
        store.view("raised", {"RA-PENSION-AGE": "age70"})
    assert "age70" in err.value.message("zh") and "readings" in err.value.message("en")
    with pytest.raises(KitError):
        store.view("future")


def _edit(data: Path, file: str, old: str, new: str, count: int = 1) -> None:
    path = data / "parameters" / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


FAULTS = [
    # (file, old, new, expected field, message fragment (en))
    ("entitlements.yaml", "{value: 200, unit: yuan}", "{value: 200, unit: dollars}", "values[0].unit", "unknown unit"),
    ("entitlements.yaml", "  section: 六、三是\n", "", "section", "required field"),
    ("entitlements.yaml", "  section: 六、三是\n", "  section: ''\n", "section", "section"),
    ("entitlements.yaml", "{value: 1200, unit: yuan}", "{value: -1200, unit: yuan}", "values[0].value", "negative"),
    ("entitlements.yaml", "scenario: both\n  section: 六、三是", "scenario: later\n  section: 六、三是", "scenario",
     "unknown scenario"),
    ("entitlements.yaml", "- id: E-ORPHAN", "- id: E-COLLEGE", "id", "duplicate ID"),
    ("deductions.yaml", "- id: D-EXAM\n", "- id: E-PENSION\n", "id", "duplicate ID"),
    ("entitlements.yaml", "readings: [R4, RA-COLLEGE-TIERS]", "readings: [R4, R99]", "readings", "unknown reading"),
    ("entitlements.yaml", "{min: 2000, max: 6000, unit: yuan}", "{min: 7000, max: 6000, unit: yuan}",
     "values[0].min", "greater"),
]  # fmt: skip


@pytest.mark.parametrize(("file", "old", "new", "field", "fragment"), FAULTS)
def test_corrupted_file_is_named(data_copy, file, old, new, field, fragment):
    _edit(data_copy, file, old, new)
    with pytest.raises(KitError) as err:
        load_parameters(data_copy / "parameters")
    exc = err.value
    assert exc.where["file"] in (file, "deductions.yaml", "entitlements.yaml")
    assert exc.field == field
    assert "record" in exc.where
    assert fragment in exc.message("en")
    assert "字段" in exc.message("zh") and "文件" in exc.message("zh")
    result = subprocess.run([sys.executable, "-m", "jihua_kit", "params"], capture_output=True, text=True)
    assert result.returncode == 2
    assert field in result.stderr and "Error" in result.stderr


def test_changing_an_amount_changes_params_output(data_copy):
    def show() -> str:
        out = subprocess.run([sys.executable, "-m", "jihua_kit", "params", "E-LATE-MARRIAGE", "--json"],
                             capture_output=True, text=True, check=True)  # fmt: skip
        return out.stdout

    assert '"value": 200.0' in show()
    _edit(data_copy, "entitlements.yaml", "{value: 200, unit: yuan}", "{value: 250, unit: yuan}")
    assert '"value": 250.0' in show()


def test_params_cli_lists_and_shows(tmp_path):
    listing = subprocess.run([sys.executable, "-m", "jihua_kit", "params"], capture_output=True, text=True)
    assert listing.returncode == 0
    for pid in spec_ids():
        assert pid in listing.stdout
    one = subprocess.run([sys.executable, "-m", "jihua_kit", "params", "E-PENSION", "--lang", "en"],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert "六、五是" in one and "RA-PENSION-AGE" in one and "300 yuan/person/month (raised)" in one
    assert "age65" in one  # an alternative a trainer may choose
    missing = subprocess.run([sys.executable, "-m", "jihua_kit", "params", "E-NOPE"], capture_output=True, text=True)
    assert missing.returncode == 2 and "E-NOPE" in missing.stderr


def test_facts_and_assumptions_are_marked():
    store = load_parameters()
    assert {p.status for p in store.parameters.values()} <= {"fact", "assumption"}
    holidays = yaml.safe_load((REPO / "data" / "parameters" / "holidays.yaml").read_text(encoding="utf-8"))
    assert holidays["status"] == "assumption"
