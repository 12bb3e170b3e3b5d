"""E-* rules of 六、四是 (special aid and consolation payments), 六、五是 (pension) and the
提标扩面 pension raise and staff death payments. Written once over all households; figures and
readings come only from `params`. The R8 overlap between rural and staff death payments is
settled in `benefits.compute`, after both rules ran.
"""

from __future__ import annotations

import numpy as np

from jihua_kit.params.store import Params
from jihua_kit.rules.benefit_base import Household, Outcome, all_of, per_parent
from jihua_kit.rules.registry import rule


@rule("E-SPECIAL-AID")
def special_aid(h: Household, p: Params) -> Outcome:
    """Each living parent of a 两户 whose only child or a daughter died or is disabled."""
    min_age = p.reading("RA-SPECIAL-AID-AGE")
    conds = [(h.liang, "ent.why.not_liang"), (h.child_lost, "ent.why.no_child_loss")]
    if min_age:
        conds.append((h.mother_age >= min_age, "ent.why.mother_under_age"))
    conds.append((h.n_parents > 0, "ent.why.no_living_parent"))
    return Outcome(conds, p.per_year("E-SPECIAL-AID"), count=per_parent(p, h.n_parents), args={"age": min_age})


@rule("E-SPOUSE-DEATH")
def spouse_death(h: Household, p: Params) -> Outcome:
    """Rural 两户; a two-daughter household needs sterilization (or, by reading, any long-term method)."""
    if p.chose("RA-SPOUSE-DEATH-METHOD", "sterilization"):
        method_ok, why = h.sterilized, "ent.why.twogirl_not_sterilized"
    else:
        method_ok, why = h.long_term, "ent.why.twogirl_no_long_term"
    conds = [
        (h.rural_liang, "ent.why.not_rural_liang"),
        (h.ev["spouse_died"], "ent.why.no_spouse_death"),
        (~h.two | method_ok, why),
    ]
    if p.chose("RA-SPOUSE-DEATH-SURVIVOR", "survivor"):  # the payment needs a spouse left to receive it
        conds.append((h.n_parents > 0, "ent.why.no_surviving_spouse"))
    ok = all_of(conds, h.n)
    one = p.value("E-SPOUSE-DEATH", "onechild") if (ok & h.one).any() else 0.0
    two = p.value("E-SPOUSE-DEATH", "twogirl") if (ok & h.two).any() else 0.0
    return Outcome(conds, np.where(h.one, one, two))


@rule("E-TWOGIRL-CHILD-DEATH")
def twogirl_child_death(h: Household, p: Params) -> Outcome:
    conds = [(h.rural & h.two, "ent.why.not_rural_twogirl"), (h.ev["child_died"] > 0, "ent.why.no_child_death")]
    return Outcome(conds, p.value("E-TWOGIRL-CHILD-DEATH"))


@rule("E-ONECHILD-DEATH")
def onechild_death(h: Household, p: Params) -> Outcome:
    conds = [(h.rural & h.one, "ent.why.not_rural_onechild"), (h.ev["child_died"] > 0, "ent.why.no_child_death")]
    return Outcome(conds, p.value("E-ONECHILD-DEATH"))


@rule("E-ORPHAN")
def orphan(h: Household, p: Params) -> Outcome:
    """Rural 两户 with both parents dead and a living child under the age limit; per household by default."""
    limit = p.value("E-ORPHAN", "age_limit")
    minors = h.children_under(limit)
    conds = [
        (h.rural_liang, "ent.why.not_rural_liang"),
        (h.n_parents == 0, "ent.why.parents_not_both_dead"),
        (minors > 0, "ent.why.no_minor_child"),
    ]
    count = minors if p.chose("RA-ORPHAN-UNIT", "per_child") else 1
    return Outcome(conds, p.per_year("E-ORPHAN"), count=count, args={"age": limit})


@rule("E-MEMBER-DISABILITY")
def member_disability(h: Household, p: Params) -> Outcome:
    """2000–6000 per member (other than an only child) disabled this year; a range (R5)."""
    only_child = h.ev["only_child_disabled"]
    members = h.ev["member_disabled"]
    if p.chose("RA-ONECHILD-DISABILITY-REPLACES", "adds"):
        members = members + only_child
    conds = [
        (h.rural_liang, "ent.why.not_rural_liang"),
        ((h.ev["member_disabled"] > 0) | only_child, "ent.why.no_member_disabled"),
        (members > 0, "ent.why.replaced_by_onechild_disability"),
    ]
    low, high = p.range("E-MEMBER-DISABILITY")
    return Outcome(conds, low, high, count=members)


@rule("E-ONECHILD-DISABILITY")
def onechild_disability(h: Household, p: Params) -> Outcome:
    conds = [
        (h.rural_liang, "ent.why.not_rural_liang"),
        (h.ev["only_child_disabled"], "ent.why.no_only_child_disabled"),
    ]
    low, high = p.range("E-ONECHILD-DISABILITY")
    return Outcome(conds, low, high)


# Who E-PENSION covers, by the `scope` of the value in force (data/parameters/entitlements.yaml).
PENSION_SCOPES = {
    "rural_one_child": lambda h: [(h.rural & h.one, "ent.why.not_rural_onechild")],
    "liang_rural_or_dibao": lambda h: [(h.liang, "ent.why.not_liang"), (h.rural | h.dibao, "ent.why.urban_no_dibao")],
}


@rule("E-PENSION")
def pension(h: Household, p: Params) -> Outcome:
    """Baseline: parents of a rural one-child household; raised: of a rural 两户 or an urban 两户
    on 城镇低保. Each living parent from the starting age (an assumption in the register)."""
    start = p.reading("RA-PENSION-AGE")
    conds = list(PENSION_SCOPES[p.get("E-PENSION").value_for_scope(p.scenario)](h))
    eligible = h.parents_aged(start)
    conds += [(h.n_parents > 0, "ent.why.no_living_parent"), (eligible > 0, "ent.why.parents_under_age")]
    return Outcome(conds, p.per_year("E-PENSION"), count=per_parent(p, eligible), args={"age": start})


def _staff_conds(h: Household, event: np.ndarray, why_event: str) -> list:
    return [(h.one, "ent.why.not_onechild"), (h.staff, "ent.why.no_staff"), (event, why_event)]


@rule("E-STAFF-SPOUSE-DEATH")
def staff_spouse_death(h: Household, p: Params) -> Outcome:
    conds = _staff_conds(h, h.ev["spouse_died"], "ent.why.no_spouse_death")
    return Outcome(conds, p.value("E-STAFF-SPOUSE-DEATH"))


@rule("E-STAFF-CHILD-DEATH")
def staff_child_death(h: Household, p: Params) -> Outcome:
    conds = _staff_conds(h, h.ev["child_died"] > 0, "ent.why.no_child_death")
    return Outcome(conds, p.value("E-STAFF-CHILD-DEATH"))


# Pairs paying for the same event (R8): (rural clause, staff clause).
OVERLAPS = (("E-SPOUSE-DEATH", "E-STAFF-SPOUSE-DEATH"), ("E-ONECHILD-DEATH", "E-STAFF-CHILD-DEATH"))
