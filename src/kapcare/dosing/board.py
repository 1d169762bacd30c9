"""The clinic board: every active session in the clinic on one screen, polled every 10 s.

A nurse at the desk sees who is where, how long since each dose, when the next
vitals are due, any open alert (from vital signs or the latest observation) and
open adverse events, without opening each chart. One query for the sessions and
one per kind of record, however many records there are.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kapcare.accounts.policy import Perm, patients_for, require
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.clinical.monitoring import NextVitals, next_vitals_due
from kapcare.dosing.models import (
    ACTIVE_STATES,
    AdverseEvent,
    AdverseEventFollowUp,
    DosingSession,
    Observation,
    VitalsReading,
)
from kapcare.dosing.observations import is_open

POLL_SECONDS = 10


@dataclass(frozen=True)
class BoardRow:
    session: DosingSession
    minutes_since_dose: int | None
    next_vitals: NextVitals | None
    alerts: tuple[str, ...]
    open_adverse_events: int = 0


def board_rows(actor: Any, now: datetime) -> list[BoardRow]:
    """Active sessions of the actor's clinic, the ones with alerts first."""
    # The policy's patient filter as a correlated EXISTS, not ``patient__in``: with an IN
    # list SQLite walked every patient of the clinic and their sessions, so the board grew
    # with the clinic; this way the few active sessions come from the (clinic, state) index
    # and each is checked against the policy.
    visible = patients_for(actor).filter(pk=OuterRef("patient_id"))
    sessions = (
        DosingSession.objects.filter(clinic=actor.clinic, state__in=ACTIVE_STATES)
        .filter(Exists(visible))
        .select_related("patient", "appointment__room")
        .prefetch_related(
            Prefetch("readings", queryset=VitalsReading.objects.order_by("taken_at", "pk")),
            Prefetch("observations", queryset=Observation.objects.order_by("observed_at", "pk")),
            Prefetch(
                "adverse_events",
                queryset=AdverseEvent.objects.prefetch_related(
                    Prefetch("follow_ups", queryset=AdverseEventFollowUp.objects.order_by("pk"))
                ),
            ),
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
        seen = list(session.observations.all())
        if seen:
            alerts += tuple(f["message"] for f in seen[-1].findings if f["severity"] != "info")
        open_events = sum(1 for e in session.adverse_events.all() if is_open(e))
        since = None if started is None else math.floor((now - started) / timedelta(minutes=1))
        rows.append(BoardRow(session, since, due, alerts, open_events))
    return sorted(rows, key=lambda r: not (r.alerts or r.open_adverse_events))


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
