"""A1 cell references: column letters to and from 0-based column numbers (the kit's one copy)."""

from __future__ import annotations


def col_letter(index: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA'."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_index(letters: str | bytes) -> int:
    """'A' -> 0, 'Z' -> 25, 'AA' -> 26 (capital letters, as text or bytes)."""
    codes = letters.encode() if isinstance(letters, str) else letters
    index = 0
    for ch in codes:
        index = index * 26 + ch - 64
    return index - 1
