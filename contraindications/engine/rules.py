"""Rules as data: loading and validating a rule set against the catalogue."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .catalogue import Catalogue
from .constraints import EMPTY, Constraints
from .errors import LogicError, RuleSetError
from .index import RuleIndex
from .logic import Condition, compile_condition, referenced_questions
from .vocabulary import (
    ACUPOINTS,
    ESSENTIAL_OILS,
    MODALITIES,
    POSITIONING_REQUIREMENTS,
    PRESSURE_MAX,
    PRESSURE_MIN,
    REGIONS,
    SEVERITY,
    Decision,
    allowed_positions,
)

RULE_ID_RE = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$")
SEED_RE = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt$")
_RULE_KEYS = frozenset(
    {
        "id",
        "version",
        "title",
        "category",
        "description",
        "clinical_summary",
        "reads",
        "when",
        "outcome",
        "constraints",
        "message",
        "source",
        "pattern_only",
    }
)
_REQUIRED_TEXT = ("title", "category", "description", "clinical_summary", "message")
_CONSTRAINT_KEYS = frozenset(
    {
        "pressure_cap",
        "region_pressure_caps",
        "avoid_regions",
        "avoid_regions_from",
        "exclude_modalities",
        "exclude_acupoints",
        "exclude_oils",
        "positioning",
        "precautions",
    }
)
# Pattern-only rules (e.g. TCM "kidney deficiency") describe a practice pattern,
# not a disease: they may add notes and constraints but never stop a session.
PATTERN_MAX = SEVERITY[Decision.MODIFY]


# The five source articles the first rule set was written from, as published
# (/work/shared/seeds/README.md). People see the title and date; the file name
# stays in the machine record only.
SEED_TITLES: Mapping[str, tuple[str, str | None]] = MappingProxyType(
    {
        "000_ba67d9629a9ad6de.txt": (
            "The question of whether a massage can ease pain felt in the flank or lower back area…",
            None,
        ),
        "001_7e19e5c9cb64b676.txt": (
            "Is Massage Effective for Lumbar Pain due to Kidney Deficiency?",
            "21 Nov 2023",
        ),
        "002_44fc202a08ca02c7.txt": ("Lower Back Pain Kidney", None),
        "003_09e74228912758b2.txt": ("Does Massage Help Back Pain", "20 May 2024"),
        "004_51400f96db5c4ede.txt": (
            "Getting Just the Right Massage Technique for Lower Back Pain",
            "21 May 2019",
        ),
    }
)
_SOURCE_KEYS = ("seed", "passage", "reference", "title", "publisher", "year", "url")


@dataclass(frozen=True, slots=True)
class Source:
    """Where a rule comes from, in the form a physician can check.

    ``title``, ``publisher`` (author or publishing body), ``year`` (as published:
    a year or a full date), ``url`` and the quoted ``passage`` are for people;
    ``seed`` names the seed file the passage is checked against, word for word.
    ``reference`` is the free-text citation of rule sets before 2026.12; stored
    screenings still carry it, so it still loads and prints.
    """

    seed: str | None = None
    passage: str | None = None
    reference: str | None = None
    title: str | None = None
    publisher: str | None = None
    year: str | None = None
    url: str | None = None

    def to_dict(self) -> dict[str, str]:
        return {k: v for k in _SOURCE_KEYS if (v := getattr(self, k))}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Source:
        """Read a stored source; keys this version does not know are ignored."""
        return cls(**{k: d[k] for k in _SOURCE_KEYS if d.get(k) is not None})

    def citation(self) -> str:
        """One readable line: publisher, "title", year, URL. Never the seed file name."""
        title, year = self.title, self.year
        if title is None and self.seed:
            title, seed_year = SEED_TITLES.get(self.seed, ("Source article", None))
            year = year or seed_year
        if title is None:
            return self.reference or ""
        end = "" if title.endswith((".", "?", "!", "…")) else "."
        parts = [f"{self.publisher}." if self.publisher else "", f'"{title}{end}"']
        parts.append(f"{year}." if year else "n.d.")
        if self.url:
            parts.append(self.url)
        return " ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    version: int
    title: str
    category: str
    description: str
    clinical_summary: str
    reads: tuple[str, ...]
    when: Condition
    outcome: Decision
    constraints: Constraints
    avoid_regions_from: tuple[str, ...]  # body_regions questions whose answers are avoided
    message: str
    source: Source
    pattern_only: bool = False
    severity: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class RuleSet:
    version: str
    rules: tuple[Rule, ...]
    checksum: str  # sha256 of the canonical JSON of the rule-set file content
    catalogue_version: str
    by_id: Mapping[str, Rule] = field(repr=False, compare=False)
    # Gate index used by screening (see index.py); built once at load.
    index: Any = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.rules)


RULESET_VERSION = re.compile(r"[0-9A-Za-z._-]{1,40}")


def canonical_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def ruleset_checksum(data: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def catalogue_checksum(data: Mapping[str, Any]) -> str:
    """As ruleset_checksum, of a question catalogue's document (what the tablet asks)."""
    return ruleset_checksum(data)


