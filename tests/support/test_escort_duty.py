"""A support person with the appointments grant confirms escort duty."""

from __future__ import annotations

from typing import Any

from kapcare.support.models import EscortConfirmation
from tests.support.helpers import grant, jordans_link


def test_with_no_session_booked_the_page_says_so_and_escort_is_for_the_next_one(
    world: Any, client_for: Any
) -> None:
    grant(world, "appointments")
    client = client_for("support")
    assert "No session is booked yet" in client.get("/support/").content.decode()
    response = client.post(f"/support/escort/{jordans_link(world).pk}/")
    assert response.status_code == 302
    confirmation = EscortConfirmation.objects.get()
    assert confirmation.session_date is None
    assert "You have confirmed" in client.get("/support/").content.decode()


def test_without_the_appointments_grant_escort_cannot_be_confirmed(
    world: Any, client_for: Any
) -> None:
    grant(world, "escort")
    response = client_for("support").post(f"/support/escort/{jordans_link(world).pk}/")
    assert response.status_code == 404
    assert not EscortConfirmation.objects.exists()
