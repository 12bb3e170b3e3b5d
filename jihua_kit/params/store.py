"""Rules as data: `data/parameters/*.yaml` -> a validated, read-only parameter store.

Every figure of the handout is a `Parameter` (ID, names, unit, scenario, section, readings, one
or more `Value`s). Pinned readings are `Reading`s with a default and alternatives. Rules never
hold numbers: they ask a `Params` view (one scenario, one choice of readings) by ID, and every
access is recorded in the active trace so explanations can cite the figures they used.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from jihua_kit.core.errors import KitError
from jihua_kit.core.paths import data_dir
from jihua_kit.core.yamlio import load_yaml
from jihua_kit.params.schema import Parameter, Reading, Value, parse_parameters, parse_readings

SCENARIOS = ("baseline", "raised")
DEFAULT_SCENARIO = "raised"
READINGS_FILE = "readings.yaml"
HOLIDAYS_FILE = "holidays.yaml"
# Unit conversions are arithmetic, not rule figures.
_PER_YEAR = {"month": 12, "year": 1}


@dataclass(frozen=True)
class FigureUse:
    """One parameter value read by a rule: what an explanation cites."""

    id: str
    key: str | None
    low: float
    high: float
    unit: str
    section: str


@dataclass
class Trace:
    """What a rule read while it ran: figures and readings, in order, without repeats."""

    figures: list[FigureUse] = field(default_factory=list)
    readings: list[str] = field(default_factory=list)

    def add_figure(self, use: FigureUse) -> None:
        if use not in self.figures:
            self.figures.append(use)

    def add_reading(self, reading_id: str) -> None:
        if reading_id not in self.readings:
            self.readings.append(reading_id)


@dataclass(frozen=True)
class ParameterStore:
    """All parameters and readings, validated, plus the public-holiday list."""

    parameters: dict[str, Parameter]
    readings: dict[str, Reading]
    holidays: tuple[str, ...]
    folder: Path

    def view(self, scenario: str = DEFAULT_SCENARIO, readings: dict[str, str] | None = None) -> Params:
        """A `Params` for one scenario; `readings` maps reading IDs to option keys."""
        if scenario not in SCENARIOS:
            raise KitError("scenario.unknown", field="scenario", got=scenario)
        choices = {rid: r.default for rid, r in self.readings.items()}
        for rid, option in (readings or {}).items():
            if rid not in self.readings:
                raise KitError("reading.unknown", field="readings", got=rid)
            self.readings[rid].option(option)  # raises on an unknown option
            choices[rid] = option
        return Params(self, scenario, choices)


class Params:
    """The parameters as seen by rules: one scenario, one choice per reading, accesses traced."""

    def __init__(self, store: ParameterStore, scenario: str, choices: dict[str, str]) -> None:
        self.store = store
        self.scenario = scenario
        self.choices = choices
        self._traces: list[Trace] = []

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.choices.items() if v != self.store.readings[k].default}
        return f"Params(scenario={self.scenario!r}, readings={changed})"

    def with_scenario(self, scenario: str) -> Params:
        """The same readings under another scenario."""
        return self.store.view(scenario, self.choices)

    @contextmanager
    def trace(self) -> Iterator[Trace]:
        """Record every figure and reading accessed inside the block."""
        tr = Trace()
        self._traces.append(tr)
        try:
            yield tr
        finally:
            self._traces.remove(tr)

    def get(self, pid: str) -> Parameter:
        """The parameter record (not traced)."""
        try:
            return self.store.parameters[pid]
        except KeyError:
            raise KitError("param.unknown_id", got=pid) from None

    def in_force(self, pid: str) -> bool:
        """Whether the parameter exists in this scenario (e.g. E-STAFF-* only when raised)."""
        return self.get(pid).scenario in ("both", self.scenario)

    def entry(self, pid: str, key: str | None = None) -> Value:
        """The value entry for this scenario and key, recorded in the active traces."""
        param = self.get(pid)
        val = param.value_for(self.scenario, key)
        if val is None:
            raise KitError("param.no_value", id=pid, scenario=self.scenario, value_key=key)
        use = FigureUse(pid, key, val.low, val.high, val.unit, val.section or param.section)
        for tr in self._traces:
            tr.add_figure(use)
            for rid in val.readings:
                tr.add_reading(rid)
        return val

    def value(self, pid: str, key: str | None = None) -> float:
        """A single figure, in its own unit."""
        val = self.entry(pid, key)
        if val.low != val.high:
            raise KitError("param.not_single", id=pid)
        return val.low

    def range(self, pid: str, key: str | None = None) -> tuple[float, float]:
        """(min, max) of a figure; equal for a single value."""
        val = self.entry(pid, key)
        return val.low, val.high

    def per_year(self, pid: str, key: str | None = None) -> float:
        """A single money figure converted to a yearly amount (x12 for a monthly unit)."""
        val = self.entry(pid, key)
        return val.low * _PER_YEAR[val.unit.rsplit("/", 1)[-1]]

    def reading(self, rid: str) -> Any:
        """The chosen option's `value` for a reading (traced)."""
        return self.option(rid).value

    def option(self, rid: str) -> Any:
        """The chosen option record for a reading (traced)."""
        if rid not in self.store.readings:
            raise KitError("reading.unknown", got=rid)
        for tr in self._traces:
            tr.add_reading(rid)
        return self.store.readings[rid].option(self.choices[rid])

    def chose(self, rid: str, option_key: str) -> bool:
        """Whether reading `rid` is set to `option_key` (traced)."""
        return self.option(rid).key == option_key


