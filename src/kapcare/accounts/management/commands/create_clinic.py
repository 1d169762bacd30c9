"""``kapcare create_clinic``: set up a new clinic and its first admin on a fresh install."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify

from kapcare.accounts.models import Clinic, Membership, Role, User, UserKind, validate_time_zone
from kapcare.audit.models import Action
from kapcare.audit.services import record


class Command(BaseCommand):
    help = (
        "Create a clinic and its first admin. Prints a one-time link (valid for "
        "PASSWORD_RESET_TIMEOUT) where the admin sets a password; no password is ever printed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--name", required=True, help="Clinic name, e.g. 'Cedar Grove Ketamine Clinic'."
        )
        parser.add_argument(
            "--time-zone", required=True, help="IANA time zone, e.g. America/Denver."
        )
        parser.add_argument(
            "--admin-email", required=True, help="Email of the clinic's first admin."
        )
        parser.add_argument(
            "--admin-name", required=True, help="Full name of the clinic's first admin."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"].strip()
        if not name:
            raise CommandError("--name: must not be empty")
        if Clinic.objects.filter(name=name).exists():
            raise CommandError(f"--name: a clinic called {name!r} already exists")
        try:
            validate_time_zone(options["time_zone"])
        except ValidationError:
            raise CommandError(
                f"--time-zone: {options['time_zone']!r} is not a known time zone; use an IANA name "
                "such as America/Denver or Europe/London"
            ) from None
        email = options["admin_email"].strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"--admin-email: {email!r} is not an email address") from None
        admin_name = options["admin_name"].strip()
        if not admin_name:
            raise CommandError("--admin-name: must not be empty")
        with transaction.atomic():
            slug = slugify(name)[:50] or "clinic"
            if Clinic.objects.filter(slug=slug).exists():
                slug = f"{slug}-{Clinic.objects.count() + 1}"
            clinic = Clinic.objects.create(name=name, slug=slug, time_zone=options["time_zone"])
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User(email=email, full_name=admin_name, kind=UserKind.STAFF)
                user.set_unusable_password()
                user.save()
            elif user.kind != UserKind.STAFF:
                raise CommandError(
                    f"--admin-email: {email} belongs to a patient or support account"
                )
            Membership.objects.create(user=user, clinic=clinic, role=Role.ADMIN)
            record(
                Action.CREATE,
                user=user,
                clinic=clinic,
                obj=clinic,
                actor_label="kapcare create_clinic",
            )
        self.stdout.write(
            self.style.SUCCESS(f"Created {clinic.name} ({clinic.time_zone}) with admin {email}.")
        )
        if user.has_usable_password():
            self.stdout.write(
                "The admin already has a password: they sign in and switch to the new clinic."
            )
            return
        link = settings.KAPCARE_BASE_URL + reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        hours = settings.PASSWORD_RESET_TIMEOUT // 3600
        self.stdout.write(f"Send this one-time link to the admin (valid for {hours} hours):")
        self.stdout.write(link)
