"""Session constraints a finding imposes, and how several findings combine.

Merging is conservative: the lowest pressure cap wins, exclusions are united,
allowed positions are intersected, precautions are collected.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .vocabulary import POSITION_PREFERENCE, allowed_positions

_EMPTY: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Constraints:
    pressure_cap: int | None = None  # 1..5 on the Walton scale; None = no cap
    # Stricter caps that apply only while working on a region, e.g. the kidney area.
    region_pressure_caps: tuple[tuple[str, int], ...] = ()
    avoid_regions: frozenset[str] = _EMPTY
    exclude_modalities: frozenset[str] = _EMPTY
    exclude_acupoints: frozenset[str] = _EMPTY
    exclude_oils: frozenset[str] = _EMPTY
    positioning: frozenset[str] = _EMPTY  # requirement codes, for display
    allowed_positions: frozenset[str] | None = None  # None = any position
    precautions: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return self == EMPTY

    def region_cap(self, region: str) -> int | None:
        for r, cap in self.region_pressure_caps:
            if r == region:
                return cap
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "pressure_cap": self.pressure_cap,
            "region_pressure_caps": dict(self.region_pressure_caps),
            "avoid_regions": sorted(self.avoid_regions),
            "exclude_modalities": sorted(self.exclude_modalities),
            "exclude_acupoints": sorted(self.exclude_acupoints),
            "exclude_oils": sorted(self.exclude_oils),
            "positioning": sorted(self.positioning),
            "allowed_positions": (
                None
                if self.allowed_positions is None
                else [p for p in POSITION_PREFERENCE if p in self.allowed_positions]
            ),
            "precautions": list(self.precautions),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Constraints:
        ap = d.get("allowed_positions")
        return cls(
            pressure_cap=d.get("pressure_cap"),
            region_pressure_caps=tuple(sorted(dict(d.get("region_pressure_caps") or {}).items())),
            avoid_regions=frozenset(d.get("avoid_regions", ())),
            exclude_modalities=frozenset(d.get("exclude_modalities", ())),
            exclude_acupoints=frozenset(d.get("exclude_acupoints", ())),
            exclude_oils=frozenset(d.get("exclude_oils", ())),
            positioning=frozenset(d.get("positioning", ())),
            allowed_positions=None if ap is None else frozenset(ap),
            precautions=tuple(d.get("precautions", ())),
        )


EMPTY = Constraints()


def make_constraints(
    *,
    pressure_cap: int | None = None,
    region_pressure_caps: Mapping[str, int] | None = None,
    avoid_regions: Iterable[str] = (),
    exclude_modalities: Iterable[str] = (),
    exclude_acupoints: Iterable[str] = (),
    exclude_oils: Iterable[str] = (),
    positioning: Iterable[str] = (),
    precautions: Iterable[str] = (),
) -> Constraints:
    """Convenience constructor taking plain iterables (no validation of codes)."""
    pos = frozenset(positioning)
    return Constraints(
        pressure_cap=pressure_cap,
        region_pressure_caps=tuple(sorted((region_pressure_caps or {}).items())),
        avoid_regions=frozenset(avoid_regions),
        exclude_modalities=frozenset(exclude_modalities),
        exclude_acupoints=frozenset(exclude_acupoints),
        exclude_oils=frozenset(exclude_oils),
        positioning=pos,
        allowed_positions=allowed_positions(pos),
        precautions=tuple(precautions),
    )


def merge_constraints(items: Iterable[Constraints]) -> Constraints:
    """Combine constraints from several findings (order matters only for precautions)."""
    items = [c for c in items if c is not EMPTY]
    if not items:
        return EMPTY
    if len(items) == 1:
        return items[0]
    cap: int | None = None
    region_caps: dict[str, int] = {}
    avoid: set[str] = set()
    modalities: set[str] = set()
    points: set[str] = set()
    oils: set[str] = set()
    positioning: set[str] = set()
    allowed: frozenset[str] | None = None
    precautions: dict[str, None] = {}  # ordered set: keeps first-seen order, no duplicates
    for c in items:
        # Most fields are empty for most rules: test before touching them (hot path).
        if c.pressure_cap is not None and (cap is None or c.pressure_cap < cap):
            cap = c.pressure_cap
        for region, level in c.region_pressure_caps:
            if level < region_caps.get(region, 99):
                region_caps[region] = level
        if c.avoid_regions:
            avoid |= c.avoid_regions
        if c.exclude_modalities:
            modalities |= c.exclude_modalities
        if c.exclude_acupoints:
            points |= c.exclude_acupoints
        if c.exclude_oils:
            oils |= c.exclude_oils
        if c.positioning:
            positioning |= c.positioning
        if c.allowed_positions is not None:
            allowed = c.allowed_positions if allowed is None else allowed & c.allowed_positions
        for p in c.precautions:
            precautions[p] = None
    return Constraints(
        cap,
        tuple(sorted(region_caps.items())),
        frozenset(avoid) if avoid else _EMPTY,
        frozenset(modalities) if modalities else _EMPTY,
        frozenset(points) if points else _EMPTY,
        frozenset(oils) if oils else _EMPTY,
        frozenset(positioning) if positioning else _EMPTY,
        allowed,
        tuple(precautions),
    )
