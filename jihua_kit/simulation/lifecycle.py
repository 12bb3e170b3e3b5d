"""The year's events for a chunk of households, and the step from one year to the next.

Rates "per 1,000 people" become a probability within the pool of households the county file
names for them (expected events = rate x households x household size / 1,000, spread over the
pool of the chunk). Annual probabilities apply to each person or couple directly. As in
`population.py`, every decision reads its own row of uniform numbers.
"""

from __future__ import annotations

import numpy as np

from jihua_kit.simulation.stock import (
    ENTRANT_STREAM,
    EVENT_STREAM,
    LONG_TERM,
    NO_METHOD,
    ONE_CHILD,
    OTHER,
    STERILIZATION,
    TWO_DAUGHTER,
    Households,
    draw_stock,
    minor_age,
    pick,
)  # fmt: skip
from jihua_kit.simulation.villages import Layout
from jihua_kit.tables.columns import N_SLOTS
from jihua_kit.tables.county import County

_E = {name: i for i, name in enumerate((
    "marry", "late_marriage", "birth", "birth_sex", "late_first_birth", "register", "give_up", "postpone",
    "postpone_years", "adopt", "sterilize", "college", "tier", "graduate", "couple_death", "who_died",
    "only_child_disabled", "p1_disabled", "p2_disabled",
    *(f"{what}{k}" for what in ("child_death", "child_disabled") for k in range(N_SLOTS)),
))}  # fmt: skip
EVENT_ROWS = len(_E)
_MAX_POSTPONE = 40  # a bound for the geometric draw, far beyond any mean in the county file


def _per_pool(rate_per_1000: float, county: County, n: int, pool: np.ndarray) -> float:
    """Probability within `pool` that gives `rate` events per 1,000 people among n households."""
    expected = rate_per_1000 * n * county.value("household_size") / 1000
    return min(1.0, expected / max(int(pool.sum()), 1))