def _read_yaml(path: Path) -> Any:
    try:
        return load_yaml(path.read_text(encoding="utf-8"), path.name)
    except (OSError, yaml.YAMLError) as exc:
        raise KitError("param.file_unreadable", file=path.name, detail=str(exc).splitlines()[0]) from exc


def _signature(folder: Path) -> tuple[tuple[str, float], ...]:
    return tuple((p.name, p.stat().st_mtime_ns) for p in sorted(folder.glob("*.yaml")))


def load_parameters(folder: Path | str | None = None) -> ParameterStore:
    """Load and validate `data/parameters/` (or `folder`); cached until a file changes."""
    folder = Path(folder) if folder else data_dir() / "parameters"
    return _load(folder.resolve(), _signature(folder))


@lru_cache(maxsize=8)
def _load(folder: Path, _sig: tuple) -> ParameterStore:
    readings = parse_readings(_read_yaml(folder / READINGS_FILE), READINGS_FILE)
    parameters: dict[str, Parameter] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name in (READINGS_FILE, HOLIDAYS_FILE):
            continue
        parse_parameters(_read_yaml(path), path.name, readings, parameters)
    holidays_raw = _read_yaml(folder / HOLIDAYS_FILE) if (folder / HOLIDAYS_FILE).exists() else {}
    holidays = tuple(str(d) for d in (holidays_raw or {}).get("dates") or [])
    return ParameterStore(parameters, _with_applies_to(readings, parameters), holidays, folder)


def _with_applies_to(readings: dict[str, Reading], parameters: dict[str, Parameter]) -> dict[str, Reading]:
    """Each reading's `applies_to`, derived from the records that declare it (declared once)."""
    users: dict[str, list[str]] = {rid: [] for rid in readings}
    for pid, param in parameters.items():
        for rid in param.declared_readings:
            users[rid].append(pid)
    return {rid: replace(r, applies_to=tuple(users[rid])) for rid, r in readings.items()}


def default_params(scenario: str = DEFAULT_SCENARIO, readings: dict[str, str] | None = None) -> Params:
    """Shortcut: the default data folder, viewed for `scenario`."""
    return load_parameters().view(scenario, readings)
