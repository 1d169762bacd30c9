"""What the console shows of the in-session record, read in a fixed number of queries.

Observations, interventions, adverse events (with their latest outcome), the
therapist's notes and the state of each infusion, with the choices the forms
offer. Kept apart from the views so the console, the discharge summary and the
tests read the same thing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch

from kapcare.accounts.policy import Perm, has_perm
from kapcare.clinical.infusion import InfusionState
from kapcare.clinical.observations import GUIDANCE, SIDE_EFFECTS
from kapcare.clinical.routes import Route
from kapcare.clinical.session_states import SessionState
from kapcare.dosing import infusion, observations
from kapcare.dosing.clinic_settings import session_settings, unconfirmed
from kapcare.dosing.models import (
    AE_OUTCOMES,
    AE_SEVERITIES,
    INTERVENTION_CATEGORIES,
    RATING_CHOICES,
    Administration,
    AdverseEventFollowUp,
    DosingSession,
    InfusionEvent,
    Intervention,
    Observation,
    TherapistNote,
)


def administrations(session: DosingSession) -> list[Administration]:
    """The session's administrations with their order and infusion events (two queries)."""
    return list(
        session.administrations.select_related("given_by", "checked_by", "order").prefetch_related(
            Prefetch(
                "infusion_events",
                queryset=InfusionEvent.objects.select_related("recorded_by").order_by("at", "pk"),
            )
        )
    )


def infusion_rows(
    given: list[Administration], now: dt.datetime, dose_completed_at: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """Each administration that may be paused or stopped, with its state and dose so far.

    Once the dose is marked complete, an infusion that was never stopped early ran until
    then: it shows as complete, with the minutes and dose up to that moment, not still
    running while the patient recovers.
    """
    until = dose_completed_at or now
    rows = []
    for a in given:
        if Route(a.route) not in infusion.INFUSED:
            continue
        state = infusion.state_of(a)
        minutes, so_far = (None, None)
        if state is not InfusionState.STOPPED:
            minutes, so_far = infusion.calculated_mg(a, max(until, a.started_at))
        shown = state.value
        if dose_completed_at is not None and state is not InfusionState.STOPPED:
            shown = "complete"
        rows.append(
            {
                "administration": a,
                "state": shown,
                "events": list(a.infusion_events.all()),
                "minutes": round(minutes) if minutes is not None else None,
                "so_far_mg": so_far,
                "given_mg": infusion.given_mg(a),
                "has_rate": a.order.rate_mg_per_hour is not None,
            }
        )
    return rows


def adverse_events(session: DosingSession) -> list[dict[str, Any]]:
    """Adverse events with their latest outcome (two queries)."""
    outcomes = dict(AE_OUTCOMES)
    events = session.adverse_events.select_related("recorded_by").prefetch_related(
        Prefetch(
            "follow_ups",
            queryset=AdverseEventFollowUp.objects.select_related("recorded_by").order_by(
                "recorded_at", "pk"
            ),
        )
    )
    rows = []
    for event in events:
        current = observations.current_outcome(event)
        rows.append(
            {
                "event": event,
                "outcome": outcomes[current],
                "open": observations.is_open(event),
                "follow_ups": list(event.follow_ups.all()),
            }
        )
    return rows


def record_context(session: DosingSession, actor: Any, now: dt.datetime) -> dict[str, Any]:
    """Everything the console's in-session sections need.

    Nothing is recorded before check-in (the services refuse it and a session never goes
    back to scheduled), so a scheduled session's page reads none of it.
    """
    seen: list[Observation] = []
    notes: list[TherapistNote] = []
    interventions: list[Intervention] = []
    events: list[dict[str, Any]] = []
    if session.state != SessionState.SCHEDULED:
        seen = list(
            session.observations.select_related("recorded_by").order_by("-observed_at", "-pk")
        )
        notes = list(
            session.therapist_notes.select_related("author").order_by("-written_at", "-pk")
        )
        interventions = list(
            session.interventions.select_related("given_by").order_by("-given_at", "-pk")
        )
        events = adverse_events(session)
    for o in seen:
        o.side_effect_labels = [SIDE_EFFECTS.get(k, k) for k in o.side_effects]  # type: ignore[attr-defined]
    for n in notes:
        n.guidance_labels = [GUIDANCE.get(k, k) for k in n.guidance]  # type: ignore[attr-defined]
    latest = seen[0] if seen else None
    chosen = session_settings(session)
    return {
        "observations": seen,
        "observation_alerts": [
            f for f in (latest.findings if latest else []) if f["severity"] != "info"
        ],
        "interventions": interventions,
        "adverse_events": events,
        "therapist_notes": notes,
        "can_write_note": has_perm(actor, Perm.THERAPY_NOTE_WRITE),
        "can_change_settings": has_perm(actor, Perm.DOSING_SETTINGS),
        "unconfirmed_settings": unconfirmed(chosen),
        "rating_choices": RATING_CHOICES,
        "side_effect_choices": list(SIDE_EFFECTS.items()),
        "guidance_choices": list(GUIDANCE.items()),
        "intervention_choices": INTERVENTION_CATEGORIES,
        "severity_choices": AE_SEVERITIES,
        "outcome_choices": AE_OUTCOMES,
        "recording": session.state in observations.IN_CHAIR,
    }


def escort_home(session: DosingSession) -> str:
    """The escort the patient named, as "Robin Lee, +1 303 555 0147"; "" if none."""
    checklist = getattr(session.appointment, "checklist", None)
    if checklist is None or not checklist.escort_name:
        return ""
    return ", ".join(part for part in (checklist.escort_name, checklist.escort_phone) if part)


def summary_context(session: DosingSession) -> dict[str, Any]:
    """The in-session record as the discharge summary lists it, in time order.

    The therapist's notes stay on the console: the summary is printed for the patient.
    """
    seen = list(session.observations.select_related("recorded_by").order_by("observed_at", "pk"))
    for o in seen:
        o.side_effect_labels = [SIDE_EFFECTS.get(k, k) for k in o.side_effects]  # type: ignore[attr-defined]
    return {
        "observations": seen,
        "interventions": list(
            session.interventions.select_related("given_by").order_by("given_at", "pk")
        ),
        "adverse_events": adverse_events(session),
    }
