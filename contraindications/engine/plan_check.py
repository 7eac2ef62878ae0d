"""Check a therapist's session plan against screening constraints.

Reports each violation with the rule(s) behind it and proposes the nearest
compliant plan: drop what is excluded, lower pressure, change position.

A plan has one default pressure and may set another over single regions (``region_pressure``);
a plan without overrides works at the default pressure everywhere. Caps that apply only over a
region lower the pressure over that region only, so a pregnant client keeps a moderate session
with light touch on the belly instead of light touch everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from .constraints import Constraints
from .errors import PlanError
from .vocabulary import (
    ACUPOINTS,
    ESSENTIAL_OILS,
    FALLBACK_MODALITY,
    MODALITIES,
    NO_SESSION,
    POSITION_PREFERENCE,
    POSITIONS,
    PRESSURE_MAX,
    PRESSURE_MIN,
    REGIONS,
    Decision,
    item_name,
)


@dataclass(frozen=True, slots=True)
class Plan:
    modalities: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    pressure: int = 3
    # Per-region overrides of the default pressure, sorted (region, level) pairs.
    region_pressure: tuple[tuple[str, int], ...] = ()
    acupoints: tuple[str, ...] = ()
    oils: tuple[str, ...] = ()
    position: str | None = None
    duration_minutes: int = 60
    notes: str = ""

    def __post_init__(self) -> None:
        _check_codes("modalities", self.modalities, MODALITIES)
        _check_codes("regions", self.regions, REGIONS)
        _check_codes("acupoints", self.acupoints, ACUPOINTS)
        _check_codes("oils", self.oils, ESSENTIAL_OILS)
        if not _is_level(self.pressure):
            raise PlanError(
                f"pressure must be {PRESSURE_MIN}..{PRESSURE_MAX}", "bad_pressure", "pressure"
            )
        rp = self.region_pressure
        if not isinstance(rp, tuple) or not all(isinstance(x, tuple) and len(x) == 2 for x in rp):
            raise PlanError(
                "region_pressure must map region -> level", "wrong_type", "region_pressure"
            )
        for region, level in rp:
            if region not in REGIONS:
                raise PlanError(
                    f"region_pressure: unknown code {region!r}",
                    "unknown_regions",
                    "region_pressure",
                )
            if not _is_level(level):
                raise PlanError(
                    f"region_pressure: pressure must be {PRESSURE_MIN}..{PRESSURE_MAX}",
                    "bad_pressure",
                    "region_pressure",
                )
        if len({r for r, _ in rp}) != len(rp):
            raise PlanError(
                "region_pressure: one level per region", "wrong_type", "region_pressure"
            )
        if self.position is not None and self.position not in POSITIONS:
            raise PlanError(f"unknown position {self.position!r}", "unknown_position", "position")
        dm = self.duration_minutes
        if isinstance(dm, bool) or not isinstance(dm, int) or not 1 <= dm <= 480:
            raise PlanError("duration_minutes must be 1..480", "bad_duration", "duration_minutes")
        if not isinstance(self.notes, str):
            raise PlanError("notes must be text", "wrong_type", "notes")

    def to_dict(self) -> dict[str, Any]:
        return {
            "modalities": list(self.modalities),
            "regions": list(self.regions),
            "pressure": self.pressure,
            "region_pressure": dict(self.region_pressure),
            "acupoints": list(self.acupoints),
            "oils": list(self.oils),
            "position": self.position,
            "duration_minutes": self.duration_minutes,
            "notes": self.notes,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Plan:
        unknown = set(d) - set(cls.__dataclass_fields__)
        if unknown:
            raise PlanError(f"unknown plan fields {sorted(unknown)}", "unknown_field", None)
        kwargs = dict(d)
        for key in ("modalities", "regions", "acupoints", "oils"):
            if key in kwargs:
                value = kwargs[key]
                if not isinstance(value, (list, tuple)):
                    raise PlanError(f"{key} must be a list", "wrong_type", key)
                kwargs[key] = tuple(dict.fromkeys(value))  # de-duplicate, keep order
        if "region_pressure" in kwargs:
            value = kwargs["region_pressure"]
            if value is None:
                value = {}
            if not isinstance(value, Mapping):
                raise PlanError(
                    "region_pressure must map region -> level", "wrong_type", "region_pressure"
                )
            kwargs["region_pressure"] = tuple(sorted(value.items()))
        return cls(**kwargs)

    def pressure_over(self, region: str) -> int:
        """The pressure planned over ``region``: its override, else the default."""
        for r, level in self.region_pressure:
            if r == region:
                return level
        return self.pressure


def _is_level(p: Any) -> bool:
    return not isinstance(p, bool) and isinstance(p, int) and PRESSURE_MIN <= p <= PRESSURE_MAX


def _check_codes(name: str, items: Any, known: Mapping[str, Any]) -> None:
    if not isinstance(items, tuple):
        raise PlanError(f"{name} must be a tuple of codes", "wrong_type", name)
    for item in items:
        if item not in known:
            raise PlanError(f"{name}: unknown code {item!r}", f"unknown_{name}", name)


@dataclass(frozen=True, slots=True)
class Violation:
    kind: str  # modality | region | acupoint | oil | pressure | region_pressure | position
    item: str
    rule_ids: tuple[str, ...]
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "item": self.item,
            "rule_ids": list(self.rule_ids),
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class PlanCheck:
    decision: Decision | None  # None when checked against bare constraints
    session_possible: bool
    violations: tuple[Violation, ...]
    nearest_plan: Plan | None  # None when no session is possible today
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.session_possible and not self.violations

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": None if self.decision is None else self.decision.value,
            "session_possible": self.session_possible,
            "ok": self.ok,
            "violations": [v.to_dict() for v in self.violations],
            "nearest_plan": None if self.nearest_plan is None else self.nearest_plan.to_dict(),
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PlanCheck:
        np_ = d.get("nearest_plan")
        return cls(
            decision=None if d.get("decision") is None else Decision(d["decision"]),
            session_possible=d["session_possible"],
            violations=tuple(
                Violation(v["kind"], v["item"], tuple(v["rule_ids"]), v["message"])
                for v in d["violations"]
            ),
            nearest_plan=None if np_ is None else Plan.from_dict(np_),
            notes=tuple(d.get("notes", ())),
        )


class Screening(Protocol):
    """What a plan check reads from a screening (screening.Screening; not imported, so that
    screening.py can import this module without a cycle)."""

    @property
    def decision(self) -> Decision: ...
    @property
    def constraints(self) -> Constraints: ...
    @property
    def findings(self) -> tuple[Any, ...]: ...


class _Provenance:
    """Which findings' constraints are behind an excluded item."""

    def __init__(self, screening: Screening | None) -> None:
        self._findings = screening.findings if screening is not None else ()

    def rules(self, predicate: Any) -> tuple[str, ...]:
        return tuple(sorted({f.rule_id for f in self._findings if predicate(f.constraints)}))


