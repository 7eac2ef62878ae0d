"""Complete, realistic answer sets for the demo clinic.

They start from the "nothing to report" baseline the rule cases use
(fixtures/rule_cases/_baseline.json), so a demo intake is as complete as a real tablet submission.
"""

import json
from functools import cache

from contraindications.engine import RULE_CASES_DIR

BACK_PAIN_FOLLOW_UPS = {
    "has_pain": True,
    "pain_level": 5,
    "pain_duration": "under_1_week",
    "back_or_flank_pain": True,
    "flank_pain": False,
    "pain_feel": "sharp_stabbing",
    "pain_with_movement": "worse_with_movement",
    "pain_worsening": False,
    "night_pain": False,
    "massage_not_helping": False,
    "seen_doctor_about_pain": False,
    "back_pain_new": False,
    "back_pain_features": ["none"],
    "weight_loss_unexplained": False,
}
PREGNANCY_FOLLOW_UPS = {
    "pregnant": "yes",
    "pregnancy_high_risk": False,
    "pregnancy_swelling_headache": False,
    "pregnancy_warning_signs": False,
}


@cache
def _baseline() -> dict:
    data = json.loads((RULE_CASES_DIR / "_baseline.json").read_text(encoding="utf-8"))
    return data["base"]


def demo_answers(*, back_pain=False, pregnant=False, **changes) -> dict:
    answers = dict(_baseline())
    if back_pain:
        answers.update(BACK_PAIN_FOLLOW_UPS)
    if pregnant:
        answers.update(PREGNANCY_FOLLOW_UPS)
    answers.update(changes)
    return answers
