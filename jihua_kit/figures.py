"""How a figure reads to a person: '300 元/人/月（提标后）', '2,000–6,000 yuan'."""

from __future__ import annotations

from jihua_kit.i18n import t
from jihua_kit.params import FigureUse
from jihua_kit.schema import Parameter, Value
from jihua_kit.textfmt import format_number


def unit_label(unit: str, lang: str = "zh") -> str:
    return t(f"unit.{unit}", lang)


def amount_text(low: float, high: float, unit: str, lang: str = "zh") -> str:
    """'2,000–6,000 元' or '200 元'."""
    num = format_number(low) if low == high else f"{format_number(low)}–{format_number(high)}"
    sep = "" if unit == "%" else " "
    return f"{num}{sep}{unit_label(unit, lang)}"


def value_text(val: Value, lang: str = "zh", show_scenario: bool = True) -> str:
    """One value entry with its key and, when it differs by scenario, the scenario."""
    text = amount_text(val.low, val.high, val.unit, lang)
    if val.comparator:
        text = f"{val.comparator} {text}"
    if val.key:
        text = f"{val.key}: {text}"
    if show_scenario and val.scenario != "both":
        text += (
            f"（{t('scenario.' + val.scenario, lang)}）"
            if lang == "zh"
            else f" ({t('scenario.' + val.scenario, lang)})"
        )
    return text


def values_text(param: Parameter, lang: str = "zh") -> str:
    return "; ".join(value_text(v, lang) for v in param.values)


def figure_text(use: FigureUse, lang: str = "zh") -> str:
    """A figure a rule used, with its ID and section: 'E-PENSION 300 元/人/月 [六、五是]'."""
    key = f"[{use.key}]" if use.key else ""
    return f"{use.id}{key} {amount_text(use.low, use.high, use.unit, lang)} 〔{use.section}〕"