def check_plan(source: Screening | Constraints, plan: Plan) -> PlanCheck:
    """Check ``plan`` against a Screening (preferred: gives decision and rule ids)
    or against bare Constraints."""
    if isinstance(source, Constraints):
        screening, constraints, decision = None, source, None
    elif isinstance(getattr(source, "constraints", None), Constraints):
        screening, constraints, decision = source, source.constraints, source.decision
    else:
        raise PlanError("check_plan needs a Screening or Constraints", "wrong_type", None)
    prov = _Provenance(screening)
    violations: list[Violation] = []
    notes: list[str] = []

    def add(kind: str, item: str, rule_ids: tuple[str, ...], message: str) -> None:
        violations.append(Violation(kind, item, rule_ids, message))

    c = constraints
    modalities = _keep(
        plan.modalities,
        c.exclude_modalities,
        "modality",
        prov,
        add,
        lambda x: lambda k: x in k.exclude_modalities,
    )
    if plan.modalities and not modalities and FALLBACK_MODALITY not in c.exclude_modalities:
        modalities = (FALLBACK_MODALITY,)
        notes.append(f"All planned modalities are excluded; suggesting {FALLBACK_MODALITY}.")
    regions = _keep(
        plan.regions, c.avoid_regions, "region", prov, add, lambda x: lambda k: x in k.avoid_regions
    )
    acupoints = _keep(
        plan.acupoints,
        c.exclude_acupoints,
        "acupoint",
        prov,
        add,
        lambda x: lambda k: x in k.exclude_acupoints,
    )
    kept_points = []
    for code in acupoints:
        point_regions = ACUPOINTS[code].regions
        if all(r in c.avoid_regions for r in point_regions):
            rid = prov.rules(lambda k, rs=point_regions: bool(k.avoid_regions & set(rs)))
            add(
                "acupoint",
                code,
                rid,
                f"{ACUPOINTS[code].name} lies in an area to avoid "
                f"({', '.join(item_name('region', r) for r in point_regions)}).",
            )
        else:
            kept_points.append(code)
    oils = _keep(
        plan.oils, c.exclude_oils, "oil", prov, add, lambda x: lambda k: x in k.exclude_oils
    )

    pressure, region_pressure = _pressures(plan, regions, c, prov, add)

    position = plan.position
    allowed = c.allowed_positions
    if allowed is not None:
        options = [p for p in POSITION_PREFERENCE if p in allowed]
        if not options:
            add(
                "position",
                position or "-",
                prov.rules(lambda k: k.allowed_positions is not None),
                "The findings allow no common position; the therapist must decide.",
            )
            position = None
        elif position is None:
            position = options[0]
        elif position not in allowed:
            add(
                "position",
                position,
                prov.rules(
                    lambda k: (
                        k.allowed_positions is not None and plan.position not in k.allowed_positions
                    )
                ),
                (f"{item_name('position', position)} is not allowed" if position else "No position")
                + f"; use {item_name('position', options[0]).lower()}.",
            )
            position = options[0]
    notes.extend(c.precautions)

    possible = decision is None or decision not in NO_SESSION
    nearest = None
    if possible:
        nearest = Plan(
            modalities=modalities,
            regions=regions,
            pressure=pressure,
            region_pressure=region_pressure,
            acupoints=tuple(kept_points),
            oils=oils,
            position=position,
            duration_minutes=plan.duration_minutes,
            notes=plan.notes,
        )
    else:
        assert decision is not None  # bare constraints never stop a session
        notes.insert(0, f"No session today: the screening decision is {decision.value}.")
    return PlanCheck(decision, possible, tuple(violations), nearest, tuple(notes))


