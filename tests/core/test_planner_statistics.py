"""kapcare maintain: the planner's statistics are refreshed on SQLite and on PostgreSQL."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kapcare.core.planner_statistics import (
    UnsupportedDatabase,
    sqlite_on_open,
    statements_for,
)
from tests.core.test_commands import run_kapcare

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's statistics")
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's statistics"
)


def maintain(*flags: str) -> str:
    out = StringIO()
    call_command("maintain", *flags, stdout=out)
    return out.getvalue()


def sqlite_statistics_of(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        return int(cursor.fetchone()[0])


@on_sqlite
def test_a_full_run_leaves_sqlite_statistics_for_every_indexed_table(world: Any) -> None:
    out = maintain("--full")
    assert "Planner statistics refreshed on sqlite (ANALYZE)" in out
    assert sqlite_statistics_of("patients_patient") > 0
    assert sqlite_statistics_of("accounts_membership") > 0


@on_sqlite
def test_a_run_without_full_leaves_sqlite_statistics_too(world: Any) -> None:
    out = maintain()
    assert "Planner statistics refreshed on sqlite" in out
    if "ANALYZE" in out:  # a SQLite before 3.46 cannot tell which tables changed
        assert "cannot tell which tables changed" in out
    assert sqlite_statistics_of("patients_patient") > 0


@on_postgresql
def test_postgresql_is_analysed(world: Any) -> None:
    out = maintain()
    assert "Planner statistics refreshed on postgresql (ANALYZE)" in out
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'patients_patient'")
        assert cursor.fetchone()[0] >= 0  # -1 until the table is first analysed
        cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'patients_patient'")
        assert cursor.fetchone()[0] > 0


@pytest.mark.django_db
def test_an_unknown_option_is_refused_by_name() -> None:
    with pytest.raises(CommandError, match="unrecognized arguments: --fast"):
        call_command("maintain", "--fast")


def test_an_unknown_option_exits_with_a_usage_error(tmp_path: Path) -> None:
    result = run_kapcare(
        "maintain", "--fast", env={"KAPCARE_DEBUG": "true", "KAPCARE_VAR_DIR": str(tmp_path)}
    )
    assert result.returncode == 2
    assert "kapcare maintain: error: unrecognized arguments: --fast" in result.stderr


@pytest.mark.parametrize(
    ("vendor", "full", "version", "statements"),
    [
        ("sqlite", False, (3, 46, 0), ("PRAGMA optimize=0x10002",)),
        ("sqlite", True, (3, 46, 0), ("ANALYZE",)),
        ("sqlite", False, (3, 45, 3), ("ANALYZE",)),  # optimize would see no table
        ("postgresql", False, (3, 40, 1), ("ANALYZE",)),
    ],
)
def test_what_each_database_runs(
    vendor: str, full: bool, version: tuple[int, int, int], statements: tuple[str, ...]
) -> None:
    assert statements_for(vendor, full=full, sqlite_version=version) == statements


def test_other_databases_are_refused_with_a_reason() -> None:
    with pytest.raises(UnsupportedDatabase, match="on SQLite and PostgreSQL, not on mysql"):
        statements_for("mysql", full=False)


def test_new_sqlite_connections_check_statistics_only_where_that_is_cheap() -> None:
    assert sqlite_on_open((3, 45, 3)) == ""
    assert sqlite_on_open((3, 46, 0)) == "PRAGMA optimize=0x10012;"


@on_sqlite
def test_the_connection_settings_carry_the_check() -> None:
    from django.conf import settings

    assert settings.DATABASES["default"]["OPTIONS"]["init_command"].endswith(
        "PRAGMA foreign_keys=ON;" + sqlite_on_open()
    )
