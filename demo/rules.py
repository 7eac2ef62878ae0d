"""Demo data for the owners' rule-set and alert-fatigue views. Called by seed_demo.

- **Sign-off**: a few rules of the rule set in use get reviews that say, in every field, that
  they are demo data. They exist so a newcomer sees a reviewed rule beside unreviewed ones; they
  are not clinical reviews, and the shipped rule set (fixtures/rules/reviews.json) carries none.
- **Alert fatigue**: varicose-vein screenings where the therapist usually keeps a plan over the
  veins with a reason, so the dashboard flags VARICOSE-VEINS for clinical review.
"""

from django.db import transaction
from django.utils import timezone

from demo.answers import demo_answers
from demo.review import screened_client
from review.models import TreatmentPlan
from review.services import parse_plan, save_plan
from rules.models import RuleReview
from rules.selectors import active_version
from rules.services import record_rule_review

DEMO_REVIEWER = "Demo reviewer (demo data, not a real review)"
DEMO_CREDENTIAL = "none: demo data"
DEMO_NOTE = "Demo data: shows how a sign-off looks on the rule-set page. Not a clinical review."
DEMO_REVIEWED_RULES = ["KIDNEY-HEMATURIA", "KIDNEY-RENAL-COLIC", "PREGNANCY-DEEP-TISSUE"]

FATIGUE_SCREENINGS = 24
FATIGUE_KEPT = 16  # of them, plans kept over the veins with a reason
FATIGUE_REASON = "Demo: client's vascular surgeon allows light strokes over the calf."
FATIGUE_CLIENTS = ["Maria Garcia", "James Smith", "Aisha Khan", "Sofia Rossi", "Grace Kim"]


def seed_demo_signoff(clinic) -> list[RuleReview]:
    """Demo-labelled reviews of a few rules of the clinic's rule set (once)."""
    version = active_version(clinic)
    done = set(
        RuleReview.objects.filter(version=version, reviewer=DEMO_REVIEWER).values_list(
            "rule_id", flat=True
        )
    )
    rule_ids = {r["id"] for r in version.rules.get("rules", [])}
    return [
        record_rule_review(
            version=version,
            rule_id=rule_id,
            reviewer=DEMO_REVIEWER,
            credential=DEMO_CREDENTIAL,
            reviewed_on=timezone.localdate(),
            note=DEMO_NOTE,
        )
        for rule_id in DEMO_REVIEWED_RULES
        if rule_id in rule_ids and rule_id not in done
    ]


@transaction.atomic
def seed_demo_fatigue(clinic, therapist) -> int:
    """Varicose-vein screenings with plans, most kept against the rule (once); returns how
    many screenings it made."""
    if TreatmentPlan.objects.filter(clinic=clinic, override_reason=FATIGUE_REASON).exists():
        return 0
    answers = demo_answers(age=58, varicose_veins=True, varicose_regions=["calf_left"])
    over_veins = {"modalities": ["swedish"], "regions": ["calf_left", "upper_back"],
                  "pressure": 2, "position": "supine", "duration_minutes": 60}  # fmt: skip
    away = {**over_veins, "regions": ["upper_back"]}
    for n in range(FATIGUE_SCREENINGS):
        name = FATIGUE_CLIENTS[n % len(FATIGUE_CLIENTS)]
        screening = screened_client(clinic, name, answers, therapist)
        if n < FATIGUE_KEPT:
            save_plan(
                screening=screening,
                plan=parse_plan(over_veins),
                created_by=therapist,
                override_reason=FATIGUE_REASON,
            )
        else:
            save_plan(screening=screening, plan=parse_plan(away), created_by=therapist)
    return FATIGUE_SCREENINGS
