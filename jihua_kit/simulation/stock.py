"""The first year's stock of households: who lives where, with which children, drawn from the
county file with a seed (see population.py for the whole picture)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from jihua_kit.core.errors import KitError
from jihua_kit.params.store import load_parameters
from jihua_kit.simulation.household_arrays import Households, blank_events
from jihua_kit.simulation.villages import Layout
from jihua_kit.tables.columns import N_SLOTS
from jihua_kit.tables.county import REQUIRED_DISTRIBUTIONS, County

CHUNK_SIZE = 131_072  # households per chunk: bounds memory; fixed, so results do not depend on the machine
STOCK_STREAM, EVENT_STREAM, ENTRANT_STREAM = 1, 2, 3
_U60_BANDS = REQUIRED_DISTRIBUTIONS["mother_age_under60"]
_OLD_BANDS = REQUIRED_DISTRIBUTIONS["mother_age_60plus"]
ONE_CHILD, TWO_DAUGHTER, OTHER = range(3)
STERILIZATION, LONG_TERM, NO_METHOD = range(3)
# One row of uniforms per decision (see the module docstring).
_U = {name: i for i, name in enumerate((
    "village", "residence", "type", "old", "band", "age_in", "gap", "afb", "kids", "widowed", "widowed_who",
    "orphaned", "emp1", "emp2", "dibao", "method",
    *(f"{what}{k}" for what in ("spacing", "sex", "dead", "disabled") for k in range(N_SLOTS)),
))}  # fmt: skip
STOCK_ROWS = len(_U)


def minor_age() -> float:
    """Children under this age keep a household whose parents have died (E-ORPHAN's age limit, 六、四是)."""
    return load_parameters().view().value("E-ORPHAN", "age_limit")


def _slots(u: np.ndarray, what: str) -> np.ndarray:
    """The (4, n) block of uniform rows `what0` .. `what3`."""
    return u[_U[f"{what}0"] : _U[f"{what}0"] + N_SLOTS]


def _bands(labels: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    lows = np.array([int(b.split("-")[0]) for b in labels])
    return lows, np.array([int(b.split("-")[1]) for b in labels]) - lows + 1


def pick(shares: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Category index for each uniform number (inverse of the cumulative shares)."""
    cum = np.cumsum(shares)
    cum = cum / cum[-1]
    if len(cum) > 8:
        return np.minimum(np.searchsorted(cum, u, side="right"), len(cum) - 1)
    out = np.zeros(u.shape, dtype=np.int8)
    for edge in cum[:-1]:  # a few comparisons beat a binary search for a handful of categories
        out += u >= edge
    return out


def _ages(u: np.ndarray, old: np.ndarray, county: County, young_only: bool) -> np.ndarray:
    lows_y, widths_y = _bands(_U60_BANDS)
    lows_o, widths_o = _bands(_OLD_BANDS)
    shares_y = county.shares("mother_age_under60")
    if young_only:  # newlyweds: the two youngest bands, in proportion
        shares_y = np.where(np.arange(len(shares_y)) < 2, shares_y, 0.0)
    by = pick(shares_y, u[_U["band"]])
    bo = pick(county.shares("mother_age_60plus"), u[_U["band"]])
    low, width = np.where(old, lows_o[bo], lows_y[by]), np.where(old, widths_o[bo], widths_y[by])
    return (low + np.floor(u[_U["age_in"]] * width)).astype(np.int16)


def draw_stock(
    county: County,
    lay: Layout,
    rng: np.random.Generator | None,
    ids: np.ndarray,
    newlyweds: bool = False,
    u: np.ndarray | None = None,
) -> Households:
    """Households as they stand at the start of the year (no events yet).

    `newlyweds=True` draws couples who marry this year: mothers in the two youngest age bands,
    household type `other`, no children, nobody widowed.
    """
    n = len(ids)
    u = rng.random((STOCK_ROWS, n), dtype=np.float32) if u is None else u
    v = county.value
    village = lay.lookup[(u[_U["village"]] * len(lay.lookup)).astype(np.int32)]
    rural = u[_U["residence"]] < v("rural_share")
    htype = np.where(rural, pick(county.shares("rural_household_types"), u[_U["type"]]),
                     pick(county.shares("urban_household_types"), u[_U["type"]]))  # fmt: skip
    p_old = min(1.0, v("people_60plus_share") * v("household_size") / 2)
    old = (u[_U["old"]] < p_old) & (not newlyweds)
    if newlyweds:
        htype[:] = OTHER
    mother = _ages(u, old, county, newlyweds)
    gap = np.floor(v("spouse_age_gap") - 2 + 5 * u[_U["gap"]])
    father = np.maximum(mother + gap, v("father_age_min")).astype(np.int16)
    kids = np.where(htype == ONE_CHILD, 1, np.where(htype == TWO_DAUGHTER, 2, np.where(
        rural, pick(county.shares("other_children_rural"), u[_U["kids"]]),
        pick(county.shares("other_children_urban"), u[_U["kids"]]))))  # fmt: skip
    if newlyweds:
        kids[:] = 0
    # Children: the first born at the mother's first-birth age, the next after a jittered spacing.
    born_at = v("first_birth_age") - 2 + 4 * u[_U["afb"]]
    c_age = np.zeros((N_SLOTS, n), dtype=np.int16)
    for k in range(N_SLOTS):
        c_age[k] = np.floor(mother - born_at)
        born_at = born_at + v("birth_spacing") * (0.5 + _slots(u, "spacing")[k])
    c_present = (np.arange(N_SLOTS)[:, None] < kids) & (c_age >= 0)
    registered = htype != OTHER  # a registered household has its children, born this year at the latest
    c_present[0] |= registered
    c_present[1] |= htype == TWO_DAUGHTER
    c_age[1] = np.where(htype == TWO_DAUGHTER, np.maximum(c_age[1], 0), c_age[1])
    c_age[0] = np.where(registered, np.maximum(c_age[0], np.where(htype == TWO_DAUGHTER, c_age[1] + 1, 0)), c_age[0])
    c_age[~c_present] = 0
    c_male = (_slots(u, "sex") < v("male_share_births")) & c_present
    c_male[:2, htype == TWO_DAUGHTER] = False
    c_alive = c_present & ~(_slots(u, "dead") < v("child_dead_share"))
    c_disabled = c_alive & (_slots(u, "disabled") < v("child_disabled_share"))
    # Parents: some households lost one parent, a few with young children lost both.
    minor = (c_present & c_alive & (c_age < minor_age())).any(axis=0)
    orphaned = minor & (u[_U["orphaned"]] < v("orphaned_share")) & (not newlyweds)
    widow_rate = np.where(old, v("widowed_share_60plus"), v("widowed_share_under60"))
    widowed = ~orphaned & (u[_U["widowed"]] < widow_rate) & (not newlyweds)
    father_died = u[_U["widowed_who"]] < v("husband_share_of_deaths")
    p_alive = np.stack([~orphaned & ~(widowed & ~father_died), ~orphaned & ~(widowed & father_died)])
    emp_rate = np.where(rural, v("state_employee_share_rural"), v("state_employee_share_urban"))
    p_employee = np.stack([u[_U["emp1"]] < emp_rate, u[_U["emp2"]] < emp_rate])
    dibao = ~rural & (u[_U["dibao"]] < v("urban_dibao_share"))
    method = np.select(
        [htype == ONE_CHILD, htype == TWO_DAUGHTER],
        [pick(county.shares("method_one_child"), u[_U["method"]]),
         pick(county.shares("method_two_daughter"), u[_U["method"]])],
        pick(county.shares("method_other"), u[_U["method"]]),
    )  # fmt: skip
    return Households(
        ids, village.astype(np.int16), rural, htype.astype(np.int8), dibao, method.astype(np.int8),
        np.stack([mother, father]), p_alive, p_employee, c_present, c_age, c_male, c_alive, c_disabled,
        **blank_events(n), postpone_left=np.zeros(n, dtype=np.int16),
    )  # fmt: skip


def check_size(households: object) -> int:
    """A positive whole number of households, or KitError."""
    if isinstance(households, bool) or not isinstance(households, (int, np.integer)) or households < 1:
        raise KitError("sim.bad_households", field="households", got=households)
    return int(households)


def chunk_bounds(households: int, chunk_size: int = CHUNK_SIZE) -> list[tuple[int, int]]:
    """(start, stop) of each chunk."""
    return [(s, min(s + chunk_size, households)) for s in range(0, households, chunk_size)]


@lru_cache(maxsize=4)
def _ids(start: int, stop: int) -> np.ndarray:
    """Household IDs H0000000 ... (cached: the sensitivity analysis draws the same chunk many times)."""
    digits = np.empty((stop - start, 8), dtype=np.uint8)
    digits[:, 0] = ord("H")
    rest = np.arange(start, stop)
    for k in range(7, 0, -1):
        digits[:, k] = rest % 10 + ord("0")
        rest //= 10
    ids = digits.view("S8").ravel().astype("U8")
    ids = ids.astype(object)
    ids.flags.writeable = False
    return ids


@lru_cache(maxsize=2)
def uniforms(seed: int, index: int, stream: int, year: int, rows: int, n: int) -> np.ndarray:
    """The uniform numbers of one chunk and stream (cached: the sensitivity analysis redraws the
    same chunk under other assumptions, and common random numbers mean the same numbers)."""
    u = np.random.default_rng([seed, index, stream, year]).random((rows, n), dtype=np.float32)
    u.flags.writeable = False
    return u
