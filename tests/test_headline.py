"""One headline total (issue 16): `jihua-kit simulate`'s printed headline, by_year.csv, the
workbook's 逐年 sheet and chapter 06 give the same 2013 raised total; the sensitivity figures,
measured on a sample, stand on that total and say how far their sample is from it. The workbook
is formatted for an analyst: whole yuan with separators, shares as percentages, no float noise."""

from __future__ import annotations

import contextlib
import io
import json
import re

import openpyxl
import pandas as pd
import pytest

from .conftest import REPO

YEAR = 2013


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    from jihua_kit.cli.main import main

    out = tmp_path_factory.mktemp("sim")
    text, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(text), contextlib.redirect_stderr(err):
        code = main(["simulate", "--years", "2013-2014", "--sensitivity", "3000", "--out", str(out)])
    assert code == 0
    return {"out": out, "text": text.getvalue(), "err": err.getvalue()}


def _chapter_06_total() -> float:
    """The 2013 raised total (万元) chapter 06 stores in its table by year."""
    nb = json.loads((REPO / "notebooks" / "06_cost.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if "cost_views.year_frame(per_year)" in "".join(cell["source"]):
            plain = "".join(cell["outputs"][0]["data"]["text/plain"])
            row = next(line for line in plain.splitlines() if line.startswith(str(YEAR)))
            return float(row.split()[2].replace(",", ""))
    raise AssertionError("chapter 06 has no table by year")


def test_headline_agrees_everywhere(run: dict) -> None:
    by_year = pd.read_csv(run["out"] / "by_year.csv")
    csv_total = float(by_year[(by_year["year"] == YEAR) & (by_year["scenario"] == "raised")]["cost_central"].iloc[0])
    printed = re.search(rf"^{YEAR}\s+提标后\s+[\d,]+\s+[\d,]+\s+[\d,]+\s+([\d,]+)", run["text"], re.M)
    assert printed and float(printed.group(1).replace(",", "")) == round(csv_total)
    sheet = openpyxl.load_workbook(run["out"] / "simulation.xlsx")["逐年"]
    head = [c.value for c in sheet[1]]
    rows = [dict(zip(head, (c.value for c in r), strict=True)) for r in sheet.iter_rows(min_row=2)]
    xlsx_total = next(r["金额中间值（元）"] for r in rows if r["年份"] == YEAR and r["情景"] == "提标后")
    assert xlsx_total == round(csv_total)
    assert _chapter_06_total() == round(csv_total / 1e4, 1)  # the chapter projects the full county too


def test_sensitivity_stands_on_the_headline_and_names_its_sample(run: dict) -> None:
    by_year = pd.read_csv(run["out"] / "by_year.csv")
    total = float(by_year[(by_year["year"] == YEAR) & (by_year["scenario"] == "raised")]["cost_central"].iloc[0])
    tornado = pd.read_csv(run["out"] / "tornado.csv")
    assert tornado["base_total"].round().eq(round(total)).all()
    assert (tornado["sample_households"] == 3000).all()
    gap = tornado["sample_total"].iloc[0] / total - 1
    assert abs(tornado["sample_gap"].iloc[0] - gap) < 1e-12
    assert f"{gap:+.1%}" in run["text"] and "3,000 户抽样" in run["text"]  # the printed note says so
    sheet = openpyxl.load_workbook(run["out"] / "simulation.xlsx")["敏感性"]
    head = [c.value for c in sheet[1]]
    assert "抽样本身全部取中间值时合计（元）" in head and "抽样与全县测算之差" in head
    first = dict(zip(head, sheet[2], strict=True))
    assert first["全部取中间值时合计（元，全县测算）"].value == round(total)
    assert first["抽样与全县测算之差"].number_format.endswith("0.0%")


def test_workbook_is_formatted_for_an_analyst(run: dict) -> None:
    book = openpyxl.load_workbook(run["out"] / "simulation.xlsx")
    money_columns = 0
    for ws in book.worksheets:
        head = [c.value for c in ws[1]]
        for j, name in enumerate(head, start=1):
            cells = [ws.cell(i, j) for i in range(2, min(ws.max_row, 40) + 1)]
            if "（元" in str(name):
                money_columns += 1
                assert all(c.number_format == "#,##0" and float(c.value).is_integer() for c in cells), (ws.title, name)
            for c in cells:  # no float noise such as 87263901.31799999
                if isinstance(c.value, float):
                    assert len(repr(c.value).split(".")[-1]) <= 6, (ws.title, name, c.value)
        width = ws.column_dimensions["A"].width
        assert width and width >= 8
    assert money_columns >= 10
    tornado = book["敏感性"]
    head = [c.value for c in tornado[1]]
    low = tornado.cell(2, head.index("低值") + 1)
    assert low.number_format == "0.0%" and low.value < 1  # a share, shown as 3.0%
    key = head.index("编号") + 1
    longest = max(len(str(tornado.cell(i, key).value)) for i in range(2, tornado.max_row + 1))
    assert tornado.column_dimensions["A"].width >= longest  # the codes fit their column


def test_progress_is_reported_while_it_runs(run: dict) -> None:
    lines = run["err"].splitlines()
    assert lines[0].startswith("[0秒] 开始测算") and any("写出" in x for x in lines)
    assert lines[-1].endswith("全部完成。")


def test_charts_share_one_colour_per_scenario_and_start_at_zero() -> None:
    import matplotlib.colors as mcolors

    from jihua_kit.core.charts import SCENARIO_COLORS
    from jihua_kit.simulation import charts as sim_charts
    from jihua_kit.simulation import cost_charts
    from jihua_kit.simulation.run import run_simulation

    sim = run_simulation(years=[2013, 2014], households=4000, sensitivity=0)
    tables = sim.tables()
    by_year = sim_charts.cost_by_year(tables["by_year"])
    ax = by_year.axes[0]
    assert ax.get_ylim()[0] == 0
    colours = {line.get_label(): mcolors.to_hex(line.get_color()) for line in ax.get_lines()}
    assert colours == {"提标前": SCENARIO_COLORS["baseline"], "提标后": SCENARIO_COLORS["raised"]}
    cmp = sim_charts.compare(tables["comparison"], 2013).axes[0]
    handles, labels = cmp.get_legend_handles_labels()
    got = {label: mcolors.to_hex(h.patches[0].get_facecolor()) for h, label in zip(handles, labels, strict=True)}
    assert got == {"提标前": SCENARIO_COLORS["baseline"], "提标后": SCENARIO_COLORS["raised"]}
    assert cost_charts.COLORS == SCENARIO_COLORS  # chapter 06 draws with the same two colours
