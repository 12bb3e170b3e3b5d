"""What a trainee may read: the checks of issue 16 on any Chinese surface (text or HTML).

A trainee reads Chinese. Rule codes (E-PENSION, R1, RA-PENSION-AGE) and reading options may
appear only in the designated secondary label:
- in text, a pair of full-width parentheses holding nothing but codes, e.g. 养老保障金（E-PENSION）
  or （RA-PENSION-AGE=age65）;
- in HTML, an element whose class includes `jk-code` (<small class="jk-code">E-PENSION</small>).
Everything else is checked for: ASCII rule, reading, option, value and flag keys; the word 库
(say 工具 / 程序; 库存 = backlog is a different word); an ASCII ';' or ':' between Chinese text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser

from jihua_kit.params.store import load_parameters
from jihua_kit.rules.deductions import FLAG_NAMES

CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
RULE_ID = re.compile(r"(?<![A-Za-z0-9_-])(?:E|D|T|C|F|TR|RA)-[A-Z0-9]+(?:-[A-Z0-9]+)*(?![A-Za-z0-9_-])")
READING_ID = re.compile(r"(?<![A-Za-z0-9_-])R[1-8](?![A-Za-z0-9_-])")
LIBRARY = re.compile(r"库(?!存)|写死")  # programmer words: say 工具 / 程序, 事先写好
ASCII_PUNCT = re.compile(rf"[{CJK}]\s*[;:]\s*[{CJK}0-9]")
_LABEL_TOKEN = r"[A-Za-z0-9_=\-]+"
LABEL = re.compile(rf"（\s*{_LABEL_TOKEN}(?:\s*[,，、 ]\s*{_LABEL_TOKEN})*\s*）")  # codes only, in full-width ( )


@lru_cache(maxsize=1)
def option_keys() -> frozenset[str]:
    """Reading option keys (allowed inside a label)."""
    store = load_parameters()
    return frozenset(o.key for r in store.readings.values() for o in r.options)


@lru_cache(maxsize=1)
def forbidden_keys() -> frozenset[str]:
    """Keys that are code, never text: value keys of parameters, flag names, option keys."""
    store = load_parameters()
    keys = {v.key for p in store.parameters.values() for v in p.values if v.key}
    return frozenset(keys | set(FLAG_NAMES) | option_keys())


def _label_ok(label: str) -> bool:
    tokens = re.findall(_LABEL_TOKEN, label)
    for tok in tokens:
        for part in tok.split("="):
            if not (RULE_ID.fullmatch(part) or READING_ID.fullmatch(part) or part in option_keys()):
                return False
    return True


def strip_labels(text: str) -> str:
    """The text without its designated code labels (parentheses that hold anything else, such as
    a unit's own ID（XF-V01）, stay and are checked like the rest)."""
    return LABEL.sub(lambda m: "（）" if _label_ok(m.group(0)) else m.group(0), text)


def text_faults(text: str) -> list[str]:
    """Faults in plain text a trainee reads in Chinese (empty list: clean)."""
    text = strip_labels(text)
    faults = []
    for pattern, what in ((RULE_ID, "rule code"), (READING_ID, "reading code")):
        faults += [f"{what} outside its label: {_around(text, m)}" for m in pattern.finditer(text)]
    keys = forbidden_keys()
    for m in re.finditer(r"(?<![A-Za-z0-9_/.\-])[A-Za-z][A-Za-z0-9_]*(?![A-Za-z0-9_/.\-])", text):
        if m.group(0) in keys and re.search(rf"[{CJK}]", text[max(0, m.start() - 30) : m.end() + 30]):
            faults.append(f"key {m.group(0)!r}: {_around(text, m)}")
    faults += [f"库: {_around(text, m)}" for m in LIBRARY.finditer(text)]
    faults += [f"ASCII punctuation in Chinese: {_around(text, m)}" for m in ASCII_PUNCT.finditer(text)]
    return faults


def _around(text: str, m: re.Match) -> str:
    return repr(text[max(0, m.start() - 25) : m.end() + 25])


class _Text(HTMLParser):
    """The visible text of an HTML fragment, with `jk-code` elements and style/script left out."""

    SKIP = ("style", "script")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []

    def _hidden(self) -> bool:
        return any(hidden for _, hidden in self.stack)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("br", "img", "hr", "input", "meta", "link", "col", "wbr"):
            self.parts.append("\n")
            return
        cls = dict(attrs).get("class") or ""
        self.stack.append((tag, tag in self.SKIP or "jk-code" in cls.split()))
        if tag in ("p", "div", "tr", "li", "table", "h1", "h2", "h3", "h4", "td", "th", "section"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break
        if tag in ("td", "th"):
            self.parts.append(" | ")

    def handle_data(self, data: str) -> None:
        if not self._hidden():
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def html_faults(html: str) -> list[str]:
    return text_faults(html_text(html))


_FENCE = re.compile(r"```.*?```", re.S)
_INLINE = re.compile(r"`[^`\n]+`")


def markdown_faults(source: str) -> list[str]:
    """Markdown a trainee reads: code spans and fences are shown as code and left out."""
    text = _INLINE.sub("", _FENCE.sub("", source))
    return html_faults(text) if "<" in text else text_faults(text)
