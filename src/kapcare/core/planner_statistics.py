"""Planner statistics: what the database knows about its tables when it chooses an index.

SQLite gathers none by itself. Without them it read one patient's alerts through the
clinic-wide ``alert_inbox_idx`` (19 ms instead of 3). PostgreSQL's autovacuum analyses
tables as they change, but only some time after a bulk load.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections

#: from SQLite 3.46 ``PRAGMA optimize`` can look at every table (mask bit 0x10000), not
#: only at those the connection has queried; earlier, on a new connection it does nothing
OPTIMIZE_CHECKS_EVERY_TABLE = (3, 46, 0)

#: re-analyse, in full, each table that has never been analysed or has grown or shrunk
#: tenfold since it was (0x02: analyse, 0x10000: every table)
OPTIMIZE_STALE_TABLES = "PRAGMA optimize=0x10002"

#: the same with a bound of about 2,000 rows read per index (0x10), so that opening a
#: connection never waits on a long ANALYZE
OPTIMIZE_STALE_TABLES_QUICKLY = "PRAGMA optimize=0x10012"


class UnsupportedDatabase(RuntimeError):
    """The database is neither SQLite nor PostgreSQL."""


@dataclass(frozen=True)
class Refreshed:
    """What refreshing the statistics ran, on which database, and how long it took."""

    vendor: str
    statements: tuple[str, ...]
    seconds: float


def sqlite_optimizes_every_table(version: tuple[int, int, int] | None = None) -> bool:
    """Whether the SQLite that Python links (or ``version``) can find stale tables itself."""
    return (version or sqlite3.sqlite_version_info) >= OPTIMIZE_CHECKS_EVERY_TABLE


def sqlite_on_open(version: tuple[int, int, int] | None = None) -> str:
    """What each new SQLite connection runs to keep statistics fresh ("" if nothing cheap)."""
    return f"{OPTIMIZE_STALE_TABLES_QUICKLY};" if sqlite_optimizes_every_table(version) else ""


def statements_for(
    vendor: str, *, full: bool, sqlite_version: tuple[int, int, int] | None = None
) -> tuple[str, ...]:
    """The statements that refresh the statistics: only stale tables unless ``full``."""
    if vendor == "postgresql":
        # ANALYZE samples each table, so it costs about the same however large they grow
        return ("ANALYZE",)
    if vendor == "sqlite":
        if full or not sqlite_optimizes_every_table(sqlite_version):
            return ("ANALYZE",)
        return (OPTIMIZE_STALE_TABLES,)
    raise UnsupportedDatabase(
        f"Planner statistics can be refreshed on SQLite and PostgreSQL, not on {vendor}."
    )


def refresh_planner_statistics(*, full: bool = False, using: str = DEFAULT_DB_ALIAS) -> Refreshed:
    """Bring the planner's statistics up to date (every table when ``full``)."""
    connection = connections[using]
    statements = statements_for(connection.vendor, full=full)
    started = time.monotonic()
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    return Refreshed(connection.vendor, statements, time.monotonic() - started)
