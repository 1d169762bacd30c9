"""Console writes for the in-session record: observations, interventions, adverse events,
the therapist's note and infusion pauses and stops.

They go through the console's one idempotent write view, like every other
console action, so a resent form writes nothing twice. Each returns the
message shown to the nurse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone

from kapcare.accounts.policy import Perm, deny, has_perm
from kapcare.dosing import infusion, observations
from kapcare.dosing.models import Administration, AdverseEvent, DosingSession


def _int(value: str, name: str) -> int | None:
    if value.strip() == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise ValidationError({name: [f"Enter a whole number, got {value!r}."]}) from None


def _time(value: str, name: str, session: DosingSession) -> dt.datetime | None:
    """A clock time typed on the console (HH:MM, clinic time, today); blank means now."""
    text = value.strip()
    if not text:
        return None
    try:
        clock = dt.time.fromisoformat(text)
    except ValueError:
        raise ValidationError({name: [f"Enter a time as HH:MM, got {value!r}."]}) from None
    zone = ZoneInfo(session.clinic.time_zone)
    today = timezone.localtime(timezone.now(), zone).date()
    return dt.datetime.combine(today, clock, tzinfo=zone)


def _observe(request: HttpRequest, session: DosingSession) -> str:
    post = request.POST
    made = observations.observation_record(
        actor=request.actor,  # type: ignore[attr-defined]
        session=session,
        moaas=_int(post.get("moaas", ""), "moaas"),
        dissociation=post.get("dissociation", ""),
        nausea=post.get("nausea", ""),
        anxiety=post.get("anxiety", ""),
        side_effects=post.getlist("side_effects"),
        side_effects_other=post.get("side_effects_other", ""),
        note=post.get("note", ""),
        observed_at=_time(post.get("observed_at", ""), "observed_at", session),
    )
    alerts = [f["message"] for f in made.findings if f["severity"] != "info"]
    return "Observation recorded." + (" " + " ".join(alerts) if alerts else "")


def _intervene(request: HttpRequest, session: DosingSession) -> str:
    post = request.POST
    observations.intervention_record(
        actor=request.actor,  # type: ignore[attr-defined]
        session=session,
        category=post.get("category", ""),
        medicine=post.get("medicine", ""),
        dose=post.get("dose", ""),
        route=post.get("route", ""),
        detail=post.get("detail", ""),
        given_at=_time(post.get("given_at", ""), "given_at", session),
    )
    return "Intervention recorded."


def _adverse_event(request: HttpRequest, session: DosingSession) -> str:
    post = request.POST
    observations.adverse_event_record(
        actor=request.actor,  # type: ignore[attr-defined]
        session=session,
        description=post.get("description", ""),
        severity=post.get("severity", ""),
        action_taken=post.get("action_taken", ""),
        outcome=post.get("outcome", ""),
        reportable=post.get("reportable") == "on",
        onset_at=_time(post.get("onset_at", ""), "onset_at", session),
    )
    return "Adverse event recorded."


def _follow_up(request: HttpRequest, session: DosingSession) -> str:
    post = request.POST
    event_id = _int(post.get("event", ""), "event") or 0
    event = AdverseEvent.objects.filter(session=session, pk=event_id).first()
    if event is None:
        raise ValidationError({"event": ["Choose an adverse event of this session."]})
    event.session = session
    observations.adverse_event_follow_up(
        actor=request.actor,  # type: ignore[attr-defined]
        event=event,
        outcome=post.get("outcome", ""),
        note=post.get("note", ""),
    )
    return "Adverse event outcome updated."


def _therapist_note(request: HttpRequest, session: DosingSession) -> str:
    post = request.POST
    observations.therapist_note_write(
        actor=request.actor,  # type: ignore[attr-defined]
        session=session,
        text=post.get("text", ""),
        guidance=post.getlist("guidance"),
        guidance_other=post.get("guidance_other", ""),
    )
    return "Therapist's note saved."


def _infusion(kind: str) -> Callable[[HttpRequest, DosingSession], str]:
    def run(request: HttpRequest, session: DosingSession) -> str:
        post = request.POST
        chosen = _int(post.get("administration", ""), "administration") or 0
        given = (
            Administration.objects.filter(session=session, pk=chosen)
            .select_related("order")
            .first()
        )
        if given is None:
            raise ValidationError({"administration": ["Choose an administration of this session."]})
        given.session = session
        event = infusion.infusion_event_record(
            actor=request.actor,  # type: ignore[attr-defined]
            administration=given,
            kind=kind,
            reason=post.get("reason", ""),
            given=post.get("given_mg", "") or None,
            given_reason=post.get("given_reason", ""),
        )
        if kind == "stop":
            return f"Infusion stopped: {event.given_mg} mg given."
        return "Infusion paused." if kind == "pause" else "Infusion resumed."

    return run


ACTIONS: dict[str, Callable[[HttpRequest, DosingSession], str]] = {
    "observe": _observe,
    "intervene": _intervene,
    "adverse_event": _adverse_event,
    "adverse_follow_up": _follow_up,
    "therapist_note": _therapist_note,
    "infusion_pause": _infusion("pause"),
    "infusion_resume": _infusion("resume"),
    "infusion_stop": _infusion("stop"),
}


#: actions that need more than running the console
PERMS: dict[str, Perm] = {"therapist_note": Perm.THERAPY_NOTE_WRITE}


def check_allowed(actor: Any, action: str) -> None:
    """Refuse (and record the denial) before any transaction, so the record survives."""
    perm = PERMS.get(action)
    if perm is not None and not has_perm(actor, perm):
        deny(actor, perm, object_type="dosing.therapistnote")
        raise PermissionDenied("Only the therapist (or a prescriber) writes the session note.")


def run(request: HttpRequest, session: DosingSession, action: str) -> Any:
    return ACTIONS[action](request, session)
