"""The load test's data stays valid as the catalogue grows, and gives each tablet its own client
(issue 16: above 30 tablets they shared clients and ended each other's sessions)."""

import json

import pytest

from contraindications.engine import load_default_catalogue, screen
from contraindications.engine import load_default_ruleset as default_ruleset
from intake.answers import evaluate
from loadtest import data


@pytest.mark.parametrize("index", range(3))
def test_every_answer_set_is_complete_for_the_current_catalogue(index):
    catalogue = load_default_catalogue()
    answers = data.variants()[index]
    assert dict(evaluate(catalogue, answers).errors) == {}


def test_the_answer_sets_cover_proceed_modify_and_an_urgent_referral():
    catalogue, ruleset = load_default_catalogue(), default_ruleset()
    decisions = [
        screen(ruleset, evaluate(catalogue, answers).values).decision.value
        for answers in data.variants()
    ]
    assert decisions == ["proceed", "modify", "refer_urgent"]


@pytest.mark.django_db
def test_seed_makes_one_client_per_tablet(ruleset, tmp_path, monkeypatch):
    monkeypatch.setattr(data, "_throw_away_database", lambda: "test_load")
    out = tmp_path / "data.json"
    data.seed(out, clients_wanted=75)
    seeded = json.loads(out.read_text())
    assert len({c["id"] for c in seeded["clients"]}) == 75
    assert len(seeded["variants"]) == 3
