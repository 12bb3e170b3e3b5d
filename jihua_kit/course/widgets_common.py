"""Shared pieces of the kit's calculators: field specs, a labelled form, errors shown in place, reset.

The top half is plain Python (no ipywidgets): `Field` describes one input, `error_html` turns a
`KitError` into the Chinese message a trainee sees, `safe_html` runs a renderer and returns that
message instead of raising. The bottom half builds ipywidgets from `Field`s; ipywidgets is
imported there only, so callbacks and tests can use the plain functions without it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from typing import Any

from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import t

__all__ = [
    "Field", "WidgetApp", "build_form", "error_html", "field_labels", "form_values", "labelled", "optional_int",
    "pending_html", "reset_form", "safe_html", "set_form_values",
]  # fmt: skip

KINDS = ("int", "optint", "bool", "choice", "text")  # optint: a number that starts blank (None)
_WHOLE = re.compile(r"-?[0-9]+")


@dataclass(frozen=True)
class Field:
    """One input of a form.

    `key` is the value's name (for the household form: the case-format path, so a `KitError`'s
    `field` finds the input it names). `label` is a message key, formatted with `label_args`;
    `choices` are (message key of the option's label, value) pairs for kind "choice". With
    `literal`, the label and the choice labels are already text (e.g. from readings.yaml).
    """

    key: str
    label: str
    kind: str
    default: Any
    choices: tuple[tuple[str, Any], ...] = ()
    label_args: Mapping[str, Any] = field(default_factory=dict)
    group: str = ""
    literal: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"field kind must be one of {KINDS}, not {self.kind!r}")

    def text(self, lang: str = "zh") -> str:
        """The label in `lang`."""
        return self.label if self.literal else t(self.label, lang, **self.label_args)

    def options(self, lang: str = "zh") -> list[tuple[str, Any]]:
        """(label, value) pairs of a choice field."""
        return [(key if self.literal else t(key, lang), value) for key, value in self.choices]


def field_labels(fields: Iterable[Field], lang: str = "zh", prefix: Mapping[str, str] | None = None) -> dict[str, str]:
    """key -> the label a trainee reads on the form (with its group, e.g. '第2个孩子 · 年龄')."""
    prefix = prefix or {}
    out = {}
    for f in fields:
        head = prefix.get(f.group, "")
        out[f.key] = f"{head} · {f.text(lang)}" if head else f.text(lang)
    return out


def error_html(err: KitError, lang: str = "zh", labels: Mapping[str, str] | None = None) -> str:
    """The error as the trainee sees it: the kit's message, and the form input it concerns."""
    where, message = "", err.message(lang)
    if err.field and labels and err.field in labels:
        # The trainee knows the form's label, not the case-file key: name the input, not 'mother.age'.
        label = labels[err.field]
        message = f"{label}{'：' if lang == 'zh' else ': '}{t(err.key, lang, **err.info)}"
        where = f"<p>{escape(t('widget.error.input', lang, label=label))}</p>"
    return (
        "<div class='jihua-error' style='border-left:4px solid #c0392b;padding:0.4em 0.8em;background:#fdf0ef'>"
        f"<b>{escape(t('widget.error.title', lang))}</b><p>{escape(message)}</p>{where}"
        f"<p><small>{escape(t('widget.error.hint', lang))}</small></p></div>"
    )


def optional_int(text: Any) -> Any:
    """What a number box that may stay blank holds: None when blank, the whole number typed (ASCII
    digits, optional minus), else the text as typed (the case format then names the field)."""
    if text is None or isinstance(text, int):
        return text
    text = str(text).strip()
    if not text:
        return None
    return int(text) if _WHOLE.fullmatch(text) else text


def pending_html(title: str, lines: Iterable[str]) -> str:
    """A neutral note where the result will appear: the form is not finished (not an error)."""
    items = "".join(f"<p>{escape(line)}</p>" for line in lines)
    return (
        "<div class='jihua-pending' style='border-left:4px solid #2e6f9e;padding:0.4em 0.8em;background:#eef5fb'>"
        f"<b>{escape(title)}</b>{items}</div>"
    )


def safe_html(
    render: Callable[..., str], *args: Any, lang: str = "zh", labels: Mapping[str, str] | None = None, **kwargs: Any
) -> str:
    """`render(*args, lang=lang, **kwargs)`, or the error's message in place of a traceback."""
    try:
        return render(*args, lang=lang, **kwargs)
    except KitError as err:
        return error_html(err, lang, labels)


def internal_error_html(exc: Exception, lang: str = "zh") -> str:
    """A program error (not bad input) shown in place instead of a traceback."""
    return f"<div class='jihua-error'>{escape(t('widget.error.internal', lang, kind=type(exc).__name__))}</div>"


# --- ipywidgets (imported here only) ------------------------------------------------------------

LABEL_WIDTH = "11em"


def _widgets() -> Any:
    import ipywidgets

    return ipywidgets


def labelled(widget: Any, label: str, width: str = LABEL_WIDTH) -> Any:
    """`widget` with a Chinese label on its left that is never cut short."""
    w = _widgets()
    name = w.HTML(escape(label), layout=w.Layout(width=width, min_width=width))
    return w.HBox([name, widget], layout=w.Layout(align_items="center"))


@lru_cache(maxsize=1)
def _optional_int_text() -> type:
    """A text box for a whole number that starts blank: `.value` is the text (a number or None set
    in is written as text), `.number` what `optional_int` reads from it."""
    w = _widgets()
    from traitlets import Unicode

    class NumberText(Unicode):
        def validate(self, obj: Any, value: Any) -> str:
            if value is None:
                return ""
            if isinstance(value, int) and not isinstance(value, bool):
                return str(value)
            return super().validate(obj, value)

    class OptionalIntText(w.Text):
        value = NumberText("", help="the number as typed").tag(sync=True)

        @property
        def number(self) -> Any:
            return optional_int(self.value)

    return OptionalIntText


def _input(f: Field, lang: str) -> Any:
    w = _widgets()
    if f.kind == "int":
        return w.IntText(value=f.default, layout=w.Layout(width="8em"))
    if f.kind == "optint":
        box = _optional_int_text()(value=f.default, placeholder=t("widget.type_number", lang),
                                   continuous_update=False, layout=w.Layout(width="8em"))  # fmt: skip
        box.add_class("jihua-optint")
        return box
    if f.kind == "bool":
        return w.Checkbox(value=f.default, indent=False, layout=w.Layout(width="auto"))
    if f.kind == "choice":
        return w.Dropdown(options=f.options(lang), value=f.default, layout=w.Layout(width="auto"))
    return w.Text(value=f.default, layout=w.Layout(width="16em"))


def build_form(fields: Iterable[Field], lang: str = "zh") -> tuple[dict[str, Any], dict[str, Any]]:
    """One input per field: ({key: input widget}, {key: the input with its label})."""
    inputs, rows = {}, {}
    for f in fields:
        inputs[f.key] = _input(f, lang)
        rows[f.key] = labelled(inputs[f.key], f.text(lang))
    return inputs, rows


def form_values(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The current value of every input, by key (a blank number box: None)."""
    return {key: getattr(widget, "number", widget.value) for key, widget in inputs.items()}


def set_form_values(inputs: Mapping[str, Any], values: Mapping[str, Any]) -> None:
    """Set the inputs named in `values` (unknown keys are an error, not ignored)."""
    unknown = [key for key in values if key not in inputs]
    if unknown:
        raise KitError("widget.unknown_input", field=unknown[0])
    for key, value in values.items():
        inputs[key].value = value


def reset_form(inputs: Mapping[str, Any], fields: Iterable[Field]) -> None:
    """Every input back to its field's default."""
    set_form_values(inputs, {f.key: f.default for f in fields})


class WidgetApp:
    """Base of a calculator: `.widget` is what to display; in a notebook the calculator shows the
    widget, with a fixed plain-text stand-in (no model id) for stored outputs and slides.

    A subclass gives `_render()` (the plain function's HTML for the current inputs) and an
    `.output` HTML widget; `update()` recomputes and shows it, and input changes call `_changed`,
    which waits while `_hold` is set (several inputs being set together)."""

    widget: Any
    output: Any
    lang: str = "zh"
    plain_key = "widget.plain"
    view = "full"  # "trainee" (the trainee app): names lead, rule IDs in a collapsed 依据 part
    _hold = False

    def _render(self) -> str:
        raise NotImplementedError

    def update(self) -> str:
        """Recompute from the inputs and show the result; returns the HTML shown."""
        try:
            html = self._render()
        except Exception as exc:  # a bug, not bad input: say so in place instead of a traceback
            html = internal_error_html(exc, self.lang)
        self.output.value = html
        return html

    def _changed(self, _change: Any) -> None:
        if not self._hold:
            self.update()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle = dict(self.widget._repr_mimebundle_(include=include, exclude=exclude) or {})
        bundle["text/plain"] = t(self.plain_key, getattr(self, "lang", "zh"))
        return bundle
