"""A deterministic synthetic clinic network for benchmarks and scale tests.

``kapcare seed --patients N --clinics C --seed S`` builds the same rows for the same
arguments: clinics, staff, patients at every journey stage, care teams, notes and a
hash-chained audit trail. Rows go in with ``bulk_create`` in batches so that tens of
thousands of patients build in minutes. Features add their own rows through
``SYNTHETIC_GENERATORS`` (each takes the ``Network`` built here and the random source).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string

from kapcare.accounts.models import Clinic, Membership, Role, User, UserKind
from kapcare.audit.chain import GENESIS_HASH, row_hash
from kapcare.audit.models import AuditEvent, ChainHead
from kapcare.patients.models import CareTeamMember, ChartNote, Patient, TeamRole

#: every generated timestamp is relative to this instant, never to the clock
EPOCH = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
BATCH = 2000

#: feature generators, run in order after the core rows exist
SYNTHETIC_GENERATORS: tuple[str, ...] = ()

GIVEN = (
    "Avery",
    "Blake",
    "Carmen",
    "Dana",
    "Elena",
    "Farah",
    "Gabriel",
    "Hana",
    "Isaac",
    "Jonah",
    "Keiko",
    "Luis",
    "Maya",
    "Nadia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tariq",
    "Uma",
    "Victor",
    "Wren",
    "Ximena",
    "Yusuf",
    "Zoe",
)
FAMILY = (
    "Abbott",
    "Baptiste",
    "Castillo",
    "Dubois",
    "Eriksen",
    "Fontaine",
    "Garcia",
    "Hoffman",
    "Ibrahim",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Novak",
    "Okafor",
    "Petrov",
    "Quintero",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Ulrich",
    "Vargas",
    "Walsh",
    "Yamamoto",
    "Zhang",
)
#: journey stage mix of a mature clinic (weights, not sourced figures)
STATUS_WEIGHTS = (
    ("referred", 6),
    ("screening", 8),
    ("eligible", 5),
    ("not_eligible", 3),
    ("active", 30),
    ("maintenance", 25),
    ("completed", 15),
    ("discontinued", 8),
)
STAFF_SHAPE = ((Role.ADMIN, 1), (Role.PRESCRIBER, 2), (Role.THERAPIST, 4), (Role.NURSE, 4))


@dataclass
class Network:
    """What the core generator made, for feature generators to build on."""

    clinics: list[Clinic]
    staff: dict[int, dict[str, list[Membership]]]
    patients: list[Patient]
    audit_rows: list[dict[str, Any]] = field(default_factory=list)


def _batches(items: list[Any], size: int = BATCH) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def plan_patients(count: int, clinics: int, seed: int) -> list[dict[str, Any]]:
    """The patient rows for these arguments, before any database ids exist (pure, deterministic)."""
    rng = random.Random(seed)
    statuses = [s for s, _ in STATUS_WEIGHTS]
    weights = [w for _, w in STATUS_WEIGHTS]
    rows = []
    for index in range(count):
        clinic_index = index % clinics
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 55))
        rows.append(
            {
                "clinic_index": clinic_index,
                "mrn": f"S{clinic_index + 1}-{index + 1:07d}",
                "given_name": given,
                "family_name": family,
                "date_of_birth": born,
                "status": rng.choices(statuses, weights)[0],
                "email": f"{given.lower()}.{family.lower()}.{index + 1}@synthetic.invalid",
                "created_days_ago": rng.randrange(0, 3650),
            }
        )
    return rows


def _clinics(count: int) -> list[Clinic]:
    clinics = []
    for number in range(1, count + 1):
        clinic, _ = Clinic.objects.get_or_create(
            slug=f"synthetic-{number}",
            defaults={"name": f"Synthetic Clinic {number}", "time_zone": "America/Denver"},
        )
        clinics.append(clinic)
    return clinics


def _staff(clinics: list[Clinic]) -> dict[int, dict[str, list[Membership]]]:
    staff: dict[int, dict[str, list[Membership]]] = {}
    for clinic in clinics:
        by_role: dict[str, list[Membership]] = {}
        for role, number in STAFF_SHAPE:
            for n in range(1, number + 1):
                email = f"{role}{n}@{clinic.slug}.synthetic.invalid"
                user = User.objects.filter(email=email).first()
                if user is None:
                    user = User(
                        email=email,
                        full_name=f"{role.title()} {n} ({clinic.name})",
                        kind=UserKind.STAFF,
                    )
                    user.set_unusable_password()
                    user.save()
                membership, _ = Membership.objects.get_or_create(
                    user=user, clinic=clinic, defaults={"role": role}
                )
                by_role.setdefault(role, []).append(membership)
        staff[clinic.pk] = by_role
    return staff


def _append_audit(rows: list[dict[str, Any]]) -> None:
    """Insert audit rows with correct hash chains, continuing each clinic's chain."""
    heads = {h.chain: h for h in ChainHead.objects.filter(chain__in={r["chain"] for r in rows})}
    events = []
    for row in rows:
        head = heads.get(row["chain"])
        if head is None:
            head = heads[row["chain"]] = ChainHead(chain=row["chain"], seq=0, hash=GENESIS_HASH)
        row["seq"] = head.seq + 1
        digest = row_hash(head.hash, row)
        events.append(AuditEvent(prev_hash=head.hash, hash=digest, **row))
        head.seq, head.hash = row["seq"], digest
    for batch in _batches(events):
        AuditEvent.objects.bulk_create(batch)
    for head in heads.values():
        ChainHead.objects.update_or_create(
            chain=head.chain, defaults={"seq": head.seq, "hash": head.hash}
        )


