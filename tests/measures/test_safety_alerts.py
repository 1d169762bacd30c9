"""Safety alerts are raised with the response, in one transaction, and cannot be talked away."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kapcare.audit.models import AuditEvent
from kapcare.measures import alerts as alert_services
from kapcare.measures.models import QuestionnaireResponse, SafetyAlert
from tests.measures.helpers import PHQ9_ONLY_ITEM_9, assign, form_data, phq9, phq9_total, submit


def test_item_9_raises_a_high_priority_alert_even_when_the_total_is_1(
    world: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assignment = assign(world)
    with django_capture_on_commit_callbacks(execute=True):
        client_for("patient").post(
            reverse("measures:questionnaire", args=[assignment.pk]),
            form_data(phq9(*PHQ9_ONLY_ITEM_9)),
        )
    response = QuestionnaireResponse.objects.get()
    assert response.total == 1
    assert response.band == "minimal"
    alert = SafetyAlert.objects.get()
    assert alert.kind == "suicidal_ideation"
    assert alert.priority == 1
    assert alert.status == "open"
    assert alert.clinic == world.cedar
    assert "item 9 answered “Several days” (1)" in alert.detail
    # The care team (prescriber, therapist, nurse) is emailed once the submission commits.
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == [
        "nurse@example.com",
        "prescriber@example.com",
        "therapist@example.com",
    ]
    assert "safety alert" in mail.outbox[0].subject
    assert "Jordan" not in mail.outbox[0].body + mail.outbox[0].subject  # no name in email
    row = AuditEvent.objects.get(object_type="measures.safetyalert", action="create")
    assert row.patient == world.jordan
    assert row.detail["kind"] == "suicidal_ideation"
    assert len(row.detail["notified"]) == 3


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    others=st.lists(st.integers(min_value=0, max_value=3), min_size=8, max_size=8),
    item9=st.integers(min_value=1, max_value=3),
)
def test_any_answer_above_0_on_item_9_raises_exactly_one_high_priority_alert(
    world: Any, others: list[int], item9: int
) -> None:
    submitted = submit(world, phq9(*others, item9))
    kinds = [a.kind for a in submitted.alerts]
    assert kinds.count("suicidal_ideation") == 1
    assert submitted.needs_crisis_message


def test_item_9_at_0_raises_no_suicidal_ideation_alert(world: Any) -> None:
    submitted = submit(world, phq9_total(19))
    assert [a.kind for a in submitted.alerts] == []


def test_a_total_in_the_most_severe_band_raises_a_lower_priority_alert(world: Any) -> None:
    submitted = submit(world, phq9_total(21))
    assert [(a.kind, a.priority) for a in submitted.alerts] == [("severe_band", 2)]
    assert "PHQ-9 total 21: Severe (20–27)" in submitted.alerts[0].detail


def test_gad7_severe_band_also_alerts(world: Any) -> None:
    submitted = submit(world, {str(i): 3 for i in range(1, 8)}, instrument="gad7")
    assert [a.kind for a in submitted.alerts] == ["severe_band"]


def test_a_meaningful_worsening_since_baseline_raises_a_lower_priority_alert(world: Any) -> None:
    start = timezone.now() - dt.timedelta(days=28)
    submit(world, phq9_total(8), when=start)
    submit(world, phq9_total(12), when=start + dt.timedelta(days=14))  # +4: not meaningful
    worse = submit(world, phq9_total(13), when=start + dt.timedelta(days=28))  # +5
    assert [a.kind for a in worse.alerts] == ["meaningful_worsening"]
    assert "rose from 8 at baseline" in worse.alerts[0].detail


def test_a_patient_without_a_care_team_alerts_the_prescribers(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        submit(world, phq9(*PHQ9_ONLY_ITEM_9), patient=world.unassigned, by="nurse")
    assert [m.to for m in mail.outbox] == [["prescriber@example.com"]]
    row = AuditEvent.objects.get(object_type="measures.safetyalert", action="create")
    assert row.detail["notified_prescribers_for_lack_of_care_team"] is True


def test_the_response_and_its_alert_commit_together_or_not_at_all(
    world: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    def broken(*args: Any) -> Any:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(alert_services, "care_team_recipients", broken)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        submit(world, phq9(*PHQ9_ONLY_ITEM_9))
    assert not QuestionnaireResponse.objects.exists()
    assert not SafetyAlert.objects.exists()
    assert mail.outbox == []


def test_no_email_goes_out_before_the_submission_commits(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit(world, phq9(*PHQ9_ONLY_ITEM_9))
    assert mail.outbox == []
    assert callbacks, "the email waits for the commit"
