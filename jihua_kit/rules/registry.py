"""The rule registry: each rule function is marked once with its ID, `@rule("E-LATE-MARRIAGE")`.

The order of the rules, their names, figures, scenarios and the readings they depend on all
come from the data files; the registry only maps an ID to the code that decides who qualifies.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

RuleFunction = Callable[..., Any]
RULES: dict[str, RuleFunction] = {}


def rule(rid: str) -> Callable[[RuleFunction], RuleFunction]:
    """Register the decorated function as the code of rule `rid` (one function per ID)."""

    def register(func: RuleFunction) -> RuleFunction:
        if rid in RULES and RULES[rid] is not func:
            raise ValueError(f"rule {rid} is defined twice: {RULES[rid].__qualname__} and {func.__qualname__}")
        RULES[rid] = func
        func.rule_id = rid  # type: ignore[attr-defined]
        return func

    return register


def function_for(rid: str) -> RuleFunction:
    """The registered function of `rid` (a data record without code is a maintainer's error)."""
    try:
        return RULES[rid]
    except KeyError:
        raise LookupError(f"rule {rid} has a record in data/parameters but no @rule({rid!r}) function") from None
