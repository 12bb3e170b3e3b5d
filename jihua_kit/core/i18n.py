"""Chinese and English text for everything users see, by key.

Messages live in `jihua_kit/messages/*.yaml` as `key: {zh: ..., en: ...}`; each area of the kit
keeps its own file, and a key may be defined only once across them. A data folder may add its
own in `<data>/messages/*.yaml` (the messages of a rule added there: its conditions and reasons).
Text is a `str.format` template filled from keyword arguments.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from jihua_kit.core.paths import data_dir

LANGS = ("zh", "en")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MESSAGES = Path(__file__).resolve().parents[1] / "messages"


def catalog() -> dict[str, dict[str, str]]:
    """All messages: the kit's, then the data folder's own (`<data>/messages/`), keys unique."""
    extra = data_dir() / "messages"
    try:
        stamp = extra.stat().st_mtime_ns  # one stat per lookup; the files are read once
    except OSError:
        return _catalog(None, 0)
    return _catalog(extra, stamp)


@lru_cache(maxsize=4)
def _catalog(extra: Path | None, _stamp: int) -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for path in (*sorted(_MESSAGES.glob("*.yaml")), *(sorted(extra.glob("*.yaml")) if extra else ())):
        entries = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}  # not yamlio: it raises KitErrors
        for key, texts in entries.items():
            if key in merged:
                raise RuntimeError(f"message key {key!r} defined twice ({path.name})")
            missing = [lang for lang in LANGS if lang not in (texts or {})]
            if missing:
                raise RuntimeError(f"message key {key!r} in {path.name} lacks {missing}")
            merged[key] = texts
    return merged


def check_lang(lang: str) -> str:
    """Return `lang` if supported, else raise a ValueError naming the choices."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    return lang


def t(key: str, lang: str = "zh", **kwargs: object) -> str:
    """The text for `key` in `lang`, formatted with `kwargs`."""
    texts = catalog().get(key)
    if texts is None:
        raise KeyError(f"no message for key {key!r}")
    return texts[check_lang(lang)].format(**kwargs)


def both(key: str, **kwargs: object) -> str:
    """Chinese, then English, on two lines."""
    return f"{t(key, 'zh', **kwargs)}\n{t(key, 'en', **kwargs)}"
