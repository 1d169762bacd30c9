"""Each patient's standing against the off-track rule, stored when one of its inputs changes.

The worklist lists patients in treatment with enough completed dosing sessions and no
meaningful PHQ-9 improvement since baseline. Judged on read, that looked up the sessions
and the first and latest scores of every patient in treatment (five correlated
subqueries each) on every view, so the page slowed as the clinic grew. Instead those
inputs are stored per patient (``TreatmentProgress``) by the writes that change them:
a response submitted or corrected, a dosing session discharged, a change of the
patient's status (``patients.services``). The worklist then filters stored columns
through an index, without joining the clinic's patients.

Callers that write sessions or responses outside those services (demo and synthetic
data, a bulk import) call ``refresh_progress`` for the patients they touched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from kapcare.measures.models import QuestionnaireResponse, TreatmentProgress
from kapcare.patients.models import Patient, Status

#: the instrument whose change decides "off track": the PHQ-9, the course's primary measure
OFF_TRACK_INSTRUMENT = "phq9"
#: patients recomputed per statement when many are refreshed at once
BATCH = 500
#: statuses in which a patient is having dosing sessions
IN_TREATMENT = (Status.ACTIVE, Status.MAINTENANCE)

_FIELDS = (
    "clinic",
    "completed_sessions",
    "baseline",
    "baseline_at",
    "baseline_total",
    "latest",
    "latest_total",
    "improvement",
    "in_treatment",
    "refreshed_at",
)


def _completed_dosing_sessions() -> Coalesce:
    from kapcare.dosing.models import DosingSession  # dosing builds on measures, not back

    done = (
        DosingSession.objects.filter(patient_id=OuterRef("pk"), state="discharged")
        .order_by()
        .values("patient_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(done, output_field=IntegerField()), 0)


def _score_at(order: tuple[str, ...], column: str) -> Subquery:
    # imported here: selectors imports this module for the off-track instrument
    from kapcare.measures.selectors import current_responses

    current = current_responses(
        QuestionnaireResponse.objects.filter(
            patient_id=OuterRef("pk"), instrument=OFF_TRACK_INSTRUMENT
        )
    )
    return Subquery(current.order_by(*order).values(column)[:1])


def improvement(baseline: float | None, latest: float | None, *, same: bool) -> int | None:
    """Whole points the total fell from baseline to latest; None without a later score.

    A sum's stored total is whole; rounding mirrors ``QuestionnaireResponse.score``.
    """
    if same or baseline is None or latest is None:
        return None
    return round(baseline) - round(latest)


def refresh_progress(patient_ids: Iterable[int]) -> int:
    """Recompute and store the off-track inputs of these patients from their records.

    Three statements per batch whatever each patient's history: lock the patients, read
    their status, sessions and first and latest PHQ-9, upsert. The lock orders two writers of the
    same patient, so the later one reads what the earlier one committed. Returns the
    number of patients refreshed.
    """
    ids = sorted(set(patient_ids))
    now = timezone.now()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        with transaction.atomic():
            _refresh(chunk, now)
    return len(ids)


def _refresh(chunk: list[int], now: dt.datetime) -> None:
    first, last = ("answered_at", "id"), ("-answered_at", "-id")
    list(Patient.objects.select_for_update().filter(pk__in=chunk).values_list("pk"))
    rows = (
        Patient.objects.filter(pk__in=chunk)
        .annotate(
            sessions=_completed_dosing_sessions(),
            first_id=_score_at(first, "id"),
            first_at=_score_at(first, "answered_at"),
            first_total=_score_at(first, "total"),
            last_id=_score_at(last, "id"),
            last_total=_score_at(last, "total"),
        )
        .values(
            "pk",
            "clinic_id",
            "status",
            "sessions",
            "first_id",
            "first_at",
            "first_total",
            "last_id",
            "last_total",
        )
    )
    TreatmentProgress.objects.bulk_create(
        [
            TreatmentProgress(
                patient_id=row["pk"],
                clinic_id=row["clinic_id"],
                completed_sessions=row["sessions"],
                baseline_id=row["first_id"],
                baseline_at=row["first_at"],
                baseline_total=row["first_total"],
                latest_id=row["last_id"],
                latest_total=row["last_total"],
                improvement=improvement(
                    row["first_total"],
                    row["last_total"],
                    same=row["first_id"] == row["last_id"],
                ),
                in_treatment=row["status"] in IN_TREATMENT,
                refreshed_at=now,
            )
            for row in rows
        ],
        update_conflicts=True,
        unique_fields=["patient"],
        update_fields=list(_FIELDS),
    )


def refresh_all_progress() -> int:
    """Refresh every patient: the demo's last seed step, after its direct writes."""
    return refresh_progress(Patient.objects.order_by("pk").values_list("pk", flat=True))
