"""Rendering of a household explanation and of a comparison: plain text (CLI), HTML (notebooks),
DataFrame and JSON. Mixins for `explain.Explanation` and `explain.Comparison`; no rule logic here.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

import pandas as pd

from jihua_kit.core.i18n import t
from jihua_kit.core.textfmt import clause_sep, code_label, format_number, named, table
from jihua_kit.params.figures import amount_text, figure_text

FRAME_COLUMNS = (
    "id", "name", "kind", "received", "min", "max", "persons", "points", "condition_or_reason",
    "arithmetic", "figures", "readings", "section",
)  # fmt: skip


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else float(x)


def money(low: float, high: float, kind: str, lang: str, points: float = 0) -> str:
    """'7,200 元/年', '15,000–30,000 元', '+20 分（不是钱）'."""
    if kind == "non_monetary":
        return t("ent.points", lang, points=format_number(points))
    text = amount_text(low, high, "yuan", lang)
    return t("ent.per_year", lang, amount=text) if kind == "annual" else text


def reading_text(r: Any, lang: str) -> str:
    """'60周岁起（RA-PENSION-AGE）', with '（非默认）' when the option is not the default."""
    note = "" if r.default else t("ent.not_default", lang)
    return f"{r.label}{note}{code_label(r.id, lang)}"


def readings_text(line: Any, lang: str) -> str:
    return clause_sep(lang).join(reading_text(r, lang) for r in line.readings)


def figures_text(line: Any, lang: str) -> str:
    """The figures a line used; its own rule's figures without the name (the line gives it)."""
    return clause_sep(lang).join(figure_text(f, lang, with_name=f.id != line.id) for f in line.figures)


def code_html(code: str) -> str:
    """The rule code as a small grey label after a name (class jk-code: tests/trainee_text.py)."""
    return f" <small class='jk-code' style='color:#888'>{escape(code)}</small>"


def changes_text(changes: dict[str, str], lang: str) -> str:
    """'65周岁起（RA-PENSION-AGE=age65）' for each reading changed from its default."""
    from jihua_kit.params.store import load_parameters

    readings = load_parameters().readings
    parts = [f"{readings[k].option(v).label(lang)}{code_label(f'{k}={v}', lang)}" for k, v in changes.items()]
    return clause_sep(lang).join(parts)


def basis_html(lang: str, body: str) -> str:
    """The collapsed 依据 part of a trainee's result: rule IDs, figures with their sections, readings.
    Closed until the trainee opens it (a plain <details>, no script)."""
    return f"<details class='jihua-basis'><summary>{escape(t('trainee.basis', lang))}</summary>{body}</details>"


def _rows(cells: list[list[str]]) -> str:
    return "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in cells)


def _head(names: list[str]) -> str:
    return "<tr>" + "".join(f"<th>{escape(n)}</th>" for n in names) + "</tr>"


