"""The demo shows Jordan's journal, plan and support person; it is safe to run twice."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kapcare.education.models import ReadReceipt
from kapcare.integration.models import IntegrationNote, JournalEntry, PlanItem, PracticeCheck
from kapcare.integration.reflections import reflections_for
from kapcare.patients.models import Patient
from kapcare.support.models import EscortConfirmation, SupportRelationship


def test_the_demo_has_journal_plan_and_escort_and_runs_twice(db: Any) -> None:
    from kapcare.demo.seed import seed_demo

    seed_demo()
    seed_demo()
    jordan = Patient.objects.get(mrn="KC-1001")
    saved = JournalEntry.objects.filter(patient=jordan, is_draft=False)
    assert saved.count() == 5
    assert 0 < saved.filter(shared_at__isnull=False).count() < 5
    assert PlanItem.objects.filter(patient=jordan).count() == 3
    assert PracticeCheck.objects.filter(item__patient=jordan).count() > 20
    assert IntegrationNote.objects.filter(patient=jordan).count() == 1
    casey = SupportRelationship.objects.get(patient=jordan, user__email="support@example.com")
    assert casey.grants == {"appointments", "escort", "education", "checkins"}
    assert EscortConfirmation.objects.filter(relationship=casey).count() == 1
    escort = EscortConfirmation.objects.get(relationship=casey)
    assert escort.appointment is not None and escort.appointment.start > timezone.now()
    finished = jordan.dosing_sessions.filter(state="discharged").order_by("appointment__start")
    assert finished.count() == 2
    first = finished[0]
    assert first.journal_entries.filter(shared_at__isnull=False).exists()
    assert first.integration_notes.count() == 1
    assert first.followup_links.filter(checkin__isnull=False).exists()
    found = reflections_for(list(finished), timezone.now())
    assert all(len(found[s.pk].reflections) == 2 for s in finished)
    assert found[first.pk].reflections[1].answers
    assert ReadReceipt.objects.filter(patient=jordan).count() == 4
