"""check_plan(): violations, their rules, and the nearest compliant plan."""

from __future__ import annotations

import pytest

from contraindications.engine import (
    Decision,
    Plan,
    PlanCheck,
    PlanError,
    check_plan,
    load_default_catalogue,
    load_default_ruleset,
    make_constraints,
    screen,
    validate_answers,
)
from tests.contraindications.test_rule_cases import BASELINE

BASE = BASELINE["base"]
PRESETS = BASELINE["presets"]


def screening(*presets: str, cleared=frozenset(), **extra):
    raw = dict(BASE)
    for p in presets:
        raw.update(PRESETS[p])
    raw.update(extra)
    return screen(
        load_default_ruleset(),
        validate_answers(load_default_catalogue(), raw),
        cleared_rule_ids=cleared,
    )


def kinds(check: PlanCheck) -> dict[tuple[str, str], tuple[str, ...]]:
    return {(v.kind, v.item): v.rule_ids for v in check.violations}


def test_pregnant_client_deep_tissue_prone_sanyinjiao() -> None:
    s = screening("pregnant", pregnancy_weeks=28)
    plan = Plan(
        modalities=("deep_tissue",),
        regions=("lumbar_spine", "abdomen", "calf_left"),
        pressure=5,
        acupoints=("sanyinjiao", "taixi"),
        oils=("clary_sage", "lavender"),
        position="prone",
        duration_minutes=60,
    )
    check = check_plan(s, plan)
    v = kinds(check)
    assert v[("modality", "deep_tissue")] == ("PREGNANCY-DEEP-TISSUE",)
    assert v[("acupoint", "sanyinjiao")] == ("PREGNANCY-ACUPOINTS",)
    assert v[("oil", "clary_sage")] == ("PREGNANCY-ESSENTIAL-OILS",)
    assert v[("position", "prone")] == ("PREGNANCY-POSITIONING",)
    assert v[("pressure", "5")] == ("PREGNANCY-DEEP-TISSUE",)
    assert ("region_pressure", "abdomen") in v
    assert check.session_possible
    assert not check.ok
    near = check.nearest_plan
    assert near.modalities == ("swedish",)  # deep tissue excluded, nothing left
    assert near.acupoints == ("taixi",)
    assert near.oils == ("lavender",)
    assert near.position == "side_lying"
    # Moderate pressure overall; only the belly drops to light touch.
    assert near.pressure == 3
    assert near.region_pressure == (("abdomen", 1),)
    assert near.pressure_over("lumbar_spine") == 3
    assert near.pressure_over("abdomen") == 1
    assert near.regions == plan.regions
    # The nearest plan itself passes.
    assert check_plan(s, near).ok


def test_flank_pain_plan() -> None:
    s = screening("flank_pain")
    assert s.decision is Decision.MODIFY
    plan = Plan(
        modalities=("trigger_point", "cupping"),
        regions=("flank_right", "lumbar_spine", "gluteal_right"),
        pressure=4,
        acupoints=("mingmen", "shenshu"),
        position="prone",
    )
    check = check_plan(s, plan)
    v = kinds(check)
    assert ("region", "lumbar_spine") in v
    assert ("pressure", "4") in v
    assert ("acupoint", "mingmen") in v  # Mingmen sits on the spine, which is avoided
    near = check.nearest_plan
    assert near.regions == ("flank_right", "gluteal_right")
    assert near.modalities == ("trigger_point", "cupping")
    # The flank (kidney area) is capped lower than the general cap of 3, over the flank only.
    assert near.pressure == 3
    assert near.region_pressure == (("flank_right", 2),)
    assert near.acupoints == ("shenshu",)
    assert near.position == "prone"
    assert any("Stop at once" in n for n in check.notes)


def test_no_session_when_referred() -> None:
    check = check_plan(screening(blood_in_urine=True), Plan(modalities=("swedish",)))
    assert not check.session_possible
    assert check.nearest_plan is None
    assert check.decision is Decision.REFER_URGENT
    assert "No session today" in check.notes[0]