def _first_slot(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(any, index of the first True slot) for a (4, n) mask."""
    first = np.full(mask.shape[1], N_SLOTS - 1, dtype=np.intp)
    for k in range(N_SLOTS - 2, -1, -1):
        first[mask[k]] = k
    return mask[0] | mask[1] | mask[2] | mask[3], first


def draw_events(h: Households, county: County, u: np.ndarray, first_year: bool) -> None:
    """Draw the year's events in place (people die, are born, marry, adopt a method ...).

    In the first year newlyweds come from the childless young couples already drawn; in later
    years they enter as new households (`advance`) and births may register a household as
    one-child or two-daughter. `u` holds EVENT_ROWS rows of n uniform numbers.
    """
    n, v = len(h), county.value
    cols = np.arange(n)
    mother, alive = h.p_age[0], h.p_alive
    couple = alive[0] & alive[1]
    fertile = alive[0] & (mother >= v("fertile_age_min")) & (mother <= v("fertile_age_max"))
    if first_year:
        pool = (h.htype == OTHER) & couple & (mother <= v("newlywed_age_max"))
        wed = pool & (u[_E["marry"]] < _per_pool(v("marriage_rate"), county, n, pool))
        h.c_present[:, wed] = False
        h.c_alive[:, wed] = False
        h.c_disabled[:, wed] = False
        h.ev_late_marriage |= wed & (u[_E["late_marriage"]] < v("late_marriage_share"))
    else:
        wed = np.zeros(n, dtype=bool)
    # Births to couples not registered as one-child or two-daughter households.
    kids = h.c_present.sum(axis=0)
    pool = (h.htype == OTHER) & fertile & (kids < N_SLOTS) & ~wed
    born = pool & (u[_E["birth"]] < _per_pool(v("birth_rate"), county, n, pool))
    slot = np.minimum(kids, N_SLOTS - 1)
    b_cols = cols[born]
    h.c_present[slot[born], b_cols] = True
    h.c_alive[slot[born], b_cols] = True
    h.c_disabled[slot[born], b_cols] = False
    h.c_age[slot[born], b_cols] = 0
    h.c_male[slot[born], b_cols] = u[_E["birth_sex"], born] < v("male_share_births")
    # A birth ends a postponement that was running (the yearly reading pays no more).
    h.ev_postpone_running &= ~born
    h.postpone_left[born] = 0
    first = born & (kids == 0)
    h.ev_late_first_birth |= first & (u[_E["late_first_birth"]] < v("late_first_birth_share"))
    if not first_year:
        register = u[_E["register"]]
        h.htype[first & (register < v("onechild_certified_share"))] = ONE_CHILD
        girls = born & (kids == 1) & h.rural & ~h.c_male[0] & ~h.c_male[1]
        h.htype[girls & (register < v("twodaughter_registered_share"))] = TWO_DAUGHTER
    # Second children given up or postponed by rural couples with one child.
    pool = h.rural & fertile & (kids == 1) & ~born
    h.ev_gave_up_second |= pool & (u[_E["give_up"]] < _per_pool(v("give_up_second_rate"), county, n, pool))
    pool &= (h.htype == OTHER) & ~h.ev_gave_up_second & ~h.ev_postpone_running
    postpone = pool & (u[_E["postpone"]] < _per_pool(v("postpone_second_rate"), county, n, pool))
    # Whole years, at least one, geometric with the county's mean: P(more than k years) = (1 - 1/mean)^k.
    # Compared with thresholds (no vectorised log), so every machine draws the same years.
    stay = 1 - 1 / max(v("postpone_years_mean"), 1.0)
    years = np.ones(int(postpone.sum()), dtype=np.int16)
    for k in range(1, _MAX_POSTPONE):
        years += u[_E["postpone_years"], postpone] < stay**k
    h.ev_postpone_years[postpone] = years
    h.postpone_left[postpone] = years - 1  # the later years of it (paid under RA-POSTPONE-PAYMENT = yearly)
    # Long-term contraception adopted this year.
    adopt = (h.method == NO_METHOD) & alive[0] & (mother >= v("fertile_age_min")) & (mother <= v("adoption_age_max"))
    adopt &= h.c_present.any(axis=0)
    adopt &= u[_E["adopt"]] < v("long_term_adoption_rate")
    h.method[adopt] = np.where(u[_E["sterilize"], adopt] < v("adoption_sterilization_share"), STERILIZATION, LONG_TERM)
    h.ev_long_term_adopted |= adopt
    # College admissions (a child aged 18) and graduates sitting a county exam (aged 22).
    live = h.c_present & h.c_alive
    has, k = _first_slot(live & (h.c_age == v("college_entry_age")))
    admitted = has & (u[_E["college"]] < v("college_admission_rate"))
    h.ev_college_child[admitted] = k[admitted] + 1
    h.ev_college_tier[admitted] = pick(county.shares("college_tiers"), u[_E["tier"], admitted]) + 1
    has, k = _first_slot(live & (h.c_age == v("graduate_exam_age")))
    grad = has & (u[_E["graduate"]] < v("graduate_exam_rate"))
    h.ev_graduate_child[grad] = k[grad] + 1
    # Deaths: one spouse of a couple, or a widowed survivor; at most one child per household.
    # From 60 the rate is the county file's for a mother in her sixties, doubling with each further decade.
    older = v("couple_death_rate_60plus") * np.exp2(np.maximum(mother - 60, 0) // 10)
    rate = np.minimum(np.where(mother >= 60, older, v("couple_death_rate_under60")), 1.0)
    dies = u[_E["couple_death"]] < rate
    husband = u[_E["who_died"]] < v("husband_share_of_deaths")
    h.ev_spouse_died |= couple & dies
    alive[1] &= ~(couple & dies & husband)
    alive[0] &= ~(couple & dies & ~husband)
    alive[:, ~couple & dies] = False
    died = live & (u[_E["child_death0"] : _E["child_death0"] + N_SLOTS] < v("child_death_rate"))
    for named in (h.ev_college_child, h.ev_graduate_child):  # an admitted child or a graduate lives the year
        died[named[named > 0] - 1, cols[named > 0]] = False
    has, k = _first_slot(died)
    h.c_alive[k[has], cols[has]] = False
    h.ev_child_died[has] = k[has] + 1
    # Disabilities: the only child of a one-child household, other members counted.
    live = h.c_present & h.c_alive & ~h.c_disabled
    only = (h.htype == ONE_CHILD) & live[0] & (u[_E["only_child_disabled"]] < v("child_disability_rate"))
    h.c_disabled[0] |= only
    h.ev_only_child_disabled |= only
    others = live & (u[_E["child_disabled0"] : _E["child_disabled0"] + N_SLOTS] < v("child_disability_rate"))
    others[0] &= h.htype != ONE_CHILD
    h.c_disabled |= others
    adults = u[_E["p1_disabled"] : _E["p1_disabled"] + 2] < v("adult_disability_rate")
    h.ev_member_disabled[:] = others.sum(axis=0) + (adults & alive).sum(axis=0)


def advance(h: Households, county: County, lay: Layout, seed: int, index: int, year: int) -> Households:
    """The chunk one year later: everyone a year older, households with nobody left to pay leave,
    the year's events drawn, and the year's newlyweds added as new households."""
    minor_next_year = (h.c_present & h.c_alive & (h.c_age + 1 < minor_age())).any(axis=0)
    h = h.take(h.p_alive.any(axis=0) | minor_next_year)  # a copy: the caller's chunk is left as it was
    h.clear_events()
    running = h.postpone_left > 0  # a postponement agreed in an earlier year runs on
    h.ev_postpone_running[:] = running
    h.postpone_left[running] -= 1
    h.p_age += 1
    h.c_age += h.c_present.astype(h.c_age.dtype)
    draw_events(
        h,
        county,
        np.random.default_rng([seed, index, EVENT_STREAM, year]).random((EVENT_ROWS, len(h)), dtype=np.float32),
        False,
    )
    rng = np.random.default_rng([seed, index, ENTRANT_STREAM, year])
    expected = county.value("marriage_rate") * len(h) * county.value("household_size") / 1000
    count = int(np.floor(expected + rng.random()))
    ids = np.char.add(f"N{year}-{index:03d}-", np.char.zfill(np.arange(count).astype("U9"), 6)).astype(object)
    new = draw_stock(county, lay, rng, ids, newlyweds=True)
    new.ev_late_marriage[:] = rng.random(count) < county.value("late_marriage_share")
    return h.concat(new)
