"""Demo data for education: the library itself is installed by migration; Jordan has read
a few pages, so the care team sees read receipts. Safe to run twice."""

from __future__ import annotations

from kapcare.accounts.actors import PATIENT_ROLE, Actor
from kapcare.education import selectors, services
from kapcare.patients.models import Patient

READ = ("what-is-kap", "how-to-prepare", "the-experience", "safety")


def seed() -> None:
    jordan = Patient.objects.select_related("clinic").filter(mrn="KC-1001").first()
    if jordan is None or jordan.user is None:
        return
    me = Actor(user=jordan.user, clinic=jordan.clinic, role=PATIENT_ROLE, patient=jordan)
    for slug in READ:
        page = selectors.page_for(jordan.clinic_id, slug, "patient")
        if page is not None:
            services.read_receipt_record(actor=me, page=page, patient=jordan)
