"""Demo data for the dosing console: added to the demo clinic by `kapcare demo`.

Today: an IV session in progress with vitals every 15 minutes, and an
esketamine session with an open high-blood-pressure alert (both on the clinic
board). Yesterday: a finished session with its discharge summary. Safe to run
twice: nothing is added once the demo clinic has a dosing session.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.accounts.models import Clinic, Membership
from kapcare.clinical.plans.model import DoseUnit
from kapcare.dosing.administration import calculate_for
from kapcare.dosing.models import Administration, DoseOrder, DosingSession
from kapcare.dosing.services import vitals_record
from kapcare.patients.models import Patient
from kapcare.treatment.models import Appointment, PlanStatus, Room, TreatmentPlanRecord
from kapcare.treatment.plan_data import plan_from_json

CEDAR_GROVE = "Cedar Grove Ketamine Clinic"
#: MRN -> (state, minutes since the dose started, room, readings: (minute, systolic, moaas))
SESSIONS = {
    "KC-1001": (
        "recovery",
        60,
        "Willow room",
        [(0, 128, 5), (15, 134, 4), (30, 136, 4), (45, 130, 5)],
    ),
    "KC-1014": ("dosing", 25, "Aspen room", [(0, 132, 5), (20, 184, 4)]),
    "KC-1011": ("discharged", 26 * 60, None, [(0, 126, 5), (45, 130, 5), (120, 124, 5)]),
}


def _staff(clinic: Clinic, email: str) -> Actor:
    membership = Membership.objects.select_related("user").get(clinic=clinic, user__email=email)
    return Actor(user=membership.user, clinic=clinic, role=membership.role, membership=membership)


@transaction.atomic
def seed() -> None:
    clinic = Clinic.objects.filter(name=CEDAR_GROVE).first()
    if clinic is None or DosingSession.objects.filter(clinic=clinic).exists():
        return
    nurse = _staff(clinic, "nurse@example.com")
    prescriber = _staff(clinic, "prescriber@example.com")
    now = timezone.now()
    for mrn, (state, minutes, room_name, readings) in SESSIONS.items():
        patient = Patient.objects.filter(clinic=clinic, mrn=mrn).first()
        plan = TreatmentPlanRecord.objects.filter(patient=patient, status=PlanStatus.SIGNED).first()
        if patient is None or plan is None:
            continue
        started = now - dt.timedelta(minutes=minutes)
        arrived = started - dt.timedelta(minutes=30)
        appointment = Appointment.objects.create(
            clinic=clinic,
            patient=patient,
            plan=plan,
            kind="dosing",
            start=arrived,
            end=arrived + dt.timedelta(hours=3),
            room=Room.objects.filter(clinic=clinic, name=room_name).first(),
            staff=nurse.membership,
            created_by=nurse.user,
        )
        weight = Decimal("78.0")
        session = DosingSession.objects.create(
            clinic=clinic,
            patient=patient,
            appointment=appointment,
            route=plan.route,
            state="dosing",
            weight_kg=weight
            if plan_from_json(plan.content).dose.unit is DoseUnit.MG_PER_KG
            else None,
            checked_in_at=arrived,
            ready_at=started - dt.timedelta(minutes=5),
            dose_started_at=started,
        )
        vitals_record(
            actor=nurse,
            session=session,
            phase="pre_dose",
            systolic=126,
            diastolic=80,
            heart_rate=74,
            spo2=98,
            taken_at=arrived + dt.timedelta(minutes=10),
        )
        dose = calculate_for(session, concentration_mg_per_ml="10")
        order = DoseOrder.objects.create(
            session=session,
            mg_per_kg=dose.mg_per_kg,
            weight_kg=dose.weight_kg,
            dose_mg=dose.dose_mg,
            concentration_mg_per_ml=dose.concentration_mg_per_ml,
            volume_ml=dose.volume_ml,
            devices=dose.devices,
            precision_notes=list(dose.precision_notes),
            ordered_by=prescriber.user,
            ordered_at=started - dt.timedelta(minutes=4),
            checked_by=nurse.user,
            checked_at=started - dt.timedelta(minutes=2),
        )
        Administration.objects.create(
            session=session,
            order=order,
            product="Ketamine 10 mg/mL" if dose.devices is None else "Spravato 28 mg device",
            lot="DEMO-2291",
            expiry=(now + dt.timedelta(days=200)).date(),
            concentration_mg_per_ml=order.concentration_mg_per_ml,
            route=session.route,
            site="Left arm" if dose.devices is None else "Both nostrils",
            dose_mg=dose.dose_mg,
            started_at=started,
            given_by=nurse.user,
            checked_by=prescriber.user,
        )
        for offset, systolic, moaas in readings:
            vitals_record(
                actor=nurse,
                session=session,
                phase="recovery" if offset >= 40 else "dosing",
                systolic=systolic,
                diastolic=84 if systolic < 180 else 104,
                heart_rate=76,
                spo2=97,
                moaas=moaas,
                taken_at=started + dt.timedelta(minutes=offset),
            )
        if state != "dosing":
            ended = started + dt.timedelta(minutes=40)
            DosingSession.objects.filter(pk=session.pk).update(
                state=state,
                recovery_at=ended,
                discharged_at=(started + dt.timedelta(minutes=150))
                if state == "discharged"
                else None,
                version=3,
            )
