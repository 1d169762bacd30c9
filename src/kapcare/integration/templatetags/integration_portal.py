"""The portal home's "After your sessions" card: each recent session's reflections."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from kapcare.integration.reflections import reflections_for
from kapcare.integration.sessions import recent_sessions, session_label

register = template.Library()

#: how many of the latest sessions the portal home shows
PORTAL_SESSIONS = 3


@register.inclusion_tag("integration/_portal_reflections.html")
def portal_reflections(patient: Any) -> dict[str, Any]:
    sessions = recent_sessions(patient, PORTAL_SESSIONS)
    found = reflections_for(sessions, timezone.now())
    rows = [
        (session_label(s), found[s.pk].reflections) for s in sessions if found[s.pk].reflections
    ]
    return {"rows": rows, "clinic_tz": patient.clinic.time_zone}
