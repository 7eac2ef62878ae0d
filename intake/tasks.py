"""Background work for signed intakes (django-tasks, the `default` queue): making the PDF after
a submit commits, and emailing the client their copy. Both are safe to run twice."""

from django_tasks import task

from intake import signed


@task()
def make_signed_intake(intake_id: int) -> str:
    return signed.produce(intake_id=intake_id).sha256


@task()
def email_signed_copy(intake_id: int, actor_id: int | None) -> str:
    return signed.email_copy(intake_id=intake_id, actor_id=actor_id)


def enqueue_signed_intake(intake_id: int) -> None:
    make_signed_intake.enqueue(intake_id)


def enqueue_email_copy(intake_id: int, actor_id: int | None) -> None:
    email_signed_copy.enqueue(intake_id, actor_id)
