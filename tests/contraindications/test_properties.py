"""Property tests over any answer set the catalogue allows."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contraindications.engine import (
    ACUPOINTS,
    ESSENTIAL_OILS,
    MODALITIES,
    POSITIONS,
    REGIONS,
    Plan,
    check_plan,
    load_default_catalogue,
    load_default_ruleset,
    screen,
    validate_answers,
)
from contraindications.engine.catalogue import Question
from contraindications.engine.index import RuleIndex
from contraindications.engine.rules import RuleSet

CATALOGUE = load_default_catalogue()
RULESET = load_default_ruleset()
RULE_IDS = sorted(r.id for r in RULESET.rules)

# Always-visible yes/no questions whose "yes" is a red flag on its own.
RED_FLAGS = (
    "blood_in_urine",
    "sudden_cramping_pain",
    "saddle_numbness",
    "bladder_bowel_control",
    "calf_swelling_one_side",
    "fever_chills",
    "limb_numbness_weakness",
    "kidney_infection_or_stone",
)
TEXTS = st.one_of(
    st.sampled_from(
        [
            "Eliquis",
            "tomo SINTROM",
            "warfarina 5mg",
            "Plavix",
            "aspirin daily",
            "almond oil",
            "látex",
            "vitamin D",
            "heparinoid cream",
            "",
        ]
    ),
    st.text(max_size=120),
)


def value_strategy(q: Question) -> st.SearchStrategy:
    t = q.type
    if t == "yes_no":
        return st.booleans()
    if t == "single_choice":
        return st.sampled_from([c.id for c in q.choices])
    if t == "multiple_choice":
        plain = [c.id for c in q.choices if c.id not in q.exclusive]
        subsets = st.lists(st.sampled_from(plain), min_size=1, unique=True)
        if q.exclusive:
            return st.one_of(st.sampled_from([[e] for e in sorted(q.exclusive)]), subsets)
        return subsets
    if t == "number":
        if q.integer:
            return st.integers(int(q.min), int(q.max))
        return st.floats(q.min, q.max, allow_nan=False)
    if t == "date":
        return st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat)
    if t == "free_text":
        return TEXTS.map(lambda s: s[: q.max_length])
    if t == "body_regions":
        return st.lists(st.sampled_from(sorted(REGIONS)), min_size=1, max_size=4, unique=True)
    raise AssertionError(t)


RAW_ANSWERS = st.fixed_dictionaries(
    {q.id: value_strategy(q) for q in CATALOGUE.questions if q.required},
    optional={q.id: value_strategy(q) for q in CATALOGUE.questions if not q.required},
)
CLEARED = st.frozensets(st.sampled_from(RULE_IDS), max_size=5)
PLANS = st.builds(
    Plan,
    modalities=st.lists(st.sampled_from(sorted(MODALITIES)), unique=True, max_size=3).map(tuple),
    regions=st.lists(st.sampled_from(sorted(REGIONS)), unique=True, max_size=6).map(tuple),
    pressure=st.integers(1, 5),
    region_pressure=st.dictionaries(
        st.sampled_from(sorted(REGIONS)), st.integers(1, 5), max_size=4
    ).map(lambda d: tuple(sorted(d.items()))),
    acupoints=st.lists(st.sampled_from(sorted(ACUPOINTS)), unique=True, max_size=4).map(tuple),
    oils=st.lists(st.sampled_from(sorted(ESSENTIAL_OILS)), unique=True, max_size=3).map(tuple),
    position=st.one_of(st.none(), st.sampled_from(sorted(POSITIONS))),
    duration_minutes=st.integers(15, 120),
)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(raw=RAW_ANSWERS, flag=st.sampled_from(RED_FLAGS), cleared=CLEARED)
def test_adding_a_red_flag_never_lowers_severity(raw, flag, cleared) -> None:
    before = screen(RULESET, validate_answers(CATALOGUE, raw), cleared_rule_ids=cleared)
    after = screen(
        RULESET, validate_answers(CATALOGUE, {**raw, flag: True}), cleared_rule_ids=cleared
    )
    assert after.decision.severity >= before.decision.severity
    assert after.decision.severity >= 3  # every red flag alone postpones or refers


@SETTINGS
@given(raw=RAW_ANSWERS, cleared=CLEARED)
def test_screening_is_deterministic(raw, cleared) -> None:
    answers = validate_answers(CATALOGUE, raw)
    first = screen(RULESET, answers, cleared_rule_ids=cleared).to_dict()
    again = screen(
        RULESET, validate_answers(CATALOGUE, answers.to_json()), cleared_rule_ids=set(cleared)
    ).to_dict()
    assert json.dumps(first, sort_keys=True) == json.dumps(again, sort_keys=True)


@SETTINGS
@given(raw=RAW_ANSWERS, cleared=CLEARED, plan=PLANS)
def test_no_allowed_answer_set_makes_screen_raise(raw, cleared, plan) -> None:
    answers = validate_answers(CATALOGUE, raw)
    result = screen(RULESET, answers, cleared_rule_ids=cleared, plan=plan)
    assert not any(f.code for f in result.findings)  # no evaluation errors either
    json.dumps(result.to_dict())
    check = result.plan_check
    assert check.session_possible == result.session_possible
    if check.nearest_plan is not None:
        assert check_plan(result, check.nearest_plan).violations == () or (
            result.constraints.allowed_positions == frozenset()
        )


@SETTINGS
@given(raw=RAW_ANSWERS)
def test_gates_never_skip_a_rule_that_would_fire(raw) -> None:
    answers = validate_answers(CATALOGUE, raw)
    d = dict(answers)
    naive = {r.id for r in RULESET.rules if r.when.test(d)}
    assert set(screen(RULESET, answers).rule_ids) == naive


@SETTINGS
@given(raw=RAW_ANSWERS)
def test_decision_is_the_most_severe_finding(raw) -> None:
    result = screen(RULESET, validate_answers(CATALOGUE, raw))
    if result.findings:
        assert result.decision.severity == max(f.severity for f in result.findings)
    else:
        assert result.decision.value == "proceed"


@SETTINGS
@given(raw=RAW_ANSWERS, plan=PLANS)
def test_nearest_plan_keeps_the_highest_pressure_allowed_in_each_region(raw, plan) -> None:
    result = screen(RULESET, validate_answers(CATALOGUE, raw))
    near = check_plan(result, plan).nearest_plan
    if near is None:
        return
    c = result.constraints
    assert near.pressure == min(plan.pressure, c.pressure_cap or 5)
    for region in near.regions:
        limits = [x for x in (c.pressure_cap, c.region_cap(region)) if x is not None]
        assert near.pressure_over(region) == min([plan.pressure_over(region), *limits])


UNGATED = RuleSet(
    RULESET.version,
    RULESET.rules,
    RULESET.checksum,
    RULESET.catalogue_version,
    RULESET.by_id,
    RuleIndex.build(RULESET.rules, use_gates=False),
)


@SETTINGS
@given(raw=RAW_ANSWERS, cleared=CLEARED)
def test_gated_screening_equals_testing_every_rule(raw, cleared) -> None:
    # The gate index (an "any" over several questions listed under each) only skips work:
    # the whole result, findings and their explanations included, is the same.
    answers = validate_answers(CATALOGUE, raw)
    gated = screen(RULESET, answers, cleared_rule_ids=cleared).to_dict()
    assert gated == screen(UNGATED, answers, cleared_rule_ids=cleared).to_dict()
