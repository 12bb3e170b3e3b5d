"""Column headers and cell words of the two spreadsheets, from `data/sheets/headers.yaml`.

`audit_specs(params)` and `roster_specs()` list the columns in template order, each with its code
(the table column of docs/tables.md), Chinese and English header and accepted words. `Headers`
matches a header cell as offices write it (Chinese, English, the code, "名称（code）", any width
or spacing) to a code.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from jihua_kit.core.errors import KitError
from jihua_kit.core.paths import data_dir
from jihua_kit.core.yamlio import load_yaml
from jihua_kit.params.store import Params
from jihua_kit.tables.audit_table import OPTIONAL_COLUMNS, layout
from jihua_kit.tables.columns import Column, household_columns

HEADERS_FILE = Path("sheets") / "headers.yaml"
_FOLD_DROP = re.compile(r"[\s_\-·、:：]+")
_TRAILING_CODE = re.compile(r"^(.*)[(\[【]([^()\[\]【】]+)[)\]】]$")
_PARITY = re.compile(r"^(missed_in|missed_out|resident_out_births)_(\d+)$")
AUDIT_CODE_LIKE = re.compile(r"^(D-[A-Z][A-Z0-9-]*|(missed_in|missed_out|resident_out_births)_\d+)$", re.I)
ROSTER_CODE_LIKE = re.compile(r"^(p[12]_|c\d_|ev_)\w+$")


@dataclass(frozen=True)
class Spec:
    """One spreadsheet column."""

    code: str
    zh: str
    en: str
    also: tuple[str, ...] = ()
    values: str = ""  # a key of the `values` section: the words a cell may hold
    personal: str = ""  # 'name' or 'id_number' for personal data

    def header(self) -> str:
        """The template header: '中文名（code）'."""
        return f"{self.zh}（{self.code}）"


def fold(text: Any) -> str:
    """A header or word as compared: full-width folded, case-folded, without spaces, dashes or dots."""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    return _FOLD_DROP.sub("", text).replace("【", "(").replace("】", ")").replace("[", "(").replace("]", ")")


@lru_cache(maxsize=4)
def _load(path: Path, _mtime: int) -> dict[str, Any]:
    try:
        return load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KitError("param.file_unreadable", file=str(path), detail=str(exc).splitlines()[0]) from exc


def header_data() -> dict[str, Any]:
    """The parsed header file (cached until it changes)."""
    path = data_dir() / HEADERS_FILE
    if not path.exists():
        raise KitError("sheets.no_header_file", file=str(path))
    return _load(path, path.stat().st_mtime_ns)


def _spec(code: str, raw: dict[str, Any], k: int | None = None) -> Spec:
    def fill(text: str) -> str:
        return text.format(k=k) if k is not None else text

    return Spec(code, fill(raw["zh"]), fill(raw["en"]), tuple(fill(a) for a in raw.get("also", ())),
                raw.get("values", ""), raw.get("personal", ""))  # fmt: skip


def audit_specs(params: Params) -> list[Spec]:
    """Every column of the audit sheet, in the unit table's order (docs/tables.md), then notes."""
    data = header_data()["audit"]
    cols, parity, findings = data["columns"], data["parity"], data.get("findings", {})
    specs = []
    for code in [*layout(params).columns, *OPTIONAL_COLUMNS]:
        if code in cols:
            specs.append(_spec(code, cols[code]))
        elif m := _PARITY.match(code):
            specs.append(_spec(code, parity[m.group(1)], int(m.group(2))))
        elif code in findings:
            specs.append(_spec(code, findings[code]))
        else:  # a finding code new in the parameters: its rule name serves as the header
            specs.append(Spec(code, params.get(code).name("zh"), params.get(code).name("en")))
    return specs


def _cell_words(col: Column) -> str:
    """The `values` kind of a household column's cells: flags yes_no, a category its own words."""
    return "yes_no" if col.dtype == "bool" else col.field if col.dtype == "category" else ""


def roster_specs() -> list[Spec]:
    """Every column of the household roster: the household table's columns as declared
    (jihua_kit/tables/columns.py), with the personal columns after `personal_after`."""
    data = header_data()["roster"]
    extra, personal, after = data.get("columns") or {}, data.get("personal") or {}, data.get("personal_after")
    specs = []
    for col in household_columns():
        if not col.sheet:
            continue
        raw = extra.get(col.name, {})
        also = tuple(raw.get("also", ()))
        specs.append(Spec(col.name, col.zh, col.en, also, raw.get("values", _cell_words(col))))
        if col.name == after:
            specs += [_spec(code, raw) for code, raw in personal.items()]
    return specs


def roster_label(code: str, lang: str) -> str:
    """The roster header of column `code` in `lang` ('zh' or 'en')."""
    spec = next(s for s in roster_specs() if s.code == code)
    return spec.zh if lang == "zh" else spec.en


def value_words(kind: str) -> dict[str, Any]:
    """Folded word -> canonical value for one `values` kind (e.g. '是' -> True for yes_no)."""
    table = header_data()["values"][kind]
    return {fold(word): value for value, words in table.items() for word in words}


def offered_words(kind: str) -> list[str]:
    """The first word of each value: what templates offer in drop-down lists."""
    return [str(words[0]) for words in header_data()["values"][kind].values()]


class Headers:
    """Header text -> column code for one sheet kind."""

    def __init__(
        self, specs: list[Spec], parity: dict[str, Any] | None = None, code_like: re.Pattern = AUDIT_CODE_LIKE
    ):
        self.specs = {s.code: s for s in specs}
        self.code_like = code_like
        self.names: dict[str, str] = {}
        for s in specs:
            for name in (s.code, s.zh, s.en, *s.also):
                self.names.setdefault(fold(name), s.code)
        self.patterns: list[tuple[re.Pattern, str]] = []
        for prefix, raw in (parity or {}).items():  # parity columns of any k (a high k may be all zeros)
            for text in (raw["zh"], raw["en"]):
                parts = [re.escape(fold(p)) for p in text.split("{k}")]
                self.patterns.append((re.compile("^" + r"(\d+)".join(parts) + "$"), prefix))

    def code(self, text: Any) -> str | None:
        """The column code of a header cell, or None when it is not one of ours."""
        if text is None or str(text).strip() == "":
            return None
        raw = unicodedata.normalize("NFKC", str(text)).strip()
        if _PARITY.match(raw):
            return raw
        key = fold(raw)
        if key in self.names:
            return self.names[key]
        for pattern, prefix in self.patterns:
            if m := pattern.match(key):
                return f"{prefix}_{int(m.group(1))}"
        if m := _TRAILING_CODE.match(raw):
            inner = m.group(2).strip()
            if _PARITY.match(inner):
                return inner
            if fold(inner) in self.names:
                return self.names[fold(inner)]
        return None

    def looks_like_code(self, text: Any) -> bool:
        """A header that is not ours but is written like one of our codes (a typo, or an unknown finding)."""
        raw = unicodedata.normalize("NFKC", str(text or "")).strip()
        m = _TRAILING_CODE.match(raw)
        return bool(self.code_like.match(raw) or (m and self.code_like.match(m.group(2).strip())))


def audit_headers(params: Params) -> Headers:
    return Headers(audit_specs(params), header_data()["audit"]["parity"], AUDIT_CODE_LIKE)


def roster_headers() -> Headers:
    return Headers(roster_specs(), None, ROSTER_CODE_LIKE)
