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
    rule_count = models.PositiveIntegerField()
    source_name = models.CharField(max_length=200, blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The rule set in use is the one activated most recently.
    activated_at = models.DateTimeField(null=True, blank=True, db_index=True)

    # The table names are the ones these models had in the contraindications app.
    history = tracked_history(table_name="contraindications_historicalrulesetversion")

    class Meta:
        db_table = "contraindications_rulesetversion"
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return f"Rule set {self.version}"
