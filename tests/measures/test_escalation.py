"""An item-9 alert nobody acknowledges in time goes to every prescriber of the clinic."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from kapcare.accounts.models import Membership, Role, User
from kapcare.audit.models import AuditEvent
from kapcare.measures import alerts as alert_services
from kapcare.measures.models import MeasuresSettings, SafetyAlert
from kapcare.measures.tasks import escalate_alerts
from tests.measures.helpers import PHQ9_ONLY_ITEM_9, phq9, phq9_total, staff, submit

START = dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.UTC)


def _second_prescriber(world: Any) -> User:
    user = User.objects.create_user("dr.two@example.com", "x" * 12, full_name="Dr Two")
    Membership.objects.create(user=user, clinic=world.cedar, role=Role.PRESCRIBER)
    return user


def _alert_at(world: Any, when: dt.datetime) -> SafetyAlert:
    with time_machine.travel(when, tick=False):
        return submit(world, phq9(*PHQ9_ONLY_ITEM_9)).alerts[0]


def test_an_alert_is_not_escalated_before_60_minutes(world: Any) -> None:
    alert = _alert_at(world, START)
    with time_machine.travel(START + dt.timedelta(minutes=59), tick=False):
        assert alert_services.escalate_overdue() == []
    alert.refresh_from_db()
    assert alert.escalated_at is None


def test_an_unacknowledged_alert_escalates_to_every_prescriber_after_60_minutes(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _second_prescriber(world)
    alert = _alert_at(world, START)
    mail.outbox.clear()
    later = START + dt.timedelta(minutes=61)
    with (
        time_machine.travel(later, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        escalated = alert_services.escalate_overdue()
    assert [a.pk for a in escalated] == [alert.pk]
    alert.refresh_from_db()
    assert alert.escalated_at == later
    assert alert.status == "open", "escalation does not close the alert"
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["dr.two@example.com", "prescriber@example.com"]
    assert mail.outbox[0].subject.startswith("ESCALATED")
    row = AuditEvent.objects.get(action="update", object_type="measures.safetyalert")
    assert row.actor is None
    assert row.actor_label == alert_services.ESCALATION_ACTOR
    assert row.detail["escalated"] is True
    assert row.detail["after_minutes"] == 60


def test_an_alert_escalates_once(world: Any) -> None:
    _alert_at(world, START)
    with time_machine.travel(START + dt.timedelta(minutes=61), tick=False):
        assert len(alert_services.escalate_overdue()) == 1
    with time_machine.travel(START + dt.timedelta(minutes=90), tick=False):
        assert alert_services.escalate_overdue() == []


def test_an_acknowledged_alert_is_never_escalated(world: Any) -> None:
    alert = _alert_at(world, START)
    with time_machine.travel(START + dt.timedelta(minutes=20), tick=False):
        alert_services.acknowledge(
            actor=staff(world, "therapist"), alert=alert, note="Called the patient; safe."
        )
    with time_machine.travel(START + dt.timedelta(hours=3), tick=False):
        assert alert_services.escalate_overdue() == []


def test_the_clinic_chooses_the_escalation_time(world: Any) -> None:
    MeasuresSettings.objects.create(clinic=world.cedar, escalate_after_minutes=15)
    _alert_at(world, START)
    with time_machine.travel(START + dt.timedelta(minutes=14), tick=False):
        assert alert_services.escalate_overdue() == []
    with time_machine.travel(START + dt.timedelta(minutes=15), tick=False):
        assert len(alert_services.escalate_overdue()) == 1


def test_lower_priority_alerts_wait_in_the_inbox(world: Any) -> None:
    with time_machine.travel(START, tick=False):
        submitted = submit(world, phq9_total(22))
    assert [a.kind for a in submitted.alerts] == ["severe_band"]
    with time_machine.travel(START + dt.timedelta(days=2), tick=False):
        assert alert_services.escalate_overdue() == []


def test_the_command_and_the_task_escalate(world: Any) -> None:
    _alert_at(world, START)
    _alert_at(world, START + dt.timedelta(minutes=1))
    out = StringIO()
    with time_machine.travel(START + dt.timedelta(minutes=60, seconds=30), tick=False):
        call_command("escalate_alerts", stdout=out)
        assert "1 alert(s) escalated" in out.getvalue()
    with time_machine.travel(START + dt.timedelta(minutes=62), tick=False):
        result = escalate_alerts.enqueue()
        assert result.return_value == 1
    assert not SafetyAlert.objects.filter(escalated_at__isnull=True).exists()


def test_the_escalated_alert_is_marked_in_the_inbox(world: Any, client_for: Any) -> None:
    _alert_at(world, START)
    with time_machine.travel(START + dt.timedelta(minutes=61), tick=False):
        alert_services.escalate_overdue()
    page = client_for("prescriber").get("/measures/alerts/")
    assert "Escalated to prescribers" in page.content.decode()
    assert timezone.now() > START
