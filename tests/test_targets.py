"""Section C: targets against figures, worked by hand, bad figures named, and the chart in Chinese."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings

import pytest

from jihua_kit.core.errors import KitError
from jihua_kit.explanations.targets_chart import targets_chart
from jihua_kit.params.store import load_parameters
from jihua_kit.rules.targets import attainment, check_targets, load_figures

from .conftest import REPO

SAMPLE = REPO / "data" / "targets" / "county-2013-sample.yaml"


def one(figures: dict, **kw):
    return check_targets(figures, **kw).set_index(["id", "key"])


def test_thresholds_by_hand():
    tab = one({
        "T-INFO-ACCURACY": {"accuracy": 97.5, "missed_births": 1, "wrong_births": 0},
        "T-EXAM-RATE": 100,
        "T-SURGERY-RATE": {"rate": 85, "backlog": 0, "false_surgeries": 2},
        "T-MIGRANT-CERT": 96,
        "T-GIVE-UP": 150,
        "T-POSTPONE": 600,
        "T-CARE-FUND": 5_400_000,
    })  # fmt: skip
    # 97.5 < 98: short by 0.5; one missed birth against zero; 100% meets 100%; 85 meets ≥85
    assert tab.loc[("T-INFO-ACCURACY", "accuracy"), ["met", "shortfall"]].tolist() == [False, 0.5]
    assert tab.loc[("T-INFO-ACCURACY", "missed_births"), ["met", "shortfall"]].tolist() == [False, 1.0]
    assert bool(tab.loc[("T-INFO-ACCURACY", "wrong_births"), "met"])
    assert bool(tab.loc[("T-EXAM-RATE", ""), "met"]) and bool(tab.loc[("T-SURGERY-RATE", "rate"), "met"])
    assert tab.loc[("T-SURGERY-RATE", "false_surgeries"), ["met", "shortfall"]].tolist() == [False, 2.0]
    assert bool(tab.loc[("T-MIGRANT-CERT", ""), "met"])
    assert tab.loc[("T-GIVE-UP", ""), ["target_value", "shortfall"]].tolist() == [160, 10]
    assert bool(tab.loc[("T-POSTPONE", ""), "met"])  # exactly 600 is "600 or more"
    assert tab.loc[("T-CARE-FUND", ""), "shortfall"] == 600_000
    assert tab.loc[("T-CARE-FUND", ""), "target"] == "≥ 6,000,000 元"


def test_above_last_year_is_strict():
    up = one({"T-MIGRANT-INPOLICY": {"actual": 90.5, "previous": 90}})
    same = one({"T-MIGRANT-INPOLICY": {"actual": 90, "previous": 90}})
    down = one({"T-MIGRANT-INPOLICY": {"actual": 88, "previous": 90}})
    assert bool(up["met"].iat[0]) and not bool(same["met"].iat[0]) and not bool(down["met"].iat[0])
    assert down["shortfall"].iat[0] == 2
    assert "高于上年（90%）" == same["target"].iat[0]


def test_sample_file_is_marked_as_assumption_and_checks_every_target():
    raw = load_figures(SAMPLE)
    assert raw["status"] == "assumption"
    tab = check_targets(raw)
    assert set(tab["id"]) == {p for p in load_parameters().parameters if p.startswith("T-")}
    # by hand from the sample: accuracy, wrong births, remedy, surgery rate, false surgeries, migrant
    # backlog, in-policy, delivery, postpone, fund, enforcement are met; the other 7 are not
    assert int(tab["met"].sum()) == 11 and len(tab) == 18


BAD = [
    ({"T-NOPE": 1}, "T-NOPE", "not an annual target"),
    ({"E-PENSION": 1}, "E-PENSION", "not an annual target"),
    ({"T-EXAM-RATE": 101}, "T-EXAM-RATE", "exceed 100"),
    ({"T-EXAM-RATE": -1}, "T-EXAM-RATE", "negative"),
    ({"T-EXAM-RATE": "high"}, "T-EXAM-RATE", "number"),
    ({"T-EXAM-RATE": {"rate": 90}}, "T-EXAM-RATE", "single number"),
    ({"T-INFO-ACCURACY": 99}, "T-INFO-ACCURACY", "several figures"),
    ({"T-INFO-ACCURACY": {"accuracy": 99, "missed_births": 0}}, "T-INFO-ACCURACY.wrong_births", "missing"),
    ({"T-PLEDGE": {"signing": 99, "enforcement": 99, "speed": 1}}, "T-PLEDGE.speed", "unknown item"),
    ({"T-MIGRANT-INPOLICY": 90}, "T-MIGRANT-INPOLICY", "several figures"),
]


@pytest.mark.parametrize(("figures", "field", "fragment"), BAD)
def test_bad_figures_are_named(figures, field, fragment):
    with pytest.raises(KitError) as err:
        check_targets(figures)
    assert err.value.field == field
    assert fragment in err.value.message("en") and "字段" in err.value.message("zh")


def test_thresholds_come_from_data(data_copy):
    path = data_copy / "parameters" / "targets.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("{value: 160, unit: count", "{value: 140, unit: count"), encoding="utf-8")
    params = load_parameters(data_copy / "parameters").view()
    assert bool(check_targets({"T-GIVE-UP": 150}, params)["met"].iat[0])


def test_chart_is_chinese_and_coloured_by_result(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    tab = check_targets(load_figures(SAMPLE))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = targets_chart(tab)
        fig.savefig(tmp_path / "t.png")
    assert not [w for w in caught if "Glyph" in str(w.message)]
    ax = fig.axes[0]
    assert ax.get_title() == "2013年度目标完成情况"
    assert "完成程度" in ax.get_xlabel()
    by_position = {round(tick.get_position()[1]): tick.get_text() for tick in ax.get_yticklabels()}
    assert by_position[len(tab) - 1] == "全员人口信息统计准确率·准确率"  # the first target on top
    assert by_position[len(tab) - 1 - 3] == "常住人口应检对象妇检率"
    colours = [tuple(round(c, 3) for c in bar.get_facecolor()[:3]) for bar in ax.patches]
    assert len(set(colours)) == 2 and len(ax.patches) == len(tab)
    # 97.2% of a 100% target is 97.2% attainment; 6.2 M of 6 M is 103.3%
    att = dict(zip(tab["id"] + tab["key"], attainment(tab), strict=True))
    assert att["T-EXAM-RATE"] == pytest.approx(97.2) and att["T-CARE-FUND"] == pytest.approx(620 / 6)
    assert (tmp_path / "t.png").stat().st_size > 10_000
    en = targets_chart(tab, lang="en")
    assert en.axes[0].get_title() == "2013 annual targets: attainment"


def test_targets_command(tmp_path):
    png = tmp_path / "c.png"
    out = subprocess.run([sys.executable, "-m", "jihua_kit", "targets", str(SAMPLE), "--chart", str(png)],
                         capture_output=True, text=True)  # fmt: skip
    assert out.returncode == 0 and "达标 11 项，共 18 项" in out.stdout and "假设" in out.stdout
    assert png.stat().st_size > 10_000
    data = json.loads(subprocess.run([sys.executable, "-m", "jihua_kit", "targets", str(SAMPLE), "--json",
                                      "--lang", "en"], capture_output=True, text=True).stdout)  # fmt: skip
    assert len(data["targets"]) == 18 and data["status"] == "assumption"
    bad = tmp_path / "bad.yaml"
    bad.write_text("figures: {T-EXAM-RATE: 120}\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "jihua_kit", "targets", str(bad)], capture_output=True, text=True)
    assert out.returncode == 2 and "T-EXAM-RATE" in out.stderr
