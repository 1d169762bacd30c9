"""Reminders go out 48 and 24 hours before, once each, only after the transaction commits."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from kapcare.audit.models import AuditEvent
from kapcare.treatment.models import Appointment, AppointmentReminder
from kapcare.treatment.reminders import send_appointment_reminders


def appointment(world: Any, start: dt.datetime, kind: str = "dosing") -> Appointment:
    return Appointment.objects.create(
        clinic=world.cedar,
        patient=world.jordan,
        kind=kind,
        start=start,
        end=start + dt.timedelta(hours=3),
        created_by=world.users["nurse"],
    )


def test_a_dosing_reminder_carries_the_preparation_advice(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    now = timezone.now()
    appointment(world, now + dt.timedelta(hours=40))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_appointment_reminders(now=now) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["patient@example.com"]
    assert "Do not eat for 4 hours" in message.body
    assert "cannot drive until the next day" in message.body
    assert "(America/Denver)" in message.body
    assert AuditEvent.objects.filter(detail__reminder_hours_before=48).exists()


def test_each_offset_is_sent_once(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    now = timezone.now()
    appointment(world, now + dt.timedelta(hours=40))
    with django_capture_on_commit_callbacks(execute=True):
        send_appointment_reminders(now=now)
        assert send_appointment_reminders(now=now) == 0
        assert send_appointment_reminders(now=now + dt.timedelta(hours=17)) == 1
        assert send_appointment_reminders(now=now + dt.timedelta(hours=18)) == 0
    assert sorted(AppointmentReminder.objects.values_list("hours_before", flat=True)) == [24, 48]
    assert len(mail.outbox) == 2


def test_a_booking_made_the_day_before_gets_only_the_nearest_reminder(world: Any) -> None:
    now = timezone.now()
    appointment(world, now + dt.timedelta(hours=20))
    assert send_appointment_reminders(now=now) == 1
    assert list(AppointmentReminder.objects.values_list("hours_before", flat=True)) == [24]


def test_nothing_is_enqueued_when_the_transaction_rolls_back(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    now = timezone.now()
    appointment(world, now + dt.timedelta(hours=30))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                send_appointment_reminders(now=now)
                raise RuntimeError("the run fails after claiming")
        except RuntimeError:
            pass
    assert callbacks == [] and mail.outbox == []
    assert not AppointmentReminder.objects.exists()


def test_the_email_is_enqueued_only_at_commit(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    now = timezone.now()
    appointment(world, now + dt.timedelta(hours=30))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send_appointment_reminders(now=now)
    assert mail.outbox == [], "nothing is queued before the commit"
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1


def test_the_command_reports_how_many(world: Any, capsys: Any) -> None:
    appointment(world, timezone.now() + dt.timedelta(hours=10))
    call_command("appointment_reminders")
    assert "1 appointment reminder(s) queued" in capsys.readouterr().out
