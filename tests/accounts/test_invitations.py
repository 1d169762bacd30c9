"""Staff and patient invitations: one-time, expiring links that create or extend an account."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from kapcare.accounts import services
from kapcare.accounts.actors import Actor
from kapcare.accounts.models import Invitation, Membership, User
from kapcare.audit.models import AuditEvent
from kapcare.patients.models import Patient
from tests.accounts.helpers import PASSWORD, post_login

NEW_PASSWORD = "river stones at dawn"


def invite_staff(
    client: Client,
    capture: Any,
    email: str = "rowan@example.com",
    role: str = "nurse",
    name: str = "Rowan Blake",
) -> Any:
    with capture(execute=True):
        return client.post(
            reverse("accounts:staff"), {"full_name": name, "email": email, "role": role}
        )


def link_in(mail: Any) -> str:
    match = re.search(r"http://localhost:8000(/invitations/[A-Za-z0-9_-]+/)", mail.body)
    assert match, mail.body
    return match.group(1)


def admin_actor(world: Any) -> Actor:
    return Actor(
        user=world.users["admin"],
        clinic=world.cedar,
        role="admin",
        membership=world.memberships["admin"],
    )


def accept(path: str, password: str = NEW_PASSWORD, name: str = "Rowan Blake") -> Any:
    return Client().post(path, {"full_name": name, "password1": password, "password2": password})


# Inviting staff ---------------------------------------------------------------


def test_an_admin_invites_a_staff_member_and_an_email_goes_out_after_commit(
    world: Any, client_for: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    response = invite_staff(client_for("admin"), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.kind) == (
        "rowan@example.com",
        "nurse",
        "staff",
    )
    assert invitation.invited_by == world.users["admin"]
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["rowan@example.com"]
    assert mailoutbox[0].subject == "You are invited to Cedar Grove Ketamine Clinic on kapcare"
    raw = link_in(mailoutbox[0]).split("/")[2]
    assert invitation.token_hash not in mailoutbox[0].body
    assert raw not in invitation.token_hash
    assert AuditEvent.objects.filter(action="invite", clinic=world.cedar).count() == 1


def test_the_invitation_email_waits_for_the_transaction_to_commit(
    world: Any, client_for: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client_for("admin").post(
            reverse("accounts:staff"),
            {"full_name": "Rowan Blake", "email": "rowan@example.com", "role": "nurse"},
        )
    assert len(callbacks) == 1
    assert mailoutbox == []


@pytest.mark.parametrize("persona", ["prescriber", "therapist", "nurse", "patient", "other"])
def test_only_a_clinic_admin_may_invite_staff(world: Any, client_for: Any, persona: str) -> None:
    response = client_for(persona).post(
        reverse("accounts:staff"),
        {"full_name": "Rowan Blake", "email": "rowan@example.com", "role": "nurse"},
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert AuditEvent.objects.filter(action="denied", actor=world.users[persona]).count() == 1


def test_an_unknown_role_is_refused_naming_the_field(world: Any, client_for: Any) -> None:
    response = client_for("admin").post(
        reverse("accounts:staff"),
        {"full_name": "Rowan Blake", "email": "rowan@example.com", "role": "owner"},
    )
    assert response.status_code == 400
    assert (
        "Role: Select a valid choice. owner is not one of the available choices." in response.text
    )
    assert not Invitation.objects.exists()


def test_someone_already_working_at_the_clinic_cannot_be_invited_again(
    world: Any, client_for: Any
) -> None:
    response = client_for("admin").post(
        reverse("accounts:staff"),
        {"full_name": "Nina Alvarez", "email": "Nurse@example.com", "role": "admin"},
    )
    assert response.status_code == 400
    assert "already works at Cedar Grove Ketamine Clinic" in response.text
    assert world.memberships["nurse"].role == "nurse"
    assert not Invitation.objects.exists()


def test_a_patient_account_cannot_be_invited_as_staff(world: Any, client_for: Any) -> None:
    response = client_for("admin").post(
        reverse("accounts:staff"),
        {"full_name": "Jordan Rivera", "email": "patient@example.com", "role": "nurse"},
    )
    assert response.status_code == 400
    assert "belongs to a patient or support account" in response.text


# Accepting ------------------------------------------------------------------------


def test_accepting_sets_a_password_and_creates_the_user_and_membership(
    world: Any, client_for: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    invite_staff(client_for("admin"), django_capture_on_commit_callbacks)
    path = link_in(mailoutbox[0])
    page = Client().get(path)
    assert page.status_code == 200
    assert "rowan@example.com" in page.text
    response = accept(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    user = User.objects.get(email="rowan@example.com")
    assert (user.full_name, user.kind) == ("Rowan Blake", "staff")
    assert user.check_password(NEW_PASSWORD)
    assert Membership.objects.get(user=user).clinic == world.cedar
    assert Invitation.objects.get().accepted_at is not None
    # The new nurse signs in and is asked to enrol two-factor sign-in.
    login = post_login(Client(), "rowan@example.com", NEW_PASSWORD)
    assert login["Location"].startswith("/mfa/setup/")


def test_the_link_no_longer_works_once_used(
    world: Any, client_for: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    invite_staff(client_for("admin"), django_capture_on_commit_callbacks)
    path = link_in(mailoutbox[0])
    accept(path)
    again = Client().get(path)
    assert again.status_code == 404
    assert "This invitation link does not work" in again.text
    assert accept(path, "another good passphrase").status_code == 404
    assert User.objects.get(email="rowan@example.com").check_password(NEW_PASSWORD)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pass", "This password is too short. It must contain at least 12 characters."),
        ("password1234", "This password is too common."),
        ("123456789012345", "This password is entirely numeric."),
    ],
)
def test_a_weak_password_is_refused_naming_the_rule(
    world: Any,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: Any,
    password: str,
    message: str,
) -> None:
    invite_staff(client_for("admin"), django_capture_on_commit_callbacks)
    response = accept(link_in(mailoutbox[0]), password)
    assert response.status_code == 200
    assert message in response.text
    assert "Choose a password:" in response.text
    assert not User.objects.filter(email="rowan@example.com").exists()
    assert Invitation.objects.get().accepted_at is None


def test_a_password_like_the_email_is_refused(
    world: Any, client_for: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    invite_staff(
        client_for("admin"), django_capture_on_commit_callbacks, email="rowanblake77@example.com"
    )
    response = accept(link_in(mailoutbox[0]), "rowanblake77@")
    assert "too similar" in response.text


def test_mismatched_passwords_are_refused(
    world: Any, client_for: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    invite_staff(client_for("admin"), django_capture_on_commit_callbacks)
    response = Client().post(
        link_in(mailoutbox[0]),
        {"full_name": "Rowan Blake", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"},
    )
    assert "The two passwords do not match." in response.text


def test_an_expired_link_fails(world: Any) -> None:
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    _, raw = services.invitation_create(
        actor=admin_actor(world),
        email="rowan@example.com",
        full_name="Rowan Blake",
        kind="staff",
        role="nurse",
        now=start,
    )
    path = reverse("accounts:accept_invitation", args=[raw])
    with time_machine.travel(start + dt.timedelta(days=6, hours=23), tick=False):
        assert Client().get(path).status_code == 200
    with time_machine.travel(start + dt.timedelta(days=7, minutes=1), tick=False):
        assert Client().get(path).status_code == 404
        assert accept(path).status_code == 404
    assert not User.objects.filter(email="rowan@example.com").exists()


def test_a_revoked_link_fails(world: Any) -> None:
    invitation, raw = services.invitation_create(
        actor=admin_actor(world),
        email="rowan@example.com",
        full_name="Rowan Blake",
        kind="staff",
        role="nurse",
    )
    services.invitation_revoke(actor=admin_actor(world), invitation=invitation)
    assert accept(reverse("accounts:accept_invitation", args=[raw])).status_code == 404
    assert not User.objects.filter(email="rowan@example.com").exists()


def test_a_made_up_link_fails(world: Any) -> None:
    assert (
        Client().get(reverse("accounts:accept_invitation", args=["not-a-real-token"])).status_code
        == 404
    )


def test_an_existing_user_accepts_with_their_password_and_gains_a_second_membership(
    world: Any, client_for: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    invite_staff(
        client_for("admin"),
        django_capture_on_commit_callbacks,
        email="other@example.com",
        role="prescriber",
    )
    path = link_in(mailoutbox[0])
    page = Client().get(path)
    assert "You already have a kapcare account" in page.text
    wrong = Client().post(path, {"password": "not-my-password"})
    assert wrong.status_code == 200
    assert "That password is not correct for this account." in wrong.text
    assert Membership.objects.filter(user=world.users["other"]).count() == 1

    response = Client().post(path, {"password": PASSWORD})
    assert response.status_code == 302
    memberships = Membership.objects.filter(user=world.users["other"])
    assert {(m.clinic.slug, m.role) for m in memberships} == {
        ("harbor-light", "therapist"),
        ("cedar-grove", "prescriber"),
    }
    assert world.users["other"].full_name == "Olivia Chen"


# Patient invitations -----------------------------------------------------------------


def test_a_patient_invite_from_the_chart_links_the_new_account_to_the_patient(
    world: Any, client_for: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    maria = world.unassigned
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("therapist").post(
            reverse("patients:invite", args=[maria.pk]), {"email": "maria@example.com"}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.kind, invitation.patient, invitation.role) == ("patient", maria, "")
    assert len(mailoutbox) == 1
    response = accept(link_in(mailoutbox[0]), name="Maria Gonzalez")
    assert response.status_code == 302
    user = User.objects.get(email="maria@example.com")
    assert user.kind == "patient"
    assert Patient.objects.get(pk=maria.pk).user == user
    assert not Membership.objects.filter(user=user).exists()
    client = Client()
    login = post_login(client, "maria@example.com", NEW_PASSWORD)
    assert login["Location"] == "/"
    assert "Maria" in client.get("/portal/").text


def test_a_patient_who_already_has_an_account_is_not_invited_again(
    world: Any, client_for: Any, mailoutbox: Any
) -> None:
    response = client_for("therapist").post(
        reverse("patients:invite", args=[world.jordan.pk]), {"email": "jordan2@example.com"}
    )
    assert response.status_code == 302
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_a_patient_of_another_clinic_cannot_be_invited(world: Any, client_for: Any) -> None:
    response = client_for("therapist").post(
        reverse("patients:invite", args=[world.harbor_patient.pk]), {"email": "morgan@example.com"}
    )
    assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_a_patient_invitation_cannot_be_taken_by_an_account_made_since(world: Any) -> None:
    therapist = Actor(
        user=world.users["therapist"],
        clinic=world.cedar,
        role="therapist",
        membership=world.memberships["therapist"],
    )
    _, raw = services.invitation_create(
        actor=therapist,
        email="maria@example.com",
        full_name="Maria Gonzalez",
        kind="patient",
        patient=world.unassigned,
    )
    User.objects.create_user("maria@example.com", PASSWORD, full_name="Maria G", kind="staff")
    response = Client().post(
        reverse("accounts:accept_invitation", args=[raw]), {"password": PASSWORD}
    )
    assert response.status_code == 200
    assert "already has a kapcare account of another kind" in response.text
    assert Patient.objects.get(pk=world.unassigned.pk).user is None
    assert Invitation.objects.get().accepted_at is None


def test_an_admin_revokes_a_pending_invitation_and_its_link_stops_working(
    world: Any, client_for: Any
) -> None:
    from kapcare.accounts.models import Invitation

    admin = client_for("admin")
    admin.post(
        reverse("accounts:staff"),
        {"full_name": "Rae Park", "email": "rae@example.com", "role": "nurse"},
    )
    invitation = Invitation.objects.get(email="rae@example.com")
    response = admin.post(reverse("accounts:invitation_revoke", args=[invitation.pk]), follow=True)
    assert "The invitation for rae@example.com is revoked." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert AuditEvent.objects.filter(action="revoke", object_id=str(invitation.pk)).count() == 1
    assert (
        "rae@example.com"
        not in admin.get(reverse("accounts:staff")).content.decode().split("Pending", 1)[1]
    )
