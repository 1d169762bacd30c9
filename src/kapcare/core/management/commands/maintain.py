"""``kapcare maintain``: nightly housekeeping. Refresh the query planner's statistics and
delete expired idempotency keys."""

from __future__ import annotations

import sqlite3
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kapcare.core.planner_statistics import (
    UnsupportedDatabase,
    refresh_planner_statistics,
    sqlite_optimizes_every_table,
)


class Command(BaseCommand):
    help = (
        "Nightly housekeeping: delete idempotency keys past their retention, then refresh "
        "the query planner's statistics: on SQLite those of the tables that changed "
        "(PRAGMA optimize), on PostgreSQL every table's (ANALYZE)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--full",
            action="store_true",
            help="On SQLite, analyse every table, not only those that changed.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Imported here: the core command reaches into the dosing app for its one table
        # that would otherwise grow with every tablet write, for ever.
        from kapcare.dosing.idempotency import KEY_RETENTION, prune_expired

        pruned = prune_expired()
        self.stdout.write(
            f"Deleted {pruned} idempotency key{'s' if pruned != 1 else ''} older than "
            f"{KEY_RETENTION.days} days."
        )
        try:
            done = refresh_planner_statistics(full=options["full"])
        except UnsupportedDatabase as exc:
            raise CommandError(str(exc)) from exc
        if done.vendor == "sqlite" and not options["full"] and not sqlite_optimizes_every_table():
            self.stdout.write(
                f"SQLite {sqlite3.sqlite_version} cannot tell which tables changed "
                "(3.46 can): every table is analysed."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Planner statistics refreshed on {done.vendor} "
                f"({'; '.join(done.statements)}) in {done.seconds:.2f} s."
            )
        )
