"""The staff body map is the kiosk's drawing (static/img/body-map.svg), read once, coloured here."""

from contraindications.engine import REGIONS
from review.bodymap import body_map

MIN_AREA_UNITS = 44


def _by_region(view):
    return {shape.region: shape for shape in view.shapes}


def test_front_and_back_together_draw_every_region_once_per_view():
    front, back = body_map()
    assert (front.name, back.name) == ("front", "back")
    for view in (front, back):
        regions = [shape.region for shape in view.shapes]
        assert len(regions) == len(set(regions))
    assert {s.region for s in front.shapes} | {s.region for s in back.shapes} == set(REGIONS)


def test_every_area_is_at_least_44_units_square_inside_its_picture():
    for view in body_map():
        for shape in view.shapes:
            assert shape.width >= MIN_AREA_UNITS, (view.name, shape.region)
            assert shape.height >= MIN_AREA_UNITS, (view.name, shape.region)
            assert shape.x >= 0
            assert shape.x + shape.width <= view.width
            assert shape.y >= 0
            assert shape.y + shape.height <= view.height
        # 280 units: a picture drawn at scale 1 fits a 360px phone (static/css/body-map.css).
        assert view.width == 280


def test_sides_are_the_clients_own():
    front, back = (_by_region(view) for view in body_map())
    # From the front the client's left is on the viewer's right; from behind on the left.
    assert front["knee_left"].x > front["knee_right"].x
    assert back["knee_left"].x < back["knee_right"].x
    assert back["flank_left"].x < back["flank_right"].x
    for view in body_map():
        labels = {label.side: label for label in view.side_labels}
        assert labels["left"].text == "Client's left"
        assert (labels["left"].x > labels["right"].x) is (view.name == "front")


def test_avoid_wins_over_capped_which_wins_over_planned():
    _, back = body_map(
        avoid=["lumbar_spine"],
        capped=["lumbar_spine", "flank_left"],
        planned=["lumbar_spine", "flank_left", "upper_back"],
    )
    states = {region: shape.state for region, shape in _by_region(back).items()}
    assert states["lumbar_spine"] == "avoid"
    assert states["flank_left"] == "capped"
    assert states["upper_back"] == "planned"
    assert states["sacrum"] == "plain"
    assert _by_region(back)["lumbar_spine"].fill == "#dc3545"


def test_each_views_button_says_what_it_marks():
    front, back = body_map(
        avoid=["lumbar_spine", "floating_ribs"], capped=["flank_left", "flank_right"]
    )
    assert back.warnings == "2 to avoid · 2 lighter"
    assert front.warnings == ""
    front, _ = body_map(capped=["abdomen"])
    assert front.warnings == "1 lighter"
