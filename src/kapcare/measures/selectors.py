"""Reads for questionnaires, scores and alerts.

Each page's read is a fixed handful of queries whatever the number of responses:
the measures tab and the worklist tests assert it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from kapcare.accounts.models import Clinic
from kapcare.clinical.instruments import get_definition
from kapcare.clinical.instruments.model import Scoring
from kapcare.clinical.outcomes import OUTCOME_DEFINITIONS
from kapcare.measures.models import (
    Assignment,
    AssignmentStatus,
    MeasuresSettings,
    QuestionnaireResponse,
    SafetyAlert,
)
from kapcare.measures.scoring import change_since_baseline
from kapcare.patients.models import Patient, Status


def settings_for(clinic: Clinic) -> MeasuresSettings:
    """The clinic's measures settings, or the defaults (unsaved) when it never chose."""
    found = MeasuresSettings.objects.filter(clinic=clinic).first()
    return found if found is not None else MeasuresSettings(clinic=clinic)


def dose_times(patient: Patient) -> list[tuple[dt.datetime, int | None]]:
    """When each of the patient's dosing sessions started its dose, with the dose number.

    Read through the patient's reverse relation so measures needs nothing from the
    dosing app; one query whatever the number of sessions.
    """
    rows = (
        patient.dosing_sessions.filter(dose_started_at__isnull=False)
        .order_by("dose_started_at")
        .values_list("dose_started_at", "appointment__dose_number")
    )
    return [(started, number) for started, number in rows if started is not None]


def _superseded() -> Exists:
    return Exists(QuestionnaireResponse.objects.filter(corrects=OuterRef("pk")))


def current_responses(
    responses: QuerySet[QuestionnaireResponse],
) -> QuerySet[QuestionnaireResponse]:
    """Responses no correction replaced: the ones trajectories and outcomes count."""
    return responses.filter(~_superseded())


def baseline_response(response: QuestionnaireResponse) -> QuestionnaireResponse | None:
    """The patient's first current response to the same instrument, if earlier than ``response``.

    None when ``response`` is itself the baseline (or corrects it).
    """
    earlier = current_responses(
        QuestionnaireResponse.objects.filter(
            patient_id=response.patient_id, instrument=response.instrument
        )
    ).exclude(pk__in=[response.pk, response.corrects_id or 0])
    first = earlier.order_by("answered_at", "id").first()
    if first is None or (first.answered_at, first.pk) > (response.answered_at, response.pk):
        return None
    return first


def responses_of(patient: Patient) -> QuerySet[QuestionnaireResponse]:
    """Every response of the patient, oldest first, each marked ``superseded`` or not."""
    return (
        QuestionnaireResponse.objects.filter(patient=patient, clinic_id=patient.clinic_id)
        .annotate(superseded=_superseded())
        .select_related("entered_by")
        .order_by("answered_at", "id")
    )


def open_assignments_of(patient: Patient) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(
            patient=patient, clinic_id=patient.clinic_id, status=AssignmentStatus.OPEN
        )
        .select_related("created_by")
        .order_by("due_at", "id")
    )


def alerts_of(patient: Patient) -> QuerySet[SafetyAlert]:
    return (
        SafetyAlert.objects.filter(patient=patient, clinic_id=patient.clinic_id)
        .select_related("acknowledged_by", "response")
        .order_by("status", "priority", "-created_at", "id")
    )


def questionnaires_to_do(patient: Patient, now: dt.datetime) -> list[Assignment]:
    """What the patient can fill in now: open, with a due date, and already open to them."""
    return list(
        Assignment.objects.filter(
            patient=patient,
            status=AssignmentStatus.OPEN,
            due_at__isnull=False,
        )
        .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now))
        .select_related("draft")
        .order_by("due_at", "id")
    )


def overdue_assignments(clinic: Clinic, now: dt.datetime) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(clinic=clinic, status=AssignmentStatus.OPEN, due_at__lt=now)
        .select_related("patient")
        .order_by("due_at", "id")
    )


def open_alerts(clinic: Clinic) -> QuerySet[SafetyAlert]:
    return (
        SafetyAlert.objects.filter(clinic=clinic, status="open")
        .select_related("patient", "response")
        .order_by("priority", "created_at", "id")
    )


# Dosing sessions -----------------------------------------------------------------


