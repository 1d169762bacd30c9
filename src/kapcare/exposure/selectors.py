"""Reading a patient's exposure: the doses given, the course, the clinic's settings, the checks.

A course is the time since the patient's journey last entered active treatment
(the ``start_treatment`` transition, which signing the first plan of a course
makes). Plan versions cannot mark a course: every new draft supersedes the
signed plan, so one lineage runs through every course a patient ever had, and a
move to maintenance and back is the same course. A new course starts only after
a new eligibility decision (completed or discontinued, then screened again).
Without a recorded transition (records made before journeys were tracked), the
first signing of any of the patient's plans starts the course.

Every dose given counts, including the partial doses of an aborted session.
The page costs the same few queries whatever the number of doses or checks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone

from kapcare.clinical.exposure import (
    BladderCheckDue,
    Dose,
    Exposure,
    ExposureLimits,
    SessionExposure,
    bladder_check_due,
    summarise_exposure,
)
from kapcare.dosing.models import Administration
from kapcare.exposure.models import BladderCheck, ExposureSettings
from kapcare.patients.models import Patient, StatusChange
from kapcare.treatment.models import TreatmentPlanRecord

#: bladder checks listed on the chart (the newest first)
CHECKS_SHOWN = 20


def settings_for(clinic_id: int) -> ExposureSettings:
    """The clinic's settings, or an unsaved empty row (every warning off) when it never chose."""
    found = ExposureSettings.objects.filter(clinic_id=clinic_id).select_related("confirmed_by")
    return found.first() or ExposureSettings(clinic_id=clinic_id)


def limits_of(chosen: ExposureSettings) -> ExposureLimits:
    return ExposureLimits(
        week_mg=chosen.week_mg_limit,
        month_mg=chosen.month_mg_limit,
        course_mg=chosen.course_mg_limit,
        session_mg_per_kg=chosen.session_mg_per_kg_notice,
    )


def course_start(patient: Patient) -> dt.datetime | None:
    """When the patient's current (or last) course began; ``None`` when none has."""
    entered: dt.datetime | None = (
        StatusChange.objects.filter(patient=patient, transition="start_treatment")
        .order_by("-changed_at", "-pk")
        .values_list("changed_at", flat=True)
        .first()
    )
    if entered is not None:
        return entered
    signed: dt.datetime | None = (
        TreatmentPlanRecord.objects.filter(patient=patient, signed_at__isnull=False)
        .order_by("signed_at")
        .values_list("signed_at", flat=True)
        .first()
    )
    return signed


def doses_of(patient: Patient) -> list[Dose]:
    """Every administration of the patient, with its session's route and weight."""
    given = (
        Administration.objects.filter(session__patient=patient)
        .select_related("session")
        .only("dose_mg", "started_at", "session__id", "session__route", "session__weight_kg")
        .order_by("started_at", "pk")
    )
    return [
        Dose(
            session=a.session_id,
            given_at=a.started_at,
            mg=a.dose_mg,
            weight_kg=a.session.weight_kg,
            route=a.session.route,
        )
        for a in given
    ]


@dataclass(frozen=True)
class SessionRow:
    exposure: SessionExposure
    route_label: str
    aborted: bool


@dataclass(frozen=True)
class ExposureView:
    """What the chart tab, the console summary and the API show."""

    exposure: Exposure
    settings: ExposureSettings
    due: BladderCheckDue
    checks: list[BladderCheck]
    to_review: list[BladderCheck]
    rows: list[SessionRow]
    tz: ZoneInfo

    @property
    def warnings_off(self) -> bool:
        s = self.settings
        return all(
            v is None
            for v in (
                s.week_mg_limit,
                s.month_mg_limit,
                s.course_mg_limit,
                s.session_mg_per_kg_notice,
            )
        )


def exposure_summary(patient: Patient, now: dt.datetime | None = None) -> ExposureView:
    """The patient's exposure, the clinic's warnings and the bladder check: a few queries."""
    from kapcare.clinical.routes import ROUTE_LABELS, Route
    from kapcare.dosing.models import DosingSession

    now = now or timezone.now()
    tz = ZoneInfo(patient.clinic.time_zone)
    chosen = settings_for(patient.clinic_id)
    start = course_start(patient)
    doses = doses_of(patient)
    exposure = summarise_exposure(
        doses, now=now, tz=tz, course_start=start, limits=limits_of(chosen)
    )
    checks = list(
        BladderCheck.objects.filter(patient=patient)
        .select_related("recorded_by", "review__reviewed_by")
        .order_by("-checked_at", "-pk")[:CHECKS_SHOWN]
    )
    last = (
        BladderCheck.objects.filter(patient=patient)
        .order_by("-checked_at")
        .values_list("checked_at", flat=True)
        .first()
    )
    aborted = set(
        DosingSession.objects.filter(patient=patient, state="aborted").values_list("pk", flat=True)
    )
    due = bladder_check_due(
        course_start=start,
        last_check=last,
        session_starts=[s.started_at for s in exposure.sessions if s.in_course],
        every_weeks=chosen.bladder_check_every_weeks,
        every_sessions=chosen.bladder_check_every_sessions,
        now=now,
        tz=tz,
    )
    rows = [
        SessionRow(
            s,
            ROUTE_LABELS[Route(s.route)] if s.route in set(Route) else s.route,
            s.session in aborted,
        )
        for s in exposure.sessions
    ]
    return ExposureView(
        exposure=exposure,
        settings=chosen,
        due=due,
        checks=checks,
        to_review=_to_review(patient),
        rows=rows,
        tz=tz,
    )


def _to_review(patient: Patient) -> list[BladderCheck]:
    """Checks with symptoms that no prescriber has reviewed yet, the oldest first."""
    return list(
        BladderCheck.objects.filter(patient=patient, needs_review=True, review__isnull=True)
        .select_related("recorded_by")
        .order_by("checked_at", "pk")
    )
