"""Synthetic courses of treatment: a signed plan and dosing appointments per patient.

Part of ``kapcare seed`` (see ``kapcare.demo.synthetic``). Every patient who has started
a course (active, maintenance, completed, discontinued) gets a signed plan made from a
packaged template, induction sessions spaced as that template spaces them, and for
maintenance patients sessions every 2 to 6 weeks after. Active and maintenance patients
also have future sessions booked. The courses are handed on in
``network.shared["courses"]`` for the dosing and measures generators.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from kapcare.accounts.models import Membership
from kapcare.audit.models import Action
from kapcare.clinical.plans import PlanTemplate, load_templates
from kapcare.demo.synthetic import EPOCH, Network, bulk_insert
from kapcare.patients.models import Patient
from kapcare.treatment.models import Appointment, AppointmentStatus, PlanStatus, TreatmentPlanRecord
from kapcare.treatment.plan_data import plan_to_json

#: how often each packaged template is chosen (weights, not sourced figures)
TEMPLATE_WEIGHTS = (
    ("iv_racemic_induction", 40),
    ("esketamine_label_induction", 20),
    ("im_kap_titration", 15),
    ("sublingual_kap", 25),
)
#: how patients respond over a course (weights, not sourced figures)
ARCHETYPE_WEIGHTS = (
    ("responder", 35),
    ("remitter", 25),
    ("non_responder", 32),
    ("worsening", 8),
)
#: days from first dose back to EPOCH, by journey stage: (fewest, most)
FIRST_DOSE_DAYS_AGO = {
    "active": (1, 56),
    "maintenance": (60, 730),
    "completed": (90, 1095),
    "discontinued": (30, 730),
}
#: local start times of dosing sessions
SESSION_TIMES = (dt.time(9, 0), dt.time(11, 0), dt.time(13, 30))
SESSION_LENGTH = dt.timedelta(hours=3)


@dataclass
class Course:
    """One patient's course, as later generators need it."""

    patient: Patient
    template: PlanTemplate
    archetype: str
    prescriber: Membership
    therapist: Membership
    nurse: Membership
    #: (dose number, start, appointment id) of sessions that took place
    given: list[tuple[int, dt.datetime, int]] = field(default_factory=list)
    #: (dose number, start, appointment id) of sessions booked after EPOCH
    booked: list[tuple[int, dt.datetime, int]] = field(default_factory=list)
    plan_id: int | None = None
    #: the first and last day the patient answers questionnaires for this course
    starts: dt.datetime = EPOCH
    ends: dt.datetime = EPOCH

    @property
    def route(self) -> str:
        return self.template.route.value


@cache
def _templates() -> dict[str, tuple[PlanTemplate, dict[str, Any]]]:
    return {
        key: (template, plan_to_json(template.plan)) for key, template in load_templates().items()
    }


def _induction_gap(template_id: str, dose_number: int, rng: random.Random) -> int:
    """Days to the next induction session, as the template spaces them."""
    if template_id == "iv_racemic_induction":
        return rng.choice((2, 2, 3, 3, 4))
    if template_id == "esketamine_label_induction":
        return rng.choice((3, 4)) if dose_number < 8 else 7
    if template_id == "im_kap_titration":
        return rng.randint(7, 9)
    return rng.randint(7, 10)


def _at(day: dt.date, zone: ZoneInfo, rng: random.Random) -> dt.datetime:
    while day.weekday() >= 5:  # clinics dose on weekdays
        day += dt.timedelta(days=1)
    local = dt.datetime.combine(day, rng.choice(SESSION_TIMES), tzinfo=zone)
    return local.astimezone(dt.UTC)


def _schedule(
    status: str, template: PlanTemplate, first: dt.date, zone: ZoneInfo, rng: random.Random
) -> tuple[list[dt.datetime], list[dt.datetime]]:
    """(past, future) session starts for a course beginning on ``first``."""
    induction = template.plan.induction.sessions
    if status == "discontinued":
        planned = rng.randint(1, max(1, induction - 1))
    elif status == "completed":
        planned = induction + rng.choice((0, 0, 1, 2, 3, 4))
    else:
        planned = 10_000  # until EPOCH, and a little beyond
    starts: list[dt.datetime] = []
    day = first
    while len(starts) < planned:
        start = _at(day, zone, rng)
        starts.append(start)
        number = len(starts)
        gap = (
            _induction_gap(template.id, number, rng) if number < induction else rng.randint(14, 42)
        )
        day = start.date() + dt.timedelta(days=gap)
        if start > EPOCH and (status != "active" or len(starts) - _past(starts) >= 3):
            break
    past = [s for s in starts if s <= EPOCH]
    future = [s for s in starts if s > EPOCH] if status in ("active", "maintenance") else []
    return past, future


def _past(starts: list[dt.datetime]) -> int:
    return sum(1 for s in starts if s <= EPOCH)


