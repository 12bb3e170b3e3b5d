"""A chunk of households as numpy arrays: fast to update year by year, `to_frame()` gives the
household table of docs/tables.md (the rules' input)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from jihua_kit.tables.county import HOUSEHOLD_TYPES, METHODS

if TYPE_CHECKING:
    from jihua_kit.simulation.villages import Layout

SLOTS = 4


@lru_cache(maxsize=16)
def _dtype(categories: tuple[str, ...]) -> pd.CategoricalDtype:
    return pd.CategoricalDtype(list(categories))


@dataclass
class Households:
    """Households as arrays: one entry per household, (2, n) for parents, (4, n) for child slots."""

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
    ev_postpone_running: np.ndarray  # a postponement agreed in an earlier year runs this year
    postpone_left: np.ndarray  # years of an agreed postponement still to run after this one (not an event)

    def __len__(self) -> int:
        return len(self.household_id)

    def take(self, index: np.ndarray) -> Households:
        """The households selected by a boolean mask or an index array (copies)."""
        if index.dtype == bool:
            index = np.flatnonzero(index)
        return Households(**{f.name: np.take(getattr(self, f.name), index, axis=-1) for f in fields(self)})

    def concat(self, other: Households) -> Households:
        return Households.stack([self, other])

    @staticmethod
    def stack(parts: list[Households]) -> Households:
        """All households of `parts`, in order."""
        return Households(**{f.name: np.concatenate([getattr(p, f.name) for p in parts], axis=-1)
                             for f in fields(Households)})  # fmt: skip

    def clear_events(self) -> None:
        for f in fields(self):
            if f.name.startswith("ev_"):
                getattr(self, f.name)[...] = 0

    def to_frame(self, lay: Layout) -> pd.DataFrame:
        """The household table of docs/tables.md."""

        def cat(codes: np.ndarray, categories: tuple[str, ...]) -> pd.Categorical:
            return pd.Categorical.from_codes(codes, dtype=_dtype(categories), validate=False)

        sex = np.where(self.c_present, self.c_male.astype(np.int8), np.int8(2))
        cols: dict[str, object] = {
            "household_id": pd.Series(self.household_id, dtype=object, copy=False),  # str values
            "village": cat(self.village, lay.villages),
            "township": cat(lay.village_township[self.village], lay.townships),
            "residence": cat(np.where(self.rural, 0, 1).astype(np.int8), ("rural", "urban")),
            "household_type": cat(self.htype, HOUSEHOLD_TYPES),
            "urban_dibao": self.dibao,
            "method": cat(self.method, METHODS),
        }
        for j in range(2):
            cols[f"p{j + 1}_age"] = self.p_age[j]
            cols[f"p{j + 1}_alive"] = self.p_alive[j]
            cols[f"p{j + 1}_state_employee"] = self.p_employee[j]
        for k in range(SLOTS):
            c = f"c{k + 1}_"
            cols[c + "present"] = self.c_present[k]
            cols[c + "age"] = np.where(self.c_present[k], self.c_age[k], 0)
            cols[c + "sex"] = cat(sex[k], ("F", "M", ""))
            cols[c + "alive"] = self.c_alive[k] & self.c_present[k]
            cols[c + "disabled"] = self.c_disabled[k] & self.c_present[k]
        for f in fields(self):
            if f.name.startswith("ev_"):
                cols[f.name] = getattr(self, f.name)
        return pd.DataFrame(cols, copy=False)
