"""Background tasks (django-tasks; the database backend in production, see docs/DEPLOY.md)."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from previsit import delivery as delivery_module


@task(queue_name="previsit")
def deliver(delivery_id: int) -> str:
    return delivery_module.attempt(delivery_id)


def enqueue_delivery(delivery, *, delay: timedelta | None = None) -> None:
    """Queue a send. With the database backend the queue row commits with the delivery row,
    so a rolled-back request sends nothing and a committed one is never lost."""
    task_ = deliver
    if delay and task_.get_backend().supports_defer:
        task_ = task_.using(run_after=timezone.now() + delay)
    task_.enqueue(delivery.pk)
