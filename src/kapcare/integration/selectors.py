"""Reads that put integration beside a dosing session: what the therapist sees there."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.accounts.policy import is_on_care_team, journal_entries_for
from kapcare.dosing.models import DosingSession
from kapcare.integration import notes as note_services
from kapcare.integration.models import CheckIn, IntegrationNote
from kapcare.integration.reflections import reflections_for


def session_links(
    session: DosingSession, viewer: Actor, on_team: bool | None = None
) -> dict[str, Any]:
    """Shared journal entries, integration notes, check-ins and reflections of one session.

    Journal entries pass through the journal's own access rule: the care team reads only
    what the patient shared; anyone else reads none. A fixed number of queries.
    ``on_team`` is whether the viewer is on the patient's care team, when the caller
    already knows it (the chart header reads the team).
    """
    patient = session.patient
    if on_team is None:
        on_team = is_on_care_team(viewer, patient)
    entries = list(
        journal_entries_for(viewer, patient)
        .filter(session=session, is_draft=False)
        .order_by("created_at", "pk")
    )
    notes = list(
        # by the patient too: most notes name no session, so SQLite's statistics rate the
        # session index as useless and it read every note of the clinic (5 ms at 10,000
        # patients); one patient's notes are few
        IntegrationNote.objects.filter(
            patient=patient, session=session, clinic_id=session.clinic_id
        )
        .select_related("author")
        .order_by("signed_at", "pk")
    )
    checkins = list(CheckIn.objects.filter(link__session=session).order_by("submitted_at", "pk"))
    found = reflections_for([session], timezone.now())
    return {
        "entries": entries,
        "on_team": on_team,
        "notes": [
            (
                n,
                [
                    (label, getattr(n, key))
                    for key, label in note_services.SECTIONS
                    if getattr(n, key)
                ],
            )
            for n in notes
        ],
        "checkins": checkins,
        "reflections": found[session.pk].reflections,
    }
