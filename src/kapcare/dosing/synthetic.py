"""Synthetic dosing sessions: what the console would have recorded for each past session.

Part of ``kapcare seed`` (see ``kapcare.demo.synthetic``); runs after the treatment
generator. Each dosing appointment up to EPOCH becomes a discharged session with its
timestamps, weight, a checked dose order worked out by the pure calculator exactly as
``administration.calculate_for`` does, the administrations, and vital signs every 15
minutes from before the dose to discharge (nine readings), each assessed by the pure
rules as ``services.vitals_record`` does, so some readings carry findings.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import transaction

from kapcare.audit.models import Action
from kapcare.clinical.dosing import Dose, calculate_dose
from kapcare.clinical.findings import Severity
from kapcare.clinical.plans import DoseUnit
from kapcare.clinical.routes import Route
from kapcare.clinical.session_states import SessionState
from kapcare.clinical.vitals import Phase, VitalSigns, assess, assess_sedation
from kapcare.demo.synthetic import Network, bulk_insert
from kapcare.dosing.models import Administration, DoseOrder, DosingSession, VitalsReading
from kapcare.treatment.synthetic import Course

#: readings are taken this often, from before the dose to discharge
READING_EVERY = dt.timedelta(minutes=15)
READINGS = 9
#: courses written per transaction
COURSES_PER_CHUNK = 400
#: a scheduled session moves five times before it is discharged
DISCHARGED_VERSION = 6
#: stock strength used for volumes (a clinic's product; not a clinical figure)
CONCENTRATION = {Route.IV_RACEMIC: Decimal(10), Route.IM_RACEMIC: Decimal(50)}
PRODUCT = {
    Route.IV_RACEMIC: "Ketamine hydrochloride injection 10 mg/mL",
    Route.IM_RACEMIC: "Ketamine hydrochloride injection 50 mg/mL",
    Route.SUBLINGUAL_RACEMIC: "Ketamine rapid-dissolve tablet 150 mg",
    Route.INTRANASAL_ESKETAMINE: "Esketamine 28 mg nasal spray device",
}
SITE = {
    Route.IV_RACEMIC: "Left forearm cannula",
    Route.IM_RACEMIC: "Left deltoid",
    Route.SUBLINGUAL_RACEMIC: "Sublingual",
    Route.INTRANASAL_ESKETAMINE: "Both nostrils",
}


def _finding_rows(findings: Any) -> list[dict[str, str]]:
    return [
        {"rule_id": f.rule_id, "severity": f.severity.value, "message": f.message} for f in findings
    ]


@cache
def _assessed(values: tuple[int, int, int, int, int], phase: str, route: str) -> list[Any]:
    """The findings the console stores for one reading (pure rules; cached by value)."""
    systolic, diastolic, heart_rate, spo2, respiratory_rate = values
    vitals = VitalSigns(
        systolic=systolic,
        diastolic=diastolic,
        heart_rate=heart_rate,
        spo2=spo2,
        respiratory_rate=respiratory_rate,
    )
    return _finding_rows(assess(vitals, phase=phase, route=route))


@cache
def _sedation(moaas: int) -> list[Any]:
    return _finding_rows(assess_sedation(moaas))


def _calculated(course: Course, weight: Decimal, previous: Decimal | None) -> Dose:
    """The calculator called with the arguments ``administration.calculate_for`` passes."""
    plan = course.template.plan.dose
    route = course.template.route
    kwargs: dict[str, Any] = {"route": route, "previous_dose_mg": previous}
    if plan.unit is DoseUnit.MG_PER_KG:
        kwargs |= {
            "mg_per_kg": plan.starting,
            "weight_kg": weight,
            "cap_mg": plan.per_session_cap * weight,
        }
        if plan.titration_step:
            kwargs["titration_step_mg_per_kg"] = plan.titration_step
    else:
        kwargs |= {"dose_mg": plan.starting, "cap_mg": plan.per_session_cap}
    if route is Route.IV_RACEMIC:
        kwargs["infusion_minutes"] = plan.infusion_minutes or 40
    if route in CONCENTRATION:
        kwargs["concentration_mg_per_ml"] = CONCENTRATION[route]
    return calculate_dose(**kwargs)


def _dose_minutes(route: Route, dose: Dose) -> int:
    if route is Route.IV_RACEMIC:
        return int(dose.infusion_minutes or 40)
    if route is Route.INTRANASAL_ESKETAMINE:
        return 5 * ((dose.devices or 1) - 1) + 1
    if route is Route.SUBLINGUAL_RACEMIC:
        return 15  # held under the tongue, then swallowed
    return 1


class _Patient:
    """A patient's own resting values, so their readings look like one person's."""

    def __init__(self, rng: random.Random) -> None:
        self.systolic = rng.randint(104, 134)
        self.diastolic = rng.randint(64, 84)
        self.heart_rate = rng.randint(58, 88)
        self.weight = Decimal(rng.randint(520, 1150)) / 10
        self.moaas = rng.random() < 0.35  # whether this clinic scores sedation for them


def _reading(
    me: _Patient, minutes: int, peak: int, phase: str, rng: random.Random
) -> tuple[int, int, int, int, int]:
    """Values ``minutes`` after the dose started: a rise peaking about 40 minutes in [K12]."""
    rise = peak * max(0.0, 1 - abs(minutes - 40) / 60) if minutes >= 0 else 0
    systolic = me.systolic + round(rise) + rng.randint(-5, 5)
    diastolic = me.diastolic + round(rise * 0.6) + rng.randint(-4, 4)
    if phase in (Phase.PRE_DOSE, Phase.DISCHARGE):  # a nurse repeats a high one before acting
        systolic, diastolic = min(systolic, 139), min(diastolic, 89)
    diastolic = min(diastolic, systolic - 25)
    heart_rate = me.heart_rate + round(rise * 0.3) + rng.randint(-6, 6)
    spo2 = rng.choice((96, 97, 97, 98, 98, 99, 99, 100))
    if phase == Phase.DOSING and rng.random() < 0.02:
        spo2 = rng.choice((92, 93))
    respiratory_rate = rng.randint(12, 18)
    return systolic, diastolic, heart_rate, spo2, respiratory_rate


def generate(network: Network, rng: random.Random, say: Callable[[str], None]) -> None:
    courses: list[Course] = network.shared["courses"]
    totals = {"sessions": 0, "readings": 0, "administrations": 0, "alerting readings": 0}
    for start in range(0, len(courses), COURSES_PER_CHUNK):
        chunk = courses[start : start + COURSES_PER_CHUNK]
        with transaction.atomic():
            _write_chunk(network, chunk, rng, totals)
    say(", ".join(f"{n} {what}" for what, n in totals.items()))


def _write_chunk(
    network: Network, courses: list[Course], rng: random.Random, totals: dict[str, int]
) -> None:
    sessions: list[DosingSession] = []
    plans: list[tuple[Course, _Patient, Dose, dict[str, Any]]] = []
    for course in courses:
        me = _Patient(rng)
        route = course.template.route
        previous: Decimal | None = None
        for _number, starts, appointment_id in course.given:
            weight = me.weight + Decimal(rng.randint(-15, 15)) / 10
            dose = _calculated(course, weight, previous)
            previous = dose.dose_mg
            checked_in = starts - dt.timedelta(minutes=rng.randint(0, 15))
            first_reading = checked_in + dt.timedelta(minutes=10)
            dose_started = first_reading + READING_EVERY
            recovery = dose_started + dt.timedelta(minutes=_dose_minutes(route, dose))
            last_reading = first_reading + READING_EVERY * (READINGS - 1)
            sessions.append(
                DosingSession(
                    clinic_id=course.patient.clinic_id,
                    patient=course.patient,
                    appointment_id=appointment_id,
                    route=route.value,
                    state=SessionState.DISCHARGED.value,
                    version=DISCHARGED_VERSION,
                    weight_kg=weight,
                    weight_recorded_at=checked_in + dt.timedelta(minutes=4),
                    created_at=checked_in,
                    checked_in_at=checked_in,
                    ready_at=first_reading + dt.timedelta(minutes=5),
                    dose_started_at=dose_started,
                    recovery_at=recovery,
                    discharged_at=last_reading + dt.timedelta(minutes=rng.randint(3, 15)),
                )
            )
            times = {"first_reading": first_reading, "peak": rng.randint(6, 30)}
            plans.append((course, me, dose, times))
    bulk_insert(DosingSession, sessions)
    orders, readings = [], []
    for session, (course, me, dose, times) in zip(sessions, plans, strict=True):
        blocks = [f.message for f in dose.findings if f.severity is Severity.BLOCK]
        assert session.ready_at is not None
        orders.append(
            DoseOrder(
                session=session,
                mg_per_kg=dose.mg_per_kg,
                weight_kg=dose.weight_kg,
                dose_mg=dose.dose_mg,
                concentration_mg_per_ml=dose.concentration_mg_per_ml,
                volume_ml=dose.volume_ml,
                infusion_minutes=int(dose.infusion_minutes) if dose.infusion_minutes else None,
                rate_mg_per_hour=dose.rate_mg_per_hour,
                rate_ml_per_hour=dose.rate_ml_per_hour,
                devices=dose.devices,
                findings=_finding_rows(dose.findings),
                precision_notes=list(dose.precision_notes),
                override_reason="Reviewed with the patient; dose as planned." if blocks else "",
                ordered_by_id=course.prescriber.user_id,
                ordered_at=session.ready_at + dt.timedelta(minutes=2),
                checked_by_id=course.nurse.user_id,
                checked_at=session.ready_at + dt.timedelta(minutes=6),
            )
        )
        readings += _readings(session, course, me, times, rng)
    bulk_insert(DoseOrder, orders)
    administrations = []
    for session, order, (course, _me, dose, _times) in zip(sessions, orders, plans, strict=True):
        administrations += _administrations(session, order, course, dose, rng)
    bulk_insert(Administration, administrations)
    bulk_insert(VitalsReading, readings)
    for session, order, (course, _me, _dose, _times) in zip(sessions, orders, plans, strict=True):
        _audit(network, session, order, course)
    totals["sessions"] += len(sessions)
    totals["readings"] += len(readings)
    totals["administrations"] += len(administrations)
    totals["alerting readings"] += sum(1 for r in readings if r.findings)


def _readings(
    session: DosingSession,
    course: Course,
    me: _Patient,
    times: dict[str, Any],
    rng: random.Random,
) -> list[VitalsReading]:
    made = []
    assert session.dose_started_at is not None
    assert session.recovery_at is not None
    for k in range(READINGS):
        taken = times["first_reading"] + READING_EVERY * k
        if k == 0:
            phase = Phase.PRE_DOSE
        elif k == READINGS - 1:
            phase = Phase.DISCHARGE
        elif taken < session.recovery_at:
            phase = Phase.DOSING
        else:
            phase = Phase.RECOVERY
        minutes = int((taken - session.dose_started_at).total_seconds() // 60)
        values = _reading(me, minutes, times["peak"], phase, rng)
        findings = list(_assessed(values, phase.value, course.route))
        moaas = None
        if (me.moaas or course.route == Route.INTRANASAL_ESKETAMINE) and k > 0:
            moaas = 5 if not 0 < minutes < 70 else rng.choice((5, 5, 5, 4, 4, 4, 3))
            if phase == Phase.DISCHARGE:
                moaas = 5
            findings += _sedation(moaas)
        made.append(
            VitalsReading(
                session=session,
                phase=phase.value,
                taken_at=taken,
                systolic=values[0],
                diastolic=values[1],
                heart_rate=values[2],
                spo2=values[3],
                respiratory_rate=values[4],
                moaas=moaas,
                findings=findings,
                recorded_by_id=course.nurse.user_id,
                recorded_at=taken + dt.timedelta(minutes=rng.randint(0, 3)),
            )
        )
    return made


def _administrations(
    session: DosingSession, order: DoseOrder, course: Course, dose: Dose, rng: random.Random
) -> list[Administration]:
    route = course.template.route
    assert session.dose_started_at is not None
    day = session.dose_started_at.date()
    lot = f"L{day:%y}{rng.randint(1000, 9999)}"
    expiry = day + dt.timedelta(days=rng.randint(120, 600))
    common = {
        "session": session,
        "order": order,
        "product": PRODUCT[route],
        "lot": lot,
        "expiry": expiry,
        "concentration_mg_per_ml": order.concentration_mg_per_ml,
        "route": route.value,
        "site": SITE[route],
        "given_by_id": course.nurse.user_id,
        "checked_by_id": course.prescriber.user_id,
    }
    if route is Route.INTRANASAL_ESKETAMINE:
        return [
            Administration(
                **common,
                dose_mg=Decimal(28),
                device_number=n + 1,
                started_at=session.dose_started_at + dt.timedelta(minutes=5 * n),
                recorded_at=session.dose_started_at + dt.timedelta(minutes=5 * n + 1),
            )
            for n in range(dose.devices or 1)
        ]
    ended = session.recovery_at if route is Route.IV_RACEMIC else None
    return [
        Administration(
            **common,
            dose_mg=order.dose_mg,
            started_at=session.dose_started_at,
            ended_at=ended,
            recorded_at=(ended or session.dose_started_at) + dt.timedelta(minutes=2),
        )
    ]


def _audit(network: Network, session: DosingSession, order: DoseOrder, course: Course) -> None:
    """The order, its check and the discharge (a proportionate share of the console's rows)."""
    patient = course.patient
    assert order.checked_at is not None
    assert session.discharged_at is not None
    for actor, action, obj_type, obj_id, at, detail in (
        (
            course.prescriber,
            Action.CREATE,
            "dosing.doseorder",
            order.pk,
            order.ordered_at,
            {"dose_mg": str(order.dose_mg), "blocks": [], "override": order.override_reason},
        ),
        (
            course.nurse,
            Action.UPDATE,
            "dosing.doseorder",
            order.pk,
            order.checked_at,
            {"checked": True},
        ),
        (
            course.nurse,
            Action.TRANSITION,
            "dosing.dosingsession",
            session.pk,
            session.discharged_at,
            {"from": "recovery", "to": "discharged"},
        ),
    ):
        network.audit(
            actor=actor,
            patient=patient,
            action=action,
            object_type=obj_type,
            object_id=obj_id,
            at=at,
            detail=detail,
        )
