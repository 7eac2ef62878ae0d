from django.conf import settings
from django.db import models

from audit.history import tracked_history


class RuleSetVersion(models.Model):
    """A rule set exactly as loaded, with the question catalogue it was validated against.

    Never edited: a change is a new version. Screenings point here, so any past decision can be
    recomputed with the rules that made it.
    """

    version = models.CharField(max_length=40, unique=True)
    checksum = models.CharField(max_length=64, unique=True)
    catalogue_version = models.CharField(max_length=40)
    rules = models.JSONField()
    catalogue = models.JSONField()
    # Of `catalogue`, as `checksum` is of `rules`: a process checks both before it uses either
    # (rules.selectors.compiled). Set for every version by migration rules/0005; nullable so
    # that the history rows from before it keep their hashes (audit.chain leaves NULLs out).
    catalogue_checksum = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    rule_count = models.PositiveIntegerField()
    source_name = models.CharField(max_length=200, blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Legacy: before per-clinic activation this marked the installation's rule set in use.
    # Migration rules/0002 turned its values into RuleSetActivation rows; nothing reads or
    # writes it any more (kept so the history table's hash chain stays valid).
    activated_at = models.DateTimeField(null=True, blank=True, db_index=True)

    # The table names are the ones these models had in the contraindications app.
    history = tracked_history(table_name="contraindications_historicalrulesetversion")

    class Meta:
        db_table = "contraindications_rulesetversion"
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return f"Rule set {self.version}"


class RuleSetActivation(models.Model):
    """A clinic put `version` in use from `activated_at` on; append-only (a PostgreSQL trigger
    refuses UPDATE and DELETE). `clinic` NULL: the installation default, which `load_rules` sets
    and which a clinic without an activation of its own (a new clinic) uses."""

    clinic = models.ForeignKey(
        "accounts.Clinic", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.ForeignKey(RuleSetVersion, on_delete=models.PROTECT, related_name="+")
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    activated_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["clinic", "-activated_at", "-id"])]

    def __str__(self) -> str:
        return f"{self.version} in use at {self.clinic or 'installation default'}"


class RuleReview(models.Model):
    """A clinician's sign-off of one rule of one rule-set version: who (name and credential),
    when, and what they noted. Append-only (a PostgreSQL trigger refuses UPDATE and DELETE): a
    correction is a new review. Entered by `manage.py review_rule`, or carried by the rule set's
    fixture (fixtures/rules/reviews.json, imported by `load_rules`); never by a clinic owner."""

    version = models.ForeignKey(RuleSetVersion, on_delete=models.PROTECT, related_name="reviews")
    rule_id = models.CharField(max_length=80)
    reviewer = models.CharField(max_length=200)
    credential = models.CharField(max_length=200)
    reviewed_on = models.DateField()
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rule_id", "reviewed_on", "id"]
        indexes = [models.Index(fields=["version", "rule_id"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reviewer="") & ~models.Q(credential="") & ~models.Q(rule_id=""),
                name="rulereview_names_the_reviewer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} in {self.version_id} reviewed by {self.reviewer}"


class ClinicRulePolicy(models.Model):
    """A clinic's rule-set policy. `require_review`: a version may only be activated for the
    clinic when every one of its rules has a clinician's review (RuleReview)."""

    clinic = models.OneToOneField(
        "accounts.Clinic", on_delete=models.CASCADE, related_name="rule_policy"
    )
    require_review = models.BooleanField(default=False)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"rule policy of {self.clinic}"
