"""Merging constraints from several findings."""

from __future__ import annotations

from contraindications.engine import Constraints, make_constraints, merge_constraints
from contraindications.engine.constraints import EMPTY


def test_empty_merge() -> None:
    assert merge_constraints([]) is EMPTY
    assert merge_constraints([EMPTY, EMPTY]) is EMPTY
    assert EMPTY.is_empty


def test_single_is_returned_unchanged() -> None:
    c = make_constraints(pressure_cap=3)
    assert merge_constraints([c, EMPTY]) is c


def test_lowest_cap_wins_and_exclusions_unite() -> None:
    a = make_constraints(
        pressure_cap=4,
        region_pressure_caps={"flank_left": 3, "abdomen": 2},
        avoid_regions=["knee_left"],
        exclude_modalities=["deep_tissue"],
        exclude_acupoints=["hegu"],
        exclude_oils=["clove"],
        precautions=["stop if pain rises"],
    )
    b = make_constraints(
        pressure_cap=2,
        region_pressure_caps={"flank_left": 2},
        avoid_regions=["calf_left"],
        exclude_modalities=["cupping"],
        exclude_acupoints=["sanyinjiao"],
        exclude_oils=["basil"],
        precautions=["stop if pain rises", "check bruising"],
    )
    m = merge_constraints([a, b])
    assert m.pressure_cap == 2
    assert dict(m.region_pressure_caps) == {"abdomen": 2, "flank_left": 2}
    assert m.avoid_regions == {"knee_left", "calf_left"}
    assert m.exclude_modalities == {"deep_tissue", "cupping"}
    assert m.exclude_acupoints == {"hegu", "sanyinjiao"}
    assert m.exclude_oils == {"clove", "basil"}
    assert m.precautions == ("stop if pain rises", "check bruising")
    assert merge_constraints([b, a]).pressure_cap == 2


def test_no_cap_does_not_lift_a_cap() -> None:
    m = merge_constraints(
        [make_constraints(avoid_regions=["head"]), make_constraints(pressure_cap=3)]
    )
    assert m.pressure_cap == 3


def test_positioning_requirements_combine() -> None:
    late_pregnancy = make_constraints(
        positioning=["side_lying", "semi_reclined", "no_prone", "no_flat_supine"]
    )
    assert late_pregnancy.allowed_positions == {"side_lying", "semi_reclined"}
    no_prone = make_constraints(positioning=["no_prone"])
    assert no_prone.allowed_positions == {"side_lying", "semi_reclined", "seated", "supine"}
    seated_only = make_constraints(positioning=["seated"])
    m = merge_constraints([late_pregnancy, no_prone])
    assert m.allowed_positions == {"side_lying", "semi_reclined"}
    assert m.positioning == {"side_lying", "semi_reclined", "no_prone", "no_flat_supine"}
    assert merge_constraints([late_pregnancy, seated_only]).allowed_positions == frozenset()
    assert merge_constraints([no_prone, make_constraints(pressure_cap=2)]).allowed_positions == (
        no_prone.allowed_positions
    )


def test_round_trip() -> None:
    c = make_constraints(
        pressure_cap=2,
        region_pressure_caps={"abdomen": 1},
        positioning=["no_prone"],
        precautions=["x"],
    )
    assert Constraints.from_dict(c.to_dict()) == c
    assert Constraints.from_dict(EMPTY.to_dict()) == EMPTY
