"""``kapcare escalate_alerts``: escalate safety alerts nobody acknowledged in time."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kapcare.measures.alerts import escalate_overdue
from kapcare.measures.management.commands._loop import add_every_argument, run


class Command(BaseCommand):
    help = (
        "Escalate high-priority safety alerts left unacknowledged past the clinic's time "
        "(default 60 minutes) to the clinic's prescribers, by email and in the alerts inbox. "
        "Run it every minute: from a timer, or with --every 60."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_every_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        run(
            lambda: len(escalate_overdue()),
            options["every"],
            lambda n: self.stdout.write(f"{n} alert(s) escalated"),
        )
