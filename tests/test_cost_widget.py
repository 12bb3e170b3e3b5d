"""Chapter 06 cost calculator: sliders from the county file, the county's cost by benefit, errors in place.

Expected figures come from the handout (六、二是 2,160 yuan a parent a year; 六、五是 1,800 yuan a
year before the raise, 六、提标扩面三是 300 yuan a month after; 六、提标扩面二是 the health fee
20 -> 100 yuan a month) and from the county file read here with yaml, not through the code under test.
"""

from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest
import yaml

from jihua_kit.core.errors import KitError
from jihua_kit.course.cost_form import (
    SLIDER_KEYS,
    central_values,
    check_values,
    cost_frame,
    cost_result_html,
    slider_specs,
    sweep_frame,
    years,
)
from jihua_kit.params.store import load_parameters
from jihua_kit.simulation import cost_charts, cost_views
from jihua_kit.simulation import views as sim_views

from .conftest import REPO

N = 4000  # a small sample: every property below holds at any size


@pytest.fixture(scope="module")
def county_yaml() -> dict:
    return yaml.safe_load((REPO / "data" / "county" / "nayong.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def central() -> object:
    return cost_frame(households=N).set_index("benefit")


def _file_range(raw: dict, key: str) -> tuple[float, float, float]:
    if "." in key:
        did, cat = key.split(".")
        dist = next(d for d in raw["distributions"] if d["id"] == did)
        rec = dist["categories"][cat]
    else:
        rec = next(f for f in raw["figures"] if f["id"] == key)
    return rec["low"], rec["central"], rec["high"]


# --- sliders -------------------------------------------------------------------------------------


def test_every_slider_takes_its_range_and_name_from_the_county_file(county_yaml):
    specs = slider_specs()
    assert [s.key for s in specs] == list(SLIDER_KEYS)
    for spec in specs:
        assert (spec.low, spec.central, spec.high) == _file_range(county_yaml, spec.key)
        assert spec.low < spec.high and spec.step > 0
    rural = next(s for s in specs if s.key == "rural_share")
    assert rural.label == "农村户籍家庭比例" and rural.shown(rural.high) == "90%"
    assert central_values()["rural_household_types.one_child"] == 0.055  # context.md: 3-8%, midpoint


def test_check_values_keeps_only_moved_sliders_and_names_bad_ones():
    assert check_values(central_values()) == {}
    assert check_values({"rural_share": 0.9, "uptake": 1.0}) == {"rural_share": 0.9}
    with pytest.raises(KitError) as err:
        check_values({"rural_share": 0.95})
    assert err.value.field == "rural_share" and "75%–90%" in err.value.message("zh")
    for bad in ("0.8", True, float("nan")):
        with pytest.raises(KitError) as err:
            check_values({"rural_share": bad})
        assert err.value.key == "county.bad_type"
    with pytest.raises(KitError) as err:
        check_values({"townships": 20})  # an assumption, but not a slider
    assert err.value.key == "county.unknown_key"


def test_years_run_from_the_reference_year_to_2020():
    assert years() == list(range(2013, 2021))


# --- the county's cost: hand checks ------------------------------------------------------------


def test_per_person_amounts_are_the_handouts(central):
    onechild = central.loc["E-ONECHILD-REWARD"]
    # 六、二是: 2,160 a parent a year, unchanged by the raise; counts and costs are scaled alike.
    assert onechild["raised_cost_central"] == pytest.approx(2160 * _persons("E-ONECHILD-REWARD", "raised"))
    assert onechild["diff"] == 0
    pension_base = _persons("E-PENSION", "baseline")
    pension_raised = _persons("E-PENSION", "raised")
    assert central.loc["E-PENSION", "baseline_cost_central"] == pytest.approx(1800 * pension_base)  # 六、五是
    assert central.loc["E-PENSION", "raised_cost_central"] == pytest.approx(300 * 12 * pension_raised)  # 提标扩面三是
    assert pension_raised >= pension_base  # the raise also widens who receives it


_PERSONS: dict = {}


def _persons(benefit: str, scenario: str) -> float:
    """Persons paid, scaled to the county, straight from the simulation's own table."""
    if not _PERSONS:
        results = cost_views.project_both(N, 0, [2013])
        table = sim_views.by_benefit([r for s in results for r in results[s]], scaled=True)
        _PERSONS.update({(r.benefit, r.scenario): r.persons for r in table.itertuples()})
    return _PERSONS[(benefit, scenario)]


def test_health_fee_rises_fivefold_for_the_same_children(central):
    fee = central.loc["E-HEALTH-FEE"]
    assert fee["baseline_households"] == fee["raised_households"] > 0
    assert fee["raised_cost_central"] == pytest.approx(fee["baseline_cost_central"] * 100 / 20)  # 20 -> 100 a month


def test_uptake_scales_every_cost_and_nothing_else(central):
    lower = cost_frame({"uptake": 0.85}, households=N).set_index("benefit")
    for col in ("baseline_cost_central", "raised_cost_central", "raised_cost_low", "raised_cost_high"):
        assert list(lower[col]) == pytest.approx(list(central[col] * 0.85))
    assert list(lower["raised_households"]) == list(central["raised_households"])


def test_more_one_child_households_cost_more_reward():
    costs = [
        cost_frame({"rural_household_types.one_child": v}, households=N)
        .set_index("benefit")
        .loc["E-ONECHILD-REWARD", "raised_cost_central"]
        for v in (0.03, 0.055, 0.08)
    ]
    assert costs[0] < costs[1] < costs[2]


def test_sweep_frame_rises_with_the_one_child_share_as_the_self_check_says():
    from jihua_kit.course.selfcheck import load_selfcheck

    check = load_selfcheck("06_cost")
    n = next(i for i, q in enumerate(check.questions, start=1) if q.id == "06-slider")
    letter = check.solve(n)[0]
    assert "增加" in next(c for c in check.questions[n - 1].choices["zh"] if c.startswith(letter))
    frame = sweep_frame("rural_household_types.one_child", households=N)
    raised = [float(x.replace(",", "")) for x in frame["提标后"]]
    assert list(frame.index) == ["低值 3%", "中间值 5.5%", "高值 8%"] and raised[0] < raised[1] < raised[2]
    with pytest.raises(KitError):
        sweep_frame("townships")


def test_household_size_changes_the_county_it_is_scaled_to():
    html = cost_result_html({"household_size": 3.0}, households=N)
    assert "342,562" not in html and f"{round(1096200 / 3.0):,}" in html  # registered population / 3.0
    assert "平均每户人数：3.2 → 3" in html


def test_result_html_lists_every_paid_benefit_and_the_total(central):
    html = cost_result_html(households=N)
    store = load_parameters()
    for benefit in central.index:
        if central.loc[benefit, "kind"] != "non_monetary":
            assert store.parameters[benefit].name("zh") in html
    assert "提标前" in html and "提标后" in html and "差额" in html and "全部假设取县情文件的中间值" in html
    money = central[central["kind"] != "non_monetary"]
    for col in ("baseline_cost_central", "raised_cost_central"):
        assert f"<b>{money[col].sum() / 1e4:,.1f}</b>" in html
    assert "县内招考加分" not in html  # points, not money


@pytest.mark.parametrize("scenario", ["raised", "baseline"])
def test_one_scenario_shows_households_and_its_own_range(scenario):
    html = cost_result_html(scenario=scenario, households=N)
    assert "享受户数（估计）" in html and "差额" not in html
    assert ("提标后" if scenario == "raised" else "提标前") in html


def test_english_on_request():
    html = cost_result_html({"rural_share": 0.8}, lang="en", households=N)
    assert "cost of the incentives in 2013" in html and "Rural share of registered households" in html


# --- bad input: the library's message in place, never an exception ------------------------------


@pytest.mark.parametrize(
    ("values", "kwargs", "expected"),
    [
        ({"rural_share": 0.95}, {}, "“农村户籍家庭比例”取值 95% 超出县情文件给出的范围 75%–90%"),
        ({"people_60plus_share": -1}, {}, "超出县情文件给出的范围 10%–13%"),
        ({"birth_rate": "快"}, {}, "应为数字"),
        ({"no_such": 1}, {}, "县情文件中没有可调整的假设"),
        ({}, {"year": 2012}, "年份应为 2013 到 2020 之间的整数"),
        ({}, {"year": 2021}, "年份应为 2013 到 2020 之间的整数"),
        ({}, {"year": "2015"}, "年份应为 2013 到 2020 之间的整数"),
        ({}, {"scenario": "both"}, "标准 &#x27;both&#x27; 无效"),
    ],
)
def test_bad_input_shows_the_chinese_message_in_place(values, kwargs, expected):
    html = cost_result_html(values, households=N, **kwargs)
    assert "jihua-error" in html and "输入有误" in html and expected in html
    assert "Traceback" not in html


def test_a_bad_slider_is_named_on_the_form():
    html = cost_result_html({"rural_share": 0.95}, households=N)
    assert "请修改表单中的：农村户籍家庭比例" in html


# --- tables and charts of the chapter --------------------------------------------------------------


@pytest.fixture(scope="module")
def projection() -> object:
    return cost_views.wide(cost_views.project_both(N, 0, range(2013, 2016)))


def test_slide_tables_fit_and_add_up(projection):
    frame = cost_views.benefit_frame(projection, 2013, top=6)
    assert len(frame) <= 8
    numbers = frame.map(lambda text: float(text.replace(",", "")))
    body, total = numbers.iloc[:-1], numbers.iloc[-1]
    assert body.sum().to_numpy() == pytest.approx(total.to_numpy(), abs=0.5)  # rounded to 0.1 万元 each
    per_year = cost_views.year_frame(cost_views.by_year(projection))
    assert list(per_year.index) == ["2013", "2014", "2015"]
    assert "提标后" in cost_views.raise_summary(projection, 2013)


def test_assumption_and_fact_tables_read_the_county_file(county_yaml):
    facts = cost_views.facts_frame()
    assert len(facts) == sum(f["status"] == "fact" for f in county_yaml["figures"])
    assert facts.loc["户籍人口"].iloc[0] == "1,096,200"
    table = cost_views.assumption_frame(SLIDER_KEYS[:3])
    assert list(table.iloc[0]) == ["3%", "5.5%", "8%"]


def test_charts_have_chinese_titles_and_no_missing_glyphs(projection):
    tornado = pd.DataFrame(  # the columns of sensitivity.tornado
        {"key": ["rural_share"], "name": ["农村户籍家庭比例"], "unit": ["share"], "low": [0.75], "central": [0.825],
         "high": [0.9], "total_low": [2.6e8], "total_high": [2.1e8], "swing": [5e7], "base_total": [2.4e8]}
    )  # fmt: skip
    figs = [
        cost_charts.compare_chart(projection, 2013),
        cost_charts.year_chart(cost_views.by_year(projection)),
        cost_charts.tornado_chart(tornado, 2013),
    ]
    for fig in figs:
        title = fig.axes[0].get_title()
        assert re.search("[\u4e00-\u9fff]", title) and "万元" in title
        assert fig.get_size_inches().tolist() == [10, 4.8]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig.canvas.draw()
        assert not [w for w in caught if "missing from" in str(w.message)]


# --- the ipywidgets calculator ------------------------------------------------------------------------


def test_widget_recomputes_when_a_slider_moves_and_resets():
    pytest.importorskip("ipywidgets")
    from jihua_kit.course.cost_widget import CostCalculator

    calc = CostCalculator(households=N)
    assert "全部假设取县情文件的中间值" in calc.output.value
    calc.sliders["rural_share"].value = 0.9
    assert "农村户籍家庭比例：82.5% → 90%" in calc.output.value
    calc.year.value = 2015
    assert "2015年" in calc.output.value
    calc.scenario.value = "baseline"
    assert "享受户数（估计）" in calc.output.value
    calc.reset()
    assert calc.values() == central_values() and "全部假设取县情文件的中间值" in calc.output.value


def test_widget_refuses_a_value_instead_of_clamping_it():
    pytest.importorskip("ipywidgets")
    from jihua_kit.course.cost_widget import CostCalculator

    calc = CostCalculator(households=N)
    html = calc.set_values({"rural_share": 0.95})
    assert "超出县情文件给出的范围" in html and calc.output.value == html
    assert calc.sliders["rural_share"].value == 0.825  # unchanged, not clamped to 0.9
    assert "没有可调整的假设" in calc.set_values({"no_such": 1})


def test_widget_plain_text_has_no_model_id():
    pytest.importorskip("ipywidgets")
    from jihua_kit.course.cost_widget import CostCalculator

    bundle = CostCalculator(households=N)._repr_mimebundle_()
    assert bundle["text/plain"].startswith("（全县资金测算器")
    assert not re.search(r"[0-9a-f]{32}|0x[0-9a-f]{6,}", bundle["text/plain"])