def dosing_sessions_completed(patient_ids: Iterable[int]) -> dict[int, int]:
    """How many dosing sessions each patient has completed (discharged), in one grouped query."""
    from django.db.models import Count

    from kapcare.dosing.models import DosingSession

    ids = list(patient_ids)
    counts = dict.fromkeys(ids, 0)
    if not ids:
        return counts
    done = (
        DosingSession.objects.filter(patient_id__in=ids, state="discharged")
        .values("patient_id")
        .annotate(n=Count("id"))
        .values_list("patient_id", "n")
    )
    counts.update(dict(done))
    return counts


@dataclass(frozen=True)
class OffTrack:
    patient: Patient
    sessions: int
    instrument: str
    baseline: int | float
    latest: int | float


@dataclass(frozen=True)
class Worklist:
    alerts: list[SafetyAlert]
    overdue: list[Assignment]
    off_track: list[OffTrack]
    off_track_after: int
    checked_patients: int

    @property
    def meaningful_points(self) -> int:
        """The PHQ-9 change that counts as meaningful (the MCID), as the off-track rule uses."""
        return OUTCOME_DEFINITIONS[OFF_TRACK_INSTRUMENT].meaningful_change.points


#: statuses in which a patient is having dosing sessions
IN_TREATMENT = (Status.ACTIVE, Status.MAINTENANCE)
#: the instrument whose change decides "off track": the PHQ-9, the course's primary measure
OFF_TRACK_INSTRUMENT = "phq9"


def off_track_patients(clinic: Clinic, *, after_sessions: int) -> tuple[list[OffTrack], int]:
    """Patients with at least ``after_sessions`` dosing sessions and no meaningful PHQ-9
    improvement since baseline; also returns how many patients in treatment were checked."""
    # Only ids here: loading every patient in treatment as a model grew with the clinic.
    patient_ids = list(
        Patient.objects.filter(clinic=clinic, status__in=IN_TREATMENT)
        .order_by()  # no name sort: the ids only feed a lookup
        .values_list("pk", flat=True)
    )
    sessions = dosing_sessions_completed(patient_ids)
    wanted = [pk for pk in patient_ids if sessions.get(pk, 0) >= after_sessions]
    if not wanted:
        return [], len(patient_ids)

    # Only the first and the latest score matter: read them per patient in SQL (the
    # response index serves both), not every response of every candidate.
    def score_at(order: tuple[str, ...], column: str) -> Any:
        current = current_responses(
            QuestionnaireResponse.objects.filter(
                patient_id=OuterRef("pk"), instrument=OFF_TRACK_INSTRUMENT
            )
        )
        return Subquery(current.order_by(*order).values(column)[:1])

    first, last = ("answered_at", "id"), ("-answered_at", "-id")
    candidates = Patient.objects.filter(pk__in=wanted).annotate(
        first_id=score_at(first, "id"),
        first_at=score_at(first, "answered_at"),
        baseline_total=score_at(first, "total"),
        latest_id=score_at(last, "id"),
        latest_total=score_at(last, "total"),
    )
    definition = get_definition(OFF_TRACK_INSTRUMENT)

    def score(total: float | None) -> int | float | None:
        if total is None or definition.scoring is not Scoring.SUM:
            return total
        return round(total)

    found = []
    ordered = sorted(
        (p for p in candidates if p.first_id is not None and p.first_id != p.latest_id),
        key=lambda p: (p.first_at, p.first_id),
    )
    for patient in ordered:
        baseline, latest = score(patient.baseline_total), score(patient.latest_total)
        if baseline is None or latest is None:
            continue
        change = change_since_baseline(OFF_TRACK_INSTRUMENT, baseline, latest)
        if change is not None and not change.meaningful_improvement:
            found.append(
                OffTrack(
                    patient=patient,
                    sessions=sessions[patient.pk],
                    instrument=OFF_TRACK_INSTRUMENT,
                    baseline=baseline,
                    latest=latest,
                )
            )
    return found, len(patient_ids)


def worklist(clinic: Clinic, now: dt.datetime) -> Worklist:
    """The clinic's "Needs attention" list: alerts, then overdue questionnaires, then off track."""
    after = settings_for(clinic).off_track_after_sessions
    off_track, checked = off_track_patients(clinic, after_sessions=after)
    return Worklist(
        alerts=list(open_alerts(clinic)),
        overdue=list(overdue_assignments(clinic, now)),
        off_track=off_track,
        off_track_after=after,
        checked_patients=checked,
    )
