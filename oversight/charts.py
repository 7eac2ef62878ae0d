"""Charts drawn on the server as SVG geometry: the templates only place the shapes computed
here (templates/jinja2/oversight/chart.html). No chart library and no script, so the pages work
under a strict Content Security Policy and print as they look."""

from dataclasses import dataclass

from django.template import engines
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import ngettext

from oversight.selectors import ACTION_LABELS, ACTIONS

# Text at 14 units: the charts never shrink below 6/7 of their width (app.css min-width, a
# scrolling box on a phone), so a label is never smaller than 12 px on screen.
FONT_SIZE = 14
LABEL_CHARS = 30
# Fill colours per action (SVG presentation attributes, not inline CSS).
ACTION_COLOURS = {"referred": "#0d6efd", "postponed": "#ffc107", "overridden": "#dc3545"}


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    fill: str
    title: str
    href: str = ""


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "middle"


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    labels: list[Label]
    title: str
    kind: str = "rows"
    font_size: int = FONT_SIZE

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def label_id(self) -> str:
        return f"chart-{self.kind}-{slugify(self.title)}"

    @property
    def markup(self) -> SafeString:
        """The chart as a <figure>, drawn by a Jinja2 template (see its first lines for why)."""
        template = engines["jinja2"].get_template("oversight/chart.html")
        # The template autoescapes every value it prints.
        return mark_safe(template.render({"chart": self}))  # noqa: S308  # nosec B308 B703


def legend() -> list[tuple[str, str]]:
    return [(ACTION_LABELS[a], ACTION_COLOURS[a]) for a in ACTIONS]


def _what(tally, count: int, action: str) -> str:
    decisions = ngettext("%(n)d decision", "%(n)d decisions", count) % {"n": count}
    return f"{tally.label}: {decisions} {ACTION_LABELS[action].lower()}"


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def stacked_columns(tallies, *, title: str, width: int = 720, height: int = 240) -> Chart:
    """One column per tally (a week), stacked by action."""
    top, bottom, left = 18, 40, 40
    plot_h = height - top - bottom
    peak = max((t.total for t in tallies), default=0) or 1
    # Columns no wider than a few weeks' worth, so one week does not fill the chart.
    slot = min((width - left) / max(len(tallies), 1), 60)
    bars, labels = (
        [],
        [Label(left - 6, top + 4, str(peak), "end"), Label(left - 6, top + plot_h, "0", "end")],
    )
    step = max(1, len(tallies) // 6)  # at most ~6 date labels
    for index, tally in enumerate(tallies):
        x = left + index * slot + slot * 0.15
        y = top + plot_h
        for action in ACTIONS:
            count = tally.counts.get(action, 0)
            if not count:
                continue
            h = plot_h * count / peak
            y -= h
            what = _what(tally, count, action)
            bars.append(
                Bar(round(x, 1), round(y, 1), round(slot * 0.7, 1), round(h, 1),
                    ACTION_COLOURS[action], what)
            )  # fmt: skip
        if index % step == 0:
            labels.append(Label(round(x + slot * 0.35, 1), height - bottom + 20, tally.label))
    return Chart(width, height, bars, labels, title, kind="columns")


def stacked_rows(tallies, *, title: str, href=None, width: int = 560, row_h: int = 28) -> Chart:
    """One horizontal bar per tally (a therapist, a rule), stacked by action; each segment may
    link to the decisions it counts (href(tally, action))."""
    left, right = 240, 44
    plot_w = width - left - right
    peak = max((t.total for t in tallies), default=0) or 1
    bars, labels = [], []
    for index, tally in enumerate(tallies):
        y = 6 + index * row_h
        x = left
        labels.append(Label(left - 8, y + row_h * 0.6, _short(tally.label), "end"))
        for action in ACTIONS:
            count = tally.counts.get(action, 0)
            if not count:
                continue
            w = plot_w * count / peak
            bars.append(
                Bar(round(x, 1), y, round(w, 1), row_h - 8, ACTION_COLOURS[action],
                    _what(tally, count, action),
                    href(tally, action) if href else "")
            )  # fmt: skip
            x += w
        labels.append(Label(round(x + 6, 1), y + row_h * 0.6, str(tally.total), "start"))
    return Chart(width, max(len(tallies), 1) * row_h + 12, bars, labels, title)
