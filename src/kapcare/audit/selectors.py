"""Reads of the audit trail for the admin browser and the patient's access log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from kapcare.audit.models import Action, AuditEvent

#: actions that show a person looked at or changed a patient's record
RECORD_ACCESS_ACTIONS = (
    Action.VIEW,
    Action.UPDATE,
    Action.CREATE,
    Action.TRANSITION,
    Action.EXPORT,
)


def trail_for_clinic(
    clinic: Any,
    *,
    patient_id: int | None = None,
    actor_id: int | None = None,
    action: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(clinic=clinic)
    if patient_id is not None:
        events = events.filter(patient_id=patient_id)
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if action:
        events = events.filter(action=action)
    if since is not None:
        events = events.filter(occurred_at__date__gte=since)
    if until is not None:
        events = events.filter(occurred_at__date__lte=until)
    return events.select_related("actor", "patient").order_by("-occurred_at", "-id")


def access_log_for_patient(patient: Any) -> QuerySet[AuditEvent]:
    """Staff who viewed or changed the record; the patient's own actions are left out."""
    return (
        AuditEvent.objects.filter(patient=patient, action__in=RECORD_ACCESS_ACTIONS)
        .exclude(actor_id=patient.user_id)
        .exclude(actor__isnull=True)
        .select_related("actor")
        .order_by("-occurred_at", "-id")
    )
