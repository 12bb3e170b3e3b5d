"""Chapter 06's views of the joint-uncertainty run (cost_views.band_summary, calibration_frame):
the numbers are the run's own, and what a trainee reads is Chinese with codes only as labels."""

from __future__ import annotations

import pandas as pd
import pytest

from jihua_kit.simulation import cost_views
from jihua_kit.simulation.run import run_simulation

from .trainee_text import html_faults, text_faults


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    run = run_simulation(years=[2013, 2014], households=500, sensitivity=0, draws=20, draw_households=2000, seed=0)
    return run.tables("zh")


def test_band_summary_states_the_runs_own_band(tables):
    unc = tables["uncertainty"]
    row = unc[(unc["year"] == 2014) & (unc["scenario"] == "raised") & (unc["benefit"] == "total")].iloc[0]
    text = cost_views.band_summary(unc, 2014, central=237_937_000.0)
    assert text.startswith("2014年提标后")
    for key in ("p50", "p05", "p95"):
        assert f"{round(row[key] / 1e4):,}" in text
    assert "90%" in text and text.endswith("全县合计为 23,793.7 万元。")
    assert "全部假设" not in cost_views.band_summary(unc, 2014) and text_faults(text) == []
    english = cost_views.band_summary(unc, 2014, scenario="baseline", lang="en")
    assert english.startswith("2014, baseline: median (P50)")


def test_calibration_frame_reads_as_chinese_and_marks_what_falls_outside(tables):
    cal = tables["calibration"]
    frame = cost_views.calibration_frame(cal)
    assert list(frame.columns) == ["已知数", "出处", "模拟范围（P5–P95）", "已知数不在模拟范围内", "说明"]
    assert list(frame.index) == list(cal["name"])
    assert frame.loc["放弃政策内二孩生育的夫妇（对）", "已知数"] == "≥ 160"
    assert frame.loc["放弃政策内二孩生育的夫妇（对）", "出处"] == "七·4(一)（T-GIVE-UP）"
    assert frame.loc["村（居）数", "出处"] == "县情文件" and frame.loc["村（居）数", "模拟范围（P5–P95）"] == "497–497"
    low, high = cal.set_index("measure").loc["households", ["p05", "p95"]]
    assert frame.loc["户数", "模拟范围（P5–P95）"] == f"{round(low):,}–{round(high):,}"
    assert list(frame["已知数不在模拟范围内"]) == ["⚠" if x else "" for x in cal["outside"]]
    flipped = cost_views.calibration_frame(cal.assign(outside=~cal["outside"]))
    assert list(flipped["已知数不在模拟范围内"]) == ["" if x else "⚠" for x in cal["outside"]]
    assert html_faults(frame.to_html()) == [] and text_faults(frame.to_string()) == []
