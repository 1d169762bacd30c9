"""The portal home's "Your appointments" card (portal views stay with the portal app)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from kapcare.treatment.selectors import upcoming_of

register = template.Library()


@register.inclusion_tag("treatment/_portal_home.html")
def portal_appointments(patient: Any) -> dict[str, Any]:
    upcoming = list(upcoming_of(patient, timezone.now())[:3])
    return {"upcoming": upcoming, "clinic_tz": patient.clinic.time_zone}
