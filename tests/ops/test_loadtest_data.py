"""The load test's data stays valid as the catalogue grows, and gives each tablet its own client
(issue 16: above 30 tablets they shared clients and ended each other's sessions)."""

import json

import pytest

from accounts.models import User
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
    (clinic,) = seeded["clinics"]
    assert len({c["id"] for c in clinic["clients"]}) == 75
    assert len(seeded["variants"]) == 3


@pytest.mark.django_db
def test_seed_spreads_clients_and_staff_over_clinics(ruleset, tmp_path, monkeypatch):
    """Client i is of clinic i mod K, and each clinic's clients and staff are of that clinic
    alone, so a tablet (which takes a client and its clinic's front desk) can open its client
    and no two tablets share one."""
    from clients.models import Client

    monkeypatch.setattr(data, "_throw_away_database", lambda: "test_load")
    out = tmp_path / "data.json"
    data.seed(out, clients_wanted=25, clinics_wanted=10)
    clinics = json.loads(out.read_text())["clinics"]
    assert [len(c["clients"]) for c in clinics] == [3] * 5 + [2] * 5
    ids = [client["id"] for c in clinics for client in c["clients"]]
    assert len(set(ids)) == 25
    for clinic in clinics:
        assert len(clinic["front_desk"]) == len(clinic["therapists"]) == 5
        homes = Client.objects.filter(public_id__in=[c["id"] for c in clinic["clients"]])
        staff_clinics = {
            u.clinic_id
            for u in User.objects.filter(username__in=clinic["front_desk"] + clinic["therapists"])
        }
        assert {c.clinic_id for c in homes} == staff_clinics
        assert len(staff_clinics) == 1


@pytest.mark.parametrize("clinics", [0, 26])
def test_seed_refuses_clinics_it_cannot_fill(clinics, tmp_path, monkeypatch):
    monkeypatch.setattr(data, "_throw_away_database", lambda: "test_load")
    with pytest.raises(SystemExit, match="--clinics must be between 1"):
        data.seed(tmp_path / "data.json", clients_wanted=25, clinics_wanted=clinics)


@pytest.mark.django_db
@pytest.mark.parametrize("clinics", [1, 10])
def test_tablet_n_takes_client_n_with_its_own_clinics_staff(
    clinics, ruleset, tmp_path, monkeypatch
):
    """As locustfile.Tablet and Staff place their users: 150 tablets, 150 clients, no client
    taken twice, and every user signs in as staff of the clinic whose clients it opens."""
    from clients.models import Client

    monkeypatch.setattr(data, "_throw_away_database", lambda: "test_load")
    out = tmp_path / "data.json"
    data.seed(out, clients_wanted=150, clinics_wanted=clinics)
    seeded = json.loads(out.read_text())
    clinic_of_user = dict(User.objects.values_list("username", "clinic_id"))
    clinic_of_client = {str(c.public_id): c.clinic_id for c in Client.objects.all()}
    taken = [data.tablet_client(seeded, n) for n in range(150)]
    assert len(set(taken)) == 150
    for n, client_id in enumerate(taken):
        _, front_desk = data.user_place(seeded, n, "front_desk")
        assert clinic_of_user[front_desk] == clinic_of_client[client_id]
    for n in range(50):
        clinic, therapist = data.user_place(seeded, n, "therapists")
        assert {clinic_of_client[c["id"]] for c in clinic["clients"]} == {clinic_of_user[therapist]}
