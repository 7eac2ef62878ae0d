"""The visit's one orchestration step: a submitted intake is screened at once.

Intake ends at a submitted intake and knows nothing of screening; this is the one place that
joins the two, for the kiosk, the demo, the benchmarks and the tests alike.
"""

import logging
from typing import Any

from django.db import transaction

from intake.services import Submitted, submit_intake
from review.screening import screen_intake
from rules.selectors import NoActiveRuleSet

logger = logging.getLogger(__name__)


@transaction.atomic
def submit_and_screen(*, performed_by: Any = None, **submission: Any) -> Submitted:
    """Submit the intake (`intake.services.submit_intake`'s keyword arguments) and screen it.

    `performed_by`: who screened it (None for the tablet itself). A repeated submit (double
    tap, re-sent form) finds the intake submitted and screens nothing
    again: the first submit's screening is the one on file.
    """
    submitted = submit_intake(**submission)
    if not submitted.already:
        try:
            # screen_intake is atomic itself: a screening that fails leaves nothing behind.
            screen_intake(intake=submitted.intake, performed_by=performed_by)
        except NoActiveRuleSet:
            # The intake is kept; staff see "screening pending" and can screen it once rules load.
            logger.warning(
                "intake %s submitted without a rule set in use", submitted.intake.public_id
            )
    return submitted
