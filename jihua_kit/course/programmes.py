"""The programme hierarchy (national 三项制度 -> Guizhou 四项制度 -> Bijie 五大工程 -> Nayong 十大优待).

`load_programmes()` reads `data/programmes.yaml` (names only, cited to section 六) and checks it;
`programme_frame` and `county_frame` are its tables; `programme_diagram` draws the four levels
with Chinese labels, marking the county items whose payments the kit computes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from textwrap import fill
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
import yaml
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from jihua_kit.core.bilingual import bilingual
from jihua_kit.core.charts import use_chinese_font
from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import t
from jihua_kit.core.paths import data_dir
from jihua_kit.core.yamlio import load_yaml
from jihua_kit.params.store import load_parameters

__all__ = ["Item", "Level", "Programmes", "county_frame", "load_programmes", "programme_diagram", "programme_frame"]

FILE = "programmes.yaml"
LEVELS = ("national", "province", "city", "county")
LINKS = ("name", "assumption")
ITEM_FIELDS = ("zh", "en", "benefits", "link")
COLOURS = {"level": "#34495e", "item": "#ecf0f1", "name": "#c0392b", "assumption": "#e8a598"}


@dataclass(frozen=True)
class Item:
    zh: str
    en: str
    benefits: tuple[str, ...] = ()
    link: str = ""  # how the benefits were placed under the item: 'name' or 'assumption'

    def name(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class Level:
    id: str
    level_zh: str
    level_en: str
    name_zh: str
    name_en: str
    items: tuple[Item, ...]

    level = bilingual("level")

    name = bilingual("name")


@dataclass(frozen=True)
class Programmes:
    section: str
    levels: tuple[Level, ...]

    def level(self, lid: str) -> Level:
        return next(lv for lv in self.levels if lv.id == lid)


def _need(raw: Any, name: str, kind: type, where: dict[str, Any]) -> Any:
    if not isinstance(raw, dict) or name not in raw:
        raise KitError("prog.missing", field=name, **where)
    if not isinstance(raw[name], kind):
        raise KitError("prog.bad_type", field=name, got=raw[name], **where)
    return raw[name]


def _item(raw: Any, where: dict[str, Any], known: set[str]) -> Item:
    for name in raw if isinstance(raw, dict) else ():
        if name not in ITEM_FIELDS:
            raise KitError("prog.unknown_field", field=str(name), allowed=", ".join(ITEM_FIELDS), **where)
    zh, en = _need(raw, "zh", str, where), _need(raw, "en", str, where)
    benefits = tuple(raw.get("benefits") or ())
    link = raw.get("link", "")
    for bid in benefits:
        if bid not in known:
            raise KitError("prog.unknown_benefit", field="benefits", got=bid, **where)
    if benefits and link not in LINKS:
        raise KitError("prog.bad_link", field="link", got=link, allowed=", ".join(LINKS), **where)
    return Item(zh, en, benefits, link)


def load_programmes(path: str | Path | None = None) -> Programmes:
    """Read and check the hierarchy: the four levels in order, every benefit an E-* rule, none twice."""
    path = Path(path) if path else data_dir() / FILE
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KitError("prog.unreadable", file=path.name, detail=str(exc).splitlines()[0]) from exc
    where = {"file": path.name}
    section = _need(raw, "section", str, where)
    known = {pid for pid in load_parameters().parameters if pid.startswith("E-")}
    levels, seen = [], set()
    for raw_level in _need(raw, "levels", list, where):
        lw = where | {"record": raw_level.get("id", "?") if isinstance(raw_level, dict) else "?"}
        fields = {k: _need(raw_level, k, str, lw) for k in ("id", "level_zh", "level_en", "name_zh", "name_en")}
        items = tuple(_item(it, lw, known) for it in _need(raw_level, "items", list, lw))
        for bid in (b for it in items for b in it.benefits):
            if bid in seen:
                raise KitError("prog.duplicate_benefit", field="benefits", got=bid, **lw)
            seen.add(bid)
        levels.append(Level(items=items, **fields))
    if tuple(lv.id for lv in levels) != LEVELS:
        raise KitError("prog.levels", field="levels", got=[lv.id for lv in levels], allowed=", ".join(LEVELS), **where)
    return Programmes(section, tuple(levels))


def programme_frame(lang: str = "zh", progs: Programmes | None = None) -> pd.DataFrame:
    """One row per level: the level, its programme and the programme's parts."""
    progs = progs or load_programmes()
    sep = "、" if lang == "zh" else ", "
    cols = [t(f"prog.col.{c}", lang) for c in ("level", "programme", "items", "section")]
    rows = [(lv.level(lang), lv.name(lang), sep.join(it.name(lang) for it in lv.items), progs.section)
            for lv in progs.levels]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def county_frame(lang: str = "zh", progs: Programmes | None = None) -> pd.DataFrame:
    """The county's ten items (the index, numbered) with the kit's payments under each, their
    sections and how they were placed there."""
    progs = progs or load_programmes()
    params = load_parameters()
    sep = "、" if lang == "zh" else ", "
    rows, index = [], []
    for number, it in enumerate(progs.level("county").items, start=1):
        found = [params.parameters[b] for b in it.benefits]
        names = sep.join(p.name(lang) for p in found) or t("prog.no_detail", lang)
        sections = sep.join(dict.fromkeys(p.section for p in found)) or "—"
        link = t(f"prog.link.{it.link}", lang) if it.link else "—"
        rows.append((names, sections, link))
        index.append(f"{number}. {it.name(lang)}")
    cols = [t(f"prog.col.{c}", lang) for c in ("benefits", "section", "link")]
    return pd.DataFrame(rows, columns=cols, index=index)


