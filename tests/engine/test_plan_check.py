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
from tests.engine.test_rule_cases import BASELINE

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
    assert near.pressure == 1  # abdomen is light touch only in pregnancy
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
    assert near.pressure == 2  # flank (kidney area) capped lower than the general cap of 3
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
