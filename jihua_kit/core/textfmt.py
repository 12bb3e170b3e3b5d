"""Plain-text tables that line up with Chinese (double-width) characters in a terminal."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence


def width(text: str) -> int:
    """Display width: East Asian wide and full-width characters count as two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, cols: int) -> str:
    return text + " " * max(0, cols - width(text))


def wrap(text: str, cols: int = 80, indent: str = "", first: str | None = None) -> list[str]:
    """Break `text` into lines of at most `cols` display columns (Chinese counts double), at spaces
    or between Chinese characters, never inside a run of ASCII letters and digits."""
    first = indent if first is None else first
    tokens = re.findall(r"[A-Za-z0-9_.,:/%()\-–=+×·]+|\s+|.", text)
    lines, line = [], first
    for tok in tokens:
        if width(line) + width(tok) > cols and line.strip():
            lines.append(line.rstrip())
            line = indent
            if tok.isspace():
                continue
        line += tok
    if line.strip():
        lines.append(line.rstrip())
    return lines or [first.rstrip()]


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A left-aligned text table with a rule under the header."""
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    cols = [max(width(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(pad(c, w) for c, w in zip(r, cols, strict=True)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in cols))
    return "\n".join(lines)


def code_label(code: str, lang: str = "zh") -> str:
    """A rule code as the small secondary label after a name: '（E-PENSION）' / ' (E-PENSION)'.

    Trainee-facing text shows codes only this way (tests/trainee_text.py checks it)."""
    return f"（{code}）" if lang == "zh" else f" ({code})"


def named(name: str, code: str, lang: str = "zh") -> str:
    """'养老保障金（E-PENSION）': the name leads, the code is the label."""
    return f"{name}{code_label(code, lang)}"


def list_sep(lang: str = "zh") -> str:
    """Between items of a list in running text: '、' / ', '."""
    return "、" if lang == "zh" else ", "


def clause_sep(lang: str = "zh") -> str:
    """Between clauses: '；' / '; '."""
    return "；" if lang == "zh" else "; "


def format_number(x: float) -> str:
    """12000.0 -> '12,000'; 0.5 -> '0.5'."""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}".rstrip("0").rstrip(".")
