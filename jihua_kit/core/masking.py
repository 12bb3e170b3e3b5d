"""Personal data in rosters: ID-card numbers (身份证号) are masked in every output, names stay in files.

`mask_id` keeps the first 4 and the last 4 characters and hides the rest. `scrub` masks anything
that looks like an ID number inside free text (messages, cells of any column, printed reports):

- a run of 15 or more digits (the last may be followed by X or x), wherever it stands, even glued to
  letters (`ID520525198003271109`);
- groups of two or more digits split by single spaces or dashes (`520525 19800327 1109`,
  `5205-2519-8003-2711-09`) holding 15 or more digits together (a list of numbers written that way
  is masked as well: better too much than too little).

Digits after a decimal point are a number's fraction, not an ID number, and are left alone.
`quote` is how a message shows a value it received: at most `QUOTE_MAX` characters, scrubbed, and
never the whole of a huge or deeply nested value. Nothing here prints.
"""

from __future__ import annotations

import datetime as dt
import re
import reprlib
from typing import Any

import numpy as np
import pandas as pd

KEEP_HEAD, KEEP_TAIL = 4, 4
MASK = "*"
QUOTE_MAX = 80  # characters of a value a message may show
ID_MIN, ID_MAX = 15, 18  # digits of an ID number (old 15-digit numbers, 17 digits + check character)
# Candidates: groups of two or more digits split by single spaces or dashes, with an optional final X;
# not after another digit or a decimal point, and only where 15 digits follow (checked in C, so long
# text with many short numbers costs no Python call per number). Those with 15 or more are masked.
_CANDIDATE = re.compile(r"(?<!\d)(?<!\d\.)(?=\d(?:[ \-]?\d){14})\d{2,}(?:[ \-]\d{2,})*(?:[ \-]\d?[Xx]|[Xx])?")
_QUICK = re.compile(r"\d(?:[ \-]?\d){14}")  # 15 digits, perhaps split: all a masked run needs
_ID_FORMAT = re.compile(r"^(\d{17}[\dX]|\d{15})$", re.ASCII)
_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_CHECK = "10X98765432"
_REPR = reprlib.Repr()
for _name in ("maxtuple", "maxlist", "maxarray", "maxdict", "maxset", "maxfrozenset", "maxdeque"):
    setattr(_REPR, _name, 4)
_REPR.maxlevel, _REPR.maxstring, _REPR.maxlong, _REPR.maxother = 3, QUOTE_MAX, 40, QUOTE_MAX


def mask_id(value: object) -> str:
    """'520525198001011234' -> '5205**********1234'; blanks stay blank; short values are fully hidden."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    text = str(value).strip()
    if not text:
        return ""
    if len(text) <= KEEP_HEAD + KEEP_TAIL:
        return MASK * len(text)
    return text[:KEEP_HEAD] + MASK * (len(text) - KEEP_HEAD - KEEP_TAIL) + text[-KEEP_TAIL:]


def mask_ids(values: pd.Series) -> pd.Series:
    """`mask_id` over a column."""
    return values.map(mask_id).astype(object)


def _mask_match(match: re.Match) -> str:
    """A candidate with 15 or more digits: every digit but the first and last four becomes '*'."""
    text = match.group(0)
    digits = sum(ch.isdigit() for ch in text)
    if digits < ID_MIN:
        return text
    if text.isdigit() or (text[:-1].isdigit() and text[-1] in "Xx"):
        return mask_id(text)
    spots = [i for i, ch in enumerate(text) if ch not in " -"]
    chars = list(text)
    for i in spots[KEEP_HEAD : len(spots) - KEEP_TAIL]:
        chars[i] = MASK
    return "".join(chars)


def scrub(text: str) -> str:
    """Mask every ID-like number inside `text` (other values are returned unchanged)."""
    if not isinstance(text, str) or _QUICK.search(text) is None:  # most text: one quick search, nothing to mask
        return text
    return _CANDIDATE.sub(_mask_match, text)


def has_id_like(text: str) -> bool:
    """Whether `scrub` would change `text`."""
    return scrub(text) != text


def scrub_series(values: pd.Series) -> pd.Series:
    """`scrub` over a column of text (other values are left alone)."""
    return values.map(lambda v: scrub(v) if isinstance(v, str) else v)


def _cut(text: str, limit: int) -> str:
    """Scrub the start of `text`, then cut it to `limit` characters (an ID across the cut is still masked)."""
    head = scrub(text[: limit + 2 * ID_MAX + 4])
    return head if len(head) <= limit and len(text) <= len(head) else head[:limit] + "…"


def quote(value: Any, limit: int = QUOTE_MAX) -> Any:
    """A value as a message may show it: numbers and short clean text as they are; anything long,
    nested or ID-like as text of at most `limit` characters, ID numbers masked."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if -(10**14) < value < 10**14:
            return value
        if value.bit_length() > 4 * limit:  # str() of a huge int is slow (and refused past 4,300 digits)
            return f"{'-' if value < 0 else ''}~1e{int(value.bit_length() * 0.30103)}"
        return _cut(str(value), limit)
    if isinstance(value, float):
        return value if not np.isfinite(value) or abs(value) < 1e14 else _cut(f"{value:.0f}", limit)
    if isinstance(value, str):
        return value if len(value) <= limit and not has_id_like(value) else _cut(value, limit)
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    try:
        text = _REPR.repr(value)
    except (RecursionError, ValueError):
        text = f"<{type(value).__name__}>"
    return _cut(text, limit)


def id_format_ok(value: str) -> bool:
    """15 digits, or 17 digits and a check character (digit or X) that matches (GB 11643)."""
    if not _ID_FORMAT.match(value):
        return False
    if len(value) == 15:
        return True
    total = int(np.dot(_WEIGHTS, [int(ch) for ch in value[:17]]))
    return _CHECK[total % 11] == value[17]


def check_character(first17: str) -> str:
    """The check character that completes a 17-digit prefix (for making test and example IDs)."""
    return _CHECK[int(np.dot(_WEIGHTS, [int(ch) for ch in first17])) % 11]
