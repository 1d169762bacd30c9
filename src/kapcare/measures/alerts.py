"""Safety alerts: raising them with a response, acknowledging them, escalating them.

An item-9 answer above 0 always raises a high-priority alert, whatever the total:
the flag comes from the pure scorer and nothing here looks at the total first.
Alerts are created inside the submission's transaction; emails are queued to go
out only once it commits.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.accounts.models import Membership, Role, User
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.clinical.instruments.model import ItemAboveRule
from kapcare.clinical.instruments.phq9 import SUICIDAL_IDEATION
from kapcare.clinical.outcomes import OUTCOME_DEFINITIONS
from kapcare.core.tasks import send_email_after_commit
from kapcare.measures.models import (
    PRIORITY_OF,
    AlertKind,
    AlertPriority,
    AlertStatus,
    QuestionnaireResponse,
    SafetyAlert,
)
from kapcare.measures.scoring import change_since_baseline
from kapcare.measures.selectors import baseline_response, settings_for
from kapcare.patients.models import Patient

#: label of the audit rows written by the background escalation (no person acts)
ESCALATION_ACTOR = "kapcare safety-alert escalation"
#: only high-priority alerts page the prescribers; lower ones wait in the inbox
ESCALATING = (AlertPriority.HIGH,)


class AlreadyAcknowledged(ValidationError):
    """The alert was closed by someone else first; their note stands."""


def _alert_reasons(response: QuestionnaireResponse) -> list[tuple[AlertKind, str]]:
    definition = response.definition
    reasons: list[tuple[AlertKind, str]] = []
    if SUICIDAL_IDEATION in response.flags:
        reasons.append((AlertKind.SUICIDAL_IDEATION, _item_rule_detail(response)))
    if definition.bands and response.band == definition.bands[-1].key:
        band = definition.bands[-1]
        reasons.append(
            (
                AlertKind.SEVERE_BAND,
                f"{definition.abbreviation} total {response.score}: {band.label} "
                f"({band.minimum}–{band.maximum}), the most severe range.",
            )
        )
    baseline = baseline_response(response)
    if baseline is not None:
        change = change_since_baseline(response.instrument, baseline.score, response.score)
        if change is not None and change.meaningful_worsening:
            mcid = OUTCOME_DEFINITIONS[response.instrument].meaningful_change.points
            reasons.append(
                (
                    AlertKind.MEANINGFUL_WORSENING,
                    f"{definition.abbreviation} rose from {baseline.score} at baseline "
                    f"({_local(baseline.answered_at, response):%-d %b %Y}) to {response.score} "
                    f"(+{change.difference:g}; a change of {mcid} or more is meaningful).",
                )
            )
    return reasons


def _local(moment: dt.datetime, response: QuestionnaireResponse) -> dt.datetime:
    return timezone.localtime(moment, ZoneInfo(response.clinic.time_zone))


def _item_rule_detail(response: QuestionnaireResponse) -> str:
    """Which answer raised the flag, in words, with the rule's own explanation."""
    definition = response.definition
    for rule in definition.flag_rules:
        if rule.flag == SUICIDAL_IDEATION and isinstance(rule, ItemAboveRule):
            item = definition.item(rule.item)
            answer = response.answers.get(rule.item)
            label = next((o.label for o in item.options if o.value == answer), str(answer))
            return (
                f"{definition.abbreviation} item {rule.item} answered “{label}” ({answer}). "
                f"{rule.description}"
            )
    return f"{definition.abbreviation}: thoughts of death or self-harm were reported."


def raise_for_response(
    *, actor: Actor, response: QuestionnaireResponse, now: dt.datetime
) -> list[SafetyAlert]:
    """Create the response's alerts and queue the care team's emails (inside its transaction)."""
    raised = []
    for kind, detail in _alert_reasons(response):
        alert = SafetyAlert.objects.create(
            clinic=response.clinic,
            patient=response.patient,
            response=response,
            kind=kind,
            priority=PRIORITY_OF[kind],
            detail=detail,
            created_at=now,
        )
        recipients, fallback = care_team_recipients(response.patient)
        record(
            Action.CREATE,
            actor=actor,
            patient=response.patient,
            obj=alert,
            detail={
                "kind": kind.value,
                "priority": alert.priority,
                "notified": [u.pk for u in recipients],
                "notified_prescribers_for_lack_of_care_team": fallback,
            },
        )
        _email(alert, recipients, "new")
        raised.append(alert)
    return raised


