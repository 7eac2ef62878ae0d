"""Closed vocabularies: decisions, pressure, regions, modalities, acupoints, oils, positions.

Codes are stable identifiers stored in the database and in rule files; labels
may change freely. Labels are given in English and Spanish.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class Decision(StrEnum):
    """Screening outcome, declared from most to least severe.

    The one definition of what each decision means: its severity, its words (en/es),
    its display colour, whether a session may go ahead, whether a physician clearance
    can lift it, and the booking status the front desk sees. Every other module reads
    these properties instead of keeping its own tables.
    """

    REFER_URGENT = "refer_urgent"
    REFER = "refer"
    POSTPONE = "postpone"
    CLEARANCE_REQUIRED = "clearance_required"
    MODIFY = "modify"
    PROCEED = "proceed"

    @property
    def severity(self) -> int:
        """Higher is more severe (proceed = 0)."""
        return SEVERITY[self]

    @property
    def may_proceed(self) -> bool:
        """A session may take place today (possibly with changes)."""
        return self not in NO_SESSION

    @property
    def clearable(self) -> bool:
        """A valid physician clearance can lift it (never refer_urgent)."""
        return self in CLEARABLE

    @property
    def actionable(self) -> bool:
        """The therapist must record what was done about it (a referral decision)."""
        return self in ACTIONABLE

    @property
    def colour(self) -> str:
        """Display colour name: danger, warning, info or success."""
        return _DECISION_TEXT[self][0]

    @property
    def booking_status(self) -> str:
        """Code of the booking status front desk sees (review/booking.py words it)."""
        return _DECISION_TEXT[self][1]

    def label(self, lang: str = "en") -> str:
        """Short name, e.g. "Refer urgently" (the database choice label)."""
        return _DECISION_TEXT[self][2][_lang(lang)]

    @property
    def label_en(self) -> str:
        return self.label("en")

    @property
    def label_es(self) -> str:
        return self.label("es")

    def advice(self, lang: str = "en") -> str:
        """What the decision tells the therapist, e.g. "Refer urgently: no massage today"."""
        return _DECISION_TEXT[self][3][_lang(lang)]

    @classmethod
    def parse(cls, value: object) -> Decision | None:
        """The decision for a stored code, or None when it is not one."""
        try:
            return cls(value)  # type: ignore[arg-type]  # any stored value; ValueError if not one
        except ValueError:
            return None

    @classmethod
    def most_severe(cls, decisions: Iterable[Decision | str]) -> Decision:
        """The most severe of ``decisions`` (proceed when there are none)."""
        return max((cls(d) for d in decisions), key=SEVERITY.__getitem__, default=cls.PROCEED)


def _lang(lang: str) -> str:
    return "es" if lang.lower().startswith("es") else "en"


# Higher number = more severe. Kept as a plain dict because it is read in the hot path.
SEVERITY: dict[Decision, int] = {
    Decision.PROCEED: 0,
    Decision.MODIFY: 1,
    Decision.CLEARANCE_REQUIRED: 2,
    Decision.POSTPONE: 3,
    Decision.REFER: 4,
    Decision.REFER_URGENT: 5,
}
BY_SEVERITY: dict[int, Decision] = {v: k for k, v in SEVERITY.items()}

# Decisions under which no session may take place today.
NO_SESSION: frozenset[Decision] = frozenset(
    {Decision.REFER_URGENT, Decision.REFER, Decision.POSTPONE, Decision.CLEARANCE_REQUIRED}
)
# Decisions a valid physician clearance turns into "modify" (never refer_urgent).
CLEARABLE: frozenset[Decision] = frozenset({Decision.CLEARANCE_REQUIRED, Decision.REFER})
# Decisions the therapist must answer with a referral decision.
ACTIONABLE: frozenset[Decision] = frozenset(
    {Decision.REFER_URGENT, Decision.REFER, Decision.CLEARANCE_REQUIRED}
)

# colour, booking status code, short name (en, es), advice (en, es).
_DECISION_TEXT: dict[Decision, tuple[str, str, dict[str, str], dict[str, str]]] = {
    Decision.REFER_URGENT: (
        "danger",
        "referral",
        {"en": "Refer urgently", "es": "Derivar con urgencia"},
        {
            "en": "Refer urgently: no massage today",
            "es": "Derivar con urgencia: hoy no hay masaje",
        },
    ),
    Decision.REFER: (
        "danger",
        "referral",
        {"en": "Refer", "es": "Derivar"},
        {
            "en": "Refer: no massage until assessed",
            "es": "Derivar: no hay masaje hasta que se valore",
        },
    ),
    Decision.POSTPONE: (
        "warning",
        "reschedule",
        {"en": "Postpone", "es": "Aplazar"},
        {"en": "Postpone the session", "es": "Aplazar la sesión"},
    ),
    Decision.CLEARANCE_REQUIRED: (
        "warning",
        "clearance",
        {"en": "Physician clearance required", "es": "Se requiere autorización médica"},
        {
            "en": "Physician clearance required before massage",
            "es": "Se requiere autorización médica antes del masaje",
        },
    ),
    Decision.MODIFY: (
        "info",
        "ready",
        {"en": "Modify", "es": "Modificar"},
        {"en": "Massage with changes", "es": "Masaje con cambios"},
    ),
    Decision.PROCEED: (
        "success",
        "ready",
        {"en": "Proceed", "es": "Continuar"},
        {"en": "Proceed", "es": "Continuar"},
    ),
}


def _labels(pairs: dict[str, tuple[str, str]]) -> Mapping[str, Mapping[str, str]]:
    return MappingProxyType(
        {k: MappingProxyType({"en": en, "es": es}) for k, (en, es) in pairs.items()}
    )


# Pressure levels after Tracy Walton's 5-level pressure scale
# (Walton T. "Medical Conditions and Massage Therapy: A Decision Tree Approach", 2011).
PRESSURE_MIN = 1
PRESSURE_MAX = 5
PRESSURE_LEVELS = _labels(
    {
        "1": ("1 - light touch (lotion application)", "1 - toque ligero (aplicar crema)"),
        "2": ("2 - light", "2 - ligera"),
        "3": ("3 - moderate", "3 - moderada"),
        "4": ("4 - firm", "4 - firme"),
        "5": ("5 - deep", "5 - profunda"),
    }
)

REGIONS = _labels(
    {
        "head": ("Head and face", "Cabeza y cara"),
        "neck": ("Neck", "Cuello"),
        "shoulder_left": ("Left shoulder", "Hombro izquierdo"),
        "shoulder_right": ("Right shoulder", "Hombro derecho"),
        "arm_left": ("Left arm", "Brazo izquierdo"),
        "arm_right": ("Right arm", "Brazo derecho"),
        "hand_left": ("Left hand and wrist", "Mano y muñeca izquierdas"),
        "hand_right": ("Right hand and wrist", "Mano y muñeca derechas"),
        "chest": ("Chest", "Pecho"),
        "abdomen": ("Belly (abdomen)", "Vientre (abdomen)"),
        "upper_back": ("Upper back", "Espalda alta"),
        "lower_back_left": ("Lower back, left side", "Espalda baja, lado izquierdo"),
        "lower_back_right": ("Lower back, right side", "Espalda baja, lado derecho"),
        "lumbar_spine": ("Lower back, on the spine", "Espalda baja, sobre la columna"),
        "flank_left": (
            "Left side under the ribs (kidney area)",
            "Costado izquierdo bajo las costillas (zona del riñón)",
        ),
        "flank_right": (
            "Right side under the ribs (kidney area)",
            "Costado derecho bajo las costillas (zona del riñón)",
        ),
        "floating_ribs": ("Lowest ribs (back)", "Costillas flotantes (espalda)"),
        "sacrum": ("Base of the spine (sacrum)", "Base de la columna (sacro)"),
        "gluteal_left": ("Left buttock", "Glúteo izquierdo"),
        "gluteal_right": ("Right buttock", "Glúteo derecho"),
        "thigh_left": ("Left thigh", "Muslo izquierdo"),
        "thigh_right": ("Right thigh", "Muslo derecho"),
        "knee_left": ("Left knee", "Rodilla izquierda"),
        "knee_right": ("Right knee", "Rodilla derecha"),
        "calf_left": ("Left lower leg (calf)", "Pierna izquierda (pantorrilla)"),
        "calf_right": ("Right lower leg (calf)", "Pierna derecha (pantorrilla)"),
        "foot_left": ("Left foot and ankle", "Pie y tobillo izquierdos"),
        "foot_right": ("Right foot and ankle", "Pie y tobillo derechos"),
    }
)

MODALITIES = _labels(
    {
        "swedish": ("Swedish massage", "Masaje sueco"),
        "deep_tissue": ("Deep tissue massage", "Masaje de tejido profundo"),
        "trigger_point": ("Trigger point therapy", "Terapia de puntos gatillo"),
        "myofascial_release": ("Myofascial release", "Liberación miofascial"),
        "hot_stone": ("Hot stone massage", "Masaje con piedras calientes"),
        "percussion_device": ("Percussion device (massage gun)", "Pistola de masaje (percusión)"),
        "cupping": ("Cupping", "Ventosas"),
        "stretching_joint_mobilisation": (
            "Stretching and joint mobilisation",
            "Estiramientos y movilización articular",
        ),
        "acupressure_tuina": ("Acupressure / tuina", "Digitopresión / tuina"),
        "prenatal": ("Prenatal massage", "Masaje prenatal"),
    }
)

# The technique used when every planned modality is excluded; see plan_check.
FALLBACK_MODALITY = "swedish"


@dataclass(frozen=True, slots=True)
class Acupoint:
    code: str  # stable lower-case pinyin code, e.g. "sanyinjiao"
    name: str  # display name, e.g. "Sanyinjiao (SP6)"
    standard: str  # WHO standard code, e.g. "SP6"
    regions: tuple[str, ...]  # bilateral points list both sides


_ACUPOINT_LIST = (
    Acupoint("shenshu", "Shenshu (BL23)", "BL23", ("lower_back_left", "lower_back_right")),
    Acupoint("mingmen", "Mingmen (GV4)", "GV4", ("lumbar_spine",)),
    Acupoint("dachangshu", "Dachangshu (BL25)", "BL25", ("lower_back_left", "lower_back_right")),
    Acupoint("baliao", "Baliao (BL31-BL34)", "BL31-BL34", ("sacrum",)),
    Acupoint("ciliao", "Ciliao (BL32)", "BL32", ("sacrum",)),
    Acupoint("zhongwan", "Zhongwan (CV12)", "CV12", ("abdomen",)),
    Acupoint("qihai", "Qihai (CV6)", "CV6", ("abdomen",)),
    Acupoint("taixi", "Taixi (KI3)", "KI3", ("foot_left", "foot_right")),
    Acupoint("yongquan", "Yongquan (KI1)", "KI1", ("foot_left", "foot_right")),
    Acupoint("yaoyangguan", "Yaoyangguan (GV3)", "GV3", ("lumbar_spine",)),
    Acupoint("sanyinjiao", "Sanyinjiao (SP6)", "SP6", ("calf_left", "calf_right")),
    Acupoint("hegu", "Hegu (LI4)", "LI4", ("hand_left", "hand_right")),
    Acupoint("jianjing", "Jianjing (GB21)", "GB21", ("shoulder_left", "shoulder_right")),
    Acupoint("kunlun", "Kunlun (BL60)", "BL60", ("foot_left", "foot_right")),
    Acupoint("zhiyin", "Zhiyin (BL67)", "BL67", ("foot_left", "foot_right")),
)
ACUPOINTS: Mapping[str, Acupoint] = MappingProxyType({a.code: a for a in _ACUPOINT_LIST})

# Essential oils a plan may name. The pregnancy "avoid" list lives in the rule set
# (PREGNANCY-ESSENTIAL-OILS), not here, so that it is versioned and cited there.
ESSENTIAL_OILS = _labels(
    {
        "lavender": ("Lavender", "Lavanda"),
        "chamomile_roman": ("Roman chamomile", "Manzanilla romana"),
        "mandarin": ("Mandarin", "Mandarina"),
        "sweet_orange": ("Sweet orange", "Naranja dulce"),
        "eucalyptus": ("Eucalyptus", "Eucalipto"),
        "tea_tree": ("Tea tree", "Árbol de té"),
        "peppermint": ("Peppermint", "Menta piperita"),
        "clary_sage": ("Clary sage", "Salvia esclarea"),
        "sage": ("Sage (common / Dalmatian)", "Salvia común"),
        "rosemary": ("Rosemary", "Romero"),
        "juniper": ("Juniper berry", "Enebro"),
        "basil": ("Basil", "Albahaca"),
        "jasmine": ("Jasmine", "Jazmín"),
        "cinnamon": ("Cinnamon (bark or leaf)", "Canela"),
        "clove": ("Clove", "Clavo"),
        "wintergreen": ("Wintergreen", "Gaulteria"),
        "birch": ("Sweet birch", "Abedul dulce"),
        "camphor": ("Camphor", "Alcanfor"),
        "hyssop": ("Hyssop", "Hisopo"),
        "pennyroyal": ("Pennyroyal", "Poleo"),
        "tansy": ("Tansy", "Tanaceto"),
        "wormwood": ("Wormwood", "Ajenjo"),
        "mugwort": ("Mugwort", "Artemisa"),
        "parsley_seed": ("Parsley seed", "Semilla de perejil"),
        "oregano": ("Oregano", "Orégano"),
        "thyme": ("Thyme", "Tomillo"),
        "fennel": ("Fennel", "Hinojo"),
        "spike_lavender": (
            "Spike lavender (Lavandula latifolia)",
            "Espliego (Lavandula latifolia)",
        ),
    }
)

# A session is given in exactly one of these positions. Order = preference when
# a forbidden position must be replaced (side-lying is the safest default).
POSITIONS = _labels(
    {
        "side_lying": ("Side-lying", "De lado"),
        "semi_reclined": ("Semi-reclined", "Semirreclinado"),
        "seated": ("Seated", "Sentado"),
        "supine": ("Lying on the back", "Boca arriba"),
        "prone": ("Lying face down", "Boca abajo"),
    }
)
POSITION_PREFERENCE: tuple[str, ...] = tuple(POSITIONS)
ALL_POSITIONS: frozenset[str] = frozenset(POSITIONS)

# Positioning requirements a rule may state. "no_*" forbid one position; the others
# say "use one of these" (a rule listing several allows any of them).
POSITIONING_FORBIDS: Mapping[str, str] = MappingProxyType(
    {"no_prone": "prone", "no_flat_supine": "supine"}
)
POSITIONING_ALLOWS: frozenset[str] = frozenset({"side_lying", "semi_reclined", "seated"})
POSITIONING_REQUIREMENTS: frozenset[str] = frozenset(POSITIONING_FORBIDS) | POSITIONING_ALLOWS


def allowed_positions(requirements: frozenset[str] | set[str]) -> frozenset[str] | None:
    """Positions one rule's requirements allow; ``None`` means "any position"."""
    if not requirements:
        return None
    allowed = set(ALL_POSITIONS)
    positives = requirements & POSITIONING_ALLOWS
    if positives:
        allowed &= positives
    for req in requirements:
        forbidden = POSITIONING_FORBIDS.get(req)
        if forbidden:
            allowed.discard(forbidden)
    return frozenset(allowed)


def item_name(kind: str, code: str) -> str:
    """The English name of a plan item of `kind` ("region", "modality", "acupoint", "oil" or
    "position"); a code this vocabulary does not know (a rule set from elsewhere) is its own
    name."""
    if kind == "acupoint":
        return ACUPOINTS[code].name if code in ACUPOINTS else code
    names = {
        "region": REGIONS,
        "modality": MODALITIES,
        "oil": ESSENTIAL_OILS,
        "position": POSITIONS,
    }
    return names[kind][code]["en"] if code in names[kind] else code
