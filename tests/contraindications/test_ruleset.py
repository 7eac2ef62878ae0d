"""The shipped rule set and the loader's rejection of malformed rules."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

from contraindications.engine import (
    RULESET_PATH,
    Decision,
    RuleSetError,
    load_default_catalogue,
    load_default_ruleset,
    load_ruleset,
    ruleset_checksum,
)
from contraindications.engine.logic import referenced_questions
from contraindications.engine.rules import SEED_TITLES, Source

SEEDS_DIR = Path("/work/shared/seeds")


def raw_ruleset() -> dict:
    return json.loads(RULESET_PATH.read_text(encoding="utf-8"))


def test_shipped_ruleset_loads() -> None:
    rs = load_default_ruleset()
    assert rs.version
    assert len(rs.rules) >= 40
    assert rs.checksum == ruleset_checksum(raw_ruleset())
    assert rs.catalogue_version == load_default_catalogue().version


def test_every_rule_reads_only_catalogue_questions() -> None:
    catalogue = load_default_catalogue()
    for rule in raw_ruleset()["rules"]:
        used = referenced_questions(rule["when"])
        assert used <= catalogue.by_id.keys(), (rule["id"], used - catalogue.by_id.keys())
        assert set(rule["reads"]) <= catalogue.by_id.keys(), rule["id"]


def test_every_rule_cites_a_readable_source() -> None:
    for rule in load_default_ruleset().rules:
        src = rule.source
        assert src.title, rule.id
        assert src.passage, rule.id
        assert not src.reference, f"{rule.id}: free-text references are for old screenings only"
        if src.seed:
            assert (src.title, src.year) == SEED_TITLES[src.seed], rule.id
        else:
            assert src.publisher, rule.id
            assert src.url, rule.id
        citation = src.citation()
        assert src.title in citation, rule.id
        assert not re.search(r"\d{3}_[0-9a-f]{16}", citation), f"{rule.id}: file name shown"


def test_citation_reads_like_a_reference() -> None:
    page = Source(
        title="Cauda equina syndrome",
        publisher="NHS",
        year="2023",
        url="https://www.nhs.uk/conditions/cauda-equina-syndrome/",
        passage="a long enough passage",
    )
    assert page.citation() == (
        'NHS. "Cauda equina syndrome." 2023. https://www.nhs.uk/conditions/cauda-equina-syndrome/'
    )
    seed = Source(seed="003_09e74228912758b2.txt", passage="Fever, chills, sweats")
    assert seed.citation() == '"Does Massage Help Back Pain." 20 May 2024.'
    assert Source(title="Untitled?", publisher="X", passage="p" * 10).citation() == (
        'X. "Untitled?" n.d.'
    )


def test_old_stored_sources_still_load_and_cite() -> None:
    """Screenings stored before 2026.12 carry only seed/passage/reference."""
    old_seed = {
        "seed": "001_7e19e5c9cb64b676.txt",
        "passage": "Lumbar pain due to kidney deficiency",
    }
    old_ref = {"reference": "NICE Clinical Knowledge Summaries, 'Deep vein thrombosis'"}
    for d in (old_seed, old_ref):
        assert Source(**d) == Source.from_dict(d)
        assert Source.from_dict(d).to_dict() == d
    assert "Kidney Deficiency" in Source.from_dict(old_seed).citation()
    assert Source.from_dict(old_ref).citation() == old_ref["reference"]
    assert Source.from_dict({**old_ref, "added_later": "x"}) == Source(**old_ref)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="seed documents not available here")
def test_seed_passages_are_verbatim() -> None:
    for rule in load_default_ruleset().rules:
        if rule.source.seed:
            text = _norm((SEEDS_DIR / rule.source.seed).read_text(encoding="utf-8"))
            assert _norm(rule.source.passage) in text, rule.id


def test_pattern_rules_never_exceed_modify() -> None:
    for rule in load_default_ruleset().rules:
        if rule.pattern_only:
            assert rule.severity <= Decision.MODIFY.severity, rule.id


def test_checksum_is_canonical() -> None:
    data = raw_ruleset()
    shuffled = json.loads(json.dumps(data, sort_keys=True))
    assert ruleset_checksum(shuffled) == ruleset_checksum(data)
    data["rules"][0]["title"] += "!"
    assert ruleset_checksum(data) != ruleset_checksum(shuffled)


def _rule(rid: str = "TEST-RULE", **over) -> dict:
    rule = {
        "id": rid,
        "version": 1,
        "title": "Test",
        "category": "test",
        "description": "A test rule.",
        "clinical_summary": "Test.",
        "reads": ["blood_in_urine"],
        "when": {"q": "blood_in_urine", "eq": True},
        "outcome": "refer",
        "constraints": {},
        "message": "Test.",
        "source": {"reference": "A public clinical reference, 2020"},
    }
    rule.update(over)
    return rule


def _load(*rules: dict) -> None:
    load_ruleset({"version": "t1", "rules": list(rules)}, load_default_catalogue())


BAD_RULES = [
    ({"source": {}}, "missing_source"),
    ({"source": None}, "missing_source"),
    ({"source": {"seed": "000_ba67d9629a9ad6de.txt"}}, "bad_source"),
    ({"source": {"seed": "notes.txt", "passage": "a long enough passage"}}, "bad_source"),
    ({"source": {"title": "A page", "url": "https://example.org/"}}, "bad_source"),
    ({"source": {"title": "A page", "passage": "a long enough passage"}}, "bad_source"),
    ({"source": {"passage": "a passage without its page"}}, "bad_source"),
    (
        {"source": {"title": "A page", "publisher": "X", "passage": "p" * 12, "url": "ftp://x"}},
        "bad_source",
    ),
    ({"source": {"title": "", "publisher": "X", "passage": "p" * 12}}, "bad_source"),
    (
        {"source": {"title": "A page", "publisher": "X", "passage": "p" * 12, "isbn": "1"}},
        "bad_source",
    ),
    ({"outcome": "maybe"}, "unknown_decision"),
    ({"version": 0}, "bad_version"),
    ({"title": ""}, "missing_field"),
    ({"constraints": {"avoid_regions": ["tail"]}}, "unknown_region"),
    ({"constraints": {"exclude_modalities": ["reiki"]}}, "unknown_modality"),
    ({"constraints": {"exclude_acupoints": ["LI99"]}}, "unknown_acupoint"),
    ({"constraints": {"exclude_oils": ["unicorn"]}}, "unknown_oil"),
    ({"constraints": {"positioning": ["upside_down"]}}, "unknown_position"),
    ({"constraints": {"pressure_cap": 6}}, "bad_pressure"),
    ({"constraints": {"region_pressure_caps": {"flank_left": 0}}}, "bad_pressure"),
    ({"constraints": {"frobnicate": 1}}, "unknown_constraint"),
    ({"constraints": {"avoid_regions_from": ["pregnant"]}}, "bad_constraint"),
    ({"reads": ["blood_in_urine", "fever_chills"]}, "reads_mismatch"),
    ({"reads": []}, "reads_mismatch"),
    ({"reads": ["nope"]}, "unknown_question"),
    ({"when": {"q": "nope", "eq": True}, "reads": ["blood_in_urine"]}, "unknown_question"),
    ({"when": {"q": "blood_in_urine", "approx": True}}, "unknown_op"),
    ({"when": {"xor": [{"q": "blood_in_urine", "eq": True}]}}, "unknown_op"),
    ({"when": {"q": "blood_in_urine", "eq": "yes"}}, "bad_value"),
    ({"when": {"q": "blood_in_urine", "gt": 1}}, "bad_op_for_type"),
    ({"when": {"all": []}}, "bad_logic"),
    ({"outcome": "refer", "pattern_only": True}, "pattern_rule_too_severe"),
    ({"colour": "red"}, "unknown_key"),
]


@pytest.mark.parametrize(("override", "code"), BAD_RULES, ids=[c for _, c in BAD_RULES])
def test_malformed_rule_is_rejected_naming_the_rule(override: dict, code: str) -> None:
    with pytest.raises(RuleSetError) as exc:
        _load(_rule("KIDNEY-TEST", **override))
    assert exc.value.code == code
    assert exc.value.rule_id == "KIDNEY-TEST"
    assert "KIDNEY-TEST" in str(exc.value)


def test_value_types_checked_per_question_type() -> None:
    bad = [
        ({"q": "pregnant", "eq": "perhaps"}, ["pregnant"]),
        ({"q": "pregnancy_weeks", "gte": "20"}, ["pregnancy_weeks"]),
        ({"q": "pain_started_on", "gt": "yesterday"}, ["pain_started_on"]),
        ({"q": "medications", "contains_any": "warfarin"}, ["medications"]),
        ({"q": "bruise_regions", "contains": "tail"}, ["bruise_regions"]),
        ({"q": "other_medicines", "text_contains_any": []}, ["other_medicines"]),
    ]
    for when, reads in bad:
        with pytest.raises(RuleSetError) as exc:
            _load(_rule("TYPE-TEST", when=when, reads=reads))
        assert exc.value.code == "bad_value", when


def test_duplicate_rule_ids_rejected() -> None:
    with pytest.raises(RuleSetError) as exc:
        _load(_rule("DUP-RULE"), _rule("DUP-RULE"))
    assert (exc.value.code, exc.value.rule_id) == ("duplicate_rule", "DUP-RULE")


def test_bad_rule_id_and_empty_ruleset() -> None:
    with pytest.raises(RuleSetError) as exc:
        _load(_rule("lower-case"))
    assert exc.value.code == "bad_id"
    with pytest.raises(RuleSetError) as exc:
        load_ruleset({"version": "x", "rules": []}, load_default_catalogue())
    assert exc.value.code == "missing_rules"


def test_shipped_rules_rejected_after_tampering() -> None:
    data = raw_ruleset()
    broken = copy.deepcopy(data)
    del broken["rules"][3]["source"]
    with pytest.raises(RuleSetError) as exc:
        load_ruleset(broken, load_default_catalogue())
    assert exc.value.rule_id == data["rules"][3]["id"]