def _box(ax: Any, x: float, y: float, w: float, h: float, text: str, face: str, colour: str, size: float) -> None:
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02,rounding_size=0.08", fc=face, ec="#7f8c8d"))
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", color=colour, fontsize=size, wrap=True)


def programme_diagram(lang: str = "zh", progs: Programmes | None = None) -> Figure:
    """The four levels as rows of boxes, national at the top; county items the kit computes are filled."""
    use_chinese_font()
    progs = progs or load_programmes()
    fig, ax = plt.subplots(figsize=(13, 5.2))
    width, top, row_h, gap = 10.0, 4 * 1.5, 0.9, 0.6
    for r, lv in enumerate(progs.levels):
        y = top - r * (row_h + gap) - row_h
        label = f"{lv.level(lang)}\n{fill(lv.name(lang), 16)}"
        _box(ax, 0, y, 2.0, row_h, label, COLOURS["level"], "white", 13)
        n = len(lv.items)
        cell = width / n
        for i, it in enumerate(lv.items):
            face = COLOURS[it.link] if it.benefits else COLOURS["item"]
            colour = "white" if it.link == "name" else "#2c3e50"
            wide = n < 10
            text = fill(it.en, 14 if wide else 11, break_long_words=False) if lang == "en" else fill(it.zh, 4)
            size = 12 if wide else 11 if lang == "zh" else 9
            _box(ax, 2.3 + i * cell + 0.05, y, cell - 0.1, row_h, text, face, colour, size)
        if r:
            ax.annotate("", xy=(1.0, y + row_h + 0.05), xytext=(1.0, y + row_h + gap - 0.05),
                        arrowprops={"arrowstyle": "->", "color": "#7f8c8d", "lw": 2})  # fmt: skip
    handles = [FancyBboxPatch((0, 0), 1, 1, fc=COLOURS[k], ec="#7f8c8d") for k in ("name", "assumption", "item")]
    labels = [t(f"prog.legend.{k}", lang) for k in ("name", "assumption", "none")]
    ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=3, frameon=False, fontsize=11)
    ax.set_xlim(-0.1, 2.3 + width + 0.1)
    ax.set_ylim(top - 4 * (row_h + gap) + gap - 0.1, top + 0.1)
    ax.axis("off")
    ax.set_title(t("prog.title", lang), fontsize=16)
    fig.text(0.99, 0.01, t("prog.source", lang, section=progs.section), ha="right", fontsize=9, color="#7f8c8d")
    fig.tight_layout()
    return fig
