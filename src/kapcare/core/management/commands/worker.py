"""``kapcare worker``: run queued background tasks (email, alerts, reminders)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the background task worker until stopped (SIGTERM stops it cleanly)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", action="store_true", help="Run what is queued now, then exit."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        extra = ["--batch", "--no-startup-delay"] if options["batch"] else []
        call_command("db_worker", *extra)