def generate(*, patients: int, clinics: int = 1, seed: int = 1, progress: Any = None) -> Network:
    """Build the network. Existing synthetic clinics are reused; patients are added anew."""
    rng = random.Random(seed * 7919 + 1)
    say = progress or (lambda message: None)
    with transaction.atomic():
        network_clinics = _clinics(clinics)
        staff = _staff(network_clinics)
    plan = plan_patients(patients, clinics, seed)
    say(f"{len(plan)} patients across {clinics} clinic(s)")
    created: list[Patient] = []
    for batch in _batches(plan):
        objects = [
            Patient(
                clinic=network_clinics[row["clinic_index"]],
                mrn=row["mrn"],
                given_name=row["given_name"],
                family_name=row["family_name"],
                date_of_birth=row["date_of_birth"],
                status=row["status"],
                email=row["email"],
                created_at=EPOCH - dt.timedelta(days=row["created_days_ago"]),
                updated_at=EPOCH,
                status_changed_at=EPOCH,
            )
            for row in batch
        ]
        with transaction.atomic():
            created.extend(Patient.objects.bulk_create(objects))
    if created and created[0].pk is None:  # backends that do not return ids
        created = list(Patient.objects.filter(mrn__in=[r["mrn"] for r in plan]).order_by("mrn"))
    say("patients written")

    team_rows, note_rows, audit_rows = [], [], []
    for patient in created:
        roles = staff[patient.clinic_id]
        prescriber = rng.choice(roles[Role.PRESCRIBER])
        therapist = rng.choice(roles[Role.THERAPIST])
        nurse = rng.choice(roles[Role.NURSE])
        team_rows += [
            CareTeamMember(patient=patient, membership=prescriber, team_role=TeamRole.PRESCRIBER),
            CareTeamMember(patient=patient, membership=therapist, team_role=TeamRole.THERAPIST),
            CareTeamMember(patient=patient, membership=nurse, team_role=TeamRole.NURSE),
        ]
        for n in range(rng.randrange(0, 3)):
            note_rows.append(
                ChartNote(
                    patient=patient,
                    clinic_id=patient.clinic_id,
                    author_id=therapist.user_id,
                    title=f"Session note {n + 1}",
                    body="Synthetic note for scale testing.",
                    created_at=EPOCH - dt.timedelta(days=rng.randrange(0, 365)),
                )
            )
        for _ in range(3):
            viewer = rng.choice((prescriber, therapist, nurse))
            audit_rows.append(
                {
                    "chain": patient.clinic_id,
                    "occurred_at": EPOCH - dt.timedelta(minutes=rng.randrange(0, 525600)),
                    "actor_id": viewer.user_id,
                    "actor_label": f"synthetic user {viewer.user_id}",
                    "actor_role": viewer.role,
                    "clinic_id": patient.clinic_id,
                    "patient_id": patient.pk,
                    "action": "view",
                    "object_type": "patients.patient",
                    "object_id": str(patient.pk),
                    "outcome": "success",
                    "request_id": "",
                    "ip": None,
                    "detail": {},
                }
            )
    for batch in _batches(team_rows):
        CareTeamMember.objects.bulk_create(batch)
    for batch in _batches(note_rows):
        ChartNote.objects.bulk_create(batch)
    say(f"{len(team_rows)} care-team rows, {len(note_rows)} notes")
    network = Network(network_clinics, staff, created, audit_rows)
    for dotted in SYNTHETIC_GENERATORS:
        import_string(dotted)(network, rng, say)
    network.audit_rows.sort(key=lambda r: (r["chain"], r["occurred_at"]))
    with transaction.atomic():
        _append_audit(network.audit_rows)
    say(f"{len(network.audit_rows)} audit rows")
    return network