def _pressures(
    plan: Plan, regions: tuple[str, ...], c: Constraints, prov: _Provenance, add: Any
) -> tuple[int, tuple[tuple[str, int], ...]]:
    """The nearest compliant default pressure and per-region overrides.

    The default is lowered only to the overall cap; a regional cap lowers the pressure over
    that region alone, so each region keeps the highest pressure allowed there. Overrides for
    regions no longer in the plan are dropped, and so are those equal to the default.
    """
    overall = c.pressure_cap
    pressure = plan.pressure
    if overall is not None and pressure > overall:
        add(
            "pressure",
            str(pressure),
            prov.rules(lambda k: k.pressure_cap is not None and k.pressure_cap < plan.pressure),
            f"Pressure {pressure} is above the cap of {overall}.",
        )
        pressure = overall
    planned_overrides = dict(plan.region_pressure)
    overrides: dict[str, int] = {}
    for region in regions:
        planned = plan.pressure_over(region)
        cap = c.region_cap(region)
        limits = [x for x in (overall, cap) if x is not None]
        level = min([planned, *limits])
        if level < planned:
            if cap is not None and cap == level:
                add(
                    "region_pressure",
                    region,
                    prov.rules(lambda k, r=region, p=planned: (k.region_cap(r) or 99) < p),
                    f"Pressure over {item_name('region', region)} must not exceed {cap}.",
                )
            elif region in planned_overrides:
                # Only the overall cap binds; the default pressure's own violation covers the
                # regions without an override.
                add(
                    "region_pressure",
                    region,
                    prov.rules(
                        lambda k, p=planned: k.pressure_cap is not None and k.pressure_cap < p
                    ),
                    f"Pressure {planned} over {item_name('region', region)} is above the cap of "
                    f"{overall}.",
                )
        if level != pressure:
            overrides[region] = level
    return pressure, tuple(sorted(overrides.items()))


# Messages for the therapist: plain names, not codes (the codes stay in `item`).
_EXCLUDED = {
    "modality": "{} is excluded today.",
    "region": "{}: an area to avoid today.",
    "acupoint": "The acupoint {} is excluded today.",
    "oil": "{} oil is excluded today.",
}


def _keep(
    items: Iterable[str],
    excluded: frozenset[str],
    kind: str,
    prov: _Provenance,
    add: Any,
    pred: Any,
) -> tuple[str, ...]:
    kept = []
    for item in items:
        if item in excluded:
            add(kind, item, prov.rules(pred(item)), _EXCLUDED[kind].format(item_name(kind, item)))
        else:
            kept.append(item)
    return tuple(kept)
