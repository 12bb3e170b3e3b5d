"""The household table's columns, declared once: name, type, default, group, Chinese and English label.

Everything else is derived from `DECLARED`: the validation of household tables
(`tables/households.py`), the simulation's event arrays (`simulation/household_arrays.py`), the
roster sheet's headers (`sheets/headers.py`), the calculator form's inputs
(`course/household_form.py`) and the column table of `docs/tables.md` (`docs_table`, checked by
tests/test_columns.py). A parent column is declared once for both parents (`p{p}_…`, labels with
`{parent}` / `{Parent}`), a child column once for every slot (`c{k}_…`, labels with `{k}`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

SLOTS = (1, 2, 3, 4)  # the child slots' numbers: c1_ … c4_
N_SLOTS = len(SLOTS)  # how many child slots a household has (the simulation's array height)
PARENTS = (1, 2)  # p1 = mother, p2 = father
PARENT_NAMES = {1: ("母亲", "Mother"), 2: ("父亲", "Father")}
DTYPES = ("str", "category", "bool", "int")
GROUPS = ("household", "parent", "child", "event")


@dataclass(frozen=True)
class Column:
    """One column (or, in `DECLARED`, one column per parent or per child slot)."""

    name: str
    dtype: str  # one of DTYPES
    default: Any  # the value when the column is left out: nothing recorded
    group: str  # one of GROUPS
    zh: str  # Chinese label (the roster sheet's header)
    en: str  # English label
    meaning: str = ""  # the docs/tables.md description
    choices: tuple[str, ...] = ()  # a category's values, in code order
    required: bool = False  # a household table must have the column
    bound: str = ""  # the TR-CASE-BOUNDS key of the column's largest value
    array: str = ""  # an event's numpy dtype in the simulation's arrays
    sheet: bool = True  # the roster sheet has a column for it
    index: int = 0  # the parent (1, 2) or child slot (1 … 4) of an expanded column

    @property
    def field(self) -> str:
        """The name without its parent or slot prefix ('age' of 'c3_age'), or without 'ev_'."""
        return self.name.split("_", 1)[1] if self.group in ("parent", "child", "event") else self.name


def _h(name: str, dtype: str, default: Any, zh: str, en: str, meaning: str = "", **kw: Any) -> Column:
    return Column(name, dtype, default, "household", zh, en, meaning, **kw)


def _p(field: str, dtype: str, default: Any, zh: str, en: str, meaning: str = "", **kw: Any) -> Column:
    return Column(f"p{{p}}_{field}", dtype, default, "parent", zh, en, meaning, **kw)


def _c(field: str, dtype: str, default: Any, zh: str, en: str, meaning: str = "", **kw: Any) -> Column:
    return Column(f"c{{k}}_{field}", dtype, default, "child", zh, en, meaning, **kw)


def _e(field: str, dtype: str, zh: str, en: str, meaning: str, array: str = "", **kw: Any) -> Column:
    default = False if dtype == "bool" else 0
    return Column(f"ev_{field}", dtype, default, "event", zh, en, meaning, array=array or dtype, **kw)


DECLARED: tuple[Column, ...] = (
    _h("household_id", "str", "", "户编号", "Household ID", "unique id", required=True),
    _h("village", "str", "", "村（居）", "Village", "village (村(居)) name or code; may be empty"),
    _h("township", "str", "", "乡镇", "Township", "township; may be empty"),
    _h("residence", "category", "rural", "户籍", "Residence", choices=("rural", "urban"), required=True),
    _h("household_type", "category", "other", "户别", "Household type", "as registered (独生子女户 / 二女户)",
       choices=("one_child", "two_daughter", "other"), required=True),
    _h("urban_dibao", "bool", False, "享受城镇低保", "Urban dibao", "urban household on 城镇低保"),
    _h("method", "category", "none", "已落实的长效措施", "Long-term method", "long-term method in place (R7)",
       choices=("sterilization", "long_term", "none")),
    _p("age", "int", 0, "{parent}年龄", "{Parent}'s age", "whole years (R6)", required=True, bound="age_max"),
    _p("alive", "bool", True, "{parent}在世", "{Parent} alive"),
    _p("state_employee", "bool", False, "{parent}为机关企事业单位职工", "{Parent} is a state employee",
       "state organ / enterprise / institution employee"),
    _c("present", "bool", False, "子女{k}在册", "Child {k} present", "slot K holds a child (K = 1..4)",
       sheet=False),
    _c("age", "int", 0, "子女{k}年龄", "Child {k} age", "0 when absent", bound="age_max"),
    _c("sex", "category", "", "子女{k}性别", "Child {k} sex", "empty when absent", choices=("F", "M", "")),
    _c("alive", "bool", False, "子女{k}在世", "Child {k} alive", "False when absent"),
    _c("disabled", "bool", False, "子女{k}伤残", "Child {k} disabled"),
    _e("late_marriage", "bool", "当年晚婚", "Late marriage this year", "a late marriage in the year"),
    _e("late_first_birth", "bool", "当年晚育", "Late first birth this year", "a late first birth in the year"),
    _e("gave_up_second", "bool", "当年放弃政策内二孩", "Gave up a second child this year",
       "gave up an in-policy second child this year"),
    _e("postpone_years", "int", "推迟二孩生育年数", "Years a second child was postponed",
       "whole years a second child was postponed (0 = none)", array="int16", bound="postpone_max"),
    _e("long_term_adopted", "bool", "当年落实长效措施", "Long-term method adopted this year",
       "a long-term method was adopted this year"),
    _e("college_child", "int", "当年考入高校的子女序号", "Child admitted to college (number)",
       "slot (1..4) of the child admitted to college this year, 0 = none", array="int8"),
    _e("college_tier", "int", "录取档次", "College tier", "1..4 (一本 / 二本 / 三本 / 高职专科), 0 = none",
       array="int8"),
    _e("graduate_child", "int", "参加县内招考的毕业子女序号", "Graduate child sitting a county exam (number)",
       "slot of a full-time 专科-or-higher graduate sitting a county exam, 0 = none", array="int8"),
    _e("spouse_died", "bool", "当年夫妻一方去世", "A spouse died this year",
       "one spouse died this year (that parent's `_alive` is False)"),
    _e("child_died", "int", "当年去世的子女序号", "Child who died this year (number)",
       "slot of a child who died this year, 0 = none", array="int8"),
    _e("only_child_disabled", "bool", "独生子女当年伤残", "Only child disabled this year",
       "the only child became disabled this year"),
    _e("member_disabled", "int", "当年伤残的其他家庭成员人数", "Other members disabled this year",
       "number of other members who became disabled this year", array="int8", bound="member_disabled_max"),
    _e("postpone_running", "bool", "往年约定的推迟二孩期今年仍在进行",
       "A postponement agreed earlier still runs this year",
      "a postponement agreed in an earlier year still runs this year (paid only under `RA-POSTPONE-PAYMENT = yearly`)"),
)  # fmt: skip


def _fill(col: Column, index: int, **names: Any) -> Column:
    def fill(text: str) -> str:
        return text.format(**names)

    return replace(col, name=fill(col.name), zh=fill(col.zh), en=fill(col.en), index=index)


def expand(declared: tuple[Column, ...] | None = None) -> tuple[Column, ...]:
    """The table's columns in order: parent columns for p1 then p2, child columns slot by slot."""
    declared = DECLARED if declared is None else declared
    out: list[Column] = []
    for group in GROUPS:
        rows = [c for c in declared if c.group == group]
        if group == "parent":
            for p in PARENTS:
                zh, en = PARENT_NAMES[p]
                out += [_fill(c, p, p=p, parent=zh, Parent=en) for c in rows]
        elif group == "child":
            for k in SLOTS:
                out += [_fill(c, k, k=k) for c in rows]
        else:
            out += rows
    return tuple(out)


