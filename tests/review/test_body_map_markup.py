"""The body map's shapes are written by review.bodymap.shapes_svg (not a template loop, for the
screening page's CPU; docs/PERFORMANCE.md): every region one shape, escaped, and coordinates an
SVG can read in every language."""

import re

from django.template.loader import render_to_string
from django.utils import translation

from review.bodymap import body_map


def _views():
    return body_map(avoid=["neck"], capped=["calf_left"], planned=["head"])


def _render(lang: str) -> str:
    with translation.override(lang):
        return render_to_string("review/_body_map.html", {"views": _views(), "show_planned": True})


def test_every_shape_is_drawn_once_with_its_state_and_label():
    html = _render("en")
    shapes = [shape for view in _views() for shape in view.shapes]
    ellipses = [shape for shape in shapes if shape.kind == "ellipse"]
    assert html.count('class="region region-') == len(shapes)
    assert html.count("<ellipse ") == html.count("</ellipse>") == len(ellipses) > 0
    assert html.count("<rect ") == html.count("</rect>") == len(shapes) - len(ellipses)
    assert html.count('data-region="neck" data-state="avoid"><title>Neck</title>') == 2
    assert html.count('data-region="calf_left" data-state="capped">') == 2  # front and back
    assert 'data-region="head" data-state="planned">' in html
    assert "&lt;" not in html


def test_coordinates_keep_a_decimal_point_on_a_spanish_page():
    html = _render("es")
    assert 'class="region region-' in html
    assert not re.search(r'(cx|cy|rx|ry|r|x|y|width|height)="\d+,\d', html)
    assert not re.search(r'viewBox="[^"]*,', html)
