"""Clinic-level booking setup: rooms and the clinic's open days, reminders and fasting hours."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from kapcare.accounts.actors import Actor
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.treatment.models import ClinicSchedule, Room


def room_create(*, actor: Actor, name: str, capacity: int, equipment_notes: str) -> Room:
    name = name.strip()
    assert actor.clinic is not None  # staff act within a clinic
    if Room.objects.filter(clinic=actor.clinic, name__iexact=name).exists():
        raise ValidationError({"name": [f"There is already a room called {name}."]})
    with transaction.atomic():
        room = Room.objects.create(
            clinic=actor.clinic, name=name, capacity=capacity, equipment_notes=equipment_notes
        )
        record(Action.CREATE, actor=actor, obj=room, detail={"name": name})
    return room


def schedule_update(
    *,
    actor: Actor,
    open_weekdays: list[int],
    closed_dates: list[dt.date],
    preferred_time: dt.time,
    reminder_hours: list[int],
    fasting_hours: int,
) -> ClinicSchedule:
    if not open_weekdays:
        raise ValidationError({"open_weekdays": ["Choose at least one open weekday."]})
    values = {
        "open_weekdays": sorted(set(open_weekdays)),
        "closed_dates": sorted({d.isoformat() for d in closed_dates}),
        "preferred_time": preferred_time,
        "reminder_hours": sorted(set(reminder_hours), reverse=True),
        "fasting_hours": fasting_hours,
    }
    with transaction.atomic():
        schedule, _ = ClinicSchedule.objects.update_or_create(clinic=actor.clinic, defaults=values)
        record(
            Action.UPDATE,
            actor=actor,
            obj=schedule,
            detail={**values, "preferred_time": preferred_time.isoformat()},
        )
    return schedule
