"""Demo data for the dosing console: added to the demo clinic by `kapcare demo`.

Today: an IV session in progress with vitals every 15 minutes, clinician
observations, an intervention, a resolved adverse event and the therapist's
note, and an esketamine session with an open high-blood-pressure alert (both
on the clinic board). Yesterday: a finished session with its discharge
summary. Earlier: two finished esketamine sessions, one whose REMS monitoring
form is still to file and one already filed. Safe to run twice: each part is
added only once.
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
from kapcare.dosing.models import (
    Administration,
    DoseOrder,
    DosingSession,
    Observation,
    RemsFormFiling,
)
from kapcare.dosing.observations import (
    adverse_event_follow_up,
    adverse_event_record,
    intervention_record,
    observation_record,
    therapist_note_write,
)
from kapcare.dosing.rems import rems_form_file
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
    if clinic is None:
        return
    if not DosingSession.objects.filter(clinic=clinic).exists():
        _sessions(clinic)
    if not Observation.objects.filter(session__clinic=clinic).exists():
        _in_session_record(clinic)
    if not RemsFormFiling.objects.filter(session__clinic=clinic).exists():
        _rems_sessions(clinic)


def _sessions(clinic: Clinic) -> None:
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


def _in_session_record(clinic: Clinic) -> None:
    """Observations, an intervention, a resolved adverse event and notes for today's sessions."""
    nurse = _staff(clinic, "nurse@example.com")
    therapist = _staff(clinic, "therapist@example.com")
    running = {
        s.patient.mrn: s
        for s in DosingSession.objects.filter(clinic=clinic, state__in=["dosing", "recovery"])
        .select_related("patient", "clinic")
        .order_by("dose_started_at")
    }
    iv = running.get("KC-1001")
    if iv is not None and iv.dose_started_at is not None:
        start = iv.dose_started_at
        for minutes, moaas, dissociation, nausea in (
            (15, 4, "moderate", "none"),
            (30, 4, "mild", "moderate"),
            (45, 5, "none", "mild"),
        ):
            observation_record(
                actor=nurse,
                session=iv,
                moaas=moaas,
                dissociation=dissociation,
                nausea=nausea,
                anxiety="mild" if minutes == 15 else "none",
                side_effects=["dizziness"] if minutes == 15 else [],
                observed_at=start + dt.timedelta(minutes=minutes),
            )
        intervention_record(
            actor=nurse,
            session=iv,
            category="antiemetic",
            medicine="Ondansetron",
            dose="4 mg",
            route="oral",
            given_at=start + dt.timedelta(minutes=32),
        )
        event = adverse_event_record(
            actor=nurse,
            session=iv,
            description="Nausea with one episode of vomiting.",
            severity="mild",
            action_taken="Ondansetron 4 mg oral; sat upright with a bowl and water.",
            outcome="resolving",
            onset_at=start + dt.timedelta(minutes=31),
        )
        adverse_event_follow_up(
            actor=nurse, event=event, outcome="resolved", note="No nausea at 45 minutes."
        )
        intervention_record(
            actor=therapist,
            session=iv,
            category="music_change",
            detail="Switched to the slower playlist at the patient's request.",
            given_at=start + dt.timedelta(minutes=20),
        )
        therapist_note_write(
            actor=therapist,
            session=iv,
            guidance=["mindfulness", "music", "breathwork"],
            text=(
                "Settled with breath focus. Tearful around 20 minutes when memories of her "
                "father came up; stayed with it, then described feeling lighter. Wants to "
                "talk about it at the integration session."
            ),
        )
    spray = running.get("KC-1014")
    if spray is not None and spray.dose_started_at is not None:
        observation_record(
            actor=nurse,
            session=spray,
            moaas=4,
            dissociation="mild",
            anxiety="moderate",
            note="Asked for the blanket; reassured.",
            observed_at=spray.dose_started_at + dt.timedelta(minutes=20),
        )


def _rems_sessions(clinic: Clinic) -> None:
    """Two finished esketamine sessions: one form still to file (due soon), one filed."""
    nurse = _staff(clinic, "nurse@example.com")
    prescriber = _staff(clinic, "prescriber@example.com")
    patient = Patient.objects.filter(clinic=clinic, mrn="KC-1014").first()
    plan = TreatmentPlanRecord.objects.filter(patient=patient, status=PlanStatus.SIGNED).first()
    if patient is None or plan is None or plan.route != "intranasal_esketamine":
        return
    now = timezone.now()
    for days_ago, filed in ((4, False), (11, True)):
        started = now - dt.timedelta(days=days_ago, hours=3)
        appointment = Appointment.objects.create(
            clinic=clinic,
            patient=patient,
            plan=plan,
            kind="dosing",
            start=started - dt.timedelta(minutes=30),
            end=started + dt.timedelta(hours=2, minutes=30),
            staff=nurse.membership,
            created_by=nurse.user,
        )
        session = DosingSession.objects.create(
            clinic=clinic,
            patient=patient,
            appointment=appointment,
            route=plan.route,
            state="dosing",
            checked_in_at=started - dt.timedelta(minutes=30),
            ready_at=started - dt.timedelta(minutes=5),
            dose_started_at=started,
        )
        dose = calculate_for(session)
        order = DoseOrder.objects.create(
            session=session,
            dose_mg=dose.dose_mg,
            devices=dose.devices,
            precision_notes=list(dose.precision_notes),
            ordered_by=prescriber.user,
            ordered_at=started - dt.timedelta(minutes=4),
            checked_by=nurse.user,
            checked_at=started - dt.timedelta(minutes=2),
        )
        for device in range(dose.devices or 1):
            Administration.objects.create(
                session=session,
                order=order,
                product="Spravato 28 mg device",
                lot="DEMO-ES-17",
                expiry=(now + dt.timedelta(days=200)).date(),
                route=session.route,
                site="Both nostrils",
                dose_mg=28,
                device_number=device + 1,
                started_at=started + dt.timedelta(minutes=5 * device),
                given_by=nurse.user,
                checked_by=prescriber.user,
            )
        for minutes, systolic, spo2, moaas, phase in (
            (-20, 128, 98, None, "pre_dose"),
            (40, 158, 95, 3, "dosing"),
            (90, 142, 97, 4, "recovery"),
            (125, 130, 98, 5, "discharge"),
        ):
            vitals_record(
                actor=nurse,
                session=session,
                phase=phase,
                systolic=systolic,
                diastolic=84 if systolic < 150 else 94,
                heart_rate=78,
                spo2=spo2,
                respiratory_rate=14,
                moaas=moaas,
                taken_at=started + dt.timedelta(minutes=minutes),
            )
        observation_record(
            actor=nurse,
            session=session,
            moaas=3,
            dissociation="moderate",
            nausea="none",
            observed_at=started + dt.timedelta(minutes=35),
        )
        DosingSession.objects.filter(pk=session.pk).update(
            state="discharged",
            recovery_at=started + dt.timedelta(minutes=15),
            discharged_at=started + dt.timedelta(minutes=130),
            version=4,
        )
        if filed:
            session.refresh_from_db()
            rems_form_file(
                actor=nurse,
                session=session,
                filed_on=(started + dt.timedelta(days=2)).date(),
                reference="REMS-DEMO-0457",
            )