def plan_courses(network: Network, rng: random.Random) -> list[Course]:
    """Decide every course (no database writes)."""
    keys = [k for k, _ in TEMPLATE_WEIGHTS]
    template_weights = [w for _, w in TEMPLATE_WEIGHTS]
    archetypes = [a for a, _ in ARCHETYPE_WEIGHTS]
    archetype_weights = [w for _, w in ARCHETYPE_WEIGHTS]
    zones = {c.pk: ZoneInfo(c.time_zone) for c in network.clinics}
    courses = []
    for patient in network.patients:
        if patient.status not in FIRST_DOSE_DAYS_AGO:
            continue
        template = _templates()[rng.choices(keys, template_weights)[0]][0]
        prescriber, therapist, nurse = network.shared["team"][patient.pk]
        course = Course(
            patient=patient,
            template=template,
            archetype=rng.choices(archetypes, archetype_weights)[0],
            prescriber=prescriber,
            therapist=therapist,
            nurse=nurse,
        )
        low, high = FIRST_DOSE_DAYS_AGO[patient.status]
        first = max(
            (EPOCH - dt.timedelta(days=rng.randint(low, high))).date(),
            (patient.created_at + dt.timedelta(days=21)).date(),
        )
        past, future = _schedule(patient.status, template, first, zones[patient.clinic_id], rng)
        if not past and patient.status != "active":
            past = [_at((EPOCH - dt.timedelta(days=7)).date(), zones[patient.clinic_id], rng)]
        course.given = [(n, start, 0) for n, start in enumerate(past, 1)]
        course.booked = [(n, start, 0) for n, start in enumerate(future, len(past) + 1)]
        course.starts = (past[0] if past else EPOCH) - dt.timedelta(days=rng.randint(7, 14))
        if patient.status in ("completed", "discontinued") and past:
            course.ends = min(EPOCH, past[-1] + dt.timedelta(days=rng.randint(7, 28)))
        courses.append(course)
    return courses


def generate(network: Network, rng: random.Random, say: Callable[[str], None]) -> None:
    courses = plan_courses(network, rng)
    templates = _templates()
    plans = []
    for course in courses:
        template, content = templates[course.template.id]
        created = course.starts - dt.timedelta(days=rng.randint(1, 5))
        plans.append(
            TreatmentPlanRecord(
                clinic_id=course.patient.clinic_id,
                patient=course.patient,
                version=1,
                status=PlanStatus.SIGNED,
                route=template.route.value,
                indication="Depression",
                template_id=template.id,
                template_version=template.version,
                content=content,
                created_by_id=course.prescriber.user_id,
                created_at=created,
                signed_by_id=course.prescriber.user_id,
                signed_at=created + dt.timedelta(hours=rng.randint(1, 30)),
            )
        )
    bulk_insert(TreatmentPlanRecord, plans)
    appointments, booking_rows = [], []
    for course, plan in zip(courses, plans, strict=True):
        course.plan_id = plan.pk
        signed_at = plan.signed_at
        assert signed_at is not None
        for action, at in ((Action.CREATE, plan.created_at), (Action.TRANSITION, signed_at)):
            network.audit(
                actor=course.prescriber,
                patient=course.patient,
                action=action,
                object_type="treatment.treatmentplanrecord",
                object_id=plan.pk,
                at=at,
                detail={"status": "signed"} if action == Action.TRANSITION else {"version": 1},
            )
        for number, start, _ in course.given + course.booked:
            booked_at = min(start - dt.timedelta(days=rng.randint(2, 21)), EPOCH)
            appointments.append(
                Appointment(
                    clinic_id=course.patient.clinic_id,
                    patient=course.patient,
                    plan=plan,
                    kind="dosing",
                    dose_number=number,
                    staff=course.nurse,
                    start=start,
                    end=start + SESSION_LENGTH,
                    status=(
                        AppointmentStatus.COMPLETED if start <= EPOCH else AppointmentStatus.BOOKED
                    ),
                    created_by_id=course.nurse.user_id,
                    created_at=max(booked_at, signed_at),
                )
            )
            network.audit(
                actor=course.nurse,
                patient=course.patient,
                action=Action.CREATE,
                object_type="treatment.appointment",
                object_id="",  # filled below once the row has its id
                at=appointments[-1].created_at,
                detail={"kind": "dosing", "dose_number": number},
            )
            booking_rows.append(network.audit_rows[-1])
    bulk_insert(Appointment, appointments)
    for row, appointment in zip(booking_rows, appointments, strict=True):
        row["object_id"] = str(appointment.pk)
    made = iter(appointments)
    for course in courses:
        course.given = [(n, start, next(made).pk) for n, start, _ in course.given]
        course.booked = [(n, start, next(made).pk) for n, start, _ in course.booked]
    network.shared["courses"] = courses
    say(f"{len(plans)} signed plans, {len(appointments)} dosing appointments")
