"""Demo data for exposure: added to the demo clinic by `kapcare demo`.

The demo clinic has set a bladder-check interval of its own (shown as its local
choice) and no cumulative-dose warnings, which is what a clinic starts with.
Jordan had a check with no symptoms; Grace reported one symptom that waits for
a prescriber's review. Safe to run twice: nothing is added once the demo clinic
has a bladder check.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.accounts.models import Clinic, Membership
from kapcare.clinical import bladder_check as checklist
from kapcare.exposure.models import BladderCheck
from kapcare.exposure.services import bladder_check_record, exposure_settings_save
from kapcare.patients.models import Patient

CEDAR_GROVE = "Cedar Grove Ketamine Clinic"
#: MRN -> (days ago, symptoms reported, notes)
CHECKS = {
    "KC-1001": (8, (), ""),
    "KC-1011": (1, ("frequency",), "Noticed over the last two weeks; no pain."),
}


def _staff(clinic: Clinic, email: str) -> Actor:
    membership = Membership.objects.select_related("user").get(clinic=clinic, user__email=email)
    return Actor(user=membership.user, clinic=clinic, role=membership.role, membership=membership)


@transaction.atomic
def seed() -> None:
    clinic = Clinic.objects.filter(name=CEDAR_GROVE).first()
    if clinic is None or BladderCheck.objects.filter(clinic=clinic).exists():
        return
    exposure_settings_save(
        actor=_staff(clinic, "prescriber@example.com"),
        values={"bladder_check_every_weeks": 4, "bladder_check_every_sessions": 6},
        reason="Demo clinic: the interval the clinic chose for itself.",
    )
    nurse = _staff(clinic, "nurse@example.com")
    now = timezone.now()
    for mrn, (days_ago, reported, notes) in CHECKS.items():
        patient = Patient.objects.filter(clinic=clinic, mrn=mrn).first()
        if patient is None:
            continue
        bladder_check_record(
            actor=nurse,
            patient=patient,
            answers={key: key in reported for key in checklist.KEYS},
            notes=notes,
            checked_at=now - dt.timedelta(days=days_ago),
        )
