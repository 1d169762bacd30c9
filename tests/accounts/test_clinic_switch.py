"""A person who works at two clinics switches between them; nothing leaks across."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kapcare.accounts.models import Membership
from tests.api.helpers import audit_mark, audit_rows


@pytest.fixture
def two_clinics(world: Any) -> Any:
    """The prescriber also works as a therapist at Harbor Light."""
    return Membership.objects.create(
        user=world.users["prescriber"], clinic=world.harbor, role="therapist"
    )


def test_a_person_starts_in_their_first_clinic(
    world: Any, two_clinics: Any, client_for: Any
) -> None:
    me = client_for("prescriber").get("/api/v1/me").json()
    assert (me["clinic"]["name"], me["role"]) == ("Cedar Grove Ketamine Clinic", "prescriber")


def test_switching_changes_the_clinic_and_the_role(
    world: Any, two_clinics: Any, client_for: Any
) -> None:
    client = client_for("prescriber")
    response = client.post(reverse("accounts:switch_clinic"), {"clinic": world.harbor.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    me = client.get("/api/v1/me").json()
    assert (me["clinic"]["name"], me["role"]) == ("Harbor Light Wellness", "therapist")
    listing = client.get("/api/v1/patients").json()
    assert [p["mrn"] for p in listing["items"]] == ["HL-2001"]
    assert client.get(f"/patients/{world.jordan.pk}/").status_code == 404
    assert client.get(f"/patients/{world.harbor_patient.pk}/").status_code == 200


def test_switching_back_restores_the_first_clinic(
    world: Any, two_clinics: Any, client_for: Any
) -> None:
    client = client_for("prescriber")
    client.post(reverse("accounts:switch_clinic"), {"clinic": world.harbor.pk})
    client.post(reverse("accounts:switch_clinic"), {"clinic": world.cedar.pk})
    assert client.get("/api/v1/me").json()["role"] == "prescriber"
    assert client.get(f"/patients/{world.jordan.pk}/").status_code == 200


def test_the_switch_page_confirms_where_you_now_work(
    world: Any, two_clinics: Any, client_for: Any
) -> None:
    client = client_for("prescriber")
    response = client.post(
        reverse("accounts:switch_clinic"), {"clinic": world.harbor.pk}, follow=True
    )
    assert "You are now working in Harbor Light Wellness." in response.text


@pytest.mark.parametrize("value", ["harbor", "", "abc", "999999"])
def test_a_clinic_you_do_not_belong_to_answers_404(world: Any, client_for: Any, value: str) -> None:
    client = client_for("prescriber")
    clinic = str(world.harbor.pk) if value == "harbor" else value
    mark = audit_mark()
    response = client.post(reverse("accounts:switch_clinic"), {"clinic": clinic})
    assert response.status_code == 404
    assert client.get("/api/v1/me").json()["clinic"]["name"] == "Cedar Grove Ketamine Clinic"
    assert [r.action for r in audit_rows(mark)] == ["denied"]


def test_an_ended_membership_cannot_be_switched_to(
    world: Any, two_clinics: Any, client_for: Any
) -> None:
    Membership.objects.filter(pk=two_clinics.pk).update(is_active=False)
    response = client_for("prescriber").post(
        reverse("accounts:switch_clinic"), {"clinic": world.harbor.pk}
    )
    assert response.status_code == 404


def test_a_membership_ended_after_switching_falls_back_to_a_current_clinic(
    world: Any, two_clinics: Any, client_for: Any
) -> None:
    client = client_for("prescriber")
    client.post(reverse("accounts:switch_clinic"), {"clinic": world.harbor.pk})
    Membership.objects.filter(pk=two_clinics.pk).update(is_active=False)
    assert client.get("/api/v1/me").json()["clinic"]["name"] == "Cedar Grove Ketamine Clinic"
    assert client.get(f"/patients/{world.harbor_patient.pk}/").status_code == 404


def test_switching_must_be_a_post(world: Any, two_clinics: Any, client_for: Any) -> None:
    assert client_for("prescriber").get(reverse("accounts:switch_clinic")).status_code == 405


@pytest.mark.parametrize("persona", ["patient", "support"])
def test_patients_and_support_persons_cannot_switch(
    world: Any, client_for: Any, persona: str
) -> None:
    response = client_for(persona).post(
        reverse("accounts:switch_clinic"), {"clinic": world.cedar.pk}
    )
    assert response.status_code == 403
