"""Shared personas for every test: the demo clinic's people, plus outsiders.

Names follow the demo: ``admin``, ``prescriber``, ``therapist``, ``nurse`` at Cedar Grove;
``patient`` and ``patient2``; ``support``; ``other`` (a therapist at a second clinic).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@dataclass
class World:
    cedar: Any
    harbor: Any
    users: dict[str, Any]
    memberships: dict[str, Any]
    jordan: Any
    sam: Any
    harbor_patient: Any
    unassigned: Any


def build_world() -> World:
    """Create the personas and patients (a plain function: live-server tests use it too)."""
    from kapcare.accounts.models import Clinic, Membership, Role, User, UserKind
    from kapcare.patients.models import CareTeamMember, Patient, TeamRole
    from kapcare.support.models import SupportRelationship

    cedar = Clinic.objects.create(
        name="Cedar Grove Ketamine Clinic", slug="cedar-grove", time_zone="America/Denver"
    )
    harbor = Clinic.objects.create(
        name="Harbor Light Wellness", slug="harbor-light", time_zone="America/Los_Angeles"
    )

    def user(email: str, name: str, kind: str = UserKind.STAFF) -> Any:
        return User.objects.create_user(email, "kapcare-test-pass", full_name=name, kind=kind)

    users = {
        "admin": user("admin@example.com", "Alex Morgan"),
        "prescriber": user("prescriber@example.com", "Priya Raman"),
        "therapist": user("therapist@example.com", "Theo Okafor"),
        "nurse": user("nurse@example.com", "Nina Alvarez"),
        "therapist2": user("therapist2@example.com", "Tess Ward"),
        "other": user("other@example.com", "Olivia Chen"),
        "patient": user("patient@example.com", "Jordan Rivera", UserKind.PATIENT),
        "patient2": user("patient2@example.com", "Sam Lee", UserKind.PATIENT),
        "support": user("support@example.com", "Casey Rivera", UserKind.SUPPORT),
    }
    memberships = {
        "admin": Membership.objects.create(user=users["admin"], clinic=cedar, role=Role.ADMIN),
        "prescriber": Membership.objects.create(
            user=users["prescriber"], clinic=cedar, role=Role.PRESCRIBER
        ),
        "therapist": Membership.objects.create(
            user=users["therapist"], clinic=cedar, role=Role.THERAPIST
        ),
        "nurse": Membership.objects.create(user=users["nurse"], clinic=cedar, role=Role.NURSE),
        "therapist2": Membership.objects.create(
            user=users["therapist2"], clinic=cedar, role=Role.THERAPIST
        ),
        "other": Membership.objects.create(user=users["other"], clinic=harbor, role=Role.THERAPIST),
    }
    jordan = Patient.objects.create(
        clinic=cedar,
        mrn="KC-1001",
        given_name="Jordan",
        family_name="Rivera",
        pronouns="they/them",
        date_of_birth=dt.date(1987, 3, 21),
        email="patient@example.com",
        user=users["patient"],
        status="active",
    )
    sam = Patient.objects.create(
        clinic=cedar,
        mrn="KC-1002",
        given_name="Samuel",
        family_name="Lee",
        preferred_name="Sam",
        date_of_birth=dt.date(1972, 8, 5),
        user=users["patient2"],
        status="screening",
    )
    unassigned = Patient.objects.create(
        clinic=cedar,
        mrn="KC-1003",
        given_name="Maria",
        family_name="Gonzalez",
        date_of_birth=dt.date(1979, 4, 12),
        status="referred",
    )
    harbor_patient = Patient.objects.create(
        clinic=harbor,
        mrn="HL-2001",
        given_name="Morgan",
        family_name="Ellis",
        date_of_birth=dt.date(1981, 2, 2),
    )
    for patient in (jordan, sam):
        CareTeamMember.objects.create(
            patient=patient, membership=memberships["prescriber"], team_role=TeamRole.PRESCRIBER
        )
        CareTeamMember.objects.create(
            patient=patient, membership=memberships["therapist"], team_role=TeamRole.THERAPIST
        )
    CareTeamMember.objects.create(
        patient=jordan, membership=memberships["nurse"], team_role=TeamRole.NURSE
    )
    SupportRelationship.objects.create(
        patient=jordan, user=users["support"], relationship="sibling"
    )
    return World(cedar, harbor, users, memberships, jordan, sam, harbor_patient, unassigned)


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


def signed_in(user: Any) -> Client:
    """A client signed in as ``user`` with the second factor already verified."""
    client = Client()
    client.force_login(user)
    if user.kind == "staff":
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="test", defaults={"confirmed": True}
        )
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_for(world: World) -> Any:
    """``client_for("nurse")``: a client signed in as that persona; ``anonymous`` is signed out."""

    def make(persona: str) -> Client:
        if persona == "anonymous":
            return Client()
        return signed_in(world.users[persona])

    return make
