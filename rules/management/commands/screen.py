"""Screen one intake's answers from a JSON file or standard input; print the screening as JSON.

Input: either the answers object itself ({"question_id": value, ...}) or
{"answers": {...}, "plan": {...}, "cleared_rule_ids": [...]}. See docs/SCREENING.md.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Clinic
from contraindications.engine import EngineError, Plan, grouped_findings, screen, validate_answers
from rules.selectors import NoActiveRuleSet, active_version, compiled

ENVELOPE_KEYS = {"answers", "plan", "cleared_rule_ids"}


class Command(BaseCommand):
    help = (
        "Screen answers (a JSON file, or - / nothing for standard input) with the rule set in use."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="-")
        parser.add_argument(
            "--clinic", metavar="SLUG", help="use this clinic's rule set (default: installation's)"
        )

    def handle(self, *args, path, clinic=None, **options):
        document = self._read(path)
        if isinstance(document, dict) and "answers" in document and set(document) <= ENVELOPE_KEYS:
            raw_answers = document["answers"]
            raw_plan = document.get("plan")
            cleared = document.get("cleared_rule_ids", [])
        else:
            raw_answers, raw_plan, cleared = document, None, []
        if not isinstance(cleared, list) or not all(isinstance(c, str) for c in cleared):
            raise CommandError("cleared_rule_ids must be a list of rule ids")
        target = None
        if clinic:
            target = Clinic.objects.filter(slug=clinic).first()
            if target is None:
                raise CommandError(f"no clinic with slug {clinic!r}")
        try:
            version = active_version(target)
        except NoActiveRuleSet as exc:
            raise CommandError(str(exc)) from exc
        # On stderr, so standard output stays the screening's JSON.
        self.stderr.write(
            f"Rule set {version.version}: "
            + (f"the one clinic {target.slug} uses." if target else "the installation default.")
        )
        catalogue, ruleset = compiled(version)
        try:
            answers = validate_answers(catalogue, raw_answers, complete=False)
            plan = None if raw_plan is None else Plan.from_dict(raw_plan)
        except EngineError as exc:
            raise CommandError(f"{exc.code}: {exc}") from exc
        except TypeError as exc:
            raise CommandError(f"plan: {exc}") from exc
        result = screen(ruleset, answers, plan=plan, cleared_rule_ids=frozenset(cleared))
        output = result.to_dict()
        # The same findings grouped by the answers that triggered them, as the screen shows them.
        output["finding_groups"] = grouped_findings(result.findings)
        self.stdout.write(json.dumps(output, indent=2, ensure_ascii=False))

    def _read(self, path):
        try:
            if path == "-":
                text = sys.stdin.read()
            else:
                with open(path, encoding="utf-8") as fh:
                    text = fh.read()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path}: not UTF-8 text") from exc
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"malformed JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
            ) from exc