def load_ruleset(data: Mapping[str, Any], catalogue: Catalogue) -> RuleSet:
    """Validate and compile a rule set. Raises RuleSetError naming the rule."""
    if not isinstance(data, Mapping):
        raise RuleSetError("rule set must be an object", "invalid_ruleset")
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise RuleSetError("rule set needs a string 'version'", "missing_version")
    if not RULESET_VERSION.fullmatch(version):
        # The version is a path segment and a file name elsewhere: "a/b" would break both.
        raise RuleSetError(
            "rule set 'version' must be 1 to 40 letters, digits, '.', '_' or '-'", "bad_version"
        )
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise RuleSetError("rule set needs a non-empty 'rules' list", "missing_rules")
    rules: dict[str, Rule] = {}
    for raw in raw_rules:
        rule = _load_rule(raw, catalogue)
        try:  # text that is not valid Unicode (a lone surrogate) could never be stored
            canonical_json(raw).encode("utf-8")
        except UnicodeEncodeError as error:
            raise _fail(rule.id, "text that is not valid Unicode", "bad_text") from error
        if rule.id in rules:
            raise RuleSetError(f"rule {rule.id}: duplicate rule id", "duplicate_rule", rule.id)
        rules[rule.id] = rule
    ordered = tuple(rules.values())
    index = RuleIndex.build(ordered)
    return RuleSet(version, ordered, ruleset_checksum(data), catalogue.version, rules, index)


def _fail(rule_id: str, msg: str, code: str) -> RuleSetError:
    return RuleSetError(f"rule {rule_id}: {msg}", code, rule_id)


def _load_rule(raw: Any, catalogue: Catalogue) -> Rule:
    if not isinstance(raw, dict):
        raise RuleSetError(f"rule must be an object: {raw!r:.60}", "invalid_rule")
    rid = raw.get("id")
    if not isinstance(rid, str) or not RULE_ID_RE.match(rid):
        raise RuleSetError(f"rule {rid!r}: id must look like KIDNEY-HEMATURIA", "bad_id", None)
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise _fail(rid, f"unknown keys {sorted(unknown)}", "unknown_key")
    version = raw.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _fail(rid, "version must be a positive integer", "bad_version")
    for key in _REQUIRED_TEXT:
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise _fail(rid, f"missing or empty {key!r}", "missing_field")
    try:
        outcome = Decision(str(raw.get("outcome")))
    except ValueError:
        raise _fail(rid, f"unknown decision {raw.get('outcome')!r}", "unknown_decision") from None
    pattern_only = raw.get("pattern_only", False)
    if not isinstance(pattern_only, bool):
        raise _fail(rid, "pattern_only must be true or false", "bad_field")
    if pattern_only and SEVERITY[outcome] > PATTERN_MAX:
        raise _fail(
            rid, "a pattern-only rule may only modify or proceed", "pattern_rule_too_severe"
        )
    source = _load_source(rid, raw.get("source"))
    if "when" not in raw:
        raise _fail(rid, "missing 'when'", "missing_field")
    try:
        when = compile_condition(raw["when"], catalogue.by_id)
    except LogicError as e:
        raise _fail(rid, f"when {e.message}", e.code) from e
    constraints, regions_from = _load_constraints(rid, raw.get("constraints") or {}, catalogue)
    reads = raw.get("reads")
    if not isinstance(reads, list) or not all(isinstance(r, str) for r in reads):
        raise _fail(rid, "'reads' must list question ids", "missing_field")
    for qid in reads:
        if qid not in catalogue.by_id:
            raise _fail(rid, f"reads unknown question {qid!r}", "unknown_question")
    used = referenced_questions(raw["when"]) | set(regions_from)
    if set(reads) != used or len(reads) != len(set(reads)):
        raise _fail(
            rid,
            f"'reads' {sorted(reads)} must list exactly the questions used {sorted(used)}",
            "reads_mismatch",
        )
    return Rule(
        id=rid,
        version=version,
        title=raw["title"].strip(),
        category=raw["category"].strip(),
        description=raw["description"].strip(),
        clinical_summary=raw["clinical_summary"].strip(),
        reads=tuple(sorted(reads)),
        when=when,
        outcome=outcome,
        constraints=constraints,
        avoid_regions_from=regions_from,
        message=raw["message"].strip(),
        source=source,
        pattern_only=pattern_only,
        severity=SEVERITY[outcome],
    )


