import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from contraindications.engine import CATALOGUE_PATH, RULESET_PATH, EngineError
from rules.ruledoc import REVIEWS_PATH
from rules.services import ReviewError, store_ruleset


def read_json_file(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CommandError(f"{path}: no such file") from exc
    except json.JSONDecodeError as exc:
        raise CommandError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from exc


class Command(BaseCommand):
    help = "Validate a rule set with its question catalogue, store it, and make it the one in use."

    def add_arguments(self, parser):
        parser.add_argument("--rules", type=Path, default=RULESET_PATH)
        parser.add_argument("--catalogue", type=Path, default=CATALOGUE_PATH)
        parser.add_argument(
            "--reviews",
            type=Path,
            default=None,
            help="clinicians' reviews of the rules (default: the shipped rules' reviews.json)",
        )
        parser.add_argument(
            "--no-activate", action="store_true", help="store it for review without using it"
        )

    def handle(self, *args, rules, catalogue, no_activate, reviews=None, **options):
        if reviews is None and rules == RULESET_PATH and REVIEWS_PATH.exists():
            reviews = REVIEWS_PATH
        reviews_data = read_json_file(reviews) if reviews is not None else None
        try:
            stored = store_ruleset(
                rules_data=read_json_file(rules),
                catalogue_data=read_json_file(catalogue),
                source_name=rules.name,
                activate=not no_activate,
                reviews_data=reviews_data,
            )
        except (EngineError, ReviewError) as exc:
            raise CommandError(
                f"{reviews if isinstance(exc, ReviewError) else rules}: {exc}"
            ) from exc
        version = stored.version
        state = "loaded" if stored.created else "already loaded"
        active = " and now in use" if stored.activated else ""
        self.stdout.write(
            f"Rule set {version.version} ({version.rule_count} rules, "
            f"checksum {version.checksum[:12]}) {state}{active}."
        )