def test_clearance_required_without_and_with_clearance() -> None:
    plan = Plan(modalities=("swedish",), pressure=3)
    assert not check_plan(screening(heart_condition="recovering"), plan).session_possible
    cleared = screening(heart_condition="recovering", cleared=frozenset({"HEART-RECOVERING"}))
    assert check_plan(cleared, plan).ok


def test_fallback_not_used_when_swedish_excluded() -> None:
    c = make_constraints(exclude_modalities=["deep_tissue", "swedish"])
    check = check_plan(c, Plan(modalities=("deep_tissue",)))
    assert check.nearest_plan.modalities == ()
    assert check.decision is None
    assert check.session_possible
    assert check.violations[0].rule_ids == ()  # bare constraints carry no provenance


def test_position_added_when_missing_and_conflict_reported() -> None:
    c = make_constraints(positioning=["no_prone", "no_flat_supine"])
    assert check_plan(c, Plan()).nearest_plan.position == "side_lying"
    from contraindications.engine import merge_constraints

    conflict = merge_constraints(
        [make_constraints(positioning=["seated"]), make_constraints(positioning=["side_lying"])]
    )
    check = check_plan(conflict, Plan(position="seated"))
    assert ("position", "seated") in kinds(check)
    assert check.nearest_plan.position is None


def test_plan_in_screen_call_and_round_trip() -> None:
    s = screen(
        load_default_ruleset(),
        validate_answers(load_default_catalogue(), {**BASE, "bleeding_disorder": True}),
        plan=Plan(modalities=("cupping",)),
    )
    assert s.plan_check is not None
    assert not s.plan_check.ok
    assert PlanCheck.from_dict(s.plan_check.to_dict()) == s.plan_check


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"modalities": ["reiki"]}, "unknown_modalities"),
        ({"regions": ["tail"]}, "unknown_regions"),
        ({"acupoints": ["LI99"]}, "unknown_acupoints"),
        ({"oils": ["unicorn"]}, "unknown_oils"),
        ({"pressure": 6}, "bad_pressure"),
        ({"position": "upside_down"}, "unknown_position"),
        ({"duration_minutes": 0}, "bad_duration"),
        ({"colour": "red"}, "unknown_field"),
        ({"regions": "neck"}, "wrong_type"),
        ({"region_pressure": {"tail": 2}}, "unknown_regions"),
        ({"region_pressure": {"abdomen": 0}}, "bad_pressure"),
        ({"region_pressure": {"abdomen": True}}, "bad_pressure"),
        ({"region_pressure": ["abdomen"]}, "wrong_type"),
    ],
)
def test_plan_validation(data: dict, code: str) -> None:
    with pytest.raises(PlanError) as exc:
        Plan.from_dict(data)
    assert exc.value.code == code


def test_plan_round_trip() -> None:
    plan = Plan.from_dict(
        {
            "modalities": ["swedish", "swedish"],
            "regions": ["neck"],
            "pressure": 2,
            "position": "seated",
            "duration_minutes": 30,
            "notes": "n",
        }
    )
    assert plan.modalities == ("swedish",)
    assert Plan.from_dict(plan.to_dict()) == plan


def test_plan_without_overrides_uses_the_default_pressure_everywhere() -> None:
    # Plans stored before regional pressure existed have no region_pressure key.
    old = Plan.from_dict({"regions": ["neck", "abdomen"], "pressure": 2})
    assert old.region_pressure == ()
    assert old.pressure_over("abdomen") == 2
    assert Plan.from_dict({"region_pressure": None}).region_pressure == ()
    with_override = Plan.from_dict({"regions": ["abdomen"], "region_pressure": {"abdomen": 1}})
    assert with_override.to_dict()["region_pressure"] == {"abdomen": 1}
    assert Plan.from_dict(with_override.to_dict()) == with_override


