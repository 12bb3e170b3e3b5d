"""Rendering of a unit explanation: plain text, HTML (for notebooks), DataFrame and JSON."""

from __future__ import annotations

import json
from html import escape
from itertools import groupby
from typing import Any

import pandas as pd

from jihua_kit.core.i18n import t
from jihua_kit.core.textfmt import code_label, format_number, list_sep
from jihua_kit.explanations.household_render import basis_html
from jihua_kit.params.store import load_parameters

FRAME_COLUMNS = ("id", "name", "detail", "arithmetic", "points", "section")


class Rendering:
    """Mixin for `UnitExplanation` (its fields: unit, lines, zero_ids, flags, consequences,
    ladder, figures, readings, record, lang)."""

    def _t(self, key: str, **kw: Any) -> str:
        return t(key, self.lang, **kw)

    def __repr__(self) -> str:
        return self.to_text()

    def _colon(self) -> str:
        return "：" if self.lang == "zh" else ": "

    def _paren(self, text: str) -> str:
        return f"（{text}）" if self.lang == "zh" else f" ({text})"

    def title(self) -> str:
        u = self.unit
        name = u["unit_name"] or u["unit_id"]
        parts = [f"{name}{self._paren(u['unit_id'])}"]
        if u["township"]:
            parts.append(u["township"])
        parts.append(self._t(f"assess.level.{u['level']}"))
        parts.append(self._t("assess.period", period=u["period"]))
        if u["inspection_date"]:
            parts.append(self._t("assess.inspected", date=u["inspection_date"]))
        return " · ".join(parts)

    def total_text(self) -> str:
        pts = [format_number(ln.points) for ln in self.lines]
        total = self._t("assess.points", n=format_number(self.total))
        return f"{' + '.join(pts)} = {total}" if len(pts) > 1 else total

    def zero_text(self) -> str:
        """The findings with nothing found, by name: '出生人口信息错报、…'."""
        params = load_parameters().parameters
        return list_sep(self.lang).join(params[pid].name(self.lang) for pid in self.zero_ids)

    def reading_text(self, r: dict[str, str]) -> str:
        """'性别错报按2分代替1分：代替一般错报分值（RA-WRONG-SEX-INSTEAD）'."""
        return f"{r['title']}{self._colon()}{r['label']}{code_label(r['id'], self.lang)}"

    def to_text(self) -> str:
        """The explanation as plain text (for the terminal and `print`)."""
        out = [self.title(), "", self._t("assess.h.lines")]
        for pid, group in groupby(self.lines, key=lambda ln: ln.id):
            group = list(group)
            out.append(f"  {group[0].name}〔{group[0].section}〕{code_label(pid, self.lang)}")
            out += [f"    {ln.detail}{self._colon()}{ln.arithmetic}" for ln in group]
        if not self.lines:
            out.append("  " + self._t("assess.none"))
        out.append(self._t("assess.total", text=self.total_text()))
        if self.zero_ids:
            out.append(self._t("assess.zero", ids=self.zero_text()))
        out += ["", self._t("assess.h.flags")]
        for f in self.flags:
            mark = self._t("assess.yes" if f.raised else "assess.no")
            out.append(f"  [{mark}] {f.label}{self._colon()}{f.reason}〔{f.section}〕")
        if self.consequences:
            out += ["", self._t("assess.h.consequences")] + [f"  · {c}" for c in self.consequences]
        out += ["", self._t("assess.h.figures")] + [f"  {f}" for f in self.figures]
        if self.readings:
            out += ["", self._t("assess.h.readings")] + [f"  {self.reading_text(r)}" for r in self.readings]
        out += ["", self._t("assess.caveat")]
        return "\n".join(out)

    def __str__(self) -> str:
        return self.to_text()

    def to_frame(self) -> pd.DataFrame:
        """One row per deduction line; headers in the explanation's language."""
        rows = [[getattr(ln, c) for c in FRAME_COLUMNS] for ln in self.lines]
        return pd.DataFrame(rows, columns=[self._t(f"assess.col.{c}") for c in FRAME_COLUMNS])

    def to_dict(self) -> dict[str, Any]:
        """The per-unit score record plus the lines, reasons, consequences, figures and readings."""
        return {
            **self.record,
            "lang": self.lang,
            "lines": [{c: getattr(ln, c) for c in FRAME_COLUMNS} | {"figures": ln.figures} for ln in self.lines],
            "flag_reasons": {f.name: {"label": f.label, "reason": f.reason, "section": f.section} for f in self.flags},
            "consequence_notes": list(self.consequences),
            "shuangwu_ladder": list(self.ladder),
            "shuangwu_parallel": list(self.parallel),
            "figures": list(self.figures),
            "readings": list(self.readings),
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_html(self) -> str:
        """An HTML fragment (tables and lists) for notebooks and the app; the rule code is a small
        label after the finding's name."""
        e = escape
        shown = FRAME_COLUMNS[1:]
        head = "".join(f"<th>{e(self._t(f'assess.col.{c}'))}</th>" for c in shown)

        def cell(ln: Any, c: str) -> str:
            if c == "name":
                return f"<td>{e(ln.name)} <small class='jk-code' style='color:#888'>{e(ln.id)}</small></td>"
            return f"<td>{e(str(getattr(ln, c)) if c != 'points' else format_number(ln.points))}</td>"

        body = "".join("<tr>" + "".join(cell(ln, c) for c in shown) + "</tr>" for ln in self.lines)
        parts = [f"<div class='jihua-assessment' lang='{self.lang}'>", f"<h4>{e(self.title())}</h4>"]
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        parts.append(f"<p><b>{e(self._t('assess.total', text=self.total_text()))}</b></p>")
        flags = "".join(
            f"<li>[{e(self._t('assess.yes' if f.raised else 'assess.no'))}] <b>{e(f.label)}</b>{e(self._colon())}"
            f"{e(f.reason)} 〔{e(f.section)}〕</li>"
            for f in self.flags
        )
        parts.append(f"<p>{e(self._t('assess.h.flags'))}</p><ul>{flags}</ul>")
        if self.consequences:
            items = "".join(f"<li>{e(c)}</li>" for c in self.consequences)
            parts.append(f"<p>{e(self._t('assess.h.consequences'))}</p><ul>{items}</ul>")
        figs = "".join(f"<li>{e(f)}</li>" for f in self.figures)
        parts.append(f"<details><summary>{e(self._t('assess.h.figures'))}</summary><ul>{figs}</ul></details>")
        if self.zero_ids:
            parts.append(f"<p>{e(self._t('assess.zero', ids=self.zero_text()))}</p>")
        if self.readings:
            reads = "".join(f"<li>{e(self.reading_text(r))}</li>" for r in self.readings)
            parts.append(f"<p>{e(self._t('assess.h.readings'))}</p><ul>{reads}</ul>")
        parts.append(f"<p><i>{e(self._t('assess.caveat'))}</i></p></div>")
        return "".join(parts)

    def to_trainee_html(self) -> str:
        """The trainee's view: findings by name with what was found, the arithmetic and the points;
        rule IDs with their sections, the figures and the readings in the collapsed 依据 part."""
        e = escape
        cols = [self._t("trainee.col.finding")]
        cols += [self._t(f"assess.col.{c}") for c in ("detail", "arithmetic", "points")]
        head = "".join(f"<th>{e(c)}</th>" for c in cols)
        body = "".join(
            f"<tr><td><b>{e(ln.name)}</b></td><td>{e(str(ln.detail))}</td><td>{e(str(ln.arithmetic))}</td>"
            f"<td>{format_number(ln.points)}</td></tr>"
            for ln in self.lines
        )
        parts = [f"<div class='jihua-assessment jihua-trainee' lang='{self.lang}'>", f"<h4>{e(self.title())}</h4>"]
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>" if self.lines
                     else f"<p>{e(self._t('assess.none'))}</p>")  # fmt: skip
        parts.append(f"<p><b>{e(self._t('assess.total', text=self.total_text()))}</b></p>")
        flags = "".join(
            f"<li>[{e(self._t('assess.yes' if f.raised else 'assess.no'))}] <b>{e(f.label)}</b>: {e(f.reason)}</li>"
            for f in self.flags
        )
        parts.append(f"<p>{e(self._t('assess.h.flags'))}</p><ul>{flags}</ul>")
        if self.consequences:
            items = "".join(f"<li>{e(c)}</li>" for c in self.consequences)
            parts.append(f"<p>{e(self._t('assess.h.consequences'))}</p><ul>{items}</ul>")
        seen, rules = set(), []
        for ln in self.lines:
            if ln.id not in seen:
                seen.add(ln.id)
                rules.append(f"<tr><td>{e(ln.name)}</td><td>{e(ln.id)}</td><td>{e(ln.section)}</td></tr>")
        rules += [f"<tr><td>{e(f.label)}</td><td>{e(f.name)}</td><td>{e(f.section)}</td></tr>" for f in self.flags]
        basis = [f"<table><tr><th>{e(cols[0])}</th><th>{e(self._t('assess.col.id'))}</th>"
                 f"<th>{e(self._t('assess.col.section'))}</th></tr>{''.join(rules)}</table>"]  # fmt: skip
        figures = "".join(f"<li>{e(f)}</li>" for f in self.figures)
        basis.append(f"<p>{e(self._t('assess.h.figures'))}</p><ul>{figures}</ul>")
        if self.readings:
            reads = "".join(f"<li>{e(r['id'])} {e(r['title'])}: {e(r['label'])}</li>" for r in self.readings)
            basis.append(f"<p>{e(self._t('assess.h.readings'))}</p><ul>{reads}</ul>")
        parts.append(basis_html(self.lang, "".join(basis)))
        parts.append(f"<p><i>{e(self._t('assess.caveat'))}</i></p></div>")
        return "".join(parts)

    def _repr_html_(self) -> str:
        return self.to_html()
