"""An explicit system: the same calls read another data folder when given one."""

from __future__ import annotations

import shutil
from pathlib import Path

from jihua_kit import explain, load_system, score, simulate_year
from jihua_kit.tables.audits import load_audit

REPO = Path(__file__).resolve().parents[1]


def _copy_with_late_marriage(tmp_path: Path, amount: int) -> Path:
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    path = data / "parameters" / "entitlements.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("- id: E-LATE-MARRIAGE")
    value = text.index("- {value:", start)
    end = text.index("}", value)
    path.write_text(text[:value] + f"- {{value: {amount}, unit: yuan" + text[end:], encoding="utf-8")
    return data


def test_explain_reads_the_system_it_is_given(tmp_path: Path):
    system = load_system(_copy_with_late_marriage(tmp_path, 777))
    case = "03-late-marriage-birth"
    mine = {line.id: line.high for line in explain(case, system=system).lines}
    standard = {line.id: line.high for line in explain(case).lines}
    assert mine["E-LATE-MARRIAGE"] == 777 != standard["E-LATE-MARRIAGE"]
    assert {k: v for k, v in mine.items() if k != "E-LATE-MARRIAGE"} == {
        k: v for k, v in standard.items() if k != "E-LATE-MARRIAGE"
    }


def test_the_simulation_reads_the_system_it_is_given(tmp_path: Path):
    system = load_system(_copy_with_late_marriage(tmp_path, 0))
    year = simulate_year(households=3000, system=system)
    j = year.benefit_ids.index("E-LATE-MARRIAGE")
    assert year.sums["households"][:, j].sum() > 0 and year.sums["low"][:, j].sum() == 0
    assert simulate_year(households=3000).sums["low"][:, j].sum() > 0


def test_score_takes_a_system_too():
    system = load_system()
    audit = sorted((REPO / "data" / "audits").glob("*.yaml"))[0]
    table = load_audit(audit)
    assert (score(table, system=system).points.keys()) == score(table).points.keys()
    assert system.county_file in system.county_files and system.bound("TR-SIM-BOUNDS", "years_max") > 0
