"""The body map's shapes are written by review.bodymap.shapes_svg (not a template loop, for the
screening page's CPU; docs/PERFORMANCE.md): every region one shape, escaped, and coordinates an
SVG can read in every language."""

import re

from django.template.loader import render_to_string
from django.utils import translation

from review.bodymap import body_map


def _render(lang: str) -> str:
    shapes = body_map(avoid=["neck"], capped=["calf_left"], planned=["head"])
    with translation.override(lang):
        return render_to_string("review/_body_map.html", {"shapes": shapes, "show_planned": True})


def test_every_shape_is_drawn_once_with_its_state_and_label():
    html = _render("en")
    shapes = body_map(avoid=["neck"], capped=["calf_left"], planned=["head"])
    assert html.count('class="region region-') == len(shapes)
    assert html.count("<circle ") == html.count("</circle>") == 2  # the head, front and back
    assert html.count("<rect ") == html.count("</rect>") == len(shapes) - 2
    assert (
        '<rect x="78" y="46" width="14" height="12" rx="3" fill="#dc3545" stroke="#6c757d" '
        'stroke-width="1" class="region region-avoid" data-region="neck" data-state="avoid">'
        "<title>Neck</title></rect>"
    ) in html
    assert '<circle cx="85.0" cy="27.0" r="17.0" fill="#0d6efd"' in html
    assert "<title>Belly (abdomen)</title>" in html
    assert "&lt;" not in html


def test_coordinates_keep_a_decimal_point_on_a_spanish_page():
    html = _render("es")
    assert '<circle cx="85.0" cy="27.0" r="17.0"' in html
    assert not re.search(r'(cx|cy|r|x|y|width|height)="\d+,\d', html)
