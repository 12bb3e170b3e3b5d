"""Reading YAML and JSON documents, for every data file and every file a user gives the kit.

One YAML reader (libyaml's C parser when available: several times faster) with three refusals that
keep a hostile or mistyped file from doing harm or from being read wrongly without a word:

- anchors and aliases (`&a` / `*a`): a few lines of them expand to billions of values (the
  "billion laughs"); the kit's files never need them;
- a key given twice in one mapping: YAML would keep the last silently;
- values the constructor cannot build (a 5,000-digit number, an impossible `!!timestamp`).

Dates stay text (`2013-02-30` is the validator's to reject, naming the field). JSON refuses
duplicate keys too, and nesting too deep for Python, with a `KitError` instead of a traceback.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(_BASE):  # type: ignore[misc, valid-type]
    """Safe loading without aliases, duplicate keys or implicit dates."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
        for first, resolvers in _BASE.yaml_implicit_resolvers.items()
    }

    def get_single_data(self) -> Any:
        node = self.get_single_node()
        if node is None:
            return None
        _check_nodes(node, self.file)
        return self.construct_document(node)


def _error(key: str, **info: Any) -> Exception:
    from jihua_kit.core.errors import KitError  # here: errors -> i18n -> this module at import time

    return KitError(key, **info)


def _line(node: yaml.Node) -> int | None:
    return node.start_mark.line + 1 if node.start_mark is not None else None


def _check_nodes(root: yaml.Node, file: str | None) -> None:
    """Walk the composed document once: a node reached twice is an alias; keys must be unique."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise _error("data.yaml_alias", file=file, row=_line(node))
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: set[tuple[str, str]] = set()
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if (key.tag, key.value) in keys:
                        raise _error("data.duplicate_key", file=file, got=key.value, row=_line(key))
                    keys.add((key.tag, key.value))
                stack += (key, value)
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value


def load_yaml(text: str, file: str | None = None) -> Any:
    """Parse YAML text with safe semantics (see the module docstring); `file` names it in errors."""
    from jihua_kit.core.errors import KitError

    loader = _Loader(text)
    loader.file = file
    try:
        return loader.get_single_data()
    except KitError:
        raise
    except RecursionError:
        raise _error("data.too_deep", file=file) from None
    except (ValueError, OverflowError) as exc:  # the constructor, not the parser
        raise _error("data.bad_value", file=file, detail=str(exc).splitlines()[0] if str(exc) else "") from None
    finally:
        loader.dispose()


class _DuplicateKey(ValueError):
    pass


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        dup = next(k for k, _ in pairs if k in seen or seen.add(k))
        raise _DuplicateKey(dup)
    return out


def load_json(text: str, file: str | None = None) -> Any:
    """Parse JSON; a duplicate key, a number too long to read or nesting too deep is a `KitError`.
    Malformed JSON raises `json.JSONDecodeError` as usual (each reader words its own message)."""
    try:
        return json.loads(text, object_pairs_hook=_unique)
    except _DuplicateKey as dup:
        raise _error("data.duplicate_key", file=file, got=dup.args[0]) from None
    except RecursionError:
        raise _error("data.too_deep", file=file) from None
    except json.JSONDecodeError:
        raise
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise _error("data.bad_value", file=file, detail=str(exc).splitlines()[0]) from None
