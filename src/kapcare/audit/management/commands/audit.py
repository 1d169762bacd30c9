"""``kapcare audit verify``: check every hash chain of the audit trail."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kapcare.audit.verify import verify_all


class Command(BaseCommand):
    help = "Audit trail tools. 'verify' checks every hash chain and reports the first broken row."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{verify}")
        sub.add_parser("verify", help="Verify the hash chains; exit status 1 if any is broken.")

    def handle(self, *args: Any, **options: Any) -> None:
        checked, breaks = verify_all()
        if breaks:
            for b in breaks:
                where = f"row id {b.row_id}" if b.row_id is not None else "end of chain"
                self.stderr.write(
                    f"chain {b.chain}: broken at sequence {b.seq} ({where}): {b.reason}"
                )
            raise CommandError(
                f"Audit trail is NOT intact: {len(breaks)} broken chain(s) among {checked} rows."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {checked} rows verified."))
