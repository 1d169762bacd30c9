"""The clinic board: every active session in the clinic on one screen, polled every 10 s.

A nurse at the desk sees who is where, how long since each dose, when the next
vitals are due and any open alert, without opening each chart. One query for
the sessions and one for all their readings, however many readings there are.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kapcare.accounts.policy import Perm, patients_for, require
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.clinical.monitoring import NextVitals, next_vitals_due
from kapcare.dosing.models import ACTIVE_STATES, DosingSession, VitalsReading

POLL_SECONDS = 10


@dataclass(frozen=True)
class BoardRow:
    session: DosingSession
    minutes_since_dose: int | None
    next_vitals: NextVitals | None
    alerts: tuple[str, ...]


def board_rows(actor: Any, now: datetime) -> list[BoardRow]:
    """Active sessions of the actor's clinic, the ones with alerts first."""
    sessions = (
        DosingSession.objects.filter(
            clinic=actor.clinic, state__in=ACTIVE_STATES, patient__in=patients_for(actor)
        )
        .select_related("patient", "appointment__room")
        .prefetch_related(
            Prefetch("readings", queryset=VitalsReading.objects.order_by("taken_at", "pk"))
        )
        .order_by("appointment__start", "pk")
    )
    rows = []
    for session in sessions:
        readings = list(session.readings.all())
        started = session.dose_started_at
        due = None
        if started is not None and started <= now:
            taken = [r.taken_at for r in readings if started <= r.taken_at <= now]
            due = next_vitals_due(session.route, started, taken, now)
        latest = readings[-1] if readings else None
        if latest is not None and latest.pk == session.bp_accepted_reading_id:
            latest = None  # a prescriber accepted this reading with a reason: not open
        alerts = tuple(
            f["message"] for f in (latest.findings if latest else []) if f["severity"] != "info"
        )
        since = None if started is None else math.floor((now - started) / timedelta(minutes=1))
        rows.append(BoardRow(session, since, due, alerts))
    return sorted(rows, key=lambda r: not r.alerts)


@require_GET
@require(Perm.SESSION_RUN)
def clinic_board(request: HttpRequest) -> HttpResponse:
    """The board page; an HTMX poll gets only the table, so the page never reloads."""
    actor = request.actor  # type: ignore[attr-defined]
    rows = board_rows(actor, timezone.now())
    record(
        Action.LIST,
        actor=actor,
        object_type="dosing.board",
        detail={"sessions": [r.session.pk for r in rows]},
    )
    context = {
        "rows": rows,
        "poll_seconds": POLL_SECONDS,
        "clinic_tz": actor.clinic.time_zone,
    }
    partial = getattr(request, "htmx", False)
    template = "dosing/_board_rows.html" if partial else "dosing/board.html"
    return render(request, template, context)
