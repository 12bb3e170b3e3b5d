"""One error type for bad input: a message key, where it happened, and zh/en text.

Every value an error carries is kept as `masking.quote` shows it: numbers and short text as they
are, anything long or nested cut to about 80 characters, ID numbers masked. A message can echo what
it was given without echoing a whole file or a person's ID number.
"""

from __future__ import annotations

from typing import Any

from jihua_kit.core.i18n import t
from jihua_kit.core.masking import quote

# Location parts, in the order they are printed.
_WHERE = ("file", "unit", "record", "row", "field")


class KitError(ValueError):
    """Bad input or bad data, with a message in Chinese and English.

    `key` names the message in `jihua_kit/messages/`; `file`, `unit`, `record`, `row` and
    `field` say where; the other keyword arguments fill the message template.
    """

    def __init__(self, key: str, **info: Any) -> None:
        self.key = key
        where = {k: info.pop(k, None) for k in _WHERE}
        self.where = {k: quote(v) for k, v in where.items() if v is not None}
        self.info = {k: quote(v) for k, v in info.items()}
        super().__init__(key)  # the text is made when shown (str), not for every error collected

    @property
    def field(self) -> str | None:
        return self.where.get("field")

    @property
    def row(self) -> int | None:
        return self.where.get("row")

    def location(self, lang: str = "zh") -> str:
        """'文件 a.yaml，记录 E-PENSION，字段 unit' / 'file a.yaml, record E-PENSION, field unit'."""
        sep = "，" if lang == "zh" else ", "
        return sep.join(t(f"where.{k}", lang, value=v) for k, v in self.where.items())

    def message(self, lang: str = "zh") -> str:
        """The full message in one language: location, then what is wrong."""
        text = t(self.key, lang, **self.info)
        loc = self.location(lang)
        if not loc:
            return text
        return f"{loc}：{text}" if lang == "zh" else f"{loc}: {text}"

    def to_dict(self) -> dict[str, Any]:
        """For JSON output and error sheets."""
        return {"key": self.key, **self.where, "zh": self.message("zh"), "en": self.message("en")}

    def __str__(self) -> str:
        return f"{self.message('zh')}\n{self.message('en')}"

    def __reduce__(self) -> tuple:
        """Pickled whole (key, where, values), as when a worker process raises it."""
        return _restore, (type(self), self.key, self.where, self.info)


def _restore(cls: type, key: str, where: dict[str, Any], info: dict[str, Any]) -> KitError:
    err = cls.__new__(cls)
    ValueError.__init__(err, key)
    err.key, err.where, err.info = key, where, info
    return err


class InvariantError(AssertionError):
    """A result broke an invariant of the kit (a bug, never bad input): raised, not `assert`ed,
    so it holds under `python -O` too."""
