"""Preparation for a dosing session: the checklist, who confirmed what, and the readiness gate.

The patient ticks items and writes an intention in the portal; a nurse
re-confirms the critical items at check-in. ``preparation_status`` is what
the dosing console asks before a dose.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.treatment.models import (
    Appointment,
    ChecklistItem,
    PreparationChecklist,
    PreparationTemplate,
)
from kapcare.treatment.schedule_settings import schedule_of

#: kapcare's default items, for every route (a clinic's PreparationTemplate replaces them).
#: Fasting hours are the clinic's setting: the reference gives no number. No driving
#: until the next day after a restful sleep, and an escort home, follow [K10c].
DEFAULT_ITEMS: tuple[dict[str, Any], ...] = (
    {
        "key": "fasting",
        "label": "No food for {fasting_hours} hours before the session.",
        "critical": True,
    },
    {"key": "medication", "label": "Medicines: {medication}", "critical": True},
    {"key": "escort", "label": "Someone takes me home after the session.", "critical": True},
    {
        "key": "no_driving",
        "label": "I will not drive or use machinery until the next day, after a restful sleep.",
        "critical": True,
    },
    {
        "key": "set_setting",
        "label": "I will wear comfortable clothes and bring an eye mask and music I like.",
        "critical": False,
    },
    {
        "key": "intention",
        "label": "I have written my intention for the session.",
        "critical": False,
    },
)
NO_MEDICATION_CHANGE = "take your usual medicines unless your prescriber tells you otherwise."


def template_items(appointment: Appointment) -> list[dict[str, Any]]:
    route = appointment.plan.route if appointment.plan_id and appointment.plan else ""
    custom = (
        PreparationTemplate.objects.filter(clinic=appointment.clinic, route=route)
        .order_by("-revision")
        .first()
    )
    return list(custom.items) if custom is not None else [dict(i) for i in DEFAULT_ITEMS]


def checklist_create(appointment: Appointment) -> PreparationChecklist:
    """The checklist for a dosing appointment, from the clinic's template for its route."""
    checklist, created = PreparationChecklist.objects.get_or_create(appointment=appointment)
    if created:
        fasting = schedule_of(appointment.clinic).fasting_hours
        ChecklistItem.objects.bulk_create(
            ChecklistItem(
                checklist=checklist,
                key=item["key"],
                label=item["label"].replace("{fasting_hours}", str(fasting)),
                critical=bool(item.get("critical")),
                position=n,
            )
            for n, item in enumerate(template_items(appointment))
        )
    return checklist


@dataclass(frozen=True)
class PreparationStatus:
    """Which items are confirmed and which are missing; ``ready`` is the dosing gate."""

    confirmed: tuple[str, ...]
    missing: tuple[str, ...]
    critical_missing: tuple[str, ...]
    awaiting_check_in: tuple[str, ...]

    @property
    def ready(self) -> bool:
        return not self.critical_missing and not self.awaiting_check_in


def preparation_status(
    appointment: Appointment, items: list[ChecklistItem] | None = None
) -> PreparationStatus:
    """The readiness gate: every critical item confirmed by the patient and at check-in.

    ``items`` are the checklist's items when the caller has already read them.
    """
    checklist = getattr(appointment, "checklist", None)
    if checklist is None:
        return PreparationStatus((), ("checklist",), ("checklist",), ())
    if items is None:
        items = list(checklist.items.all())
    confirmed = tuple(i.key for i in items if i.confirmed_at)
    missing = tuple(i.key for i in items if not i.confirmed_at)
    critical_missing = tuple(i.key for i in items if i.critical and not i.confirmed_at)
    awaiting = tuple(i.key for i in items if i.critical and i.confirmed_at and not i.checked_in_at)
    return PreparationStatus(confirmed, missing, critical_missing, awaiting)


def label_of(item: ChecklistItem, checklist: PreparationChecklist) -> str:
    if item.key == "medication":
        return item.label.replace(
            "{medication}", checklist.medication_instructions or NO_MEDICATION_CHANGE
        )
    return item.label


def checklist_complete(
    *,
    actor: Actor,
    checklist: PreparationChecklist,
    ticked: set[str],
    escort_name: str,
    escort_phone: str,
    intention: str,
) -> PreparationChecklist:
    """The patient's answers: ticked items, escort and intention (in their own words)."""
    escort_name, escort_phone, intention = (
        escort_name.strip(),
        escort_phone.strip(),
        intention.strip(),
    )
    if "escort" in ticked and not (escort_name and escort_phone):
        raise ValidationError(
            {"escort_name": ["Write the name and phone number of the person taking you home."]}
        )
    if "intention" in ticked and not intention:
        raise ValidationError({"intention": ["Write your intention, in your own words."]})
    now = timezone.now()
    with transaction.atomic():
        PreparationChecklist.objects.filter(pk=checklist.pk).update(
            escort_name=escort_name, escort_phone=escort_phone, intention=intention
        )
        newly = list(
            checklist.items.filter(key__in=ticked, confirmed_at__isnull=True).values_list(
                "key", flat=True
            )
        )
        checklist.items.filter(key__in=newly).update(confirmed_by=actor.user, confirmed_at=now)
        # an item the patient un-ticks is no longer confirmed (nor checked in)
        unticked = list(
            checklist.items.exclude(key__in=ticked)
            .filter(confirmed_at__isnull=False)
            .values_list("key", flat=True)
        )
        checklist.items.filter(key__in=unticked).update(
            confirmed_by=None, confirmed_at=None, checked_in_by=None, checked_in_at=None
        )
        record(
            Action.UPDATE,
            actor=actor,
            patient=checklist.appointment.patient,
            obj=checklist,
            detail={"confirmed": sorted(newly), "withdrawn": sorted(unticked)},
        )
    checklist.refresh_from_db()
    return checklist


def checklist_check_in(
    *, actor: Actor, checklist: PreparationChecklist, keys: set[str]
) -> list[str]:
    """The nurse confirms critical items at check-in; only items the patient confirmed."""
    now = timezone.now()
    with transaction.atomic():
        items = checklist.items.filter(key__in=keys, critical=True)
        unconfirmed = sorted(items.filter(confirmed_at__isnull=True).values_list("key", flat=True))
        if unconfirmed:
            raise ValidationError(
                f"Not confirmed by the patient yet: {', '.join(unconfirmed)}. "
                "Go through them with the patient first."
            )
        done = sorted(items.filter(checked_in_at__isnull=True).values_list("key", flat=True))
        checklist.items.filter(key__in=done).update(checked_in_by=actor.user, checked_in_at=now)
        record(
            Action.UPDATE,
            actor=actor,
            patient=checklist.appointment.patient,
            obj=checklist,
            detail={"checked_in": done},
        )
    return done


def medication_instructions_set(
    *, actor: Actor, checklist: PreparationChecklist, text: str
) -> None:
    """The prescriber's medication instruction; the patient confirms it again afterwards."""
    with transaction.atomic():
        PreparationChecklist.objects.filter(pk=checklist.pk).update(
            medication_instructions=text.strip()
        )
        checklist.items.filter(key="medication").update(
            confirmed_by=None, confirmed_at=None, checked_in_by=None, checked_in_at=None
        )
        record(
            Action.UPDATE,
            actor=actor,
            patient=checklist.appointment.patient,
            obj=checklist,
            detail={"medication_instructions": "changed"},
        )
