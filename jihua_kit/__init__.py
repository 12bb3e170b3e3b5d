"""jihua-kit: the 2013 Nayong County family-planning handout as rules-as-data, explanations,
cost simulation and training notebooks.

The folders are the layers, lowest first: `core` (shared helpers), `params` (the parameter
store), `tables` (households, audits, county files), `rules` (entitlements, deductions,
deadlines), then the views built on them: `explanations`, `simulation`, `sheets`; then the
people-facing parts: `course` (notebook widgets, quiz), `room` (the trainee app server),
`decks` (slides), `classes` (live class sessions) and `cli`. A layer imports only layers below
it (`tests/layers.py`, run by `make lint`).

The names below are the stable public API; they are imported on first use, so
`import jihua_kit` stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_API = {
    "KitError": "jihua_kit.core.errors",
    "load_parameters": "jihua_kit.params.store",
    "ParameterStore": "jihua_kit.params.store",
    "Params": "jihua_kit.params.store",
    "load_system": "jihua_kit.params.system",
    "System": "jihua_kit.params.system",
    "explain": "jihua_kit.explanations.household",
    "compare": "jihua_kit.explanations.household",
    "explain_unit": "jihua_kit.explanations.assessment",
    "score": "jihua_kit.rules.deductions",
    "project": "jihua_kit.simulation.engine",
    "simulate_year": "jihua_kit.simulation.engine",
    "run_simulation": "jihua_kit.simulation.run",
}
__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    if name not in _API:
        raise AttributeError(f"module 'jihua_kit' has no attribute {name!r}")
    value = getattr(import_module(_API[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
