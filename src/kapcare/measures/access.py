"""How measures code obtains protected rows: through the access policy, never a bare get.

Patient-scoped rows (assignments, responses) are looked up inside a patient that
``policy.get_patient`` already returned; alerts are clinic-wide, so they have their
own guard here, written like ``get_patient``: an alert the actor may not see answers
404 exactly like a missing one, and the denial is recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from kapcare.accounts.actors import Actor
from kapcare.accounts.policy import Perm, deny, has_perm, my_patients_filter
from kapcare.measures.models import Assignment, QuestionnaireResponse, SafetyAlert
from kapcare.patients.models import Patient


def alerts_for(actor: Actor | None) -> QuerySet[SafetyAlert]:
    """Safety alerts the actor may read: clinical staff, their own clinic only."""
    if actor is None or not actor.is_staff_member:
        return SafetyAlert.objects.none()
    if not has_perm(actor, Perm.PATIENT_CLINICAL):
        return SafetyAlert.objects.none()
    return SafetyAlert.objects.filter(clinic=actor.clinic)


def my_patients_among(actor: Actor, alerts: Iterable[SafetyAlert]) -> set[int]:
    """Ids of ``alerts`` about patients on whose care team the actor sits.

    One query over the listed alerts' patients only. (An EXISTS beside each alert let
    PostgreSQL hash the actor's whole care-team list, which grows with the clinic.)
    """
    listed = list(alerts)
    mine = set(
        Patient.objects.filter(
            my_patients_filter(actor), pk__in={alert.patient_id for alert in listed}
        ).values_list("pk", flat=True)
    )
    return {alert.pk for alert in listed if alert.patient_id in mine}


def get_alert(actor: Actor | None, alert_id: Any, perm: Perm) -> SafetyAlert:
    try:
        alert = (
            alerts_for(actor).select_related("patient", "clinic", "response").get(pk=int(alert_id))
        )
    except (ValueError, TypeError, SafetyAlert.DoesNotExist):
        deny(actor, perm, object_type="measures.safetyalert", object_id=alert_id)
        raise Http404("No such alert") from None
    if not has_perm(actor, perm):
        deny(actor, perm, object_type="measures.safetyalert", object_id=alert_id)
        raise Http404("No such alert")
    return alert


def assignment_of(
    patient: Patient, assignment_id: Any, actor: Actor | None, perm: Perm
) -> Assignment:
    """One of the patient's assignments; the patient came from ``get_patient``."""
    try:
        return Assignment.objects.select_related("patient__clinic").get(
            pk=int(assignment_id), patient=patient
        )
    except (ValueError, TypeError, Assignment.DoesNotExist):
        deny(actor, perm, object_type="measures.assignment", object_id=assignment_id)
        raise Http404("No such questionnaire") from None


def response_of(
    patient: Patient, response_id: Any, actor: Actor | None, perm: Perm
) -> QuestionnaireResponse:
    """One of the patient's responses; the patient came from ``get_patient``."""
    try:
        return QuestionnaireResponse.objects.select_related("entered_by", "corrects").get(
            pk=int(response_id), patient=patient
        )
    except (ValueError, TypeError, QuestionnaireResponse.DoesNotExist):
        deny(actor, perm, object_type="measures.questionnaireresponse", object_id=response_id)
        raise Http404("No such response") from None
