"""Questions as the section page shows them: wording in the client's language, the current
value, ticks, whether shown, and the error next to it.

The parts that never change (wording, choices, regions) are read from the catalogue once per
catalogue version and language; each request adds values, ticks and errors, and
`jinja2/intake/questions.html` renders the markup (see docs/ARCHITECTURE.md, "Templates").
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template import engines
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy, pgettext

from contraindications.engine import REGIONS, Catalogue, Question
from intake.answers import error_message

# Body-map regions in head-to-toe order, as checkboxes are listed beside the map.
REGION_CODES = tuple(REGIONS)

_SIDED = ("shoulder", "arm", "hand", "gluteal", "thigh", "knee", "calf", "foot")
# The list under the map, in groups a client recognises; sides are the client's own ("Your
# left side"), whichever way the picture faces.
REGION_GROUPS = (
    (gettext_lazy("Head and front of the body"), ("head", "neck", "chest", "abdomen")),
    (
        gettext_lazy("Your back"),
        (
            "upper_back",
            "floating_ribs",
            "flank_left",
            "flank_right",
            "lower_back_left",
            "lumbar_spine",
            "lower_back_right",
            "sacrum",
        ),
    ),
    (gettext_lazy("Your left side"), tuple(f"{part}_left" for part in _SIDED)),
    (gettext_lazy("Your right side"), tuple(f"{part}_right" for part in _SIDED)),
)
assert sorted(c for _title, codes in REGION_GROUPS for c in codes) == sorted(REGION_CODES)


def grouped(options):
    """(title, options) per REGION_GROUPS for options whose first item is a region code."""
    by_code = {option[0]: option for option in options}
    return [
        (str(title), [by_code[code] for code in codes if code in by_code])
        for title, codes in REGION_GROUPS
    ]


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


@dataclass
class QuestionRow:
    q: StaticQuestion
    hidden: bool
    error: str = ""
    value: Any = None  # scalar questions
    # (code, label, ticked) of a choice or body-map question, in the order shown.
    options: tuple[tuple[str, str, bool], ...] = ()

    @property
    def agree_box(self) -> bool:
        return self.q.type == "yes_no" and self.section == "consent"

    section: str = ""

    @property
    def option_groups(self) -> list:
        # A hidden "where?" list has no options here: the browser fills it in (questions_html).
        return grouped(self.options) if self.options else []

    @property
    def option_kind(self) -> str:
        return "radio" if self.q.type == "single_choice" else "checkbox"


_STATIC: dict[tuple[str, str, str], StaticQuestion] = {}


def prepare(catalogues: Iterable[Catalogue]) -> int:
    """Every question of each catalogue as the pages show it, in each language, before the
    first request: a gunicorn worker compiles the rule sets in use after the fork, so their
    questions were not made yet, and each section's first page made its own (1.5 ms for one
    section). Run by each worker (gunicorn.conf.py); returns how many were made."""
    made = 0
    for catalogue in catalogues:
        for lang, _name in settings.LANGUAGES:
            for q in catalogue.questions:
                static_question(catalogue, q, lang)
                made += 1
    return made


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
        )
        _STATIC[key] = cached
    return cached


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
        if static.choices:
            if q.type in ("multiple_choice", "body_regions"):
                ticked = set(current or ())
            else:
                ticked = {current}
            # A hidden "where?" list is filled in the browser instead (questions_html).
            if not (q.type == "body_regions" and row.hidden):
                row.options = tuple((c, label, c in ticked) for c, label in static.choices)
        else:
            row.value = current if posted is not None else _display(q, current)
        rows.append(row)
    return rows


def questions_html(rows: list[QuestionRow]) -> SafeString:
    """The section's questions as markup, in the active language."""
    text = {
        "optional": gettext("(optional)"),
        "yes": gettext("Yes"),
        "no": gettext("No"),
        "map_caption": gettext(
            "Tap the pictures or the list. The front picture shows you as someone facing you "
            "sees you; the back picture as someone behind you. Each side is marked “Your "
            "left” or “Your right”."
        ),
        "front": pgettext("body map view", "Front"),
        "back": pgettext("body map view", "Back"),
        "your_left": gettext("Your left"),
        "your_right": gettext("Your right"),
        "number_range": gettext("A number from %(range)s"),
    }
    # Fewer widgets: a section may ask "where?" for eleven follow-ups, each with every body
    # region. A hidden one (the client has not said yes) gets its boxes in the browser from
    # one shared list; without the script it could not be shown anyway.
    hidden_choices = next(
        (r.q.choices for r in rows if r.q.type == "body_regions" and r.hidden), ()
    )
    region_options = grouped(hidden_choices) if hidden_choices else []
    template = engines["jinja2"].get_template("intake/questions.html")
    # The template autoescapes every value it prints.
    return mark_safe(  # noqa: S308  # nosec B308 B703
        template.render({"rows": rows, "text": text, "region_options": region_options})
    )
