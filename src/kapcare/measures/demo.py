"""Demo data for measures: score histories that show what the feature is for.

Cedar Grove gets a responder (Jordan Rivera), a remitter (Maria Gonzalez), a
non-responder (Grace O'Neill), a patient with an open item-9 safety alert (Omar
Haddad) and overdue questionnaires (Daniel Kim, Sam Lee). Every response goes
through the real services, so scores, versions, alerts and audit rows are made
exactly as in use. Safe to run twice: it adds nothing once Cedar Grove has responses.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from kapcare.accounts.actors import PATIENT_ROLE, Actor
from kapcare.accounts.models import Clinic, Membership
from kapcare.measures import alerts, services
from kapcare.measures.models import QuestionnaireResponse
from kapcare.patients.models import Patient

CEDAR_GROVE = "Cedar Grove Ketamine Clinic"

#: (MRN, instrument, totals week by week); PHQ-9 and GAD-7, one score every two weeks
HISTORIES = (
    ("KC-1001", "phq9", (19, 17, 14, 12, 9)),  # Jordan: responder (19 → 9, -53%)
    ("KC-1001", "gad7", (15, 13, 11, 9, 7)),
    ("KC-1003", "phq9", (18, 14, 9, 6, 3)),  # Maria: remitter (below 5)
    ("KC-1003", "gad7", (13, 10, 7, 5, 4)),
    ("KC-1011", "phq9", (20, 18, 19, 17, 18)),  # Grace: non-responder
    ("KC-1011", "gad7", (14, 15, 13, 14, 13)),
    ("KC-1014", "phq9", (16, 15, 13)),  # Omar: the latest one reports item 9
    ("KC-1004", "phq9", (12, 10, 8)),  # Daniel: maintenance, now overdue
)
#: patients whose latest PHQ-9 answers item 9 with "Several days"
ITEM_9 = {"KC-1014"}
ITEM_COUNTS = {"phq9": 9, "gad7": 7}


def _answers(instrument: str, total: int, *, item9: int = 0) -> dict[str, int]:
    """Answers adding up to ``total``, spread evenly; PHQ-9 item 9 is only ever ``item9``."""
    count = ITEM_COUNTS[instrument]
    fillable = count - 1 if instrument == "phq9" else count
    values = [0] * count
    rest, index = total - item9, 0
    while rest > 0:
        slot = index % fillable
        if values[slot] < 3:
            values[slot] += 1
            rest -= 1
        index += 1
    if instrument == "phq9":
        values[8] = item9
    return {str(number): value for number, value in enumerate(values, start=1)}


def _staff(clinic: Clinic, email: str) -> Actor:
    membership = Membership.objects.select_related("user", "clinic").get(
        clinic=clinic, user__email=email
    )
    return Actor(user=membership.user, clinic=clinic, role=membership.role, membership=membership)


def _entered_by(patient: Patient, nurse: Actor) -> tuple[Actor, bool]:
    """Patients with a portal account answered there; the others on paper at the clinic."""
    if patient.user is not None:
        return Actor(
            user=patient.user, clinic=patient.clinic, role=PATIENT_ROLE, patient=patient
        ), False
    return nurse, True


@transaction.atomic
def seed() -> None:
    clinic = Clinic.objects.filter(name=CEDAR_GROVE).first()
    if clinic is None or QuestionnaireResponse.objects.filter(clinic=clinic).exists():
        return
    nurse = _staff(clinic, "nurse@example.com")
    therapist = _staff(clinic, "therapist@example.com")
    patients = {p.mrn: p for p in Patient.objects.filter(clinic=clinic).select_related("user")}
    now = timezone.now()
    for mrn, instrument, totals in HISTORIES:
        patient = patients.get(mrn)
        if patient is None:
            continue
        actor, on_paper = _entered_by(patient, nurse)
        start = now - dt.timedelta(weeks=2 * (len(totals) - 1), hours=3)
        for index, total in enumerate(totals):
            last = index == len(totals) - 1
            item9 = 1 if (mrn in ITEM_9 and instrument == "phq9" and last) else 0
            when = (
                start + dt.timedelta(weeks=2 * index) if not last else now - dt.timedelta(hours=2)
            )
            submitted = services.response_submit(
                actor=actor,
                patient=patient,
                instrument=instrument,
                answers=_answers(instrument, total, item9=item9),
                on_behalf=on_paper,
                answered_at=when,
                now=when,
            )
            for alert in submitted.alerts:
                if alert.kind != "suicidal_ideation":  # past lower-priority alerts were answered
                    alerts.acknowledge(
                        actor=therapist,
                        alert=alert,
                        note="Reviewed at the weekly team meeting; plan unchanged.",
                        now=when + dt.timedelta(hours=20),
                    )
    _assignments(clinic, patients, therapist, now)


def _assignments(
    clinic: Clinic, patients: dict[str, Patient], therapist: Actor, now: dt.datetime
) -> None:
    plan: list[dict[str, Any]] = [
        # Jordan can fill in a PHQ-9 on the phone now, and has a GAD-7 coming.
        {"mrn": "KC-1001", "instrument": "phq9", "schedule": "every_n_weeks", "interval": 2,
         "due_at": now + dt.timedelta(days=1), "created": now - dt.timedelta(days=14)},
        {"mrn": "KC-1001", "instrument": "gad7", "schedule": "once",
         "due_at": now + dt.timedelta(days=3), "created": now - dt.timedelta(days=1)},
        {"mrn": "KC-1001", "instrument": "post_session_reflection", "schedule": "after_session",
         "due_at": None, "created": now - dt.timedelta(days=30)},
        # Overdue: Daniel's fortnightly PHQ-9 and GAD-7, Sam's baseline GAD-7.
        {"mrn": "KC-1004", "instrument": "phq9", "schedule": "every_n_weeks", "interval": 2,
         "due_at": now - dt.timedelta(days=5), "created": now - dt.timedelta(days=20)},
        {"mrn": "KC-1004", "instrument": "gad7", "schedule": "once",
         "due_at": now - dt.timedelta(days=2), "created": now - dt.timedelta(days=9)},
        {"mrn": "KC-1002", "instrument": "gad7", "schedule": "baseline",
         "due_at": now - dt.timedelta(days=1), "created": now - dt.timedelta(days=6)},
        {"mrn": "KC-1002", "instrument": "phq9", "schedule": "baseline",
         "due_at": now + dt.timedelta(days=2), "created": now - dt.timedelta(days=6)},
    ]  # fmt: skip
    for row in plan:
        patient = patients.get(row["mrn"])
        if patient is None:
            continue
        services.assignment_create(
            actor=therapist,
            patient=patient,
            instrument=row["instrument"],
            schedule=row["schedule"],
            interval=row.get("interval"),
            due_at=row["due_at"],
            now=row["created"],
        )
