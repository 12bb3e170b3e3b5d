"""How a figure reads to a person: '300 元/人/月（提标后）', '2,000–6,000 yuan', '497 个村（居）'.

A value's key is code; people read its label (`label_zh`/`label_en` in the data), and a count
reads with its measure word (`measure_zh`/`measure_en`: 次, 对, 个村（居）). A zero ceiling
(comparator `<=`, value 0) reads '0（不得出现）'.
"""

from __future__ import annotations

from jihua_kit.core.i18n import t
from jihua_kit.core.textfmt import clause_sep, code_label, format_number
from jihua_kit.params.schema import Parameter, Value
from jihua_kit.params.store import FigureUse, load_parameters


def unit_label(unit: str, lang: str = "zh") -> str:
    return t(f"unit.{unit}", lang)


def amount_text(low: float, high: float, unit: str, lang: str = "zh", measure: str | None = None) -> str:
    """'2,000–6,000 元', '200 元'; a count with its measure word ('160 对'; '' for a bare number)."""
    fmt = (lambda x: f"{x:.0f}") if unit == "year" else format_number  # a year has no thousands separator
    num = fmt(low) if low == high else f"{fmt(low)}–{fmt(high)}"
    label = measure if (unit == "count" and measure is not None) else unit_label(unit, lang)
    if not label:
        return num
    sep = "" if unit == "%" else " "
    return f"{num}{sep}{label}"


def _zero_ceiling(val: Value) -> bool:
    return val.comparator == "<=" and val.low == val.high == 0


def value_text(val: Value, lang: str = "zh", show_scenario: bool = True, with_label: bool = True) -> str:
    """One value entry with its label and, when it differs by scenario, the scenario."""
    if _zero_ceiling(val):
        text = t("figure.zero_ceiling", lang)
    elif val.comparator == ">prev":  # the value is the year whose level must be beaten
        text = t("target.above_previous", lang, previous=amount_text(val.low, val.high, val.unit, lang))
    else:
        text = amount_text(val.low, val.high, val.unit, lang, val.measure(lang))
        if val.comparator:
            text = f"{t('figure.cmp.' + val.comparator, lang)} {text}"
    label = (val.label(lang) or (val.key if val.key else "")) if with_label else ""
    if label:
        text = f"{label} {text}"
    if show_scenario and val.scenario != "both":
        text += (
            f"（{t('scenario.' + val.scenario, lang)}）"
            if lang == "zh"
            else f" ({t('scenario.' + val.scenario, lang)})"
        )
    return text


def values_text(param: Parameter, lang: str = "zh") -> str:
    return clause_sep(lang).join(value_text(v, lang) for v in param.values)


def _value(use: FigureUse) -> Value | None:
    param = load_parameters().parameters.get(use.id)
    if param is None:
        return None
    return next((v for v in param.values if v.key == use.key and (v.low, v.high) == (use.low, use.high)), None)


def figure_text(use: FigureUse, lang: str = "zh", with_name: bool = True) -> str:
    """A figure a rule used, name first, then the amount, the section and the code label:
    '养老保障金 300 元/人/月〔六、提标扩面三是〕（E-PENSION）'. Without the name (the figure of the
    line's own rule, which names it already): '300 元/人/月〔六、提标扩面三是〕'."""
    param = load_parameters().parameters.get(use.id)
    val = _value(use)
    name = param.name(lang) if (param and with_name) else ""
    label = (val.label(lang) if val else None) or (use.key or "")
    measure = val.measure(lang) if val else None
    amount = amount_text(use.low, use.high, use.unit, lang, measure)
    head = " · ".join(part for part in (name, label) if part)
    code = code_label(use.id, lang) if with_name else ""
    gap = "" if lang == "zh" else " "
    return f"{head} {amount}{gap}〔{use.section}〕{code}".strip()
