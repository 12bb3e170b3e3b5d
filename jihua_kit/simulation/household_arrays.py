"""A chunk of households as numpy arrays: fast to update year by year, `to_frame()` gives the
household table of docs/tables.md (the rules' input)."""

from __future__ import annotations

from dataclasses import dataclass, fields, make_dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from jihua_kit.tables.columns import Column, household_columns
from jihua_kit.tables.county import HOUSEHOLD_TYPES, METHODS

if TYPE_CHECKING:
    from jihua_kit.simulation.villages import Layout

COLUMNS: tuple[Column, ...] = household_columns()
EVENTS: tuple[Column, ...] = tuple(c for c in COLUMNS if c.group == "event")  # one array each, as in the table


@lru_cache(maxsize=16)
def _dtype(categories: tuple[str, ...]) -> pd.CategoricalDtype:
    return pd.CategoricalDtype(list(categories))


@dataclass
class HouseholdState:
    """Households as arrays: one entry per household, (2, n) for parents, (N_SLOTS, n) for child
    slots. `Households` adds an array per event column of the declaration, then `postpone_left`."""

    household_id: np.ndarray
    village: np.ndarray  # village index into Layout.villages
    rural: np.ndarray
    htype: np.ndarray  # ONE_CHILD / TWO_DAUGHTER / OTHER
    dibao: np.ndarray
    method: np.ndarray  # STERILIZATION / LONG_TERM / NO_METHOD
    p_age: np.ndarray  # (2, n): mother, father
    p_alive: np.ndarray
    p_state_employee: np.ndarray
    c_present: np.ndarray  # (N_SLOTS, n)
    c_age: np.ndarray
    c_male: np.ndarray
    c_alive: np.ndarray
    c_disabled: np.ndarray

    def __len__(self) -> int:
        return len(self.household_id)

    def take(self, index: np.ndarray) -> Any:
        """The households selected by a boolean mask or an index array (copies)."""
        if index.dtype == bool:
            index = np.flatnonzero(index)
        return type(self)(**{f.name: np.take(getattr(self, f.name), index, axis=-1) for f in fields(self)})

    def concat(self, other: Any) -> Any:
        return self.stack([self, other])

    @classmethod
    def stack(cls, parts: list[Any]) -> Any:
        """All households of `parts`, in order."""
        return cls(**{f.name: np.concatenate([getattr(p, f.name) for p in parts], axis=-1) for f in fields(cls)})

    def clear_events(self) -> None:
        for c in EVENTS:
            getattr(self, c.name)[...] = 0

    def to_frame(self, lay: Layout) -> pd.DataFrame:
        """The household table of docs/tables.md."""

        def cat(codes: np.ndarray, categories: tuple[str, ...]) -> pd.Categorical:
            return pd.Categorical.from_codes(codes, dtype=_dtype(categories), validate=False)

        sex = np.where(self.c_present, self.c_male.astype(np.int8), np.int8(2))
        household = {
            "household_id": lambda: pd.Series(self.household_id, dtype=object, copy=False),  # str values
            "village": lambda: cat(self.village, lay.villages),
            "township": lambda: cat(lay.village_township[self.village], lay.townships),
            "residence": lambda: cat(np.where(self.rural, 0, 1).astype(np.int8), ("rural", "urban")),
            "household_type": lambda: cat(self.htype, HOUSEHOLD_TYPES),
            "urban_dibao": lambda: self.dibao,
            "method": lambda: cat(self.method, METHODS),
        }
        cols: dict[str, object] = {}
        for c in COLUMNS:
            if c.group == "household":
                cols[c.name] = household[c.name]()
            elif c.group == "parent":
                cols[c.name] = getattr(self, f"p_{c.field}")[c.index - 1]
            elif c.group == "child":
                cols[c.name] = self._child(c, sex)
            else:
                cols[c.name] = getattr(self, c.name)
        return pd.DataFrame(cols, copy=False)

    def _child(self, c: Column, sex: np.ndarray) -> Any:
        """Child column `c`: nothing recorded (0, False, '') in a slot without a child."""
        k, present = c.index - 1, self.c_present[c.index - 1]
        if c.field == "sex":
            return pd.Categorical.from_codes(sex[k], dtype=_dtype(c.choices), validate=False)
        if c.field == "present":
            return present
        values = getattr(self, f"c_{c.field}")[k]
        return np.where(present, values, 0) if c.dtype == "int" else values & present


def blank_events(n: int) -> dict[str, np.ndarray]:
    """Every event column of `n` households, nothing happened (zeros in the event's array dtype)."""
    return {c.name: np.zeros(n, dtype=c.array) for c in EVENTS}


Households = make_dataclass(
    "Households",
    [(c.name, np.ndarray) for c in EVENTS] + [("postpone_left", np.ndarray)],  # years of a postponement still to run
    bases=(HouseholdState,),
)
Households.__doc__ = HouseholdState.__doc__
Households.__module__ = __name__
