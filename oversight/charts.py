"""Charts drawn on the server as SVG geometry: the templates only place the shapes computed
here. No chart library and no script, so the pages work under a strict Content Security Policy
and print as they look."""

from dataclasses import dataclass

from oversight.selectors import ACTION_LABELS, ACTIONS

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

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def legend() -> list[tuple[str, str]]:
    return [(ACTION_LABELS[a], ACTION_COLOURS[a]) for a in ACTIONS]


def stacked_columns(tallies, *, title: str, width: int = 720, height: int = 220) -> Chart:
    """One column per tally (a week), stacked by action."""
    top, bottom, left = 16, 36, 36
    plot_h = height - top - bottom
    peak = max((t.total for t in tallies), default=0) or 1
    # Columns no wider than a few weeks' worth, so one week does not fill the chart.
    slot = min((width - left) / max(len(tallies), 1), 60)
    bars, labels = (
        [],
        [Label(left - 6, top + 4, str(peak), "end"), Label(left - 6, top + plot_h, "0", "end")],
    )
    step = max(1, len(tallies) // 8)  # at most ~8 date labels
    for index, tally in enumerate(tallies):
        x = left + index * slot + slot * 0.15
        y = top + plot_h
        for action in ACTIONS:
            count = tally.counts.get(action, 0)
            if not count:
                continue
            h = plot_h * count / peak
            y -= h
            what = f"{tally.label}: {count} {ACTION_LABELS[action].lower()}"
            bars.append(
                Bar(round(x, 1), round(y, 1), round(slot * 0.7, 1), round(h, 1),
                    ACTION_COLOURS[action], what)
            )  # fmt: skip
        if index % step == 0:
            labels.append(Label(round(x + slot * 0.35, 1), height - bottom + 16, tally.label))
    return Chart(width, height, bars, labels, title)


def stacked_rows(tallies, *, title: str, href=None, width: int = 720, row_h: int = 26) -> Chart:
    """One horizontal bar per tally (a therapist, a rule), stacked by action; each segment may
    link to the decisions it counts (href(tally, action))."""
    left, right = 210, 60
    plot_w = width - left - right
    peak = max((t.total for t in tallies), default=0) or 1
    bars, labels = [], []
    for index, tally in enumerate(tallies):
        y = 6 + index * row_h
        x = left
        labels.append(Label(left - 8, y + row_h * 0.6, tally.label[:32], "end"))
        for action in ACTIONS:
            count = tally.counts.get(action, 0)
            if not count:
                continue
            w = plot_w * count / peak
            bars.append(
                Bar(round(x, 1), y, round(w, 1), row_h - 8, ACTION_COLOURS[action],
                    f"{tally.label}: {count} {ACTION_LABELS[action].lower()}",
                    href(tally, action) if href else "")
            )  # fmt: skip
            x += w
        labels.append(Label(round(x + 6, 1), y + row_h * 0.6, str(tally.total), "start"))
    return Chart(width, max(len(tallies), 1) * row_h + 12, bars, labels, title)
