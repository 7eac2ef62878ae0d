"""Questions as the section template shows them: wording in the client's language, the
current value, whether shown, and the error next to it.

The parts that never change (wording, choices, regions) are built once per catalogue version
and language; each request only adds values and errors. This keeps a section render cheap.
The same goes for each question's markup: `_question.html` is rendered once per question, state
(hidden, in error, which yes/no answer) and language with markers where the value, the error
and the options go, and a request only fills those in (escaped as the template would).
"""

import json
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from contraindications.engine import REGIONS, Catalogue, Question
from intake.answers import error_message

# Body-map regions in head-to-toe order, as checkboxes are listed beside the map.
REGION_CODES = tuple(REGIONS)


@dataclass(frozen=True)
class StaticQuestion:
    id: str
    type: str
    text: str
    help: str
    required: bool
    choices: tuple[tuple[str, str], ...]
    show_if_json: str
    exclusive: tuple[str, ...]
    max_length: int
    integer: bool
    number_range: str
    # Each option's markup, unticked and ticked: a body map has 28 boxes, and building them
    # here once instead of in the template at every request keeps a section render fast.
    option_html: tuple[tuple[str, str, str], ...] = ()


@dataclass
class QuestionRow:
    q: StaticQuestion
    hidden: bool
    error: str = ""
    value: Any = None  # scalar questions
    options_html: str = ""  # the ticked / unticked options of a choice or body-map question

    @property
    def agree_box(self) -> bool:
        return self.q.type == "yes_no" and self.section == "consent"

    section: str = ""
    html: str = ""  # the question as `_question.html` renders it


_STATIC: dict[tuple[str, str, str], StaticQuestion] = {}


def _number_range(q: Question) -> str:
    if q.min is None or q.max is None:
        return ""
    fmt = lambda v: str(int(v)) if float(v).is_integer() else str(v)  # noqa: E731
    return f"{fmt(q.min)}–{fmt(q.max)}"


def static_question(catalogue: Catalogue, q: Question, lang: str) -> StaticQuestion:
    key = (catalogue.version, lang, q.id)
    cached = _STATIC.get(key)
    if cached is None or cached.id != q.id:
        if q.type == "body_regions":
            choices = tuple((code, REGIONS[code][lang]) for code in REGION_CODES)
        else:
            choices = tuple((c.id, c.label.get(lang)) for c in q.choices)
        cached = StaticQuestion(
            id=q.id,
            type=q.type,
            text=q.text.get(lang),
            help=q.help.get(lang) if q.help else "",
            required=q.required,
            choices=choices,
            show_if_json=json.dumps(q.show_if) if q.show_if is not None else "",
            exclusive=tuple(sorted(q.exclusive)),
            max_length=q.max_length,
            integer=q.integer,
            number_range=_number_range(q),
            option_html=_option_html(q, choices),
        )
        _STATIC[key] = cached
    return cached


OPTION = (
    '<div class="form-check{}"><input class="form-check-input" type="{}" name="{}" '
    'id="f-{}-{}" value="{}"{}><label class="form-check-label" for="f-{}-{}">{}</label></div>'
)


CHECKED = mark_safe(" checked")  # noqa: S308 - a constant attribute  # nosec B308 B703


def _option_html(q: Question, choices) -> tuple[tuple[str, str, str], ...]:
    if q.type == "yes_no":
        return ()
    kind = "radio" if q.type == "single_choice" else "checkbox"
    css = " choice" if q.type != "body_regions" else ""
    return tuple(
        (
            code,
            format_html(OPTION, css, kind, q.id, q.id, code, code, "", q.id, code, label),
            format_html(OPTION, css, kind, q.id, q.id, code, code, CHECKED, q.id, code, label),
        )
        for code, label in choices
    )


def _display(q: Question, value: Any) -> Any:
    if value is None:
        return ""
    if q.type == "yes_no":
        return "yes" if value is True else "no" if value is False else str(value)
    if q.type == "number" and isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def section_rows(
    catalogue: Catalogue,
    section: str,
    *,
    lang: str,
    answers: dict,
    visible: frozenset[str],
    errors: dict,
    posted=None,
) -> list[QuestionRow]:
    """Rows for every question of `section`; hidden ones are rendered hidden so the page's
    script can reveal them the moment an answer makes them relevant."""
    rows = []
    for q in catalogue.questions:
        if q.section != section:
            continue
        static = static_question(catalogue, q, lang)
        if posted is not None:
            if q.type in ("multiple_choice", "body_regions"):
                current = posted.getlist(q.id)
            else:
                current = posted.get(q.id, "")
        else:
            current = answers.get(q.id)
        row = QuestionRow(q=static, hidden=q.id not in visible, section=section)
        error = errors.get(q.id)
        if error is not None:
            row.error = error_message(error, q)
        if static.option_html:
            if q.type in ("multiple_choice", "body_regions"):
                ticked = set(current or ())
            else:
                ticked = {current}
            row.options_html = mark_safe(  # noqa: S308 - format_html parts  # nosec B308 B703
                "".join(on if code in ticked else off for code, off, on in static.option_html)
            )
        else:
            row.value = current if posted is not None else _display(q, current)
        row.html = _question_html(row, (catalogue.version, lang, q.id))
        rows.append(row)
    return rows


# Private-use characters: never in the wording, and left alone by HTML escaping.
VALUE_MARK = "\ue000value\ue000"
ERROR_MARK = "\ue000error\ue000"
OPTIONS_MARK = mark_safe("\ue000options\ue000")  # noqa: S308 - a constant  # nosec B308 B703
_MARKS = re.compile(f"({VALUE_MARK}|{ERROR_MARK}|{OPTIONS_MARK})")
YES_NO_VALUES = ("yes", "no")

_FRAGMENTS: dict[tuple, tuple[str, ...]] = {}


def _question_html(row: QuestionRow, static_key: tuple[str, str, str]) -> SafeString:
    q = row.q
    # The template only compares a yes/no value (to tick "yes" or "no"); any other value is
    # printed, so it stays a marker and the cache holds a few shapes per question.
    shape = VALUE_MARK
    if q.type == "yes_no":
        shape = row.value if row.value in YES_NO_VALUES else ""
    key = (*static_key, translation.get_language(), row.section, row.hidden, bool(row.error), shape)
    parts = _FRAGMENTS.get(key)
    if parts is None:
        model = QuestionRow(
            q=q,
            hidden=row.hidden,
            error=ERROR_MARK if row.error else "",
            value=shape,
            options_html=OPTIONS_MARK if q.option_html else "",
            section=row.section,
        )
        parts = tuple(_MARKS.split(render_to_string("intake/_question.html", {"row": model})))
        # While developing, an edited template shows at the next request.
        if not settings.DEBUG:
            _FRAGMENTS[key] = parts
    fill = {
        VALUE_MARK: conditional_escape(row.value),
        ERROR_MARK: conditional_escape(row.error),
        OPTIONS_MARK: row.options_html,
    }
    return mark_safe(  # noqa: S308 - template output, escaped values  # nosec B308 B703
        "".join([fill.get(part, part) for part in parts])
    )
