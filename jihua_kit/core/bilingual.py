"""One way to read a bilingual field: `name = bilingual("name")` on a record with `name_zh` and
`name_en` gives `record.name(lang)` (Chinese by default, English for lang="en")."""

from __future__ import annotations

from typing import Any


class bilingual:  # noqa: N801  (used like a function in class bodies)
    """A read-only accessor over the `<field>_zh` / `<field>_en` pair of a record."""

    def __init__(self, field: str) -> None:
        self.field = field

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        zh, en = getattr(obj, f"{self.field}_zh"), getattr(obj, f"{self.field}_en")

        def text(lang: str = "zh") -> Any:
            return en if lang == "en" else zh

        return text
