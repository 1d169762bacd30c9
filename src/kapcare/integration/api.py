"""The integration part of the JSON API: the patient's own journal, sharing, practices and
check-offs; the support-person and education routers are mounted here too, so that the
API object registers one router for issue 8.

Every operation passes ``authorize()`` and obtains the patient through ``policy.get_patient``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja import Status as Reply
from pydantic import ConfigDict, Field

from kapcare.accounts.policy import Perm, deny, get_patient, journal_entries_for
from kapcare.api.access import authorize
from kapcare.audit.models import Action
from kapcare.integration import plans, services
from kapcare.integration.models import PlanItem, Stage

router = Router(tags=["journal"])


class EntryOut(Schema):
    id: int
    body: str
    mood: int | None
    tags: list[str]
    stage: str
    prompt: str
    session_date: dt.date | None
    session_id: int | None
    shared: bool
    written_at: dt.datetime


class EntryPage(Schema):
    items: list[EntryOut]
    count: int
    limit: int
    offset: int


class EntryIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=1, max_length=20000)
    mood: int = Field(ge=0, le=10, description="0 very low – 10 very good")
    tags: list[str] = Field(default_factory=list, max_length=10)
    stage: Stage = Stage.ANY_DAY
    prompt: str = Field("", max_length=300)
    session_date: dt.date | None = Field(None, description="The day of the session it follows")
    session_id: int | None = Field(
        None, description="The dosing session it follows (one of your own; sets session_date)"
    )
    share: bool = Field(False, description="Share with the care team (private by default)")


class SharingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    shared: bool


class Paging(Schema):
    limit: int = Field(25, ge=1, le=settings.KAPCARE_API_MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0)


def _out(entry: Any) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "body": entry.body,
        "mood": entry.mood,
        "tags": entry.tags,
        "stage": entry.stage,
        "prompt": entry.prompt,
        "session_date": entry.session_date,
        "session_id": entry.session_id,
        "shared": entry.is_shared,
        "written_at": entry.created_at,
    }


def _own(request: HttpRequest, audit: Action | None) -> tuple[Any, Any]:
    actor = authorize(request, Perm.PORTAL)
    patient = get_patient(
        actor, actor.patient.pk, Perm.PORTAL, audit=audit, object_type="integration.journal"
    )
    return actor, patient


@router.get(
    "/journal/entries",
    response=EntryPage,
    url_name="journal_entries",
    summary="My journal entries (saved, newest first)",
)
def list_entries(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    actor, patient = _own(request, Action.VIEW)
    entries = journal_entries_for(actor, patient).filter(is_draft=False)
    items = list(entries[paging.offset : paging.offset + paging.limit])
    return {
        "items": [_out(e) for e in items],
        "count": entries.count(),
        "limit": paging.limit,
        "offset": paging.offset,
    }


@router.post(
    "/journal/entries",
    response={201: EntryOut},
    url_name="journal_entry_create",
    summary="Write a journal entry",
)
def create_entry(request: HttpRequest, payload: EntryIn) -> Reply[dict[str, Any]]:
    actor, patient = _own(request, None)
    data = payload.model_dump()
    session_id = data.pop("session_id")
    session = None
    if session_id is not None:
        session = patient.dosing_sessions.filter(pk=session_id).first()
        if session is None:
            raise ValidationError(
                {"session_id": [f"{session_id} is not one of your dosing sessions."]}
            )
    entry = services.journal_entry_save(actor=actor, session=session, **data)
    return Reply(201, _out(entry))


@router.put(
    "/journal/entries/{entry_id}/sharing",
    response=EntryOut,
    url_name="journal_entry_sharing",
    summary="Share an entry with the care team, or stop sharing it",
)
def set_sharing(request: HttpRequest, entry_id: int, payload: SharingIn) -> dict[str, Any]:
    actor, patient = _own(request, None)
    entry = journal_entries_for(actor, patient).filter(pk=entry_id, is_draft=False).first()
    if entry is None:
        deny(actor, Perm.PORTAL, object_type="integration.journalentry", object_id=entry_id)
        raise Http404("No such journal entry")
    return _out(services.journal_entry_share(actor=actor, entry=entry, share=payload.shared))


class WeekOut(Schema):
    week_start: dt.date
    done: int
    target: int


class PracticeOut(Schema):
    id: int
    practice: str
    category: str
    frequency: str
    target_per_week: int
    done_today: bool
    weeks: list[WeekOut]


class PracticeCheckIn(Schema):
    model_config = ConfigDict(extra="forbid")

    day: dt.date | None = Field(None, description="Defaults to today; up to 6 days back")
    done: bool = True


def _plan(patient: Any) -> list[dict[str, Any]]:
    _, rows = plans.plan_with_progress(patient, timezone.localdate())
    return [
        {
            "id": r.item.pk,
            "practice": r.item.practice.name,
            "category": r.item.practice.category,
            "frequency": r.item.frequency,
            "target_per_week": r.item.target_per_week,
            "done_today": r.done_today,
            "weeks": [
                {"week_start": c.week_start, "done": c.done, "target": c.target} for c in r.weeks
            ],
        }
        for r in rows
    ]


@router.get(
    "/practices/plan",
    response=list[PracticeOut],
    url_name="practice_plan",
    tags=["practices"],
    summary="My integration plan with weekly progress",
)
def practice_plan(request: HttpRequest) -> list[dict[str, Any]]:
    _, patient = _own(request, Action.VIEW)
    return _plan(patient)


@router.post(
    "/practices/plan/{item_id}/checks",
    response=list[PracticeOut],
    url_name="practice_check",
    tags=["practices"],
    summary="Tick a practice off (or untick it) for a day",
)
def practice_check(
    request: HttpRequest, item_id: int, payload: PracticeCheckIn
) -> list[dict[str, Any]]:
    actor, patient = _own(request, None)
    item = (
        PlanItem.objects.select_related("patient", "practice")
        .filter(pk=item_id, patient=patient, ended_at__isnull=True)
        .first()
    )
    if item is None:
        deny(actor, Perm.PORTAL, object_type="integration.planitem", object_id=item_id)
        raise Http404("No such practice in your plan")
    today = timezone.localdate()
    plans.practice_check_toggle(
        actor=actor, item=item, day=payload.day or today, today=today, done=payload.done
    )
    return _plan(patient)


def _mount() -> None:
    from kapcare.education.api import router as education_router
    from kapcare.support.api import router as support_router

    router.add_router("", support_router)
    router.add_router("", education_router)


_mount()
