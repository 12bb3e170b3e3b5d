"""The system: everything a run reads from `data/`, loaded once and passed along.

`load_system()` is the default data (`data/` or $JIHUA_KIT_DATA); `load_system(folder)` a copy
of it elsewhere (a test's toy rule, a county's own figures). `explain`, `score`, `explain_unit`
and the simulation take `system=`; without it they use the default system.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jihua_kit.core.paths import data_dir
from jihua_kit.params.store import DEFAULT_SCENARIO, ParameterStore, Params, load_parameters


@dataclass(frozen=True)
class System:
    """A data folder and what is read from it: parameters (bounds included), county files, messages."""

    data: Path
    parameters: ParameterStore

    def view(self, scenario: str = DEFAULT_SCENARIO, readings: dict[str, str] | None = None) -> Params:
        """The parameters as seen by `scenario`, with `readings` overriding the pinned ones."""
        return self.parameters.view(scenario, readings)

    @property
    def county_file(self) -> Path:
        """The default county file of this data folder."""
        return self.data / "county" / "nayong.yaml"

    @property
    def county_files(self) -> tuple[Path, ...]:
        """Every county file of this data folder."""
        return tuple(sorted((self.data / "county").glob("*.yaml")))

    @property
    def messages(self) -> Path:
        """The folder of this data's own messages (a rule added here brings its texts)."""
        return self.data / "messages"

    def bound(self, pid: str, key: str) -> int:
        """One input bound (TR-FILE-BOUNDS, TR-SIM-BOUNDS, TR-DATE-BOUNDS) of this data."""
        return int(self.view().value(pid, key))


def load_system(data: Path | str | None = None) -> System:
    """Load the data folder `data` (default: `data/`, or $JIHUA_KIT_DATA)."""
    folder = Path(data) if data else data_dir()
    return System(folder.resolve(), load_parameters(folder / "parameters"))


__all__ = ["System", "load_system"]
