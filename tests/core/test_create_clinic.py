"""A fresh install gets its first clinic and admin from one command, with clear messages."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from kapcare.accounts.models import Clinic, Membership, User

ARGS = [
    "--name",
    "Aspen Ketamine Care",
    "--time-zone",
    "America/Denver",
    "--admin-email",
    "Lead@Aspen.example",
    "--admin-name",
    "Lee Admin",
]


@pytest.mark.django_db
def test_it_creates_the_clinic_and_a_link_for_the_admin_to_set_a_password() -> None:
    out = StringIO()
    call_command("create_clinic", *ARGS, stdout=out)
    clinic = Clinic.objects.get(name="Aspen Ketamine Care")
    admin = User.objects.get(email="lead@aspen.example")
    assert Membership.objects.get(user=admin, clinic=clinic).role == "admin"
    assert not admin.has_usable_password()
    link = out.getvalue().strip().splitlines()[-1]
    path = link.split("localhost:8000", 1)[1]
    client = Client()
    form = client.get(path, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a long passphrase 42", "new_password2": "a long passphrase 42"},
    )
    assert done.status_code == 302
    admin.refresh_from_db()
    assert admin.check_password("a long passphrase 42")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--time-zone": "Mars/Olympus"}, "--time-zone: 'Mars/Olympus' is not a known time zone"),
        (
            {"--admin-email": "not-an-email"},
            "--admin-email: 'not-an-email' is not an email address",
        ),
        ({"--name": "  "}, "--name: must not be empty"),
    ],
)
def test_bad_flags_name_the_flag_and_create_nothing(change: dict[str, str], message: str) -> None:
    args = list(ARGS)
    for flag, value in change.items():
        args[args.index(flag) + 1] = value
    with pytest.raises(CommandError, match=message):
        call_command("create_clinic", *args)
    assert not Clinic.objects.exists()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_second_clinic_with_the_same_name_is_refused() -> None:
    call_command("create_clinic", *ARGS, stdout=StringIO())
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_clinic", *ARGS)
