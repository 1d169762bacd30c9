"""The integration plan: assigning practices, ending them, and the patient's check-offs.

Writes are atomic and audited; reads preload what the pages need.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.integration.models import Frequency, PlanItem, Practice, PracticeCheck
from kapcare.integration.progress import WeekCell, week_starts, weekly_progress

PROGRESS_WEEKS = 6
#: a patient may tick off a practice for today or any of the six days before
CHECK_WINDOW_DAYS = 7


def library_for(clinic_id: int) -> QuerySet[Practice]:
    """Our default practices and the clinic's own, active ones only."""
    return Practice.objects.filter(Q(clinic__isnull=True) | Q(clinic_id=clinic_id), is_active=True)


@dataclass(frozen=True)
class ItemProgress:
    item: PlanItem
    weeks: list[WeekCell]
    done_today: bool


def plan_with_progress(patient: Any, today: dt.date) -> tuple[list[dt.date], list[ItemProgress]]:
    """The patient's current plan with weekly progress; two queries whatever its size."""
    since = week_starts(today, PROGRESS_WEEKS)[0]
    items = list(
        PlanItem.objects.filter(patient=patient, ended_at__isnull=True)
        .select_related("practice")
        .prefetch_related(
            Prefetch(
                "checks",
                queryset=PracticeCheck.objects.filter(done_on__gte=since),
                to_attr="recent_checks",
            )
        )
    )
    rows = []
    for item in items:
        days = [c.done_on for c in item.recent_checks]
        rows.append(
            ItemProgress(
                item,
                weekly_progress(
                    days,
                    item.target_per_week,
                    today,
                    PROGRESS_WEEKS,
                    since=timezone.localdate(item.assigned_at),
                ),
                today in days,
            )
        )
    return week_starts(today, PROGRESS_WEEKS), rows


@transaction.atomic
def plan_item_assign(
    *,
    actor: Actor,
    patient: Any,
    practice_id: int,
    frequency: str,
    note: str = "",
) -> PlanItem:
    if frequency not in Frequency.values:
        raise ValidationError({"frequency": [f"Choose one of {', '.join(Frequency.values)}."]})
    practice = library_for(patient.clinic_id).filter(pk=practice_id).first()
    if practice is None:
        raise ValidationError({"practice": ["Choose a practice from the clinic's library."]})
    item = PlanItem.objects.create(
        patient=patient,
        practice=practice,
        frequency=frequency,
        note=note.strip(),
        assigned_by=actor.user,
    )
    record(
        Action.CREATE,
        actor=actor,
        patient=patient,
        obj=item,
        detail={"practice": practice.name, "frequency": frequency},
    )
    return item


@transaction.atomic
def plan_item_end(*, actor: Actor, item: PlanItem) -> None:
    item.ended_at = timezone.now()
    item.save(update_fields=["ended_at"])
    record(Action.UPDATE, actor=actor, patient=item.patient, obj=item, detail={"ended": True})


@transaction.atomic
def practice_check_toggle(
    *, actor: Actor, item: PlanItem, day: dt.date, today: dt.date, done: bool
) -> None:
    """The patient ticks (or unticks) a practice for a day within the last week."""
    if actor.patient is None or item.patient_id != actor.patient.pk:
        raise ValidationError("You can tick off only your own practices.")
    if not 0 <= (today - day).days < CHECK_WINDOW_DAYS:
        raise ValidationError(
            {"day": [f"Tick off today or one of the {CHECK_WINDOW_DAYS - 1} days before."]}
        )
    if done:
        try:
            with transaction.atomic():
                check = PracticeCheck.objects.create(item=item, done_on=day)
        except IntegrityError:
            return  # already ticked: nothing changes, nothing to audit
        record(Action.CREATE, actor=actor, patient=item.patient, obj=check)
    else:
        deleted, _ = PracticeCheck.objects.filter(item=item, done_on=day).delete()
        if deleted:
            record(
                Action.UPDATE,
                actor=actor,
                patient=item.patient,
                obj=item,
                detail={"unticked": day.isoformat()},
            )
