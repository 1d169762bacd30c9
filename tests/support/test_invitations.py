"""The patient invites a support person, who accepts with their own login."""

from __future__ import annotations

from typing import Any

from django.core import mail

from kapcare.accounts.models import User
from kapcare.support.models import SupportRelationship
from tests.support.helpers import invite


def test_the_patient_invites_someone_and_the_link_is_shown_and_emailed(
    world: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("patient").post(
            "/support/people/invite/",
            {
                "full_name": "Robin Friend",
                "relationship": "friend",
                "email": "Robin@Example.com",
                "grants": ["appointments", "escort"],
            },
        )
    assert response.status_code == 200
    assert "/support/accept/" in response.content.decode()
    assert mail.outbox and mail.outbox[0].to == ["robin@example.com"]


def test_an_invitation_needs_an_email_or_a_phone(world: Any, client_for: Any) -> None:
    response = client_for("patient").post(
        "/support/people/invite/", {"full_name": "Robin", "relationship": "friend"}
    )
    assert response.status_code == 400
    assert "Their email: Give an email address or a phone number." in response.content.decode()


def test_a_staff_address_cannot_be_invited(world: Any, client_for: Any) -> None:
    response = client_for("patient").post(
        "/support/people/invite/",
        {"full_name": "Theo", "relationship": "friend", "email": "therapist@example.com"},
    )
    assert response.status_code == 400
    assert "belongs to a staff or patient account" in response.content.decode()


def test_accepting_creates_a_support_account_with_the_chosen_grants(
    world: Any, client: Any
) -> None:
    _, raw = invite(world)
    response = client.post(
        f"/support/accept/{raw}/",
        {
            "full_name": "Robin Friend",
            "password1": "a long support passphrase",
            "password2": "a long support passphrase",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="friend@example.com")
    assert user.kind == "support"
    link = SupportRelationship.objects.get(user=user)
    assert link.patient == world.jordan and link.grants == {"appointments", "escort"}
    # the link works once
    assert client.get(f"/support/accept/{raw}/").status_code == 404


def test_a_phone_only_invitation_asks_for_an_email_on_accepting(world: Any, client: Any) -> None:
    _, raw = invite(world, email="", phone="555-0100")
    page = client.get(f"/support/accept/{raw}/")
    assert "Your email" in page.content.decode()
    client.post(
        f"/support/accept/{raw}/",
        {
            "email": "phone.friend@example.com",
            "full_name": "Pat",
            "password1": "a long support passphrase",
            "password2": "a long support passphrase",
        },
    )
    assert SupportRelationship.objects.filter(user__email="phone.friend@example.com").exists()


def test_an_existing_support_person_accepts_with_their_password(world: Any, client: Any) -> None:
    from kapcare.support import services
    from tests.integration.helpers import patient_actor

    _, raw = services.support_invite(
        actor=patient_actor(world, world.sam),
        full_name="Casey",
        relationship="cousin",
        email="support@example.com",
        grants=["escort"],
    )
    response = client.post(f"/support/accept/{raw}/", {"password": "kapcare-test-pass"})
    assert response.status_code == 302
    assert world.users["support"].supporting.filter(patient=world.sam).exists()


def test_a_withdrawn_invitation_no_longer_works(world: Any, client_for: Any, client: Any) -> None:
    invitation, raw = invite(world)
    client_for("patient").post(f"/support/people/invitations/{invitation.pk}/withdraw/")
    assert client.get(f"/support/accept/{raw}/").status_code == 404


def test_the_people_page_lists_people_and_pending_invitations(world: Any, client_for: Any) -> None:
    invite(world)
    html = client_for("patient").get("/support/people/").content.decode()
    assert "Casey Rivera" in html and "Robin Friend" in html
