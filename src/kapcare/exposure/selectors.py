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

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from kapcare.accounts.models import Clinic
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


#: the join that reads a clinic's settings with a row that has a ``clinic`` (see ``read_with``)
WITH_SETTINGS = "clinic__exposure_settings__confirmed_by"


def read_with(clinic: Clinic) -> ExposureSettings | None:
    """The clinic's settings if they were read with it (``WITH_SETTINGS``); else None."""
    if not Clinic.exposure_settings.is_cached(clinic):
        return None
    found = getattr(clinic, "exposure_settings", None)
    return found if found is not None else ExposureSettings(clinic_id=clinic.pk)


def limits_of(chosen: ExposureSettings) -> ExposureLimits:
    return ExposureLimits(
        week_mg=chosen.week_mg_limit,
        month_mg=chosen.month_mg_limit,
        course_mg=chosen.course_mg_limit,
        session_mg_per_kg=chosen.session_mg_per_kg_notice,
    )


def course_start(patient: Patient) -> dt.datetime | None:
    """When the patient's current (or last) course began; ``None`` when none has.

    The latest ``start_treatment`` transition, else the first signing: one query either way.
    """
    entered = (
        StatusChange.objects.filter(patient=OuterRef("pk"), transition="start_treatment")
        .order_by("-changed_at", "-pk")
        .values("changed_at")[:1]
    )
    signed = (
        TreatmentPlanRecord.objects.filter(patient=OuterRef("pk"), signed_at__isnull=False)
        .order_by("signed_at")
        .values("signed_at")[:1]
    )
    start: dt.datetime | None = (
        Patient.objects.filter(pk=patient.pk)
        .annotate(start=Coalesce(Subquery(entered), Subquery(signed)))
        .values_list("start", flat=True)
        .first()
    )
    return start


def _administrations(patient: Patient) -> list[Administration]:
    """Every administration of the patient with its session's route, weight and state."""
    return list(
        Administration.objects.filter(session__patient=patient)
        .select_related("session")
        .only(
            "dose_mg",
            "started_at",
            "session__id",
            "session__route",
            "session__weight_kg",
            "session__state",
        )
        .order_by("started_at", "pk")
    )


def doses_of(patient: Patient, given: list[Administration] | None = None) -> list[Dose]:
    """Every administration of the patient, with its session's route and weight."""
    if given is None:
        given = _administrations(patient)
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


def exposure_summary(
    patient: Patient, now: dt.datetime | None = None, chosen: ExposureSettings | None = None
) -> ExposureView:
    """The patient's exposure, the clinic's warnings and the bladder check: a few queries.

    ``chosen`` is the clinic's settings when the caller has read them already.
    """
    from kapcare.clinical.routes import ROUTE_LABELS, Route

    now = now or timezone.now()
    tz = ZoneInfo(patient.clinic.time_zone)
    if chosen is None:
        chosen = settings_for(patient.clinic_id)
    start = course_start(patient)
    given = _administrations(patient)
    doses = doses_of(patient, given)
    exposure = summarise_exposure(
        doses, now=now, tz=tz, course_start=start, limits=limits_of(chosen)
    )
    checks = list(
        BladderCheck.objects.filter(patient=patient)
        .select_related("recorded_by", "review__reviewed_by")
        .order_by("-checked_at", "-pk")[:CHECKS_SHOWN]
    )
    last = checks[0].checked_at if checks else None  # the newest check comes first
    # only sessions with a dose become rows: their state came with the doses
    aborted = {a.session_id for a in given if a.session.state == "aborted"}
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
