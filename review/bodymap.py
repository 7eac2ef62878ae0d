"""The body map on the staff pages and PDFs: the kiosk's picture, each area coloured in Python.

There is one drawing of the body, `static/img/body-map.svg`: the tablet's intake (intake.js)
draws it in the browser, and this module reads the same file so that the screening page, the
plan and note editors and the PDFs show the same areas in the same places. In it every area
is at least 44 units square and each view (front, back) is its own picture; shown at a scale
of at least 1 (static/css/body-map.css), every area is a target of at least 44x44 CSS px
(tests/browser/test_plan_map.py, tests/browser/test_body_map.py). Sides are the client's own:
from the front the client's left is on the viewer's right, from the back on the viewer's left.
"""

from dataclasses import dataclass, replace
from functools import cache

# Only our own static file is parsed, never anything a user sent.
from xml.etree import ElementTree  # nosec B405

from django.contrib.staticfiles import finders
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from contraindications.engine import REGIONS

SOURCE = "img/body-map.svg"
_SVG = "{http://www.w3.org/2000/svg}"

FILL = {"avoid": "#dc3545", "capped": "#ffc107", "planned": "#0d6efd", "plain": "#e9ecef"}
STROKE = "#6c757d"
TITLES = {"front": "Front", "back": "Back"}
SIDE_WORDS = {"left": "Client's left", "right": "Client's right"}


@dataclass(frozen=True)
class Shape:
    view: str
    region: str
    label: str
    kind: str  # "ellipse" or "rect"
    x: float
    y: float
    width: float
    height: float
    rx: float  # a rect's corner radius; an ellipse's horizontal radius
    state: str  # avoid | capped | planned | plain

    @property
    def fill(self) -> str:
        return FILL[self.state]

    @property
    def cx(self) -> float:
        return self.x + self.width / 2

    @property
    def cy(self) -> float:
        return self.y + self.height / 2

    @property
    def ry(self) -> float:
        return self.height / 2


@dataclass(frozen=True)
class SideLabel:
    side: str  # the client's "left" or "right"
    x: float
    y: float
    anchor: str

    @property
    def text(self) -> str:
        return SIDE_WORDS[self.side]


@dataclass(frozen=True)
class MapView:
    """One view of the body, drawn as its own picture (`width` x `height` units)."""

    name: str
    width: float
    height: float
    shapes: tuple[Shape, ...]
    side_labels: tuple[SideLabel, ...]

    @property
    def title(self) -> str:
        return TITLES[self.name]

    @property
    def warnings(self) -> str:
        """What this view marks, said on its button: where one view shows at a time, red areas
        on the other must not go unseen."""
        avoid = sum(1 for shape in self.shapes if shape.state == "avoid")
        capped = sum(1 for shape in self.shapes if shape.state == "capped")
        parts = [f"{avoid} to avoid"] if avoid else []
        return " · ".join([*parts, f"{capped} lighter"] if capped else parts)


def _number(element: ElementTree.Element, name: str) -> float:
    return float(element.get(name, "0"))


def _shape(view: str, element: ElementTree.Element) -> Shape:
    region = element.get("data-region", "")
    if region not in REGIONS:
        raise ValueError(f"{SOURCE} draws an unknown region {region!r}")
    if element.tag == f"{_SVG}ellipse":
        rx, ry = _number(element, "rx"), _number(element, "ry")
        x, y = _number(element, "cx") - rx, _number(element, "cy") - ry
        kind, width, height, corner = "ellipse", 2 * rx, 2 * ry, rx
    else:
        kind, corner = "rect", _number(element, "rx")
        x, y = _number(element, "x"), _number(element, "y")
        width, height = _number(element, "width"), _number(element, "height")
    return Shape(view, region, REGIONS[region]["en"], kind, x, y, width, height, corner, "plain")


@cache
def drawing() -> tuple[MapView, ...]:
    """The views of static/img/body-map.svg, every area in its plain state (read once)."""
    path = finders.find(SOURCE)
    if not isinstance(path, str):
        raise FileNotFoundError(SOURCE)
    # Our own static file, never anything a user sent.
    root = ElementTree.parse(path).getroot()  # noqa: S314  # nosec B314
    views = []
    for group in root.iter(f"{_SVG}g"):
        name = group.get("data-view", "")
        _, _, width, height = (float(n) for n in group.get("data-viewbox", "").split())
        shapes = tuple(_shape(name, el) for el in group if el.get("data-region") is not None)
        labels = tuple(
            SideLabel(
                el.get("data-side", ""),
                _number(el, "x"),
                _number(el, "y"),
                el.get("text-anchor", ""),
            )
            for el in group.iter(f"{_SVG}text")
        )
        views.append(MapView(name, width, height, shapes, labels))
    return tuple(views)


def body_map(*, avoid=(), capped=(), planned=()) -> list[MapView]:
    """Both views; `avoid` wins over `capped`, which wins over `planned`."""
    avoid, capped, planned = set(avoid), set(capped), set(planned)

    def state(region: str) -> str:
        if region in avoid:
            return "avoid"
        if region in capped:
            return "capped"
        return "planned" if region in planned else "plain"

    return [
        MapView(
            view.name,
            view.width,
            view.height,
            tuple(replace(shape, state=state(shape.region)) for shape in view.shapes),
            view.side_labels,
        )
        for view in drawing()
    ]


_ATTRIBUTES = (
    ' fill="{}" stroke="' + STROKE + '" stroke-width="1.5" class="region region-{}" '
    'data-region="{}" data-state="{}"><title>{}</title>'
)
_ELLIPSE = '<ellipse cx="{}" cy="{}" rx="{}" ry="{}"' + _ATTRIBUTES + "</ellipse>\n"
_RECT = '<rect x="{}" y="{}" width="{}" height="{}" rx="{}"' + _ATTRIBUTES + "</rect>\n"


def shapes_svg(shapes: tuple[Shape, ...] | list[Shape]) -> SafeString:
    """One view's shapes as SVG elements, for templates/review/_body_map.html.

    Built here rather than in a template loop: the shapes' ten attributes each took some 2 ms
    through the template engine, a tenth of the screening page. Coordinates are written as
    Python writes numbers, never localised: SVG wants a decimal point in every language (the
    template wrote "85,0" on a Spanish page).
    """
    return format_html_join(
        "",
        "{}",
        (
            (
                format_html(_ELLIPSE, str(s.cx), str(s.cy), str(s.rx), str(s.ry), *_attributes(s))
                if s.kind == "ellipse"
                else format_html(
                    _RECT, str(s.x), str(s.y), str(s.width), str(s.height), str(s.rx),
                    *_attributes(s),
                ),
            )
            for s in shapes
        ),
    )  # fmt: skip


def _attributes(s: Shape) -> tuple[str, ...]:
    return (s.fill, s.state, s.region, s.state, s.label)
