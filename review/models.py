from functools import cached_property

from django.conf import settings
from django.db import models

from accounts.models import ClinicRecord
from contraindications.engine import Decision
from contraindications.engine import Screening as EngineScreening

DECISION_CHOICES = [(d.value, d.label_en) for d in Decision]


class Screening(ClinicRecord):
    """The engine's decision on one intake, frozen with its inputs and the rule set used."""

    # Set on each screening of a client's history (review.selectors.client_history).
    referral_list: list["ReferralDecision"]
    plan_list: list["TreatmentPlan"]
    clearance_list: list["PhysicianClearance"]

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="screenings"
    )
    intake = models.ForeignKey("intake.Intake", on_delete=models.PROTECT, related_name="screenings")
    ruleset = models.ForeignKey(
        "rules.RuleSetVersion", on_delete=models.PROTECT, related_name="screenings"
    )
    decision = models.CharField(max_length=24, choices=DECISION_CHOICES)
    # Snapshots: the validated answers screened and the full result (findings, constraints).
    inputs = models.JSONField()
    result = models.JSONField()
    cleared_rule_ids = models.JSONField(default=list, blank=True)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "contraindications_screening"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["clinic", "decision", "-created_at"]),
            models.Index(fields=["client", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} for {self.client} ({self.created_at:%Y-%m-%d})"

    @property
    def decision_colour(self) -> str:
        """The engine's display colour for the decision; an unknown one reads as the gravest."""
        decision = Decision.parse(self.decision)
        return decision.colour if decision else "danger"

    @cached_property
    def outcome(self) -> EngineScreening:
        """The stored result as the engine's typed Screening (findings, constraints, decision).

        ``outcome.to_dict()`` is exactly ``result``: the stored shape is the engine's."""
        return EngineScreening.from_dict(self.result)


# --- Therapist review: plans, referral decisions, physician clearances -------------------------
# Each is an append-only record: a change of mind is a new row, never an update, so the history
# of who decided what, on which rule-set version and why, can always be read back.


class AppendOnlyError(Exception):
    code = "append_only"


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Guard against accidental edits through the ORM; the services only ever create rows.
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.label} records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.label} records are append-only")


class TreatmentPlan(ClinicRecord, AppendOnlyModel):
    """The session a therapist plans for a screening, with the check it passed or overrode."""

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="plans")
    ruleset = models.ForeignKey("rules.RuleSetVersion", on_delete=models.PROTECT, related_name="+")
    modalities = models.JSONField(default=list)
    regions = models.JSONField(default=list)
    pressure = models.PositiveSmallIntegerField()  # the default, over every region not below
    # {region: level} where the pressure differs from the default; {} = the default everywhere.
    region_pressure = models.JSONField(default=dict, blank=True)
    acupoints = models.JSONField(default=list)
    oils = models.JSONField(default=list)
    position = models.CharField(max_length=24, blank=True)
    duration_minutes = models.PositiveSmallIntegerField()
    notes = models.TextField(blank=True)
    # The engine's PlanCheck.to_dict() at the moment of saving.
    check_result = models.JSONField()
    compliant = models.BooleanField()
    override_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "contraindications_treatmentplan"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(compliant=True) | ~models.Q(override_reason=""),
                name="plan_override_needs_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(pressure__gte=1, pressure__lte=5), name="plan_pressure_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"Plan for {self.client} ({self.created_at:%Y-%m-%d})"

    def to_engine_dict(self) -> dict:
        return {
            "modalities": self.modalities,
            "regions": self.regions,
            "pressure": self.pressure,
            "region_pressure": self.region_pressure or {},
            "acupoints": self.acupoints,
            "oils": self.oils,
            "position": self.position or None,
            "duration_minutes": self.duration_minutes,
            "notes": self.notes,
        }


