"""Load the catalogue and rule set shipped in the repository's fixtures/ folder."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from .catalogue import Catalogue, load_catalogue
from .rules import RuleSet, load_ruleset

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES_DIR = REPO_ROOT / "fixtures"
CATALOGUE_PATH = FIXTURES_DIR / "catalogue" / "intake_questions.json"
RULESET_PATH = FIXTURES_DIR / "rules" / "ruleset.json"
RULE_CASES_DIR = FIXTURES_DIR / "rule_cases"


def read_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=1)
def load_default_catalogue() -> Catalogue:
    return load_catalogue(read_json(CATALOGUE_PATH))


@lru_cache(maxsize=1)
def load_default_ruleset() -> RuleSet:
    """The shipped rule set, compiled against the shipped catalogue (cached: immutable)."""
    return load_ruleset(read_json(RULESET_PATH), load_default_catalogue())
