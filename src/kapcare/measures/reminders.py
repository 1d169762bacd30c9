"""Email reminders for questionnaires: once when one opens, once more when it is overdue.

Each reminder is claimed with a conditional update (``reminded_at IS NULL``), so a
reminder run that overlaps another never sends the same reminder twice.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.core.tasks import send_email_after_commit
from kapcare.measures.models import Assignment, AssignmentStatus

REMINDER_ACTOR = "kapcare questionnaire reminders"


def send_reminders(*, now: dt.datetime | None = None) -> int:
    """Queue reminder emails for questionnaires that opened or became overdue; return how many."""
    now = now or timezone.now()
    reachable = Assignment.objects.filter(
        status=AssignmentStatus.OPEN,
        due_at__isnull=False,
        patient__user__isnull=False,
        patient__user__is_active=True,
    ).filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now))
    sent = 0
    for assignment in reachable.filter(reminded_at__isnull=True, due_at__gte=now).select_related(
        "patient__user", "clinic"
    ):
        sent += _remind(assignment, now, field="reminded_at", overdue=False)
    for assignment in reachable.filter(
        overdue_reminded_at__isnull=True, due_at__lt=now
    ).select_related("patient__user", "clinic"):
        sent += _remind(assignment, now, field="overdue_reminded_at", overdue=True)
    return sent


def _remind(assignment: Assignment, now: dt.datetime, *, field: str, overdue: bool) -> int:
    with transaction.atomic():
        claimed = Assignment.objects.filter(
            pk=assignment.pk, status=AssignmentStatus.OPEN, **{f"{field}__isnull": True}
        ).update(**{field: now})
        if not claimed:
            return 0
        patient = assignment.patient
        user = patient.user
        assert user is not None  # the query asked for a portal account
        context = {
            "name": patient.preferred_name or patient.given_name,
            "clinic": assignment.clinic,
            "overdue": overdue,
            "link": settings.KAPCARE_BASE_URL + reverse("portal:home"),
        }
        subject = render_to_string("measures/emails/reminder-subject.txt", context).strip()
        body = render_to_string("measures/emails/reminder-body.txt", context)
        send_email_after_commit([user.email], subject, body)
        record(
            Action.UPDATE,
            clinic=assignment.clinic,
            patient=patient,
            obj=assignment,
            actor_label=REMINDER_ACTOR,
            detail={"reminder": "overdue" if overdue else "due"},
        )
    return 1