class ReferralDecision(ClinicRecord, AppendOnlyModel):
    """What the therapist did about findings that stop or condition a session."""

    class Action(models.TextChoices):
        REFERRED = "referred", "Referred"
        POSTPONED = "postponed", "Postponed"
        OVERRIDDEN = "overridden", "Overridden (session goes ahead)"

    class Method(models.TextChoices):
        LETTER = "letter", "Referral letter"
        FAX = "fax", "Fax"
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone call"
        CLIENT_SELF = "client_self", "Client to contact them"
        EMERGENCY = "emergency", "Emergency services"

    class Urgency(models.TextChoices):
        EMERGENCY = "emergency", "Emergency, now"
        TODAY = "today", "Same day"
        WITHIN_WEEK = "within_week", "Within a week"
        ROUTINE = "routine", "Routine"

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="referrals")
    ruleset = models.ForeignKey("rules.RuleSetVersion", on_delete=models.PROTECT, related_name="+")
    rule_ids = models.JSONField()  # the findings this decision answers
    urgent = models.BooleanField()  # at least one of them is refer_urgent
    action = models.CharField(max_length=16, choices=Action.choices)
    referred_to = models.CharField(max_length=200, blank=True)
    method = models.CharField(max_length=16, choices=Method.choices, blank=True)
    urgency = models.CharField(max_length=16, choices=Urgency.choices, blank=True)
    # What the therapist asks the physician for (goes into the referral letter).
    request_text = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    urgent_override_confirmed = models.BooleanField(default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "contraindications_referraldecision"
        ordering = ["-decided_at", "-id"]
        indexes = [
            # The owners' dashboard: a clinic's decisions over a date range, per therapist.
            models.Index(fields=["clinic", "decided_at"], name="referral_clinic_at_idx"),
            models.Index(
                fields=["clinic", "decided_by", "decided_at"], name="referral_clinic_by_at_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(action="overridden") | ~models.Q(reason=""),
                name="referral_override_needs_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(action="overridden", urgent=True)
                | models.Q(urgent_override_confirmed=True),
                name="referral_urgent_override_confirmed",
            ),
            models.CheckConstraint(
                condition=~models.Q(action="referred")
                | (~models.Q(referred_to="") & ~models.Q(method="") & ~models.Q(urgency="")),
                name="referral_names_whom_how_when",
            ),
            models.CheckConstraint(
                condition=~models.Q(rule_ids=[]), name="referral_names_findings"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} for {self.client} ({self.decided_at:%Y-%m-%d})"


class ReferralDecisionRule(AppendOnlyModel):
    """One row per rule a referral decision answers, copied from the decision when it is made.

    Denormalised for the owners' dashboard: counting decisions by rule or category is a plain
    indexed GROUP BY on every database, instead of unnesting the JSON list of each decision.
    """

    decision = models.ForeignKey(
        ReferralDecision, on_delete=models.PROTECT, related_name="rule_links"
    )
    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    rule_id = models.CharField(max_length=64)
    category = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=16, choices=ReferralDecision.Action.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        db_table = "contraindications_referraldecisionrule"
        ordering = ["-decided_at", "-id"]
        indexes = [
            models.Index(fields=["clinic", "decided_at"], name="decisionrule_clinic_at_idx"),
            models.Index(
                fields=["clinic", "rule_id", "decided_at"], name="decisionrule_clinic_rule_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["decision", "rule_id"], name="decisionrule_once"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} ({self.action})"


class PhysicianClearance(ClinicRecord, AppendOnlyModel):
    """A physician's written clearance for named findings, valid from a date until expiry."""

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="clearances")
    ruleset = models.ForeignKey("rules.RuleSetVersion", on_delete=models.PROTECT, related_name="+")
    physician_name = models.CharField(max_length=200)
    cleared_on = models.DateField()
    expires_on = models.DateField()
    rule_ids = models.JSONField()  # scope: the findings the physician cleared
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "contraindications_physicianclearance"
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["client", "expires_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(physician_name=""), name="clearance_names_physician"
            ),
            models.CheckConstraint(
                condition=models.Q(expires_on__gte=models.F("cleared_on")),
                name="clearance_expires_after_issue",
            ),
            models.CheckConstraint(condition=~models.Q(rule_ids=[]), name="clearance_has_scope"),
        ]

    def __str__(self) -> str:
        return f"Clearance by {self.physician_name} for {self.client} until {self.expires_on}"


class ScreeningFinding(AppendOnlyModel):
    """One row per finding of a screening, copied from its result when it is stored.

    Denormalised for the owners' alert-fatigue figures (oversight/fatigue.py): counting how
    often each rule fired is an indexed GROUP BY instead of unnesting the JSON of every
    screening. The screening's result stays the record; these rows only repeat it.
    """

    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="finding_rows")
    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    rule_id = models.CharField(max_length=64)
    category = models.CharField(max_length=40, blank=True)
    decision = models.CharField(max_length=24, choices=DECISION_CHOICES)
    created_at = models.DateTimeField()  # the screening's

    class Meta:
        indexes = [
            models.Index(fields=["clinic", "created_at"], name="finding_clinic_at_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["screening", "rule_id"], name="finding_once"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} ({self.decision})"

    @classmethod
    def rows_for(cls, screening: Screening) -> list["ScreeningFinding"]:
        return [
            cls(
                screening=screening,
                clinic_id=screening.clinic_id,
                rule_id=f.rule_id[:64],
                category=f.category[:40],
                decision=f.decision.value,
                created_at=screening.created_at,
            )
            for f in screening.outcome.findings
        ]


# --- Session notes -----------------------------------------------------------------------------
# A note is signed the moment it is saved: there are no drafts, so no clinical note is ever
# edited. A correction or a later observation is an addendum, itself append-only.


class SessionNote(ClinicRecord, AppendOnlyModel):
    """The therapist's SOAP note of a session given on a screening, signed when saved."""

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="notes")
    # The plan the session followed, when one was saved (the latest at the time of writing).
    treatment_plan = models.ForeignKey(
        TreatmentPlan, on_delete=models.PROTECT, null=True, blank=True, related_name="session_notes"
    )
    subjective = models.TextField()
    objective = models.TextField()
    assessment = models.TextField()
    plan = models.TextField()
    regions = models.JSONField(default=list)  # body-map region codes worked on
    pressure = models.PositiveSmallIntegerField()  # the plan's 1-5 scale
    client_response = models.TextField(blank=True)
    # Sent with the form; a second tap re-sends the same token and finds the note signed.
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-signed_at", "-id"]
        indexes = [models.Index(fields=["client", "-signed_at"], name="note_client_signed_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pressure__gte=1, pressure__lte=5), name="note_pressure_1_to_5"
            ),
            models.CheckConstraint(
                condition=~models.Q(subjective="")
                & ~models.Q(objective="")
                & ~models.Q(assessment="")
                & ~models.Q(plan=""),
                name="note_soap_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"Session note for {self.client} ({self.signed_at:%Y-%m-%d})"


class NoteAddendum(ClinicRecord, AppendOnlyModel):
    """A later correction or addition to a signed note; the note itself never changes."""

    note = models.ForeignKey(SessionNote, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField()
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(text=""), name="addendum_has_text"),
        ]

    def __str__(self) -> str:
        return f"Addendum to {self.note} ({self.created_at:%Y-%m-%d})"
