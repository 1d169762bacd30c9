"""Integration-session notes: signed once, never edited; corrections are new notes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kapcare.accounts.actors import Actor
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.integration.models import IntegrationNote
from kapcare.integration.sessions import session_day

#: the template's sections, in order, with the labels shown to the therapist
SECTIONS = (
    ("what_came_up", "What came up"),
    ("themes", "Themes"),
    ("insights", "Insights"),
    ("wants_to_change", "What the patient wants to change"),
    ("practices_agreed", "Practices agreed"),
    ("risks", "Risks"),
)


@transaction.atomic
def integration_note_sign(
    *,
    actor: Actor,
    patient: Any,
    session_date: dt.date | None = None,
    session: Any = None,
    amends: IntegrationNote | None = None,
    **sections: str,
) -> IntegrationNote:
    unknown = set(sections) - {key for key, _ in SECTIONS}
    if unknown:
        raise ValidationError(f"Unknown sections: {', '.join(sorted(unknown))}.")
    if not sections.get("what_came_up", "").strip():
        raise ValidationError({"what_came_up": ["Write what came up in the session."]})
    if session is not None:
        if session.patient_id != patient.pk:
            raise ValidationError({"session": ["Choose a dosing session of this patient."]})
        session_date = session_day(session)
    if amends is not None and amends.patient_id != patient.pk:
        raise ValidationError({"amends": ["A note can amend only a note of the same patient."]})
    note = IntegrationNote.objects.create(
        patient=patient,
        clinic=patient.clinic,
        author=actor.user,
        session=session,
        session_date=session_date,
        amends=amends,
        **{key: sections.get(key, "").strip() for key, _ in SECTIONS},
    )
    record(
        Action.CREATE,
        actor=actor,
        patient=patient,
        obj=note,
        detail={
            "amends": amends.pk if amends else None,
            "session": session.pk if session else None,
        },
    )
    return note