def test_regional_cap_applies_to_its_region_only() -> None:
    s = screening("pregnant", pregnancy_weeks=24)
    plan = Plan(modalities=("swedish",), regions=("upper_back", "abdomen"), pressure=3,
                position="side_lying")  # fmt: skip
    check = check_plan(s, plan)
    assert kinds(check) == {("region_pressure", "abdomen"): ("PREGNANCY-DEEP-TISSUE",)}
    assert check.nearest_plan.pressure == 3
    assert check.nearest_plan.region_pressure == (("abdomen", 1),)
    # Light touch on the belly, as planned by the therapist, passes.
    light_belly = Plan(**{**_fields(plan), "region_pressure": (("abdomen", 1),)})
    assert check_plan(s, light_belly).ok
    # Without the belly in the plan, its cap does not matter.
    assert check_plan(s, Plan(**{**_fields(plan), "regions": ("upper_back",)})).ok


def test_override_above_the_overall_cap_is_reported_and_lowered() -> None:
    c = make_constraints(pressure_cap=3, region_pressure_caps={"flank_right": 2})
    plan = Plan(regions=("neck", "thigh_left", "flank_right"), pressure=2,
                region_pressure=(("flank_right", 4), ("neck", 5), ("thigh_left", 1)))  # fmt: skip
    check = check_plan(c, plan)
    messages = {v.item: v.message for v in check.violations}
    assert set(messages) == {"neck", "flank_right"}
    assert messages["neck"] == "Pressure 5 over Neck is above the cap of 3."
    assert "must not exceed 2" in messages["flank_right"]
    near = check.nearest_plan
    # A lighter touch the therapist chose is kept; higher ones drop to what is allowed.
    assert near.pressure == 2
    assert near.region_pressure == (("neck", 3), ("thigh_left", 1))
    assert check_plan(c, near).ok


def test_overrides_for_regions_left_out_are_ignored_and_dropped() -> None:
    c = make_constraints(pressure_cap=2, avoid_regions=["lumbar_spine"])
    plan = Plan(regions=("neck", "lumbar_spine"), pressure=2,
                region_pressure=(("abdomen", 5), ("lumbar_spine", 5), ("neck", 2)))  # fmt: skip
    check = check_plan(c, plan)
    assert kinds(check) == {("region", "lumbar_spine"): ()}
    assert check.nearest_plan.regions == ("neck",)
    assert check.nearest_plan.region_pressure == ()  # equal to the default: no override


def _fields(plan: Plan) -> dict:
    return {name: getattr(plan, name) for name in Plan.__dataclass_fields__}


TCM_POINTS = ("shenshu", "mingmen", "dachangshu", "baliao", "zhongwan", "qihai", "taixi",
              "yongquan", "yaoyangguan", "sanyinjiao")  # fmt: skip


def test_tcm_acupressure_plan_keeps_its_points_when_nothing_excludes_them() -> None:
    s = screening(tcm_kidney_deficiency=True)
    assert s.rule_ids == ("TCM-KIDNEY-DEFICIENCY",)
    plan = Plan(modalities=("acupressure_tuina",), acupoints=TCM_POINTS, position="prone")
    check = check_plan(s, plan)
    assert check.ok
    assert check.nearest_plan.acupoints == TCM_POINTS


def test_tcm_acupressure_plan_in_pregnancy_drops_excluded_points() -> None:
    s = screening("pregnant", tcm_kidney_deficiency=True, pregnancy_weeks=16)
    plan = Plan(modalities=("acupressure_tuina",), acupoints=TCM_POINTS, pressure=3)
    check = check_plan(s, plan)
    dropped = {v.item for v in check.violations if v.kind == "acupoint"}
    assert dropped == {"sanyinjiao", "qihai", "zhongwan", "baliao"}
    assert set(check.nearest_plan.acupoints) == set(TCM_POINTS) - dropped
    assert check.nearest_plan.modalities == ("acupressure_tuina",)
