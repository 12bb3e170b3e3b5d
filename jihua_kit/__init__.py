"""jihua-kit: the 2013 Nayong County family-planning handout as rules-as-data, explanations,
cost simulation and training notebooks."""

from jihua_kit.errors import KitError
from jihua_kit.params import ParameterStore, Params, load_parameters

__all__ = ["KitError", "ParameterStore", "Params", "load_parameters"]
__version__ = "0.1.0"
