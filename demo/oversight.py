"""Demo data for the owners' dashboard: a second therapist with referrals and overrides, so the
breakdowns by therapist and the override rate show something. Called by seed_demo after
demo.review.seed_demo_reviews (which gives the first therapist's referral).
"""

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from demo.answers import demo_answers
from demo.review import screened_client
from review.services import record_referral_decision

DEMO_CASES = [
    # (client, answers, action, reason)
    ("Ines Duarte", demo_answers(age=61, blood_in_urine=True), "referred", ""),
    (
        "Paul Meyer",
        demo_answers(age=47, blood_in_urine=True),
        "overridden",
        "Client saw the urologist yesterday (known kidney stone, letter on file); light "
        "relaxation massage away from the flanks only.",
    ),
    ("Amara Diallo", demo_answers(pregnant=True, age=29, pregnancy_weeks=30,
                                  pregnancy_high_risk=True), "postponed", ""),
]  # fmt: skip


def _second_therapist(clinic) -> User:
    user, created = User.objects.get_or_create(
        username="tara",
        defaults={"first_name": "Tara", "last_name": "Nguyen", "clinic": clinic},
    )
    if created:
        user.set_unusable_password()  # appears in the figures only; nobody logs in as Tara
        user.save()
        user.groups.add(Group.objects.get(name=Role.THERAPIST.value))
    return user


@transaction.atomic
def seed_demo_oversight(clinic) -> list:
    """Returns the decisions it made."""
    tara = _second_therapist(clinic)
    made = []
    for name, answers, action, reason in DEMO_CASES:
        screening = screened_client(clinic, name, answers, tara)
        actionable = [f.rule_id for f in screening.outcome.findings if f.decision.actionable]
        if not actionable:
            continue
        made.append(
            record_referral_decision(
                screening=screening,
                rule_ids=actionable,
                action=action,
                decided_by=tara,
                referred_to="Dr. Samuel Ortiz, Harbor Family Medicine"
                if action == "referred"
                else "",
                method="fax" if action == "referred" else "",
                urgency="today" if action == "referred" else "",
                reason=reason,
                urgent_override_confirmed=action == "overridden",
            )
        )
    return made