def household_columns() -> tuple[Column, ...]:
    """The household table's columns, from the declaration as it stands."""
    return expand(DECLARED)


def _doc_type(col: Column) -> str:
    if col.dtype == "category":
        return "category " + " / ".join(f"`{c}`" for c in col.choices)
    return col.dtype


def _doc_name(col: Column) -> str:
    if col.group == "parent":
        return ", ".join(f"`{col.name.format(p=p)}`" for p in PARENTS)
    if col.group == "child":
        return f"`{col.name.format(k='K')}`"
    return f"`{col.name}`"


def docs_table(declared: tuple[Column, ...] | None = None) -> str:
    """The column table of docs/tables.md ("Household table"), one row per declared column."""
    declared = DECLARED if declared is None else declared
    rows = ["| column | dtype | meaning |", "|---|---|---|"]
    for group in GROUPS:
        for c in (c for c in declared if c.group == group):
            rows.append(f"| {_doc_name(c)} | {_doc_type(c)} | {c.meaning}".rstrip() + " |")
    return "\n".join(rows) + "\n"


DOCS_START = "<!-- generated from jihua_kit/tables/columns.py: python -m jihua_kit.tables.columns docs/tables.md -->"
DOCS_END = "<!-- end of the generated household columns -->"


def with_docs_table(text: str, declared: tuple[Column, ...] | None = None) -> str:
    """`text` (docs/tables.md) with the part between DOCS_START and DOCS_END generated anew."""
    head, start, rest = text.partition(DOCS_START)
    _, end, tail = rest.partition(DOCS_END)
    if not start or not end:
        raise ValueError("the household column markers are missing")
    return f"{head}{DOCS_START}\n{docs_table(declared)}{DOCS_END}{tail}"


if __name__ == "__main__":  # rewrite the generated table of the docs file named
    import sys
    from pathlib import Path

    docs = Path(sys.argv[1])
    docs.write_text(with_docs_table(docs.read_text(encoding="utf-8")), encoding="utf-8")
