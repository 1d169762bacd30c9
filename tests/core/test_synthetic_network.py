"""The synthetic generator is deterministic, fast in bulk, and its audit chain verifies."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from kapcare.audit.models import AuditEvent
from kapcare.audit.verify import verify_all
from kapcare.demo.synthetic import generate, plan_patients
from kapcare.patients.models import CareTeamMember, Patient


def test_the_same_seed_plans_the_same_patients() -> None:
    assert plan_patients(200, 3, seed=42) == plan_patients(200, 3, seed=42)
    assert plan_patients(200, 3, seed=42) != plan_patients(200, 3, seed=43)


def test_patients_spread_over_clinics_and_every_journey_stage() -> None:
    plan = plan_patients(2000, 4, seed=1)
    assert {row["clinic_index"] for row in plan} == {0, 1, 2, 3}
    assert {row["status"] for row in plan} == {
        "referred",
        "screening",
        "eligible",
        "not_eligible",
        "active",
        "maintenance",
        "completed",
        "discontinued",
    }
    assert len({row["mrn"] for row in plan}) == 2000


@pytest.mark.django_db
def test_generating_writes_patients_teams_and_a_verifiable_audit_chain() -> None:
    network = generate(patients=40, clinics=2, seed=5)
    assert Patient.objects.count() == 40
    assert CareTeamMember.objects.count() == 120
    assert len(network.audit_rows) == AuditEvent.objects.count() > 120
    checked, breaks = verify_all()
    assert breaks == []
    assert checked == len(network.audit_rows)


@pytest.mark.django_db
def test_the_seed_command_checks_its_flags() -> None:
    with pytest.raises(CommandError, match="--patients: 0 is outside the allowed range 1–1000000"):
        call_command("seed", "--patients", "0")
    with pytest.raises(CommandError, match="--clinics: 500 is outside the allowed range 1–100"):
        call_command("seed", "--patients", "10", "--clinics", "500")


@pytest.mark.django_db
def test_the_seed_command_leaves_the_planner_statistics_behind() -> None:
    from io import StringIO

    from django.db import connection

    out = StringIO()
    call_command("seed", "--patients", "4", stdout=out)
    assert "statistics gathered (ANALYZE)" in out.getvalue()
    if connection.vendor == "sqlite":  # PostgreSQL's own statistics views update lazily
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'patients_patient'")
            assert cursor.fetchone()[0] > 0
