"""A synthetic county: households drawn from the county file with a seed, chunk by chunk.

Each household is a couple (mother p1, father p2) with up to four children in slots c1..c4 and
the events of the year, exactly the household table of `docs/tables.md`. Every draw comes from a
`numpy.random.Generator` seeded by `(seed, chunk, stream)`, so the same seed and size give the
same households on any machine, whatever else runs. Every decision reads its own row of uniform
numbers, so moving one assumption leaves the other decisions unchanged (common random numbers:
the sensitivity analysis measures the assumption, not the noise).

The annual events and the ageing from one year to the next live in `jihua_kit/lifecycle.py`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from jihua_kit.county import HOUSEHOLD_TYPES, METHODS, REQUIRED_DISTRIBUTIONS, County
from jihua_kit.errors import KitError

CHUNK_SIZE = 131_072  # households per chunk: bounds memory; fixed, so results do not depend on the machine
SLOTS = 4
STOCK_STREAM, EVENT_STREAM, ENTRANT_STREAM, LAYOUT_STREAM = 1, 2, 3, 4
_U60_BANDS = REQUIRED_DISTRIBUTIONS["mother_age_under60"]
_OLD_BANDS = REQUIRED_DISTRIBUTIONS["mother_age_60plus"]
ONE_CHILD, TWO_DAUGHTER, OTHER = range(3)
STERILIZATION, LONG_TERM, NO_METHOD = range(3)
# One row of uniforms per decision (see the module docstring).
_U = {name: i for i, name in enumerate((
    "village", "residence", "type", "old", "band", "age_in", "gap", "afb", "kids", "widowed", "widowed_who",
    "orphaned", "emp1", "emp2", "dibao", "method",
    *(f"{what}{k}" for what in ("spacing", "sex", "dead", "disabled") for k in range(SLOTS)),
))}  # fmt: skip


def _bands(labels: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    lows = np.array([int(b.split("-")[0]) for b in labels])
    return lows, np.array([int(b.split("-")[1]) for b in labels]) - lows + 1


def pick(shares: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Category index for each uniform number (inverse of the cumulative shares)."""
    cum = np.cumsum(shares)
    return np.minimum(np.searchsorted(cum / cum[-1], u, side="right"), len(shares) - 1)


@dataclass(frozen=True)
class Layout:
    """Villages, their townships and their relative sizes."""

    villages: tuple[str, ...]
    townships: tuple[str, ...]
    village_township: np.ndarray  # township index of each village
    weights: np.ndarray  # share of households in each village


def layout(county: County, seed: int) -> Layout:
    """Village codes grouped in order into near-equal townships; lognormal village sizes."""
    n_v, n_t = int(county.value("villages")), int(county.value("townships"))
    z = np.random.default_rng([seed, LAYOUT_STREAM]).standard_normal(n_v)
    sigma = np.sqrt(np.log1p(county.value("village_size_spread") ** 2))
    weights = np.exp(sigma * z)
    towns = (np.arange(n_v) * n_t) // n_v
    return Layout(
        tuple(f"村{i + 1:03d}" for i in range(n_v)), tuple(f"乡镇{j + 1:02d}" for j in range(n_t)),
        towns, weights / weights.sum(),
    )  # fmt: skip


