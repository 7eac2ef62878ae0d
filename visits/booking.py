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

BY_DECISION = {
    Decision.PROCEED.value: READY,
    Decision.MODIFY.value: READY,
    Decision.CLEARANCE_REQUIRED.value: CLEARANCE_NEEDED,
    Decision.POSTPONE.value: RESCHEDULE,
    Decision.REFER.value: DO_NOT_BOOK,
    Decision.REFER_URGENT.value: DO_NOT_BOOK,
}


def booking_status(*, status: str, decision: str | None) -> BookingStatus:
    if status == "draft":
        return IN_PROGRESS
    if decision is None:
        return PENDING
    # An unknown decision must never read as "Ready".
    return BY_DECISION.get(decision, DO_NOT_BOOK)
