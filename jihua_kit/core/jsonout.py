"""`--json` output that stays fast and small for 100,000 records: every top-level key on its own line,
a list of records one compact record per line (the C encoder; no pretty-printing per value), other
values indented. Records may come from a generator, so a large result is never held as text at once.
It is ordinary JSON (`json.load` reads it), and each record line is a JSON object of its own.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any, TextIO


def write_json(doc: dict[str, Any], records: Iterable[str] = (), stream: TextIO | None = None) -> None:
    """Write `doc`; the keys in `records` hold lists (or iterators) of records, written one per line."""
    out = stream or sys.stdout
    streamed = set(records)
    items = list(doc.items())
    out.write("{\n")
    for k, (key, value) in enumerate(items):
        comma = "," if k < len(items) - 1 else ""
        out.write(f"  {json.dumps(key, ensure_ascii=False)}: ")
        if key in streamed:
            out.write("[")
            first = True
            for record in value:
                out.write(("\n    " if first else ",\n    ") + json.dumps(record, ensure_ascii=False))
                first = False
            out.write(("]" if first else "\n  ]") + comma + "\n")
        else:
            out.write(json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ") + comma + "\n")
    out.write("}\n")