@dataclass
class Households:
    """A chunk of households as arrays (fast to update year by year); `to_frame()` gives the table."""

    household_id: np.ndarray
    village: np.ndarray  # village index into Layout.villages
    rural: np.ndarray
    htype: np.ndarray  # ONE_CHILD / TWO_DAUGHTER / OTHER
    dibao: np.ndarray
    method: np.ndarray  # STERILIZATION / LONG_TERM / NO_METHOD
    p_age: np.ndarray  # (2, n): mother, father
    p_alive: np.ndarray
    p_employee: np.ndarray
    c_present: np.ndarray  # (4, n)
    c_age: np.ndarray
    c_male: np.ndarray
    c_alive: np.ndarray
    c_disabled: np.ndarray
    ev_late_marriage: np.ndarray
    ev_late_first_birth: np.ndarray
    ev_gave_up_second: np.ndarray
    ev_postpone_years: np.ndarray
    ev_long_term_adopted: np.ndarray
    ev_college_child: np.ndarray
    ev_college_tier: np.ndarray
    ev_graduate_child: np.ndarray
    ev_spouse_died: np.ndarray
    ev_child_died: np.ndarray
    ev_only_child_disabled: np.ndarray
    ev_member_disabled: np.ndarray

    def __len__(self) -> int:
        return len(self.household_id)

    def take(self, index: np.ndarray) -> Households:
        """The households selected by a boolean mask or an index array."""
        return Households(**{f.name: getattr(self, f.name)[..., index] for f in fields(self)})

    def concat(self, other: Households) -> Households:
        return Households(**{f.name: np.concatenate([getattr(self, f.name), getattr(other, f.name)], axis=-1)
                             for f in fields(self)})  # fmt: skip

    def clear_events(self) -> None:
        for f in fields(self):
            if f.name.startswith("ev_"):
                getattr(self, f.name)[...] = 0

    def to_frame(self, lay: Layout) -> pd.DataFrame:
        """The household table of docs/tables.md."""
        cat = pd.Categorical.from_codes
        sex = np.where(self.c_present, np.where(self.c_male, 1, 0), 2)
        cols: dict[str, object] = {
            "household_id": self.household_id,
            "village": cat(self.village, lay.villages),
            "township": cat(lay.village_township[self.village], lay.townships),
            "residence": cat(np.where(self.rural, 0, 1), ["rural", "urban"]),
            "household_type": cat(self.htype, list(HOUSEHOLD_TYPES)),
            "urban_dibao": self.dibao,
            "method": cat(self.method, list(METHODS)),
        }
        for j in range(2):
            cols[f"p{j + 1}_age"] = self.p_age[j]
            cols[f"p{j + 1}_alive"] = self.p_alive[j]
            cols[f"p{j + 1}_state_employee"] = self.p_employee[j]
        for k in range(SLOTS):
            c = f"c{k + 1}_"
            cols[c + "present"] = self.c_present[k]
            cols[c + "age"] = np.where(self.c_present[k], self.c_age[k], 0)
            cols[c + "sex"] = cat(sex[k], ["F", "M", ""])
            cols[c + "alive"] = self.c_alive[k] & self.c_present[k]
            cols[c + "disabled"] = self.c_disabled[k] & self.c_present[k]
        for f in fields(self):
            if f.name.startswith("ev_"):
                cols[f.name] = getattr(self, f.name)
        return pd.DataFrame(cols, copy=False)


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
    county: County, lay: Layout, rng: np.random.Generator, ids: np.ndarray, newlyweds: bool = False
) -> Households:
    """Households as they stand at the start of the year (no events yet).

    `newlyweds=True` draws couples who marry this year: mothers in the two youngest age bands,
    household type `other`, no children, nobody widowed.
    """
    n = len(ids)
    u = rng.random((len(_U), n))
    v = county.value
    village = np.minimum(np.searchsorted(np.cumsum(lay.weights), u[_U["village"]], side="right"), len(lay.weights) - 1)
    rural = u[_U["residence"]] < v("rural_share")
    htype = np.where(rural, pick(county.shares("rural_household_types"), u[_U["type"]]),
                     pick(county.shares("urban_household_types"), u[_U["type"]]))  # fmt: skip
    p_old = min(1.0, v("people_60plus_share") * v("household_size") / 2)
    old = (u[_U["old"]] < p_old) & (not newlyweds)
    if newlyweds:
        htype[:] = OTHER
    mother = _ages(u, old, county, newlyweds)
    father = np.maximum(mother + np.floor(v("spouse_age_gap") - 2 + 5 * u[_U["gap"]]), 20).astype(np.int16)
    kids = np.where(htype == ONE_CHILD, 1, np.where(htype == TWO_DAUGHTER, 2, np.where(
        rural, pick(county.shares("other_children_rural"), u[_U["kids"]]),
        pick(county.shares("other_children_urban"), u[_U["kids"]]))))  # fmt: skip
    if newlyweds:
        kids[:] = 0
    # Children: the first born at the mother's first-birth age, the next after a jittered spacing.
    born_at = v("first_birth_age") - 2 + 4 * u[_U["afb"]]
    c_age = np.zeros((SLOTS, n), dtype=np.int16)
    for k in range(SLOTS):
        c_age[k] = np.floor(mother - born_at)
        born_at = born_at + v("birth_spacing") * (0.5 + u[_U[f"spacing{k}"]])
    c_present = (np.arange(SLOTS)[:, None] < kids) & (c_age >= 0)
    registered = htype != OTHER  # a registered household has its children, born this year at the latest
    c_present[0] |= registered
    c_present[1] |= htype == TWO_DAUGHTER
    c_age[1] = np.where(htype == TWO_DAUGHTER, np.maximum(c_age[1], 0), c_age[1])
    c_age[0] = np.where(registered, np.maximum(c_age[0], np.where(htype == TWO_DAUGHTER, c_age[1] + 1, 0)), c_age[0])
    c_age[~c_present] = 0
    c_male = np.stack([u[_U[f"sex{k}"]] < v("male_share_births") for k in range(SLOTS)]) & c_present
    c_male[:2, htype == TWO_DAUGHTER] = False
    c_alive = c_present & ~np.stack([u[_U[f"dead{k}"]] < v("child_dead_share") for k in range(SLOTS)])
    c_disabled = c_alive & np.stack([u[_U[f"disabled{k}"]] < v("child_disabled_share") for k in range(SLOTS)])
    # Parents: some households lost one parent, a few with young children lost both.
    minor = (c_present & c_alive & (c_age < 18)).any(axis=0)
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
    zeros = np.zeros(n, dtype=np.int8)
    return Households(
        ids, village.astype(np.int16), rural, htype.astype(np.int8), dibao, method.astype(np.int8),
        np.stack([mother, father]), p_alive, p_employee, c_present, c_age, c_male, c_alive, c_disabled,
        ev_late_marriage=zeros == 1, ev_late_first_birth=zeros == 1, ev_gave_up_second=zeros == 1,
        ev_postpone_years=zeros.astype(np.int16), ev_long_term_adopted=zeros == 1, ev_college_child=zeros.copy(),
        ev_college_tier=zeros.copy(), ev_graduate_child=zeros.copy(), ev_spouse_died=zeros == 1,
        ev_child_died=zeros.copy(), ev_only_child_disabled=zeros == 1, ev_member_disabled=zeros.copy(),
    )  # fmt: skip


