"""Patients are emailed once when a questionnaire opens and once when it becomes overdue."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import time_machine
from django.core import mail
from django.core.management import call_command

from kapcare.audit.models import AuditEvent
from kapcare.measures.reminders import send_reminders
from kapcare.measures.tasks import send_questionnaire_reminders
from tests.measures.helpers import assign

NOW = dt.datetime(2026, 3, 2, 16, 0, tzinfo=dt.UTC)


def test_an_open_questionnaire_is_reminded_once_then_once_more_when_overdue(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assign(world, "gad7", due_in=dt.timedelta(days=2), now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(now=NOW) == 1
        assert send_reminders(now=NOW + dt.timedelta(hours=1)) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["patient@example.com"]
    assert "questionnaire" in message.subject
    assert "GAD" not in message.subject + message.body, "no instrument named in email"
    assert "/portal/" in message.body
    assert "988" in message.body
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(now=NOW + dt.timedelta(days=3)) == 1
        assert send_reminders(now=NOW + dt.timedelta(days=4)) == 0
    assert mail.outbox[1].subject.startswith("Reminder:")
    rows = AuditEvent.objects.filter(object_type="measures.assignment", action="update")
    assert [r.detail["reminder"] for r in rows.order_by("id")] == ["due", "overdue"]


def test_no_reminder_before_a_questionnaire_opens_or_without_a_portal_account(
    world: Any,
) -> None:
    assign(world, due_in=dt.timedelta(days=10), now=NOW)  # opens in 7 days
    assign(world, patient=world.unassigned, due_in=dt.timedelta(days=1), now=NOW)
    assert send_reminders(now=NOW) == 0


def test_the_command_and_the_task_send_reminders(world: Any) -> None:
    assign(world, due_in=dt.timedelta(days=1), now=NOW)
    assign(world, patient=world.sam, due_in=dt.timedelta(days=1), now=NOW)
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("questionnaire_reminders", stdout=out)
    assert "2 reminder(s) queued" in out.getvalue()
    with time_machine.travel(NOW + dt.timedelta(days=2), tick=False):
        assert send_questionnaire_reminders.enqueue().return_value == 2
