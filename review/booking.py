"""What the front desk needs to book: a status derived from the screening decision.

The findings behind it are clinical and stay with the therapist; this module is the only
place a decision is turned into words for the front desk.
"""

from dataclasses import dataclass

from contraindications.engine import Decision


@dataclass(frozen=True)
class BookingStatus:
    code: str
    label: str
    css: str  # Bootstrap badge colour


READY = BookingStatus("ready", "Ready", "success")
CLEARANCE_NEEDED = BookingStatus("clearance", "Physician clearance needed", "warning")
RESCHEDULE = BookingStatus("reschedule", "Reschedule", "warning")
DO_NOT_BOOK = BookingStatus("referral", "Do not book — medical referral", "danger")
PENDING = BookingStatus("pending", "Screening pending — ask a therapist", "secondary")
IN_PROGRESS = BookingStatus("in_progress", "Intake in progress", "info")

# Which status each decision gives is the engine's (Decision.booking_status); the words are ours.
_BY_CODE = {s.code: s for s in (READY, CLEARANCE_NEEDED, RESCHEDULE, DO_NOT_BOOK)}
BY_DECISION = {d.value: _BY_CODE[d.booking_status] for d in Decision}


def booking_status(*, status: str, decision: str | None) -> BookingStatus:
    if status == "draft":
        return IN_PROGRESS
    if decision is None:
        return PENDING
    # An unknown decision must never read as "Ready".
    return BY_DECISION.get(decision, DO_NOT_BOOK)
