"""``kapcare questionnaire_reminders``: email patients whose questionnaires are due or overdue."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kapcare.measures.management.commands._loop import add_every_argument, run
from kapcare.measures.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Email each patient once when a questionnaire opens and once when it becomes "
        "overdue. Run it every few minutes: from a timer, or with --every 300."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_every_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        run(
            send_reminders,
            options["every"],
            lambda n: self.stdout.write(f"{n} reminder(s) queued"),
        )
