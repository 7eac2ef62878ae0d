"""Queue a reminder for every open intake link whose visit is near (cron or a systemd timer).

Idempotent: each link is reminded at most once (its reminder_sent_at is claimed with a
conditional UPDATE), so running the command twice, or on two hosts, sends nothing twice.
"""

from django.core.management.base import BaseCommand

from previsit.services import due_reminders, send_reminder


class Command(BaseCommand):
    help = "Remind clients whose intake link is not completed as their visit approaches."

    def handle(self, *args, **options):
        sent = sum(send_reminder(link=link) for link in due_reminders())
        self.stdout.write(f"{sent} reminder(s) queued")
