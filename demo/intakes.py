"""Demo intakes: a few clients of the demo clinic arrive with a submitted, screened intake."""

from typing import Any

from django.core.management import call_command

from clients.models import Client
from demo.builders import submitted_intake
from intake.models import Intake
from rules.selectors import active_or_none

NOTHING: dict[str, Any] = {
    "age": 45, "first_visit": False, "main_goal": "relaxation", "has_pain": False,
    "recent_injury": False, "bruises": False, "blood_in_urine": False,
    "pain_passing_urine": False, "urinating_more_often": False, "hard_to_urinate": False,
    "cloudy_urine": False, "sudden_cramping_pain": False, "fever_chills": False,
    "nausea_vomiting": False, "feel_unwell": False, "saddle_numbness": False,
    "bladder_bowel_control": False, "limb_numbness_weakness": False,
    "calf_swelling_one_side": False, "chest_breathing_symptoms": ["none"], "belly_pain": False,
    "medications": ["none"], "today_checks": ["none"],
    "kidney_infection_or_stone": False, "broken_bone": "no", "osteoporosis": "no",
    "bleeding_disorder": False, "varicose_veins": False, "rheumatoid_arthritis": "no",
    "skin_problem": False, "reduced_sensation": False, "conditions": ["none"],
    "heart_condition": "no", "cancer": "no", "surgery": "no", "pregnant": "no",
    "consent_accurate": True, "consent_tell_changes": True, "consent_not_medical": True,
}  # fmt: skip

DEMO_CASES: list[tuple[str, dict[str, Any]]] = [
    ("Maria Garcia", {"blood_in_urine": True, "has_pain": True, "pain_regions": ["flank_right"],
                      "pain_level": 6, "pain_duration": "under_1_week", "back_or_flank_pain": True,
                      "flank_pain": True, "pain_feel": "deep_dull_constant",
                      "pain_with_movement": "same_whatever", "pain_worsening": True,
                      "night_pain": True, "seen_doctor_about_pain": False,
                      "massage_not_helping": False, "back_pain_new": True,
                      "back_pain_features": ["constant_at_rest"],
                      "weight_loss_unexplained": False}),
    ("Aisha Rahman", {"pregnant": "yes", "pregnancy_weeks": 24, "pregnancy_high_risk": False,
                    "pregnancy_swelling_headache": False, "pregnancy_warning_signs": False,
                    "main_goal": "pregnancy_comfort"}),
    ("James Silva", {"medications": ["anticoagulant"], "other_medicines": "warfarin"}),
    ("Chen Smith", {}),
    ("Sofia Kim", {"has_pain": True, "pain_regions": ["neck", "shoulder_left"], "pain_level": 3,
                     "pain_duration": "1_to_6_weeks", "back_or_flank_pain": False,
                     "pain_worsening": False, "seen_doctor_about_pain": False}),
]  # fmt: skip


def seed_demo_intakes(clinic, staff) -> int:
    """Give the demo clients above a submitted, screened intake (once). Returns how many."""
    if active_or_none() is None:
        call_command("load_rules", verbosity=0)
    made = 0
    for name, changes in DEMO_CASES:
        client = Client.objects.for_clinic(clinic.pk).filter(legal_name=name).first()
        if client is None or Intake.objects.filter(client=client, status="submitted").exists():
            continue
        if name == "Sofia Kim" and client.preferred_language != "es":
            client.preferred_language = "es"
            client.save(update_fields=["preferred_language"])
        submitted_intake(client=client, answers={**NOTHING, **changes}, started_by=staff)
        made += 1
    return made
