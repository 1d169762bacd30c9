"""Every read and change of intake, decision and consent leaves one audit row."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kapcare.audit.models import AuditEvent
from tests.api.helpers import audit_mark
from tests.intake.conftest import COMPLETE


def new_rows(mark: int) -> list[tuple[str, str]]:
    return list(
        AuditEvent.objects.filter(id__gt=mark).order_by("id").values_list("action", "object_type")
    )


def test_opening_the_review_page_is_one_view_row(world: Any, client_for: Any) -> None:
    client = client_for("therapist")
    client.get(reverse("home"))
    mark = audit_mark()
    assert client.get(reverse("intake:review", args=[world.jordan.pk])).status_code == 200
    assert new_rows(mark) == [("view", "intake.eligibility")]


def test_a_saved_section_is_one_update_row_in_the_same_transaction(
    world: Any, client_for: Any
) -> None:
    client = client_for("patient2")
    client.get(reverse("intake:portal"))
    mark = audit_mark()
    client.post(reverse("intake:portal_save", args=["vitals"]), COMPLETE["vitals"])
    assert new_rows(mark) == [("update", "intake.intake")]


def test_a_clinician_of_another_clinic_is_refused_and_the_refusal_recorded(
    world: Any, client_for: Any
) -> None:
    client = client_for("other")
    mark = audit_mark()
    response = client.get(reverse("intake:review", args=[world.jordan.pk]))
    assert response.status_code == 404
    assert new_rows(mark) == [("denied", "intake.eligibility")]
