"""Recording what happens in the chair: observations, interventions, adverse events, notes.

Each record is written once (append-only) with its audit row in the same
transaction. An observation is assessed at once by the pure rules
(:mod:`kapcare.clinical.observations`) with the clinic's settings, so an alert
shows on the console the moment it is saved.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.accounts.policy import Perm, deny, has_perm
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.clinical.observations import (
    GUIDANCE,
    SIDE_EFFECTS,
    NauseaStatus,
    assess_observation,
    nausea_status,
    parse_choices,
    parse_rating,
)
from kapcare.clinical.session_states import SessionState
from kapcare.dosing.clinic_settings import observation_rules_of, session_settings
from kapcare.dosing.models import (
    AE_CLOSED,
    AE_OUTCOMES,
    AE_SEVERITIES,
    DRUG_CATEGORIES,
    INTERVENTION_CATEGORIES,
    AdverseEvent,
    AdverseEventFollowUp,
    DosingSession,
    Intervention,
    Observation,
    TherapistNote,
)

#: a patient is in the chair from check-in until discharge
IN_CHAIR = (SessionState.CHECKED_IN, SessionState.READY, SessionState.DOSING, SessionState.RECOVERY)


def _in_chair(session: DosingSession) -> None:
    if session.state not in IN_CHAIR:
        raise ValidationError(
            "Observations are recorded from check-in until discharge; "
            f"this session is {session.get_state_display().lower()}."
        )


def _when(value: dt.datetime | None, name: str) -> dt.datetime:
    now = timezone.now()
    moment = value or now
    if moment > now + dt.timedelta(minutes=1):
        raise ValidationError({name: ["The time cannot be in the future."]})
    return moment


def _value_error(error: ValueError) -> ValidationError:
    field, _, message = str(error).partition(": ")
    return ValidationError({field: [message or str(error)]})


def observation_record(
    *,
    actor: Actor,
    session: DosingSession,
    moaas: int | None = None,
    dissociation: str | None = None,
    nausea: str | None = None,
    anxiety: str | None = None,
    side_effects: list[str] | tuple[str, ...] = (),
    side_effects_other: str = "",
    note: str = "",
    observed_at: dt.datetime | None = None,
) -> Observation:
    """Append one observation; at least one thing must be observed."""
    _in_chair(session)
    try:
        ratings = {
            "dissociation": parse_rating(dissociation, "dissociation"),
            "nausea": parse_rating(nausea, "nausea"),
            "anxiety": parse_rating(anxiety, "anxiety"),
        }
        effects = parse_choices(list(side_effects), SIDE_EFFECTS, "side_effects")
    except ValueError as error:
        raise _value_error(error) from None
    if moaas is not None and (isinstance(moaas, bool) or not 0 <= moaas <= 5):
        raise ValidationError({"moaas": [f"MOAA/S is scored 0 to 5, got {moaas}."]})
    other = side_effects_other.strip()
    if (
        moaas is None
        and not any(ratings.values())
        and not effects
        and not other
        and not note.strip()
    ):
        raise ValidationError(
            "Record at least one thing: MOAA/S, a rating, a side effect or a note."
        )
    moment = _when(observed_at, "observed_at")
    rules = observation_rules_of(session_settings(session))
    findings = [
        {
            "rule_id": f.rule_id,
            "severity": f.severity.value,
            "message": f.message,
            "local_choice": f.local_choice,
        }
        for f in assess_observation(moaas=moaas, rules=rules, **ratings)
    ]
    with transaction.atomic():
        made = Observation.objects.create(
            session=session,
            observed_at=moment,
            moaas=moaas,
            side_effects=effects,
            side_effects_other=other[:300],
            note=note.strip(),
            findings=findings,
            recorded_by=actor.user,
            **{name: (r.value if r else "") for name, r in ratings.items()},
        )
        record(
            Action.CREATE,
            actor=actor,
            patient=session.patient,
            obj=made,
            detail={"session": session.pk, "alerts": [f["rule_id"] for f in findings]},
        )
    return made


def intervention_record(
    *,
    actor: Actor,
    session: DosingSession,
    category: str,
    medicine: str = "",
    dose: str = "",
    route: str = "",
    detail: str = "",
    given_by: Any = None,
    given_at: dt.datetime | None = None,
) -> Intervention:
    """Append an intervention; a medicine needs its name, dose and route."""
    _in_chair(session)
    known = dict(INTERVENTION_CATEGORIES)
    if category not in known:
        raise ValidationError(
            {"category": [f"{category!r} is unknown; allowed: {', '.join(known)}."]}
        )
    is_drug = category in DRUG_CATEGORIES
    if is_drug:
        missing = [
            n
            for n, v in (("medicine", medicine), ("dose", dose), ("route", route))
            if not v.strip()
        ]
        if missing:
            raise ValidationError({n: ["Required for a medicine."] for n in missing})
    elif category == "other" and not detail.strip():
        raise ValidationError({"detail": ["Say what was done."]})
    moment = _when(given_at, "given_at")
    with transaction.atomic():
        made = Intervention.objects.create(
            session=session,
            given_at=moment,
            kind="drug" if is_drug else "non_drug",
            category=category,
            medicine=medicine.strip() if is_drug else "",
            dose=dose.strip() if is_drug else "",
            route=route.strip() if is_drug else "",
            detail=detail.strip(),
            given_by=given_by or actor.user,
            recorded_by=actor.user,
        )
        record(
            Action.CREATE,
            actor=actor,
            patient=session.patient,
            obj=made,
            detail={"session": session.pk, "category": category},
        )
    return made


def adverse_event_record(
    *,
    actor: Actor,
    session: DosingSession,
    description: str,
    severity: str,
    action_taken: str,
    outcome: str,
    reportable: bool = False,
    onset_at: dt.datetime | None = None,
) -> AdverseEvent:
    """Append an adverse event with its severity, the action taken and the outcome so far."""
    _in_chair(session)
    errors: dict[str, list[str]] = {}
    if not description.strip():
        errors["description"] = ["Describe what happened."]
    if severity not in dict(AE_SEVERITIES):
        errors["severity"] = [f"Choose one of: {', '.join(dict(AE_SEVERITIES))}."]
    if not action_taken.strip():
        errors["action_taken"] = ["Say what was done (or 'observation only')."]
    if outcome not in dict(AE_OUTCOMES):
        errors["outcome"] = [f"Choose one of: {', '.join(dict(AE_OUTCOMES))}."]
    if errors:
        raise ValidationError(errors)
    moment = _when(onset_at, "onset_at")
    with transaction.atomic():
        made = AdverseEvent.objects.create(
            session=session,
            onset_at=moment,
            description=description.strip(),
            severity=severity,
            action_taken=action_taken.strip(),
            outcome=outcome,
            reportable=bool(reportable),
            recorded_by=actor.user,
        )
        record(
            Action.CREATE,
            actor=actor,
            patient=session.patient,
            obj=made,
            detail={
                "session": session.pk,
                "severity": severity,
                "outcome": outcome,
                "reportable": bool(reportable),
            },
        )
    return made


def adverse_event_follow_up(
    *, actor: Actor, event: AdverseEvent, outcome: str, note: str = ""
) -> AdverseEventFollowUp:
    """A later outcome of an adverse event (also after discharge)."""
    if outcome not in dict(AE_OUTCOMES):
        raise ValidationError({"outcome": [f"Choose one of: {', '.join(dict(AE_OUTCOMES))}."]})
    with transaction.atomic():
        made = AdverseEventFollowUp.objects.create(
            event=event, outcome=outcome, note=note.strip(), recorded_by=actor.user
        )
        record(
            Action.CREATE,
            actor=actor,
            patient=event.session.patient,
            obj=made,
            detail={"event": event.pk, "outcome": outcome},
        )
    return made


def current_outcome(event: AdverseEvent) -> str:
    """The latest outcome (needs ``follow_ups`` prefetched to stay at one query)."""
    ups = list(event.follow_ups.all())
    return ups[-1].outcome if ups else event.outcome


def is_open(event: AdverseEvent) -> bool:
    return current_outcome(event) not in AE_CLOSED


def therapist_note_write(
    *,
    actor: Actor,
    session: DosingSession,
    text: str,
    guidance: list[str] | tuple[str, ...] = (),
    guidance_other: str = "",
) -> TherapistNote:
    """The therapist's note: what guidance was used and what happened, for the care team."""
    if not has_perm(actor, Perm.THERAPY_NOTE_WRITE):
        deny(actor, Perm.THERAPY_NOTE_WRITE, object_type="dosing.therapistnote")
        raise PermissionDenied("Only the therapist (or a prescriber) writes the session note.")
    if session.state in (SessionState.SCHEDULED, SessionState.ABORTED):
        raise ValidationError("A note is written once the patient has arrived.")
    try:
        used = parse_choices(list(guidance), GUIDANCE, "guidance")
    except ValueError as error:
        raise _value_error(error) from None
    errors: dict[str, list[str]] = {}
    if not text.strip():
        errors["text"] = ["Write the note."]
    if "other" in used and not guidance_other.strip():
        errors["guidance_other"] = ["Say what other guidance was used."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        made = TherapistNote.objects.create(
            session=session,
            guidance=used,
            guidance_other=guidance_other.strip()[:200],
            text=text.strip(),
            author=actor.user,
        )
        record(
            Action.CREATE,
            actor=actor,
            patient=session.patient,
            obj=made,
            detail={"session": session.pk, "guidance": used},
        )
    return made


def session_nausea(session: DosingSession) -> NauseaStatus:
    """What the recorded observations and antiemetics say about nausea (two queries)."""
    latest = (
        Observation.objects.filter(session=session)
        .exclude(nausea="")
        .order_by("-observed_at", "-pk")
        .values_list("nausea", "observed_at")
        .first()
    )
    antiemetic = (
        Intervention.objects.filter(session=session, category="antiemetic")
        .order_by("-given_at")
        .values_list("given_at", flat=True)
        .first()
    )
    return nausea_status(
        latest=parse_rating(latest[0], "nausea") if latest else None,
        rated_at=latest[1] if latest else None,
        last_antiemetic_at=antiemetic,
    )
