"""``kapcare appointment_reminders``: email patients before their appointments."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kapcare.measures.management.commands._loop import add_every_argument, run
from kapcare.treatment.reminders import send_appointment_reminders


class Command(BaseCommand):
    help = (
        "Email each patient before an appointment, at the clinic's reminder hours "
        "(default 48 and 24). Run it every few minutes: from a timer, or with --every 300."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_every_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        run(
            send_appointment_reminders,
            options["every"],
            lambda n: self.stdout.write(f"{n} appointment reminder(s) queued"),
        )
