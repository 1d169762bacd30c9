"""Actors and journal entries for the integration tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kapcare.accounts.actors import PATIENT_ROLE, Actor
from kapcare.integration import services


def patient_actor(world: Any, patient: Any = None) -> Actor:
    patient = patient or world.jordan
    return Actor(user=patient.user, clinic=patient.clinic, role=PATIENT_ROLE, patient=patient)


def staff_actor(world: Any, persona: str) -> Actor:
    m = world.memberships[persona]
    return Actor(user=m.user, clinic=m.clinic, role=m.role, membership=m)


def write_entry(world: Any, body: str, *, share: bool = False, patient: Any = None) -> Any:
    return services.journal_entry_save(
        actor=patient_actor(world, patient),
        body=body,
        mood=6,
        tags="sleep, family",
        session_date=dt.date(2026, 11, 20),
        share=share,
    )


def assign(world: Any, name: str = "Mindful breathing", frequency: str = "daily") -> Any:
    from kapcare.integration import plans
    from kapcare.integration.models import Practice

    practice = Practice.objects.get(clinic=None, name=name)
    return plans.plan_item_assign(
        actor=staff_actor(world, "therapist"),
        patient=world.jordan,
        practice_id=practice.pk,
        frequency=frequency,
    )


def ensure_libraries() -> None:
    """Re-install the default practices and education pages (data migrations), which a
    transactional (browser) test's flush of the previous test removed."""
    import importlib

    from django.apps import apps

    for module in (
        "kapcare.integration.migrations.0002_default_practices",
        "kapcare.education.migrations.0002_default_library",
    ):
        migration = importlib.import_module(module)
        (migration.add_defaults if hasattr(migration, "add_defaults") else migration.add_library)(
            apps, None
        )