def check_size(households: object) -> int:
    """A positive whole number of households, or KitError."""
    if isinstance(households, bool) or not isinstance(households, (int, np.integer)) or households < 1:
        raise KitError("sim.bad_households", field="households", got=households)
    return int(households)


def chunk_bounds(households: int, chunk_size: int = CHUNK_SIZE) -> list[tuple[int, int]]:
    """(start, stop) of each chunk."""
    return [(s, min(s + chunk_size, households)) for s in range(0, households, chunk_size)]


def generate_chunk(county: County, lay: Layout, seed: int, index: int, start: int, stop: int) -> Households:
    """Chunk `index` (households `start` to `stop`) of the first year, with that year's events."""
    from jihua_kit.lifecycle import draw_events

    ids = np.char.add("H", np.char.zfill(np.arange(start, stop).astype("U9"), 7))
    stock = draw_stock(county, lay, np.random.default_rng([seed, index, STOCK_STREAM]), ids)
    draw_events(stock, county, np.random.default_rng([seed, index, EVENT_STREAM, county.reference_year]), True)
    return stock


def generate(
    county: County, seed: int = 0, households: int | None = None, chunk_size: int = CHUNK_SIZE
) -> Iterator[tuple[Layout, pd.DataFrame]]:
    """The first year's household tables, one chunk at a time (default size: the county's)."""
    n = county.households if households is None else check_size(households)
    lay = layout(county, seed)
    for index, (start, stop) in enumerate(chunk_bounds(n, chunk_size)):
        yield lay, generate_chunk(county, lay, seed, index, start, stop).to_frame(lay)


def population(county: County, seed: int = 0, households: int | None = None) -> pd.DataFrame:
    """The whole first-year household table in memory (small populations, notebooks, benchmarks)."""
    return pd.concat([frame for _, frame in generate(county, seed, households)], ignore_index=True)