def _load_source(rid: str, raw: Any) -> Source:
    if not isinstance(raw, dict) or not raw:
        raise _fail(rid, "every rule must cite a source", "missing_source")
    extra = set(raw) - set(_SOURCE_KEYS)
    if extra:
        raise _fail(rid, f"unknown source keys {sorted(extra)}", "bad_source")
    for key in _SOURCE_KEYS:
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise _fail(rid, f"source {key} must be non-empty text", "bad_source")
    seed, passage, ref, title = (raw.get(k) for k in ("seed", "passage", "reference", "title"))
    if seed is not None:
        if not SEED_RE.match(seed):
            raise _fail(rid, "source seed must be a seed file name like 003_….txt", "bad_source")
        if passage is None or len(passage.strip()) < 10:
            raise _fail(rid, "a seed source needs a verbatim passage", "bad_source")
    elif title is not None:
        # A reference from outside the seeds: the page read, and what it says.
        if passage is None or len(passage.strip()) < 10:
            raise _fail(rid, "a cited page needs the quoted passage", "bad_source")
        if raw.get("url") is None and raw.get("publisher") is None:
            raise _fail(rid, "a cited page needs its publisher or URL", "bad_source")
    elif passage is not None:
        raise _fail(rid, "a quoted passage needs its seed or its title", "bad_source")
    elif ref is None or len(ref.strip()) < 10:
        raise _fail(rid, "source needs seed+passage or a reference citation", "missing_source")
    url = raw.get("url")
    if url is not None and not url.startswith(("https://", "http://")):
        raise _fail(rid, "source url must be an http(s) address", "bad_source")
    return Source(**{k: raw[k] for k in _SOURCE_KEYS if k in raw})


def _codes(rid: str, raw: Any, key: str, known: Any, code: str) -> frozenset[str]:
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise _fail(rid, f"constraints.{key} must be a list of codes", "bad_constraint")
    for item in raw:
        if item not in known:
            raise _fail(rid, f"constraints.{key}: unknown code {item!r}", code)
    return frozenset(raw)


def _pressure(rid: str, value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(
            rid, f"{where} must be an integer {PRESSURE_MIN}..{PRESSURE_MAX}", "bad_pressure"
        )
    if not PRESSURE_MIN <= value <= PRESSURE_MAX:
        raise _fail(rid, f"{where} must be {PRESSURE_MIN}..{PRESSURE_MAX}", "bad_pressure")
    return int(value)


def _load_constraints(
    rid: str, raw: Any, catalogue: Catalogue
) -> tuple[Constraints, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise _fail(rid, "constraints must be an object", "bad_constraint")
    unknown = set(raw) - _CONSTRAINT_KEYS
    if unknown:
        raise _fail(rid, f"unknown constraint kinds {sorted(unknown)}", "unknown_constraint")
    if not raw:
        return EMPTY, ()
    cap = raw.get("pressure_cap")
    if cap is not None:
        cap = _pressure(rid, cap, "pressure_cap")
    region_caps_raw = raw.get("region_pressure_caps", {})
    if not isinstance(region_caps_raw, dict):
        raise _fail(rid, "region_pressure_caps must map region -> level", "bad_constraint")
    region_caps = []
    for region, level in sorted(region_caps_raw.items()):
        if region not in REGIONS:
            raise _fail(rid, f"region_pressure_caps: unknown region {region!r}", "unknown_region")
        region_caps.append((region, _pressure(rid, level, f"region_pressure_caps.{region}")))
    regions_from = raw.get("avoid_regions_from", [])
    if not isinstance(regions_from, list):
        raise _fail(rid, "avoid_regions_from must list question ids", "bad_constraint")
    for qid in regions_from:
        q = catalogue.by_id.get(qid)
        if q is None:
            raise _fail(rid, f"avoid_regions_from: unknown question {qid!r}", "unknown_question")
        if q.type != "body_regions":
            raise _fail(
                rid, f"avoid_regions_from: {qid!r} is not a body_regions question", "bad_constraint"
            )
    precautions = raw.get("precautions", [])
    if not isinstance(precautions, list) or not all(
        isinstance(p, str) and p.strip() for p in precautions
    ):
        raise _fail(rid, "precautions must be a list of non-empty strings", "bad_constraint")
    positioning = _codes(
        rid, raw.get("positioning", []), "positioning", POSITIONING_REQUIREMENTS, "unknown_position"
    )
    constraints = Constraints(
        pressure_cap=cap,
        region_pressure_caps=tuple(region_caps),
        avoid_regions=_codes(
            rid, raw.get("avoid_regions", []), "avoid_regions", REGIONS, "unknown_region"
        ),
        exclude_modalities=_codes(
            rid,
            raw.get("exclude_modalities", []),
            "exclude_modalities",
            MODALITIES,
            "unknown_modality",
        ),
        exclude_acupoints=_codes(
            rid,
            raw.get("exclude_acupoints", []),
            "exclude_acupoints",
            ACUPOINTS,
            "unknown_acupoint",
        ),
        exclude_oils=_codes(
            rid, raw.get("exclude_oils", []), "exclude_oils", ESSENTIAL_OILS, "unknown_oil"
        ),
        positioning=positioning,
        allowed_positions=allowed_positions(positioning),
        precautions=tuple(p.strip() for p in precautions),
    )
    if constraints == EMPTY:
        constraints = EMPTY  # identity lets merging skip it cheaply
    return constraints, tuple(regions_from)
