"""Deduction rules made visible: points per missed birth by parity, and the 七·5 ladders by count.

Every number is computed by scoring a small table of made-up units with `deductions.score` (one
unit per parity or per count), so the tables and charts show what the rules give, never a second
copy of them. Labels are Chinese by default (`lang="en"` for English).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from jihua_kit.core.i18n import t
from jihua_kit.core.textfmt import format_number, named
from jihua_kit.explanations.scorecard import number
from jihua_kit.params.figures import values_text
from jihua_kit.params.store import Params, default_params
from jihua_kit.rules.deductions import CERT, SHUANGWU, UNPAID, birth_rates, score
from jihua_kit.tables.audit_table import BIRTHS_ID, POLICIES, layout
from jihua_kit.tables.audits import units_table

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "LADDER_FLAGS", "ladder_chart", "ladder_table", "parity_chart", "parity_table", "points_table", "sanction_steps",
]  # fmt: skip

SHOWN_PARITIES = range(1, 9)  # how many parities a table shows (fits a slide); not a rule figure
SHOWN_COUNTS = range(0, 5)  # counts shown for the 七·5 ladders
LADDER_FLAGS = ("no_commendation", "award_cancelled")
_PERIOD = "2013"  # the made-up units need a period; any valid one gives the same points
_COLOURS = {"in": "#2a9d8f", "out": "#c0392b"}
_LADDER_COLOURS = ("#9aa5b1", "#f4a261", "#c0392b")  # no flag, the lighter flag, the heavier one


def _scored(records: list[dict], params: Params):
    return score(units_table(records, params), params)


def _parities(parities: Iterable[int] | None, params: Params) -> list[int]:
    top = layout(params).parity_max
    return [k for k in (parities or SHOWN_PARITIES) if 1 <= k <= top]


def _formula(k: int, params: Params) -> str:
    """'2' for parity 1 outside; '5 + 2×(6−3)' beyond the listed parities (from the rule's terms)."""
    rate = next(r for r in birth_rates(params) if r.policy == "out" and r.parity == k)
    parts = [
        f"{format_number(term.value)}×({k}−{term.base})" if term.steps is not None else format_number(term.value)
        for term in rate.terms
    ]
    return " + ".join(parts)


def parity_table(parities: Iterable[int] | None = None, params: Params | None = None, lang: str = "zh") -> pd.DataFrame:
    """Points for one missed birth at each parity, inside and outside the policy (七·1 责任追究),
    with how the outside figure is made up; one row per parity (1–8 by default)."""
    params = params or default_params()
    ks = _parities(parities, params)
    records = [{"unit_id": f"{policy}-{k}", "period": _PERIOD,
                "findings": {BIRTHS_ID: [{"policy": policy, "parity": k, "count": 1}]}}
               for policy in POLICIES for k in ks]  # fmt: skip
    points = _scored(records, params).points[BIRTHS_ID].reshape(len(POLICIES), len(ks))
    out = pd.DataFrame(
        {
            t("auditw.chart.col.in", lang): [number(p) for p in points[POLICIES.index("in")]],
            t("auditw.chart.col.out", lang): [number(p) for p in points[POLICIES.index("out")]],
            t("auditw.chart.col.how", lang): [_formula(k, params) for k in ks],
        },
        index=pd.Index(ks, name=t("auditw.chart.col.parity", lang)),
    )
    return out


def parity_chart(parities: Iterable[int] | None = None, params: Params | None = None, lang: str = "zh") -> Figure:
    """Grouped bars: points per missed birth by parity, inside and outside the policy."""
    import matplotlib.pyplot as plt

    from jihua_kit.core.charts import use_chinese_font

    use_chinese_font()
    params = params or default_params()
    table = parity_table(parities, params, lang)
    ks = np.asarray(table.index)
    fig, ax = plt.subplots(figsize=(10, 4.8))
    width = 0.38
    for i, policy in enumerate(("in", "out")):
        values = table.iloc[:, i].to_numpy(dtype=float)
        bars = ax.bar(ks + (i - 0.5) * width, values, width, color=_COLOURS[policy], label=table.columns[i])
        ax.bar_label(bars, labels=[format_number(v) for v in values], fontsize=11, padding=2)
    ax.set_xticks(ks, labels=[t("auditw.parity", lang, k=k) for k in ks], fontsize=12)
    ax.set_xlabel(t("auditw.chart.parity.xlabel", lang), fontsize=12)
    ax.set_ylabel(t("auditw.chart.parity.ylabel", lang), fontsize=12)
    ax.set_title(t("auditw.chart.parity.title", lang), fontsize=15)
    ax.legend(fontsize=12, loc="upper left")
    ax.set_ylim(0, table.iloc[:, :2].to_numpy(dtype=float).max() * 1.18)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def ladder_table(
    code: str, counts: Iterable[int] | None = None, params: Params | None = None, lang: str = "zh"
) -> pd.DataFrame:
    """For D-UNCHECKED-CERT or D-UNPAID-REWARD: the points and the two 七·5 flags at each count of
    the year (0–4 by default), from scoring one made-up unit per count."""
    params = params or default_params()
    counts = list(counts if counts is not None else SHOWN_COUNTS)
    records = [{"unit_id": f"n{n}", "period": _PERIOD, "findings": {code: n}} for n in counts]
    result = _scored(records, params)
    yes, no = t("assess.yes", lang), t("assess.no", lang)
    out = pd.DataFrame({t("auditw.chart.col.points", lang): [number(p) for p in result.points[code]]},
                       index=pd.Index(counts, name=t("auditw.chart.col.count", lang)))  # fmt: skip
    for flag in LADDER_FLAGS:
        out[t(f"assess.flag.{flag}", lang)] = [yes if raised else no for raised in result.flags[flag]]
    return out


def ladder_chart(
    codes: Iterable[str] = (CERT, UNPAID), counts: Iterable[int] | None = None, params: Params | None = None,
    lang: str = "zh",
) -> Figure:  # fmt: skip
    """One panel per finding: points by the year's count, each bar coloured by the heaviest flag
    it raises (grey none, orange no commendation, red award eligibility cancelled)."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from jihua_kit.core.charts import use_chinese_font

    use_chinese_font()
    params = params or default_params()
    codes = list(codes)
    fig, axes = plt.subplots(1, len(codes), figsize=(10, 4.8), sharey=True, squeeze=False)
    yes = t("assess.yes", lang)
    for ax, code in zip(axes[0], codes, strict=True):
        table = ladder_table(code, counts, params, lang)
        level = sum((table[t(f"assess.flag.{f}", lang)] == yes).to_numpy(dtype=int) * (i + 1)
                    for i, f in enumerate(LADDER_FLAGS))  # fmt: skip
        level = np.minimum(level, len(LADDER_FLAGS))
        points = table.iloc[:, 0].to_numpy(dtype=float)
        bars = ax.bar(table.index, points, color=[_LADDER_COLOURS[i] for i in level])
        ax.bar_label(bars, labels=[format_number(p) for p in points], fontsize=11, padding=2)
        ax.set_xticks(list(table.index), labels=[str(n) for n in table.index], fontsize=12)
        ax.set_xlabel(t("auditw.chart.ladder.xlabel", lang), fontsize=12)
        ax.set_title(params.get(code).name(lang), fontsize=11, wrap=True)
        ax.spines[["top", "right"]].set_visible(False)
    axes[0][0].set_ylabel(t("auditw.chart.ladder.ylabel", lang), fontsize=12)
    handles = [Patch(color=_LADDER_COLOURS[0], label=t("auditw.chart.ladder.none", lang))]
    handles += [
        Patch(color=_LADDER_COLOURS[i + 1], label=t(f"assess.flag.{f}", lang)) for i, f in enumerate(LADDER_FLAGS)
    ]
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=12, frameon=False)
    fig.suptitle(t("auditw.chart.ladder.title", lang), fontsize=15)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


def points_table(section: str, params: Params | None = None, lang: str = "zh") -> pd.DataFrame:
    """The D-* findings cited in a handout section (e.g. "七·1", "七·5"): each finding by name (its
    rule code as the label), its figures with their labels ('政策外第1孩 2 分；…') and the section."""
    params = params or default_params()
    ds = [p for pid, p in params.store.parameters.items() if pid.startswith("D-") and p.section.startswith(section)]
    return pd.DataFrame(
        {
            t("auditw.col.figures", lang): [values_text(p, lang) for p in ds],
            t("auditw.col.section", lang): [p.section for p in ds],
        },
        index=pd.Index([named(p.name(lang), p.id, lang) for p in ds], name=t("auditw.col.name", lang)),
    )


def sanction_steps(params: Params | None = None, lang: str = "zh") -> pd.DataFrame:
    """The 双无 sanctions from the lightest to the heaviest (section 四), as the data lists them,
    then the measures that stand beside the ladder (一票否决), marked as such, without a step number."""
    params = params or default_params()
    rec = params.get(SHUANGWU)
    side = "en" if lang == "en" else "zh"
    steps = [step[side] for step in rec.ladder]
    index = [t("auditw.step_n", lang, n=i) for i in range(1, len(steps) + 1)]
    kinds = [t("auditw.kind.rung", lang)] * len(steps)
    for measure in rec.parallel:
        steps.append(measure[side])
        index.append(t("auditw.step_beside", lang))
        kinds.append(t("auditw.kind.parallel", lang, n=len(rec.ladder)))
    return pd.DataFrame(
        {t("auditw.col.sanction", lang): steps, t("auditw.col.sanction_kind", lang): kinds},
        index=pd.Index(index, name=t("auditw.col.step", lang)),
    )
