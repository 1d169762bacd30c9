"""The demo clinic: personas and patients at every journey stage. Safe to run twice."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from kapcare.accounts.actors import Actor
from kapcare.accounts.models import Clinic, Membership, Role, User, UserKind
from kapcare.patients import services
from kapcare.patients.models import CareTeamMember, ChartNote, NoteVisibility, Patient, TeamRole

DEMO_PASSWORD = "kapcare-demo"  # noqa: S105 - the published demo password

#: Each feature adds its demo data after the core personas and patients exist, in this order.
#: A feature's ``seed()`` finds people by email and patients by MRN, and is safe to run twice.
FEATURE_SEEDS = (
    "kapcare.intake.demo.seed",
    "kapcare.measures.demo.seed",
    "kapcare.treatment.demo.seed",
    "kapcare.dosing.demo.seed",
    "kapcare.controlled.demo.seed",
    "kapcare.exposure.demo.seed",
    "kapcare.integration.demo.seed",
    "kapcare.education.demo.seed",
    # last: the seeds above write sessions and responses directly
    "kapcare.measures.progress.refresh_all_progress",
)

CEDAR_GROVE = "Cedar Grove Ketamine Clinic"
HARBOR_LIGHT = "Harbor Light Wellness"


@dataclass(frozen=True)
class Persona:
    email: str
    full_name: str
    description: str


PERSONAS = (
    Persona("admin@example.com", "Alex Morgan", "clinic admin, Cedar Grove"),
    Persona("prescriber@example.com", "Dr. Priya Raman", "prescriber, Cedar Grove"),
    Persona("therapist@example.com", "Theo Okafor", "therapist, Cedar Grove"),
    Persona("nurse@example.com", "Nina Alvarez", "nurse, Cedar Grove"),
    Persona("patient@example.com", "Jordan Rivera", "patient, Cedar Grove"),
    Persona("patient2@example.com", "Sam Lee", "patient, Cedar Grove"),
    Persona("support@example.com", "Casey Rivera", "support person of Jordan Rivera"),
    Persona("other@example.com", "Olivia Chen", "therapist, Harbor Light Wellness (second clinic)"),
)

#: (given, family, preferred, pronouns, born, status, sex)
MORE_PATIENTS = (
    ("Maria", "Gonzalez", "", "she/her", dt.date(1979, 4, 12), "active", "female"),
    ("Daniel", "Kim", "Dan", "he/him", dt.date(1988, 9, 3), "maintenance", "male"),
    ("Aisha", "Bello", "", "she/her", dt.date(1992, 1, 27), "screening", "female"),
    ("Robert", "Nguyen", "Rob", "he/him", dt.date(1965, 11, 30), "eligible", "male"),
    ("Emily", "Johansson", "", "she/they", dt.date(1996, 6, 18), "referred", "female"),
    ("Marcus", "Brown", "", "he/him", dt.date(1983, 2, 8), "completed", "male"),
    ("Lena", "Fischer", "", "she/her", dt.date(1974, 8, 22), "discontinued", "female"),
    ("Kai", "Nakamura", "", "they/them", dt.date(1999, 12, 1), "not_eligible", "intersex"),
    ("Grace", "O'Neill", "", "she/her", dt.date(1958, 5, 14), "active", "female"),
    ("Tomás", "Silva", "", "he/him", dt.date(1990, 3, 9), "screening", "male"),
    ("Hannah", "Weiss", "", "she/her", dt.date(1986, 10, 2), "referred", "female"),
    ("Omar", "Haddad", "", "he/him", dt.date(1977, 7, 7), "active", "male"),
)


def _demo_email(given: str, family: str) -> str:
    """An ASCII address from a name: "Tomás O'Neill" -> "tomas.oneill@example.net"."""
    plain = unicodedata.normalize("NFKD", f"{given}.{family}").encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum() or c == ".") + "@example.net"


def _user(email: str, full_name: str, kind: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, full_name=full_name, kind=kind)
    return user


def _patient(clinic: Clinic, mrn: str, **fields: object) -> Patient:
    patient, _ = Patient.objects.get_or_create(clinic=clinic, mrn=mrn, defaults=fields)
    return patient


@transaction.atomic
def seed_demo() -> dict[str, str]:
    cedar, _ = Clinic.objects.get_or_create(
        name=CEDAR_GROVE,
        defaults={"slug": "cedar-grove", "time_zone": "America/Denver", "phone": "(303) 555-0142"},
    )
    harbor, _ = Clinic.objects.get_or_create(
        name=HARBOR_LIGHT, defaults={"slug": "harbor-light", "time_zone": "America/Los_Angeles"}
    )
    staff = {}
    for email, name, role, clinic in (
        ("admin@example.com", "Alex Morgan", Role.ADMIN, cedar),
        ("prescriber@example.com", "Dr. Priya Raman", Role.PRESCRIBER, cedar),
        ("therapist@example.com", "Theo Okafor", Role.THERAPIST, cedar),
        ("nurse@example.com", "Nina Alvarez", Role.NURSE, cedar),
        ("other@example.com", "Olivia Chen", Role.THERAPIST, harbor),
    ):
        user = _user(email, name, UserKind.STAFF)
        membership, _ = Membership.objects.get_or_create(
            user=user, clinic=clinic, defaults={"role": role}
        )
        staff[email] = membership
    # The prescriber also covers Harbor Light, to show switching between clinics.
    Membership.objects.get_or_create(
        user=staff["prescriber@example.com"].user, clinic=harbor, defaults={"role": Role.PRESCRIBER}
    )

    jordan = _patient(
        cedar,
        "KC-1001",
        given_name="Jordan",
        family_name="Rivera",
        pronouns="they/them",
        date_of_birth=dt.date(1987, 3, 21),
        sex_at_birth="female",
        gender_identity="non-binary",
        email="patient@example.com",
        phone="(303) 555-0187",
        address="1420 Aspen Way\nBoulder, CO 80302",
        emergency_contact_name="Casey Rivera",
        emergency_contact_relationship="sibling",
        emergency_contact_phone="(303) 555-0110",
        status="active",
    )
    sam = _patient(
        cedar,
        "KC-1002",
        given_name="Samuel",
        family_name="Lee",
        preferred_name="Sam",
        pronouns="he/him",
        date_of_birth=dt.date(1972, 8, 5),
        sex_at_birth="male",
        email="patient2@example.com",
        phone="(303) 555-0133",
        emergency_contact_name="Jamie Lee",
        emergency_contact_relationship="spouse",
        emergency_contact_phone="(303) 555-0134",
        status="screening",
    )
    for patient, email, name in (
        (jordan, "patient@example.com", "Jordan Rivera"),
        (sam, "patient2@example.com", "Sam Lee"),
    ):
        if patient.user_id is None:
            patient.user = _user(email, name, UserKind.PATIENT)
            patient.save(update_fields=["user"])

    from kapcare.support.models import SupportRelationship

    SupportRelationship.objects.get_or_create(
        patient=jordan,
        user=_user("support@example.com", "Casey Rivera", UserKind.SUPPORT),
        defaults={"relationship": "sibling"},
    )

    _patient(
        harbor,
        "HL-2001",
        given_name="Morgan",
        family_name="Ellis",
        pronouns="she/her",
        date_of_birth=dt.date(1981, 2, 2),
        status="active",
        email="morgan.ellis@example.net",
    )

    others = []
    for index, (given, family, preferred, pronouns, born, status, sex) in enumerate(
        MORE_PATIENTS, start=3
    ):
        others.append(
            _patient(
                cedar,
                f"KC-{1000 + index}",
                given_name=given,
                family_name=family,
                preferred_name=preferred,
                pronouns=pronouns,
                date_of_birth=born,
                status=status,
                sex_at_birth=sex,
                email=_demo_email(given, family),
            )
        )

    prescriber, therapist, nurse = (
        staff["prescriber@example.com"],
        staff["therapist@example.com"],
        staff["nurse@example.com"],
    )
    for patient in (jordan, sam, *others[:8]):
        CareTeamMember.objects.get_or_create(
            patient=patient, membership=prescriber, team_role=TeamRole.PRESCRIBER
        )
        CareTeamMember.objects.get_or_create(
            patient=patient, membership=therapist, team_role=TeamRole.THERAPIST
        )
    for patient in (jordan, others[0], others[8]):
        CareTeamMember.objects.get_or_create(
            patient=patient, membership=nurse, team_role=TeamRole.NURSE
        )

    if not ChartNote.objects.filter(patient=jordan).exists():
        author = Actor(user=therapist.user, clinic=cedar, role=Role.THERAPIST, membership=therapist)
        services.note_create(
            actor=author,
            patient=jordan,
            title="Preparation session 1",
            body="Discussed what to expect during the first session and set-and-setting. "
            "Jordan's intention: 'to meet my grief with less fear'. Escort: Casey (sibling).",
            visibility=NoteVisibility.CLINIC,
        )
        services.note_create(
            actor=author,
            patient=jordan,
            title="Trauma history (care team only)",
            body="Details of childhood trauma shared in confidence; relevant to integration work.",
            visibility=NoteVisibility.CARE_TEAM,
        )
    Patient.objects.filter(clinic=cedar).update(updated_at=timezone.now())
    for dotted in FEATURE_SEEDS:
        import_string(dotted)()
    return {p.email: p.description for p in PERSONAS}
