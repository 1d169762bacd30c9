"""Staff type in a paper questionnaire on the patient's behalf, and it is recorded as such."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from kapcare.audit.models import AuditEvent
from kapcare.measures.models import QuestionnaireResponse
from tests.measures.helpers import assign, form_data, phq9


def test_a_nurse_enters_a_paper_phq9_for_an_overdue_questionnaire(
    world: Any, client_for: Any
) -> None:
    assignment = assign(world, due_in=dt.timedelta(days=-2))
    url = reverse("measures:enter", args=[world.jordan.pk, "phq9"]) + f"?assignment={assignment.pk}"
    page = client_for("nurse").get(url)
    assert page.status_code == 200
    assert b"on the patient's behalf" in page.content
    data = {**form_data(phq9(2, 2, 2, 1, 1, 1, 1, 0, 0)), "answered_on": "2026-03-01"}
    done = client_for("nurse").post(url, data)
    assert done.status_code == 302
    response = QuestionnaireResponse.objects.get()
    assert response.entered_on_behalf is True
    assert response.entered_by == world.users["nurse"]
    assert response.assignment == assignment
    assert response.total == 10
    assert response.answered_at.date() == dt.date(2026, 3, 1)
    assignment.refresh_from_db()
    assert assignment.status == "completed"
    row = AuditEvent.objects.get(action="create", object_type="measures.questionnaireresponse")
    assert row.detail["on_behalf"] is True
    assert row.actor == world.users["nurse"]


def test_paper_entry_names_every_missing_item(world: Any, client_for: Any) -> None:
    url = reverse("measures:enter", args=[world.jordan.pk, "gad7"])
    page = client_for("therapist").post(url, {"item-1": "1", "answered_on": "2026-03-01"})
    text = page.content.decode()
    assert page.status_code == 400
    for item in range(2, 8):
        assert f"Question {item}: Please answer this question." in text
    assert not QuestionnaireResponse.objects.exists()


def test_an_unknown_questionnaire_is_not_found(world: Any, client_for: Any) -> None:
    url = reverse("measures:enter", args=[world.jordan.pk, "madrs"])
    assert client_for("therapist").get(url).status_code == 404


def test_our_own_instruments_are_stored_without_a_total(world: Any, client_for: Any) -> None:
    url = reverse("measures:enter", args=[world.jordan.pk, "daily_checkin"])
    data = {
        "item-1": "6",
        "item-2": "3",
        "item-3": "7.5",
        "item-4": ["nausea", "dizziness"],
        "item-5": "Slept better.",
        "answered_on": "2026-03-01",
    }
    assert client_for("therapist").post(url, data).status_code == 302
    response = QuestionnaireResponse.objects.get()
    assert response.total is None
    assert response.answers == {
        "1": 6,
        "2": 3,
        "3": 7.5,
        "4": ["dizziness", "nausea"],
        "5": "Slept better.",
    }