class Rendering:
    """Text, HTML, DataFrame and JSON for an `Explanation`."""

    def _t(self, key: str, **kw: Any) -> str:
        return t(key, self.lang, **kw)

    def heading(self) -> str:
        """'本户的优待（提标后）——农村独生子女户，父母已满60周岁': the case's title, never its file name."""
        head = self._t("ent.title", scenario=self._t(f"scenario.{self.scenario}"))
        dash = "——" if self.lang == "zh" else " — "
        return f"{head}{dash}{self.title}" if self.title else head

    def _changes(self) -> str:
        if not self.readings_changed:
            return ""
        return self._t("ent.readings_changed", changes=changes_text(self.readings_changed, self.lang))

    def total_rows(self) -> list[tuple[str, str]]:
        tot = self.totals
        rows = [(self._t(f"ent.total.{kind}"), money(tot[kind]["min"], tot[kind]["max"], kind, self.lang))
                for kind in ("one_time", "annual")]  # fmt: skip
        if tot["points"]:
            rows.append((self._t("ent.total.points"), money(0, 0, "non_monetary", self.lang, tot["points"])))
        return rows

    def to_text(self) -> str:
        colon = "：" if self.lang == "zh" else ": "
        out = [self.heading()]
        if self._changes():
            out.append(self._changes())
        out += ["", self._t("ent.received")]
        if not self.received:
            out.append("  " + self._t("ent.none_received"))
        for line in self.received:
            kind = self._t(f"kind.{line.kind}")
            amount = money(line.low, line.high, line.kind, self.lang, line.points)
            out.append(f"{named(line.name, line.id, self.lang)} · {kind} · {amount}")
            out.append(f"  {self._t('ent.label.condition')}{colon}{line.text}")
            if line.arithmetic:
                out.append(f"  {self._t('ent.label.arithmetic')}{colon}{line.arithmetic}")
            out.append(f"  {self._t('ent.label.figures')}{colon}{figures_text(line, self.lang)}")
            if line.readings:
                out.append(f"  {self._t('ent.label.readings')}{colon}{readings_text(line, self.lang)}")
        out.append("")
        out += [f"{label}{colon}{value}" for label, value in self.total_rows()]
        out += ["", self._t("ent.not_received")]
        rows = [(named(line.name, line.id, self.lang), line.text) for line in self.not_received]
        out.append(table([self._t("ent.col.name"), self._t("ent.label.reason")], rows))
        out += ["", self._t("params.detail.caveat")]
        return "\n".join(out)

    def __str__(self) -> str:
        return self.to_text()

    def to_dict(self) -> dict[str, Any]:
        tot = self.totals
        return {
            "household": self.household,
            "title": self.title,
            "scenario": self.scenario,
            "lang": self.lang,
            "readings_changed": dict(self.readings_changed),
            "one_time": {"min": _num(tot["one_time"]["min"]), "max": _num(tot["one_time"]["max"])},
            "annual": {"min": _num(tot["annual"]["min"]), "max": _num(tot["annual"]["max"])},
            "exam_points": _num(tot["points"]),
            "items": [self._item(line) for line in self.received],
            "not_received": [
                {"id": line.id, "name": line.name, "kind": line.kind, "reason": line.text,
                 "reason_key": line.reason_key, "readings": [self._reading(r) for r in line.readings]}
                for line in self.not_received
            ],
        }  # fmt: skip

    @staticmethod
    def _reading(r: Any) -> dict[str, Any]:
        return {"id": r.id, "title": r.title, "option": r.option, "label": r.label, "default": r.default}

    def _item(self, line: Any) -> dict[str, Any]:
        return {
            "id": line.id, "name": line.name, "kind": line.kind,
            "min": _num(line.low), "max": _num(line.high), "persons": line.persons, "points": _num(line.points),
            "condition": line.text, "arithmetic": line.arithmetic, "section": line.section,
            "figures": [{"id": f.id, "key": f.key, "min": _num(f.low), "max": _num(f.high), "unit": f.unit,
                         "section": f.section} for f in line.figures],
            "readings": [self._reading(r) for r in line.readings],
        }  # fmt: skip

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_frame(self) -> pd.DataFrame:
        """One row per E-* ID (received or not), in display order."""
        rows = [
            (line.id, line.name, line.kind, line.received, line.low, line.high, line.persons, line.points,
             line.text, line.arithmetic, clause_sep(self.lang).join(figure_text(f, self.lang) for f in line.figures),
             readings_text(line, self.lang), line.section)
            for line in self.lines
        ]  # fmt: skip
        return pd.DataFrame(rows, columns=list(FRAME_COLUMNS))

    def to_html(self) -> str:
        heads = self._t("ent.header").split("|")
        cell = lambda x: f"<td>{escape(str(x))}</td>"  # noqa: E731
        name = lambda line: f"<td>{escape(line.name)}{code_html(line.id)}</td>"  # noqa: E731
        got = "".join(
            f"<tr>{name(line)}{cell(self._t('kind.' + line.kind))}"
            f"{cell(money(line.low, line.high, line.kind, self.lang, line.points))}<td>{escape(line.text)}"
            f"<br><small>{escape(line.arithmetic)}</small><br><small>"
            f"{escape(figures_text(line, self.lang))}</small><br><small>"
            f"{escape(readings_text(line, self.lang))}</small></td></tr>"
            for line in self.received
        )
        totals = "".join(f"<tr><th colspan='2'>{escape(a)}</th><th colspan='2'>{escape(b)}</th></tr>"
                         for a, b in self.total_rows())  # fmt: skip
        missed = "".join(f"<tr>{name(line)}{cell(line.text)}</tr>" for line in self.not_received)
        head = "".join(f"<th>{escape(h)}</th>" for h in heads)
        changes = f"<p>{escape(self._changes())}</p>" if self._changes() else ""
        return (
            f"<div class='jihua-explain'><h4>{escape(self.heading())}</h4>{changes}"
            f"<table><caption>{escape(self._t('ent.received'))}</caption><tr>{head}</tr>{got}{totals}</table>"
            f"<table><caption>{escape(self._t('ent.not_received'))}</caption>"
            f"<tr><th>{escape(heads[0])}</th><th>{escape(self._t('ent.label.reason'))}</th>"
            f"</tr>{missed}</table><p><small>{escape(self._t('params.detail.caveat'))}</small></p></div>"
        )

    def to_trainee_html(self) -> str:
        """The trainee's view: benefit names lead (amount, condition, arithmetic); rule IDs, figures
        with their sections and readings wait in the collapsed 依据 part, right below the amounts;
        then what the household does not get, and why."""
        heads = self._t("ent.header").split("|")
        sep = "；" if self.lang == "zh" else "; "
        got = "".join(
            f"<tr><td><b>{escape(line.name)}</b></td><td>{escape(self._t('kind.' + line.kind))}</td>"
            f"<td>{escape(money(line.low, line.high, line.kind, self.lang, line.points))}</td>"
            f"<td>{escape(line.text)}<br><small>{escape(line.arithmetic)}</small></td></tr>"
            for line in self.received
        )
        totals = "".join(f"<tr><th colspan='2'>{escape(a)}</th><th colspan='2'>{escape(b)}</th></tr>"
                         for a, b in self.total_rows())  # fmt: skip
        missed = _rows([[line.name, line.text] for line in self.not_received])
        got_basis = _head([self._t("trainee.col.benefit"), self._t("trainee.col.code"), self._t("trainee.col.figures"),
                           self._t("ent.label.readings")])  # fmt: skip
        got_basis += _rows([[line.name, line.id, sep.join(figure_text(f, self.lang) for f in line.figures),
                             readings_text(line, self.lang) or "—"] for line in self.received])  # fmt: skip
        missed_basis = _head([self._t("trainee.col.benefit"), self._t("trainee.col.code")])
        missed_basis += _rows([[line.name, line.id] for line in self.not_received])
        basis = (f"<table><caption>{escape(self._t('ent.received'))}</caption>{got_basis}</table>"
                 f"<table><caption>{escape(self._t('ent.not_received'))}</caption>{missed_basis}</table>")  # fmt: skip
        changes = f"<p>{escape(self._changes())}</p>" if self._changes() else ""
        return (
            f"<div class='jihua-explain jihua-trainee'><h4>{escape(self.heading())}</h4>{changes}"
            f"<table><caption>{escape(self._t('ent.received'))}</caption>"
            f"{_head([self._t('trainee.col.benefit'), heads[1], heads[2], self._t('ent.label.condition')])}"
            f"{got}{totals}</table>{basis_html(self.lang, basis)}"
            f"<table><caption>{escape(self._t('ent.not_received'))}</caption>"
            f"{_head([self._t('trainee.col.benefit'), self._t('ent.label.reason')])}{missed}</table>"
            f"<p><small>{escape(self._t('params.detail.caveat'))}</small></p></div>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return self.to_text()


class CompareRendering:
    """Text, HTML, DataFrame and JSON for a `Comparison` (fields a, b; properties rows, totals)."""

    def _labels(self) -> tuple[str, str]:
        lang = self.a.lang

        def name(e: Any) -> str:
            if not e.readings_changed:
                return t(f"scenario.{e.scenario}", lang)
            return t("ent.compare.changed", lang, scenario=t(f"scenario.{e.scenario}", lang),
                     changes=changes_text(e.readings_changed, lang))  # fmt: skip

        return name(self.a), name(self.b)

    def _who(self) -> str:
        return self.a.title or t("ent.this_household", self.a.lang)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows)

    def to_dict(self) -> dict[str, Any]:
        tot = self.totals
        return {
            "household": self.a.household,
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
            "difference": {
                "one_time": {k: _num(v) for k, v in tot["one_time"].items()},
                "annual": {k: _num(v) for k, v in tot["annual"].items()},
                "exam_points": _num(tot["points"]),
                "items": [{k: (_num(v) if isinstance(v, float) else v) for k, v in r.items()} for r in self.rows],
            },
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def _table_rows(self) -> list[tuple[str, ...]]:
        lang = self.a.lang
        rows = []
        for r in self.rows:
            if not (r["a_max"] or r["b_max"] or r["a_points"] or r["b_points"]):
                continue
            kind = r["kind"]
            a = money(r["a_min"], r["a_max"], kind, lang, r["a_points"]) if (r["a_max"] or r["a_points"]) else "—"
            b = money(r["b_min"], r["b_max"], kind, lang, r["b_points"]) if (r["b_max"] or r["b_points"]) else "—"
            pts = kind == "non_monetary"
            diff = _signed(r["diff_points"], r["diff_points"]) if pts else _signed(r["diff_min"], r["diff_max"])
            rows.append((r["id"], r["name"], t(f"kind.{kind}", lang), a, b, diff))
        tot = self.totals
        for kind in ("one_time", "annual"):
            ta, tb = self.a.totals[kind], self.b.totals[kind]
            a, b = money(ta["min"], ta["max"], kind, lang), money(tb["min"], tb["max"], kind, lang)
            rows.append(("", t(f"ent.total.{kind}", lang), "", a, b, _signed(tot[kind]["min"], tot[kind]["max"])))
        return rows

    def to_text(self) -> str:
        lang = self.a.lang
        la, lb = self._labels()
        head = t("ent.compare.title", lang, household=self._who(), a=la, b=lb)
        rows = [(named(n, i, lang) if i else n, *rest) for i, n, *rest in self._table_rows()]
        return f"{head}\n\n{table(t('ent.compare.header', lang, a=la, b=lb).split('|'), rows)}"

    def __str__(self) -> str:
        return self.to_text()

    def to_html(self) -> str:
        lang = self.a.lang
        la, lb = self._labels()
        heads = "".join(f"<th>{escape(h)}</th>" for h in t("ent.compare.header", lang, a=la, b=lb).split("|"))
        body = "".join(
            f"<tr><td>{escape(n)}{code_html(i) if i else ''}</td>"
            + "".join(f"<td>{escape(c)}</td>" for c in rest)
            + "</tr>"
            for i, n, *rest in self._table_rows()
        )
        title = escape(t("ent.compare.title", lang, household=self._who(), a=la, b=lb))
        return f"<div class='jihua-compare'><h4>{title}</h4><table><tr>{heads}</tr>{body}</table></div>"

    def to_trainee_html(self) -> str:
        """The comparison for a trainee: benefit names lead; rule IDs in the collapsed 依据 part."""
        lang = self.a.lang
        la, lb = self._labels()
        heads = t("ent.compare.header", lang, a=la, b=lb).split("|")
        rows = self._table_rows()
        body = "".join(f"<tr><td><b>{escape(r[1])}</b></td>" + "".join(f"<td>{escape(c)}</td>" for c in r[2:]) + "</tr>"
                       for r in rows)  # fmt: skip
        title = escape(t("ent.compare.title", lang, household=self._who(), a=la, b=lb))
        basis = _head([t("trainee.col.benefit", lang), t("trainee.col.code", lang)])
        basis += _rows([[r[1], r[0]] for r in rows if r[0]])
        return (
            f"<div class='jihua-compare jihua-trainee'><h4>{title}</h4>"
            f"<table>{_head([t('trainee.col.benefit', lang), *heads[1:]])}{body}</table>"
            f"{basis_html(lang, f'<table>{basis}</table>')}</div>"
        )

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        return self.to_html()


def _signed(low: float, high: float) -> str:
    def one(x: float) -> str:
        return ("+" if x > 0 else "−" if x < 0 else "±") + format_number(abs(x))

    return one(low) if low == high else f"{one(low)} … {one(high)}"
