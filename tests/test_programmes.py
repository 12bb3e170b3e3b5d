"""The programme hierarchy (data/programmes.yaml): names as in the handout, every E-* rule placed once,
bad data named by file, record and field, and a diagram drawn with Chinese labels."""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import pytest
import yaml

from jihua_kit.core.errors import KitError
from jihua_kit.course.programmes import LEVELS, county_frame, load_programmes, programme_diagram, programme_frame
from jihua_kit.rules.benefits import BENEFIT_IDS

from .conftest import SHARED

HANDOUT = SHARED / "source" / "000_16fc5aaa046512bf.txt"


def test_levels_in_order_with_the_handout_counts():
    progs = load_programmes()
    assert tuple(lv.id for lv in progs.levels) == LEVELS
    # 三项, 四项, 五大, 十大: the number in each programme's name is its number of parts
    assert [len(lv.items) for lv in progs.levels] == [3, 4, 5, 10]
    assert [lv.name_zh for lv in progs.levels] == ["三项制度", "四项制度", "五大工程", "十大优待"]


@pytest.mark.skipif(not HANDOUT.exists(), reason="the handout is not beside the repository")
def test_every_name_is_the_handouts():
    text = HANDOUT.read_text(encoding="utf-8")
    for lv in load_programmes().levels:
        assert lv.name_zh in text
        for it in lv.items:
            assert it.zh in text, it.zh


def test_every_benefit_rule_sits_under_exactly_one_county_item():
    progs = load_programmes()
    placed = [b for lv in progs.levels for it in lv.items for b in it.benefits]
    assert sorted(placed) == sorted(BENEFIT_IDS)
    assert all(not it.benefits for lv in progs.levels if lv.id != "county" for it in lv.items)


def test_tables():
    levels = programme_frame()
    assert list(levels["政策名称"]) == ["三项制度", "四项制度", "五大工程", "十大优待"]
    county = county_frame()
    assert len(county) == 10
    assert (county["本工具计算的待遇"] == "（手册未给出标准）").sum() == 3  # 政治、生产、生活优待
    pension = county.loc["10. 养老保障"]
    assert pension["本工具计算的待遇"] == "养老保障金" and "六、五是" in pension["出处"]
    assert county.loc["3. 节育奖励", "归类依据"] == "与第六部分同名"
    assert county_frame("en").columns[0] == "Payments the kit computes"


def _edit(data_copy, change):
    path = data_copy / "programmes.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(raw)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "key", "field"),
    [
        (lambda r: r["levels"][3]["items"][1]["benefits"].append("E-NOPE"), "prog.unknown_benefit", "benefits"),
        (lambda r: r["levels"][3]["items"][2]["benefits"].append("E-LATE-BIRTH"), "prog.duplicate_benefit", "benefits"),
        (lambda r: r["levels"].reverse(), "prog.levels", "levels"),
        (lambda r: r["levels"][0]["items"][0].update(colour="red"), "prog.unknown_field", "colour"),
        (lambda r: r["levels"][2].pop("name_zh"), "prog.missing", "name_zh"),
        (lambda r: r["levels"][3]["items"][2].update(link="guess"), "prog.bad_link", "link"),
    ],
)
def test_bad_data_is_named(data_copy, change, key, field):
    _edit(data_copy, change)
    with pytest.raises(KitError) as err:
        load_programmes()
    assert err.value.key == key and err.value.field == field
    assert err.value.where["file"] == "programmes.yaml"
    assert "programmes.yaml" in err.value.message("zh")


def test_diagram_has_chinese_labels_and_draws_without_missing_glyphs():
    fig = programme_diagram()
    try:
        texts = {t.get_text() for t in fig.axes[0].texts}
        assert any("三项制度" in s for s in texts) and any("养老" in s for s in texts)
        assert "国家" in fig.axes[0].get_title() and "县" in fig.axes[0].get_title()
        fig.savefig(io.BytesIO(), format="png")  # a missing glyph warns, and warnings fail (pyproject)
    finally:
        plt.close(fig)
