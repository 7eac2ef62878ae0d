from django import template

from review.bodymap import shapes_svg

register = template.Library()


@register.filter
def svg_shapes(shapes):
    """The body map's shapes as SVG markup (review.bodymap.shapes_svg)."""
    return shapes_svg(shapes)
