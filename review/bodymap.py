"""A schematic front/back body map drawn as SVG shapes, one per engine region code.

Geometry lives here rather than in a template so that the web page, the plan editor and the
PDFs draw the same map, and so that each shape's colour is decided in Python, not in markup.
"""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from contraindications.engine import REGIONS

# Figure-relative boxes (x, y, width, height) around a centre line at x=0. "L"/"R" mark the
# client's side. Seen from the front the client's left is on the viewer's right; from the back
# it is on the viewer's left, so the two views mirror the sided regions.
_LIMBS = [
    ("shoulder", (-40, 58, 20, 16)),
    ("arm", (-42, 76, 14, 70)),
    ("hand", (-44, 148, 16, 20)),
    ("thigh", (-20, 168, 18, 64)),
    ("knee", (-20, 234, 18, 16)),
    ("calf", (-20, 252, 18, 60)),
    ("foot", (-22, 314, 20, 14)),
]
_FRONT_TRUNK = [
    ("neck", (-7, 46, 14, 12)),
    ("chest", (-20, 58, 40, 44)),
    ("abdomen", (-20, 104, 40, 62)),
]
_BACK_TRUNK = [
    ("neck", (-7, 46, 14, 12)),
    ("upper_back", (-20, 58, 40, 36)),
    ("floating_ribs", (-12, 94, 24, 8)),
    ("flank_left", (-20, 94, 8, 22)),
    ("flank_right", (12, 94, 8, 22)),
    ("lower_back_left", (-20, 116, 16, 22)),
    ("lower_back_right", (4, 116, 16, 22)),
    ("lumbar_spine", (-4, 102, 8, 36)),
    ("sacrum", (-9, 138, 18, 10)),
    ("gluteal_left", (-20, 148, 19, 19)),
    ("gluteal_right", (1, 148, 19, 19)),
]
WIDTH, HEIGHT = 340, 350
_CENTRES = {"front": 85, "back": 255}

FILL = {"avoid": "#dc3545", "capped": "#ffc107", "planned": "#0d6efd", "plain": "#e9ecef"}
STROKE = "#6c757d"


@dataclass(frozen=True)
class Shape:
    view: str
    region: str
    label: str
    kind: str  # "circle" or "rect"
    x: float
    y: float
    width: float
    height: float
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
    def r(self) -> float:
        return self.width / 2


def _boxes(view: str):
    yield "head", (-17, 10, 34, 34)
    trunk = _FRONT_TRUNK if view == "front" else _BACK_TRUNK
    yield from trunk
    for name, (x, y, w, h) in _LIMBS:
        # The viewer's left side of the drawing is the client's right from the front.
        left_x = -x - w if view == "front" else x
        right_x = x if view == "front" else -x - w
        yield f"{name}_left", (left_x, y, w, h)
        yield f"{name}_right", (right_x, y, w, h)


def body_map(*, avoid=(), capped=(), planned=()) -> list[Shape]:
    """Shapes for both views; `avoid` wins over `capped`, which wins over `planned`."""
    avoid, capped, planned = set(avoid), set(capped), set(planned)
    shapes = []
    for view, centre in _CENTRES.items():
        for region, (x, y, w, h) in _boxes(view):
            if region not in REGIONS:
                raise ValueError(f"body map draws an unknown region {region!r}")
            if region in avoid:
                state = "avoid"
            elif region in capped:
                state = "capped"
            elif region in planned:
                state = "planned"
            else:
                state = "plain"
            shapes.append(
                Shape(
                    view=view,
                    region=region,
                    label=REGIONS[region]["en"],
                    kind="circle" if region == "head" else "rect",
                    x=centre + x,
                    y=y,
                    width=w,
                    height=h,
                    state=state,
                )
            )
    return shapes


_ATTRIBUTES = (
    ' fill="{}" stroke="' + STROKE + '" stroke-width="1" class="region region-{}" '
    'data-region="{}" data-state="{}"><title>{}</title>'
)
_CIRCLE = '<circle cx="{}" cy="{}" r="{}"' + _ATTRIBUTES + "</circle>\n  "
_RECT = '<rect x="{}" y="{}" width="{}" height="{}" rx="3"' + _ATTRIBUTES + "</rect>\n  "


def shapes_svg(shapes: list[Shape]) -> SafeString:
    """The shapes as SVG elements, for templates/review/_body_map.html.

    Built here rather than in a template loop: about 44 shapes of ten attributes each took
    some 2 ms through the template engine, a tenth of the screening page. Coordinates are
    written as Python writes numbers, never localised: SVG wants a decimal point in every
    language (the template wrote the head's centre as "85,0" on a Spanish page).
    """
    return format_html_join(
        "",
        "{}",
        (
            (
                format_html(_CIRCLE, str(s.cx), str(s.cy), str(s.r), *_attributes(s))
                if s.kind == "circle"
                else format_html(
                    _RECT, str(s.x), str(s.y), str(s.width), str(s.height), *_attributes(s)
                ),
            )
            for s in shapes
        ),
    )


def _attributes(s: Shape) -> tuple[str, ...]:
    return (s.fill, s.state, s.region, s.state, s.label)