def raise_for_checkin(*, checkin: Any, now: dt.datetime) -> SafetyAlert:
    """An after-session check-in that reports thoughts of death or self-harm.

    It takes the same path as a PHQ-9 item-9 answer: a high-priority alert in the
    inbox, email to the care team, escalation to prescribers if nobody acknowledges it.
    Call it inside the transaction that stores the check-in.
    """
    patient = checkin.patient
    alert = SafetyAlert.objects.create(
        clinic=patient.clinic,
        patient=patient,
        checkin=checkin,
        kind=AlertKind.SUICIDAL_IDEATION,
        priority=PRIORITY_OF[AlertKind.SUICIDAL_IDEATION],
        detail=(
            "After-session check-in: the patient answered yes to having thoughts of being "
            "better off dead or of hurting themselves. This needs a clinical risk assessment."
        ),
        created_at=now,
    )
    recipients, fallback = care_team_recipients(patient)
    record(
        Action.CREATE,
        patient=patient,
        obj=alert,
        actor_label="After-session check-in (no login)",
        detail={
            "kind": AlertKind.SUICIDAL_IDEATION.value,
            "priority": alert.priority,
            "checkin": checkin.pk,
            "notified": [u.pk for u in recipients],
            "notified_prescribers_for_lack_of_care_team": fallback,
        },
    )
    _email(alert, recipients, "new")
    return alert


def care_team_recipients(patient: Patient) -> tuple[list[User], bool]:
    """Active care-team members; a patient with nobody on their team notifies the prescribers."""
    team = [
        m.membership.user
        for m in patient.care_team.select_related("membership__user").filter(
            membership__is_active=True
        )
    ]
    if team:
        return list({u.pk: u for u in team}.values()), False
    return prescribers_of(patient.clinic_id), True


def prescribers_of(clinic_id: int) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            clinic_id=clinic_id, role=Role.PRESCRIBER, is_active=True
        ).select_related("user")
    ]


def _email(alert: SafetyAlert, recipients: list[User], why: str) -> None:
    """Queue the alert email; it names no patient, because email is not a safe channel."""
    to = sorted({u.email for u in recipients if u.email})
    if not to:
        return
    context = {
        "alert": alert,
        "why": why,
        "clinic": alert.clinic,
        "link": settings.KAPCARE_BASE_URL + reverse("measures:alerts"),
    }
    with timezone.override(ZoneInfo(alert.clinic.time_zone)):
        subject = render_to_string("measures/emails/alert-subject.txt", context).strip()
        body = render_to_string("measures/emails/alert-body.txt", context)
    send_email_after_commit(to, subject, body)


@transaction.atomic
def acknowledge(
    *, actor: Actor, alert: SafetyAlert, note: str, now: dt.datetime | None = None
) -> SafetyAlert:
    """Close an alert with a note of what was done; only an open alert can be acknowledged."""
    note = note.strip()
    if not note:
        raise ValidationError(
            {"note": ["Write what was done (for example, who called the patient)."]}
        )
    now = now or timezone.now()
    closed = SafetyAlert.objects.filter(pk=alert.pk, status=AlertStatus.OPEN).update(
        status=AlertStatus.ACKNOWLEDGED,
        acknowledged_by=actor.user,
        acknowledged_at=now,
        acknowledgement_note=note,
    )
    if not closed:
        raise AlreadyAcknowledged("Someone has already acknowledged this alert.")
    record(
        Action.UPDATE,
        actor=actor,
        patient=alert.patient,
        obj=alert,
        detail={"status": AlertStatus.ACKNOWLEDGED.value, "kind": alert.kind},
    )
    alert.refresh_from_db()
    return alert


def escalate_overdue(*, now: dt.datetime | None = None) -> list[SafetyAlert]:
    """Escalate every high-priority alert left open past its clinic's time to the prescribers.

    Each alert is claimed with a conditional update, so two runs at once never
    escalate the same alert twice. Returns the alerts escalated by this run.
    """
    now = now or timezone.now()
    shortest = dt.timedelta(minutes=5)  # the smallest setting a clinic may choose
    candidates = (
        SafetyAlert.objects.filter(
            status=AlertStatus.OPEN,
            escalated_at__isnull=True,
            priority__in=ESCALATING,
            created_at__lte=now - shortest,
        )
        .select_related("clinic", "patient")
        .order_by("created_at")
    )
    escalated = []
    minutes_of: dict[int, int] = {}
    for alert in candidates:
        if alert.clinic_id not in minutes_of:
            minutes_of[alert.clinic_id] = settings_for(alert.clinic).escalate_after_minutes
        if alert.created_at > now - dt.timedelta(minutes=minutes_of[alert.clinic_id]):
            continue
        with transaction.atomic():
            claimed = SafetyAlert.objects.filter(
                pk=alert.pk, status=AlertStatus.OPEN, escalated_at__isnull=True
            ).update(escalated_at=now)
            if not claimed:
                continue
            alert.escalated_at = now
            prescribers = prescribers_of(alert.clinic_id)
            record(
                Action.UPDATE,
                clinic=alert.clinic,
                patient=alert.patient,
                obj=alert,
                actor_label=ESCALATION_ACTOR,
                detail={
                    "escalated": True,
                    "after_minutes": minutes_of[alert.clinic_id],
                    "notified": [u.pk for u in prescribers],
                },
            )
            _email(alert, prescribers, "escalated")
        escalated.append(alert)
    return escalated
