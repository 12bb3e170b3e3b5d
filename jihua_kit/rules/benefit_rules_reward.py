"""E-* rules of 六、一是–三是 (marriage, birth, contraception and college rewards) and the
提标扩面 exam bonus and health fee. Each rule is written once over all households; figures and
readings come only from `params` (see data/parameters/entitlements.yaml and readings.yaml).
"""

from __future__ import annotations

import numpy as np

from jihua_kit.params.store import Params
from jihua_kit.rules.benefit_base import Household, Outcome, all_of, per_parent
from jihua_kit.rules.registry import rule


@rule("E-LATE-MARRIAGE")
def late_marriage(h: Household, p: Params) -> Outcome:
    amount = p.value("E-LATE-MARRIAGE")
    return Outcome([(h.ev["late_marriage"], "ent.why.no_late_marriage")], amount)


@rule("E-LATE-BIRTH")
def late_birth(h: Household, p: Params) -> Outcome:
    amount = p.value("E-LATE-BIRTH")
    return Outcome([(h.ev["late_first_birth"], "ent.why.no_late_birth")], amount)


@rule("E-GIVE-UP-2ND")
def give_up_second(h: Household, p: Params) -> Outcome:
    amount = p.value("E-GIVE-UP-2ND")
    return Outcome([(h.rural, "ent.why.not_rural"), (h.ev["gave_up_second"], "ent.why.no_give_up")], amount)


@rule("E-POSTPONE-2ND")
def postpone_second(h: Household, p: Params) -> Outcome:
    """One amount per whole year postponed, capped when the reading sets a cap: all at once when
    the postponement is agreed (default), or, by RA-POSTPONE-PAYMENT, one amount in each year
    it runs (a yearly amount, also in the later years of a postponement agreed earlier)."""
    years = h.ev["postpone_years"]
    per_year = p.value("E-POSTPONE-2ND")
    if p.chose("RA-POSTPONE-PAYMENT", "yearly"):  # one year at a time: the cap of the lump does not apply
        running = (years > 0) | h.ev["postpone_running"]
        args = {"ok": "ent.ok.E-POSTPONE-2ND.yearly"}
        return Outcome([(running, "ent.why.no_postpone_running")], per_year, persons=1, kind="annual", args=args)
    cap = p.reading("RA-POSTPONE-CAP")
    if cap is not None:
        years = np.minimum(years, int(cap))
    return Outcome([(years > 0, "ent.why.no_postpone")], per_year, count=years, persons=1, args={"cap": cap})


@rule("E-ONECHILD-REWARD")
def onechild_reward(h: Household, p: Params) -> Outcome:
    conds = [(h.one, "ent.why.not_onechild")]
    if p.chose("RA-ONECHILD-RESIDENCE", "rural_only"):
        conds.append((h.rural, "ent.why.onechild_urban_excluded"))
    conds.append((h.n_parents > 0, "ent.why.no_living_parent"))
    if p.chose("R3", "stop"):
        conds.append((h.n_living > 0, "ent.why.onechild_lost_stop"))
    return Outcome(conds, p.per_year("E-ONECHILD-REWARD"), count=per_parent(p, h.n_parents))


@rule("E-TWOGIRL-LUMP")
def twogirl_lump(h: Household, p: Params) -> Outcome:
    conds = [(h.two, "ent.why.not_twogirl"), (h.ev["long_term_adopted"], "ent.why.no_long_term_adopted")]
    return Outcome(conds, p.value("E-TWOGIRL-LUMP"))


@rule("E-TWOGIRL-REWARD")
def twogirl_reward(h: Household, p: Params) -> Outcome:
    conds = [
        (h.two, "ent.why.not_twogirl"),
        (h.long_term, "ent.why.no_long_term"),
        (h.n_parents > 0, "ent.why.no_living_parent"),
    ]
    return Outcome(conds, p.per_year("E-TWOGIRL-REWARD"), count=per_parent(p, h.n_parents))


@rule("E-COLLEGE")
def college(h: Household, p: Params) -> Outcome:
    """One-off reward by admission tier; only the tiers that occur are read (so they are cited)."""
    tier = h.ev["college_tier"]
    conds = [(h.rural_liang, "ent.why.not_rural_liang"), (h.ev["college_child"] > 0, "ent.why.no_college")]
    ok = all_of(conds, h.n)
    by_tier = np.zeros(5)
    for t in np.flatnonzero(np.bincount(np.where(ok, tier, 0), minlength=5)[1:]) + 1:
        by_tier[t] = p.value("E-COLLEGE", f"tier{t}")
    return Outcome(conds, by_tier[np.clip(tier, 0, 4)])


@rule("E-EXAM-BONUS")
def exam_bonus(h: Household, p: Params) -> Outcome:
    """Points, not money: added to the raw written score of a county recruitment exam."""
    conds = [
        (h.rural_liang | h.one, "ent.why.not_rural_liang_or_onechild"),
        (h.ev["graduate_child"] > 0, "ent.why.no_graduate"),
    ]
    return Outcome(conds, points=p.value("E-EXAM-BONUS"))


@rule("E-HEALTH-FEE")
def health_fee(h: Household, p: Params) -> Outcome:
    """Per only child, while alive and under the age limit; stops with the child (R3)."""
    limit = p.reading("RA-HEALTH-FEE-AGE")
    conds = [
        (h.one, "ent.why.not_onechild"),
        (h.n_living > 0, "ent.why.only_child_dead"),
        (h.only_child_age < limit, "ent.why.child_over_age"),
    ]
    return Outcome(conds, p.per_year("E-HEALTH-FEE"), args={"age": limit})
