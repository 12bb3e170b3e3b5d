"""`jihua-kit score`: one unit, many units, --json, --lang en, --reading, and a bad file (exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys

from jihua_kit.cli.commands.score import score_frame
from jihua_kit.params.store import default_params
from jihua_kit.tables.audits import load_audit

from .conftest import REPO

AUDITS = REPO / "data" / "audits"
FLAGS = {"no_commendation", "award_cancelled", "pledge_redo", "shuangwu_breach", "case_file_required"}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jihua_kit", "score", *args], capture_output=True, text=True)


def test_one_unit_text_and_json():
    out = run(str(AUDITS / "xinfang-v01-2013q2.yaml"))
    assert out.returncode == 0, out.stderr
    assert "政策外第5孩 漏报1人：5 + 2×(5−3) = 9分" in out.stdout and "22分" in out.stdout
    data = json.loads(run(str(AUDITS / "xinfang-v01-2013q2.yaml"), "--json").stdout)
    assert data["total_points"] == 22
    assert all({"id", "points"} <= set(item) for item in data["items"])
    assert sum(item["points"] for item in data["items"]) == 22
    assert set(data["flags"]) == FLAGS and all(isinstance(v, bool) for v in data["flags"].values())
    assert data["flags"]["shuangwu_breach"] is True and data["flags"]["no_commendation"] is False


def test_one_unit_english():
    out = run(str(AUDITS / "county-dept-2013.yaml"), "--lang", "en")
    assert out.returncode == 0
    assert "Total: 4 + 6 + 4 = 14 points" in out.stdout and "by 2014-01-10" in out.stdout


def test_many_units_text_and_json():
    path = str(AUDITS / "xinfang-township-2013q2.yaml")
    text = run(path).stdout
    assert "XF-V07" in text and "共 5 个单位，合计扣 29 分" in text
    data = json.loads(run(path, "--json", "--lang", "en").stdout)
    assert [u["unit_id"] for u in data["units"]] == ["XF-V03", "XF-V04", "XF-V05", "XF-V06", "XF-V07"]
    assert [u["total_points"] for u in data["units"]] == [6, 4, 0, 4, 15]
    assert all(set(u["flags"]) == FLAGS for u in data["units"])
    assert data["summary"]["units"] == 5 and data["summary"]["total_points"] == 29
    assert data["summary"]["flags"]["shuangwu_breach"] == 1 and data["summary"]["flags"]["no_commendation"] == 1
    assert data["units"][0]["items"][0]["name"] == "Unreported birth"


def test_reading_switch_on_the_command_line():
    rec = AUDITS / "xinfang-township-2013q2.yaml"
    data = json.loads(run(str(rec), "--json", "--reading", "RA-WRONG-SEX-INSTEAD=on_top").stdout)
    assert data["units"][0]["total_points"] == 6  # V03 has no sex error: unchanged
    bad = run(str(rec), "--reading", "RA-WRONG-SEX-INSTEAD")
    assert bad.returncode == 2 and "ID=OPTION" in bad.stderr


def test_bad_file_exits_2_naming_unit_and_field(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("units:\n  - {unit_id: XF-A, period: 2013Q2}\n"
                    "  - unit_id: XF-B\n    period: 2013Q2\n    findings:\n"
                    "      D-MISSED-BIRTH: [{policy: 外, parity: 0}]\n", encoding="utf-8")  # fmt: skip
    out = run(str(path))
    assert out.returncode == 2
    assert out.stdout == ""  # nothing scored
    for text in ("bad.yaml", "XF-B", "findings.D-MISSED-BIRTH[0].parity", "单位 XF-B", "unit XF-B"):
        assert text in out.stderr
    unknown = tmp_path / "unknown.json"
    unknown.write_text('{"unit_id": "Q", "period": "2013", "findings": {"D-LATE": 1}}', encoding="utf-8")
    out = run(str(unknown), "--json")
    assert out.returncode == 2 and "D-LATE" in out.stderr and "unknown finding code" in out.stderr


def test_score_frame_is_reusable_for_other_readers():
    params = default_params()
    records = score_frame(load_audit(AUDITS / "xinfang-township-2013q2.yaml", params), params)
    assert [r["total_points"] for r in records] == [6, 4, 0, 4, 15]
    assert records[4]["items"][0] == {"id": "D-MISSED-BIRTH", "name": "出生人口漏报", "count": 1, "points": 15}
    assert records[4]["inspection_date"] == "2013-07-12"
