"""Chapter 01's facts and chart: read from data/ (so they follow it), Chinese labels, no missing glyphs."""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import pytest

from jihua_kit.course.background import background_chart, facts_frame, migrant_share, population_gap


def test_facts_table_lists_the_handout_and_county_facts():
    table = facts_frame()
    assert list(table.columns) == ["数值", "来源", "可信度"]
    assert "全县村（居）数" in table.index
    values = " ".join(table["数值"])
    assert "497" in values and "> 70%" in values and "1,096,200" in values and "693,000" in values
    assert "培训手册 三" in set(table["来源"])


def test_population_gap_by_hand():
    gap = population_gap()
    assert gap["gap"] == 1_096_200 - 693_000  # 403,200 registered people not counted as resident
    assert gap["gap_share"] == pytest.approx(403_200 / 1_096_200)
    assert migrant_share() == (70, ">")


def test_chart_follows_the_data(data_copy):
    path = data_copy / "county" / "nayong.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("value: 693000", "value: 600000"), encoding="utf-8")
    fig = background_chart()
    try:
        heights = [bar.get_height() for bar in fig.axes[0].patches if hasattr(bar, "get_height")][:2]
        assert heights == [1_096_200, 600_000]
    finally:
        plt.close(fig)


def test_chart_has_chinese_titles_and_no_missing_glyphs():
    fig = background_chart()
    try:
        titles = [ax.get_title() for ax in fig.axes]
        assert "户籍人口" in titles[0] and "政策外出生" in titles[1]
        assert "%" in fig.axes[1].get_xlabel() and "万人" in fig.axes[0].get_ylabel()
        fig.savefig(io.BytesIO(), format="png")  # a missing glyph warns; pyproject turns that into an error
    finally:
        plt.close(fig)
