"""Personal data in rosters: ID-card numbers (身份证号) are masked in every output, names stay in files.

`mask_id` keeps the first 4 and the last 4 characters and hides the rest; `scrub` masks anything
that looks like an ID number inside free text (error messages, cells of other columns), so an ID
typed into the wrong column does not leak either. Nothing here prints.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

KEEP_HEAD, KEEP_TAIL = 4, 4
MASK = "*"
# 18-character numbers (the last may be X) and the old 15-digit ones, not inside a longer run of digits.
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_ID_FORMAT = re.compile(r"^(\d{17}[\dX]|\d{15})$")
_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_CHECK = "10X98765432"


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
    return mask_id(match.group(0))


def scrub(text: str) -> str:
    """Mask every ID-like number inside `text`."""
    return _ID_IN_TEXT.sub(_mask_match, text) if isinstance(text, str) else text


def scrub_series(values: pd.Series) -> pd.Series:
    """`scrub` over a column of text (other values are left alone)."""
    return values.map(lambda v: scrub(v) if isinstance(v, str) else v)


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
