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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils.module_loading import import_string

from kapcare.accounts.models import Clinic, Membership, Role, User, UserKind
from kapcare.audit.chain import GENESIS_HASH, row_hash
from kapcare.audit.models import AuditEvent, ChainHead
from kapcare.patients.models import CareTeamMember, ChartNote, Patient, TeamRole

#: every generated timestamp is relative to this instant, never to the clock
EPOCH = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
BATCH = 2000

#: feature generators, run in order after the core rows exist
SYNTHETIC_GENERATORS: tuple[str, ...] = (
    "kapcare.treatment.synthetic.generate",
    "kapcare.dosing.synthetic.generate",
    "kapcare.measures.synthetic.generate",
    "kapcare.integration.synthetic.generate",
    "kapcare.controlled.synthetic.generate",
)
#: journey stages of patients who have started a course of treatment
TREATED = frozenset({"active", "maintenance", "completed", "discontinued"})

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
#: an unusable password hash ("!" prefix), the same on every build: patients never sign in
UNUSABLE_PASSWORD = "!synthetic"  # noqa: S105 - not a secret
#: days a patient at this stage has been known to the clinic at least
REFERRED_AT_LEAST = {"active": 30, "maintenance": 120, "completed": 150, "discontinued": 60}
STAFF_SHAPE = ((Role.ADMIN, 1), (Role.PRESCRIBER, 2), (Role.THERAPIST, 4), (Role.NURSE, 4))


@dataclass
class Network:
    """What the core generator made, for feature generators to build on."""

    clinics: list[Clinic]
    staff: dict[int, dict[str, list[Membership]]]
    patients: list[Patient]
    audit_rows: list[dict[str, Any]] = field(default_factory=list)
    #: what one feature generator hands to the next (courses, sessions), by name
    shared: dict[str, Any] = field(default_factory=dict)

    def audit(
        self,
        *,
        actor: Membership | None,
        patient: Patient,
        action: str,
        object_type: str,
        object_id: int | str,
        at: dt.datetime,
        detail: dict[str, Any] | None = None,
        actor_label: str = "",
        by_patient: bool = False,
    ) -> None:
        """Queue one audit row as ``audit.services.record`` would write it.

        ``by_patient``: the patient acted in the portal (``actor`` is then None).
        """
        if by_patient:
            actor_id, role = patient.user_id, "patient"
        else:
            actor_id, role = (actor.user_id, actor.role) if actor else (None, "")
        self.audit_rows.append(
            {
                "chain": patient.clinic_id,
                "occurred_at": at,
                "actor_id": actor_id,
                "actor_label": actor_label or (f"synthetic user {actor_id}" if actor_id else ""),
                "actor_role": role,
                "clinic_id": patient.clinic_id,
                "patient_id": patient.pk,
                "action": action,
                "object_type": object_type,
                "object_id": str(object_id),
                "outcome": "success",
                "request_id": "",
                "ip": None,
                "detail": detail or {},
            }
        )


def bulk_insert(model: type[Any], objects: list[Any], size: int = BATCH) -> list[Any]:
    """Insert in batches, one transaction each; the objects come back with their ids.

    ``bulk_create`` compiles SQL value by value, which is most of the build time at a
    million rows, so rows go in with one prepared ``INSERT`` and ``executemany``. Ids are
    taken first: from the table's sequence on PostgreSQL, after the highest id on SQLite
    (the generator is the only writer while it runs).
    """
    meta = model._meta
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself: the proxy costs per value
    fields = list(meta.concrete_fields)
    quote = db.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model
        quote(meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    adapters = [(f.attname, _adapter(f, db)) for f in fields]
    for batch in _batches(objects, size):
        with transaction.atomic(), db.cursor() as cursor:
            for obj, pk in zip(batch, _take_ids(cursor, db, meta, len(batch)), strict=True):
                obj.pk = pk
            rows = [tuple(adapt(getattr(o, name)) for name, adapt in adapters) for o in batch]
            cursor.executemany(sql, rows)
    return objects


#: values of these types go to the driver as they are
_PLAIN = frozenset({int, str, bool, type(None)})
#: fields whose values the backend adapts (dates, decimals, JSON, choices)
_ADAPTED = (models.DateTimeField, models.DateField, models.DecimalField, models.JSONField)


def _adapter(field: Any, db: Any) -> Callable[[Any], Any]:
    """What ``bulk_create`` does to one value, without the per-value compiler work."""
    prepare = field.get_db_prep_save
    if isinstance(field, _ADAPTED):
        return lambda value: prepare(value, db)
    return lambda value: value if type(value) in _PLAIN else prepare(value, db)


def _take_ids(cursor: Any, db: Any, meta: Any, count: int) -> list[int]:
    table, column = meta.db_table, meta.pk.column
    if db.vendor == "postgresql":
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return sorted(row[0] for row in cursor.fetchall())
    quote = db.ops.quote_name
    cursor.execute(f"SELECT COALESCE(MAX({quote(column)}), 0) FROM {quote(table)}")  # noqa: S608
    highest = cursor.fetchone()[0]
    return list(range(highest + 1, highest + 1 + count))


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
            }
        )
        # a patient in a course was referred well before its first dose
        status = str(rows[-1]["status"])
        rows[-1]["created_days_ago"] = rng.randrange(REFERRED_AT_LEAST.get(status, 0), 3650)
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
        if len(events) == BATCH:
            bulk_insert(AuditEvent, events)
            events = []
    bulk_insert(AuditEvent, events)
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
        # patients in a course answer questionnaires in the portal, so they have an account
        users = {
            row["mrn"]: User(
                email=row["email"],
                full_name=f"{row['given_name']} {row['family_name']}",
                kind=UserKind.PATIENT,
                password=UNUSABLE_PASSWORD,
                date_joined=EPOCH - dt.timedelta(days=row["created_days_ago"]),
            )
            for row in batch
            if row["status"] in TREATED
        }
        with transaction.atomic():
            User.objects.bulk_create(list(users.values()))
        objects = [
            Patient(
                clinic=network_clinics[row["clinic_index"]],
                user=users.get(row["mrn"]),
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
    network_team: dict[int, tuple[Membership, Membership, Membership]] = {}
    for patient in created:
        roles = staff[patient.clinic_id]
        prescriber = rng.choice(roles[Role.PRESCRIBER])
        therapist = rng.choice(roles[Role.THERAPIST])
        nurse = rng.choice(roles[Role.NURSE])
        network_team[patient.pk] = (prescriber, therapist, nurse)
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
    network = Network(network_clinics, staff, created, audit_rows, {"team": network_team})
    for dotted in SYNTHETIC_GENERATORS:
        import_string(dotted)(network, rng, say)
    network.audit_rows.sort(key=lambda r: (r["chain"], r["occurred_at"]))
    with transaction.atomic():
        _append_audit(network.audit_rows)
    say(f"{len(network.audit_rows)} audit rows")
    return network
