"""The in-session record in the JSON API: observations, interventions, adverse events,
therapist's notes and infusion pauses and stops.

Every operation passes ``authorize()`` and reaches the patient through
``policy.get_patient``, audited as the console is. Every write needs an
``Idempotency-Key`` header, under the same rule as the rest of the dosing API
(``kapcare.dosing.api.idempotent_write``): without one it is refused with 400; a
retry with the same key and body gets the first answer again, byte for byte
(marked ``Idempotent-Replayed: true``), and writes nothing; the same key with
another body is refused with 422.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Schema
from pydantic import ConfigDict, Field

from kapcare.accounts.policy import Perm, deny, get_patient
from kapcare.api.access import authorize
from kapcare.audit.models import Action
from kapcare.dosing import console_record, infusion, observations
from kapcare.dosing.api import WRITE_EXTRA, idempotent_write
from kapcare.dosing.models import (
    Administration,
    AdverseEvent,
    DosingSession,
    InfusionEvent,
    Intervention,
    Observation,
    TherapistNote,
)

router = Router(tags=["dosing"])


class ObservationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    moaas: int | None = Field(None, ge=0, le=5, description="MOAA/S, 5 = fully alert")
    dissociation: str = Field("", description="Clinician rating: none, mild, moderate, severe")
    nausea: str = Field("", description="Clinician rating: none, mild, moderate, severe")
    anxiety: str = Field("", description="Clinician rating: none, mild, moderate, severe")
    side_effects: list[str] = Field(default_factory=list)
    side_effects_other: str = Field("", max_length=300)
    note: str = ""
    observed_at: dt.datetime | None = None


class ObservationOut(Schema):
    id: int
    session_id: int
    observed_at: dt.datetime
    moaas: int | None
    dissociation: str
    nausea: str
    anxiety: str
    side_effects: list[str]
    side_effects_other: str
    note: str
    findings: list[dict[str, Any]]
    recorded_by_id: int


class InterventionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    category: str = Field(description="antiemetic, antihypertensive, other_drug, reassurance, …")
    medicine: str = ""
    dose: str = ""
    route: str = ""
    detail: str = ""
    given_at: dt.datetime | None = None


class InterventionOut(Schema):
    id: int
    session_id: int
    given_at: dt.datetime
    kind: str
    category: str
    medicine: str
    dose: str
    route: str
    detail: str
    given_by_id: int


class AdverseEventIn(Schema):
    model_config = ConfigDict(extra="forbid")

    description: str
    severity: str = Field(description="mild, moderate, severe, life_threatening")
    action_taken: str
    outcome: str = Field(description="ongoing, resolving, resolved, transferred")
    reportable: bool = False
    onset_at: dt.datetime | None = None


class AdverseEventOut(Schema):
    id: int
    session_id: int
    onset_at: dt.datetime
    description: str
    severity: str
    action_taken: str
    outcome: str
    reportable: bool


class FollowUpIn(Schema):
    model_config = ConfigDict(extra="forbid")

    outcome: str
    note: str = ""


class FollowUpOut(Schema):
    id: int
    event_id: int
    outcome: str
    note: str


class TherapistNoteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str
    guidance: list[str] = Field(
        default_factory=list,
        description="mindfulness, guided_imagery, music, breathwork, other",
    )
    guidance_other: str = Field("", max_length=200)


class TherapistNoteOut(Schema):
    id: int
    session_id: int
    written_at: dt.datetime
    guidance: list[str]
    guidance_other: str
    text: str
    author_id: int


class InfusionEventIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(description="pause, resume or stop")
    reason: str
    given_mg: str | None = Field(
        None, description="On stop: the dose given; blank takes the calculation"
    )
    given_reason: str = Field("", description="Why given_mg differs from the calculation")


class InfusionEventOut(Schema):
    id: int
    administration_id: int
    kind: str
    at: dt.datetime
    reason: str
    running_minutes: str | None
    calculated_mg: str | None
    given_mg: str | None
    given_reason: str


class RecordOut(Schema):
    observations: list[ObservationOut]
    interventions: list[InterventionOut]
    adverse_events: list[AdverseEventOut]
    therapist_notes: list[TherapistNoteOut]


def _session(
    actor: Any, patient_id: int, session_id: int, perm: Perm, audit: Action | None
) -> DosingSession:
    """A session of a patient the actor may see clinically, else 404 (the denial recorded)."""
    patient = get_patient(
        actor,
        patient_id,
        Perm.PATIENT_CLINICAL,
        audit=audit,
        object_type="dosing.dosingsession",
    )
    session = DosingSession.objects.filter(pk=session_id, patient=patient).first()
    if session is None:
        deny(actor, perm, object_type="dosing.dosingsession", object_id=session_id)
        raise Http404("No such dosing session")
    session.patient = patient
    return session


def _out(obj: Any, schema: type[Schema]) -> dict[str, Any]:
    """A JSON-able dict (stored for replays, so times and decimals become strings)."""
    data = {}
    for name in schema.model_fields:
        value = getattr(obj, name)
        if isinstance(value, dt.datetime):
            value = value.isoformat()
        elif value is not None and not isinstance(value, int | str | bool | list | dict):
            value = str(value)
        data[name] = value
    return data


@router.get(
    "/patients/{patient_id}/sessions/{session_id}/record",
    response=RecordOut,
    url_name="dosing_session_record",
    summary="A dosing session's observations, interventions, adverse events and notes",
)
def read_record(request: HttpRequest, patient_id: int, session_id: int) -> dict[str, Any]:
    actor = authorize(request, Perm.SESSION_RUN)
    session = _session(actor, patient_id, session_id, Perm.SESSION_RUN, Action.VIEW)
    return {
        "observations": [_out(o, ObservationOut) for o in session.observations.all()],
        "interventions": [_out(i, InterventionOut) for i in session.interventions.all()],
        "adverse_events": [
            {**_out(row["event"], AdverseEventOut), "outcome": _outcome_key(row["event"])}
            for row in console_record.adverse_events(session)
        ],
        "therapist_notes": [_out(n, TherapistNoteOut) for n in session.therapist_notes.all()],
    }


def _outcome_key(event: AdverseEvent) -> str:
    return observations.current_outcome(event)


@router.post(
    "/patients/{patient_id}/sessions/{session_id}/observations",
    response={201: ObservationOut},
    url_name="dosing_observation_create",
    summary="Record an observation (MOAA/S, clinician ratings, side effects)",
    openapi_extra=WRITE_EXTRA,
)
def create_observation(
    request: HttpRequest,
    patient_id: int,
    session_id: int,
    payload: ObservationIn,
) -> HttpResponse:
    actor = authorize(request, Perm.SESSION_RUN)
    session = _session(actor, patient_id, session_id, Perm.SESSION_RUN, None)

    def run() -> tuple[type[Schema], dict[str, Any]]:
        made: Observation = observations.observation_record(
            actor=actor, session=session, **payload.model_dump()
        )
        return ObservationOut, _out(made, ObservationOut)

    return idempotent_write(
        request,
        actor=actor,
        scope=f"observation:{session.pk}",
        body=payload,
        status=201,
        run=run,
    )


@router.post(
    "/patients/{patient_id}/sessions/{session_id}/interventions",
    response={201: InterventionOut},
    url_name="dosing_intervention_create",
    summary="Record an intervention (a medicine such as an antiemetic, or reassurance, music…)",
    openapi_extra=WRITE_EXTRA,
)
def create_intervention(
    request: HttpRequest,
    patient_id: int,
    session_id: int,
    payload: InterventionIn,
) -> HttpResponse:
    actor = authorize(request, Perm.SESSION_RUN)
    session = _session(actor, patient_id, session_id, Perm.SESSION_RUN, None)

    def run() -> tuple[type[Schema], dict[str, Any]]:
        made: Intervention = observations.intervention_record(
            actor=actor, session=session, **payload.model_dump()
        )
        return InterventionOut, _out(made, InterventionOut)

    return idempotent_write(
        request,
        actor=actor,
        scope=f"intervention:{session.pk}",
        body=payload,
        status=201,
        run=run,
    )


@router.post(
    "/patients/{patient_id}/sessions/{session_id}/adverse-events",
    response={201: AdverseEventOut},
    url_name="dosing_adverse_event_create",
    summary="Record an adverse event with its severity, action taken and outcome",
    openapi_extra=WRITE_EXTRA,
)
def create_adverse_event(
    request: HttpRequest,
    patient_id: int,
    session_id: int,
    payload: AdverseEventIn,
) -> HttpResponse:
    actor = authorize(request, Perm.SESSION_RUN)
    session = _session(actor, patient_id, session_id, Perm.SESSION_RUN, None)

    def run() -> tuple[type[Schema], dict[str, Any]]:
        made = observations.adverse_event_record(
            actor=actor, session=session, **payload.model_dump()
        )
        return AdverseEventOut, _out(made, AdverseEventOut)

    return idempotent_write(
        request,
        actor=actor,
        scope=f"adverse_event:{session.pk}",
        body=payload,
        status=201,
        run=run,
    )


@router.post(
    "/patients/{patient_id}/sessions/{session_id}/adverse-events/{event_id}/follow-ups",
    response={201: FollowUpOut},
    url_name="dosing_adverse_event_follow_up",
    summary="Record a later outcome of an adverse event",
    openapi_extra=WRITE_EXTRA,
)
def create_follow_up(
    request: HttpRequest,
    patient_id: int,
    session_id: int,
    event_id: int,
    payload: FollowUpIn,
) -> HttpResponse:
    actor = authorize(request, Perm.SESSION_RUN)
    session = _session(actor, patient_id, session_id, Perm.SESSION_RUN, None)
    event = AdverseEvent.objects.filter(session=session, pk=event_id).first()
    if event is None:
        deny(actor, Perm.SESSION_RUN, object_type="dosing.adverseevent", object_id=event_id)
        raise Http404("No such adverse event")
    event.session = session

    def run() -> tuple[type[Schema], dict[str, Any]]:
        made = observations.adverse_event_follow_up(
            actor=actor, event=event, **payload.model_dump()
        )
        return FollowUpOut, _out(made, FollowUpOut)

    return idempotent_write(
        request,
        actor=actor,
        scope=f"follow_up:{event.pk}",
        body=payload,
        status=201,
        run=run,
    )


@router.post(
    "/patients/{patient_id}/sessions/{session_id}/therapist-notes",
    response={201: TherapistNoteOut},
    url_name="dosing_therapist_note_create",
    summary="The therapist's in-session note (guidance used and what happened)",
    openapi_extra=WRITE_EXTRA,
)
def create_therapist_note(
    request: HttpRequest,
    patient_id: int,
    session_id: int,
    payload: TherapistNoteIn,
) -> HttpResponse:
    actor = authorize(request, Perm.THERAPY_NOTE_WRITE)
    session = _session(actor, patient_id, session_id, Perm.THERAPY_NOTE_WRITE, None)

    def run() -> tuple[type[Schema], dict[str, Any]]:
        made: TherapistNote = observations.therapist_note_write(
            actor=actor, session=session, **payload.model_dump()
        )
        return TherapistNoteOut, _out(made, TherapistNoteOut)

    return idempotent_write(
        request,
        actor=actor,
        scope=f"therapist_note:{session.pk}",
        body=payload,
        status=201,
        run=run,
    )


@router.post(
    "/patients/{patient_id}/sessions/{session_id}/administrations/{administration_id}/events",
    response={201: InfusionEventOut},
    url_name="dosing_infusion_event_create",
    summary="Pause, resume or stop an infusion with a reason; a stop records the dose given",
    openapi_extra=WRITE_EXTRA,
)
def create_infusion_event(
    request: HttpRequest,
    patient_id: int,
    session_id: int,
    administration_id: int,
    payload: InfusionEventIn,
) -> HttpResponse:
    actor = authorize(request, Perm.SESSION_RUN)
    session = _session(actor, patient_id, session_id, Perm.SESSION_RUN, None)
    given = (
        Administration.objects.filter(session=session, pk=administration_id)
        .select_related("order")
        .first()
    )
    if given is None:
        deny(
            actor,
            Perm.SESSION_RUN,
            object_type="dosing.administration",
            object_id=administration_id,
        )
        raise Http404("No such administration")
    given.session = session
    data = payload.model_dump()

    def run() -> tuple[type[Schema], dict[str, Any]]:
        made: InfusionEvent = infusion.infusion_event_record(
            actor=actor,
            administration=given,
            kind=data["kind"],
            reason=data["reason"],
            given=data["given_mg"],
            given_reason=data["given_reason"],
        )
        return InfusionEventOut, _out(made, InfusionEventOut)

    return idempotent_write(
        request,
        actor=actor,
        scope=f"infusion:{given.pk}",
        body=payload,
        status=201,
        run=run,
    )
