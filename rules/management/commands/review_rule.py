"""Record a clinician's review (sign-off) of one rule of a stored rule-set version.

    python manage.py review_rule 2026.12.0 KIDNEY-HEMATURIA --reviewer "Dr. A. Name" \\
        --credential "MD, nephrology" --date 2026-12-01 --note "Agree: same-day referral."

Append-only: a second review of the same rule is a new record. List with --list.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from rules.models import RuleSetVersion
from rules.selectors import reviews_by_rule, unreviewed_rule_ids
from rules.services import ReviewError, record_rule_review


class Command(BaseCommand):
    help = "Record a clinician's review of one rule of a rule-set version (or --list them)."

    def add_arguments(self, parser):
        parser.add_argument("version")
        parser.add_argument("rule_id", nargs="?")
        parser.add_argument("--reviewer", default="")
        parser.add_argument("--credential", default="")
        parser.add_argument("--date", default=None, help="YYYY-MM-DD (default: today)")
        parser.add_argument("--note", default="")
        parser.add_argument("--list", action="store_true", help="list reviews and unreviewed rules")

    def handle(self, *args, version, rule_id, reviewer, credential, date, note, **options):
        stored = RuleSetVersion.objects.filter(version=version).first()
        if stored is None:
            raise CommandError(f"no rule set {version!r} is loaded")
        if options["list"]:
            for rid, reviews in sorted(reviews_by_rule(stored).items()):
                for r in reviews:
                    self.stdout.write(f"{rid}: {r.reviewer} ({r.credential}), {r.reviewed_on}")
            missing = unreviewed_rule_ids(stored)
            self.stdout.write(f"{len(missing)} of {stored.rule_count} rules not reviewed")
            return
        if not rule_id:
            raise CommandError("name the rule to review, or use --list")
        try:
            reviewed_on = _date(date)
            review = record_rule_review(
                version=stored,
                rule_id=rule_id,
                reviewer=reviewer,
                credential=credential,
                reviewed_on=reviewed_on,
                note=note,
            )
        except ReviewError as exc:
            raise CommandError(f"{exc.code}: {exc}") from exc
        self.stdout.write(
            f"Recorded: {review.rule_id} of rule set {stored.version} reviewed by "
            f"{review.reviewer} ({review.credential}) on {review.reviewed_on}."
        )


def _date(text):
    if text is None:
        from django.utils import timezone

        return timezone.localdate()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ReviewError(f"{text!r} is not a date (YYYY-MM-DD)", "bad_date") from None
