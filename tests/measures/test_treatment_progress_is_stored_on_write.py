"""Each patient's off-track inputs are stored by the writes that change them.

The worklist reads ``TreatmentProgress`` rows instead of every patient's history, so
these tests hold the stored row to what the records say after each kind of write, and
the migration that fills it in for existing records to the same answer.
"""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kapcare.measures import services
from kapcare.measures.models import TreatmentProgress
from kapcare.measures.progress import improvement, refresh_progress
from kapcare.patients import services as patient_services
from kapcare.patients.models import Patient
from tests.measures.helpers import dosed_sessions, phq9_total, staff, submit

_numbers = itertools.count()
COLUMNS = (
    "completed_sessions",
    "baseline_id",
    "baseline_at",
    "baseline_total",
    "latest_id",
    "latest_total",
    "improvement",
    "in_treatment",
)


def _ago(weeks: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(weeks=weeks)


def _stored(patient: Any) -> dict[str, Any]:
    return TreatmentProgress.objects.filter(patient=patient).values(*COLUMNS).get()


def test_a_submitted_phq9_is_stored_as_baseline_then_latest(world: Any) -> None:
    first = submit(world, phq9_total(20), when=_ago(6)).response
    assert _stored(world.jordan) | {"baseline_at": None} == {
        "completed_sessions": 0,
        "baseline_id": first.pk,
        "baseline_at": None,
        "baseline_total": 20,
        "latest_id": first.pk,
        "latest_total": 20,
        "improvement": None,  # one score: no change to judge
        "in_treatment": True,  # Jordan is active
    }
    later = submit(world, phq9_total(16)).response
    stored = _stored(world.jordan)
    assert (stored["latest_id"], stored["improvement"]) == (later.pk, 4)


def test_another_instrument_leaves_the_stored_progress_alone(world: Any) -> None:
    submit(world, {str(i): 1 for i in range(1, 8)}, instrument="gad7")
    assert not TreatmentProgress.objects.filter(patient=world.jordan).exists()


def test_a_corrected_baseline_is_replaced_by_its_correction(world: Any) -> None:
    baseline = submit(world, phq9_total(20), when=_ago(6)).response
    submit(world, phq9_total(18))
    assert _stored(world.jordan)["improvement"] == 2
    corrected = services.response_correct(
        actor=staff(world, "nurse"), original=baseline, answers=phq9_total(23), reason="misread"
    ).response
    stored = _stored(world.jordan)
    assert (stored["baseline_id"], stored["baseline_total"]) == (corrected.pk, 23)
    assert stored["improvement"] == 5


def test_a_late_entered_paper_form_becomes_the_baseline_by_when_it_was_answered(
    world: Any,
) -> None:
    submit(world, phq9_total(15), when=_ago(2))
    submit(world, phq9_total(14))
    paper = submit(world, phq9_total(21), when=_ago(9), by="nurse").response
    stored = _stored(world.jordan)
    assert (stored["baseline_id"], stored["improvement"]) == (paper.pk, 7)


def test_the_migration_fills_in_what_the_writes_store(world: Any) -> None:
    dosed_sessions(world, 30, 23, 16)
    baseline = submit(world, phq9_total(19), when=_ago(5)).response
    submit(world, phq9_total(17))
    services.response_correct(
        actor=staff(world, "nurse"), original=baseline, answers=phq9_total(20), reason="misread"
    )
    submit(world, phq9_total(22), patient=world.sam, by="nurse")
    refresh_progress([world.sam.pk, world.jordan.pk])
    written = {row["patient_id"]: row for row in TreatmentProgress.objects.values()}
    TreatmentProgress.objects.all().delete()

    for name in ("0003_treatment_progress", "0004_progress_in_treatment"):
        importlib.import_module(f"kapcare.measures.migrations.{name}").fill_in(apps, None)

    filled = {row["patient_id"]: row for row in TreatmentProgress.objects.values()}
    assert set(filled) >= set(written)  # every patient gets a row, scores or not
    for patient_id, row in written.items():
        assert {c: filled[patient_id][c] for c in COLUMNS} == {c: row[c] for c in COLUMNS}
    assert written[world.jordan.pk]["completed_sessions"] == 3
    assert written[world.jordan.pk]["improvement"] == 3  # 20 (corrected) -> 17
    assert (written[world.jordan.pk]["in_treatment"], written[world.sam.pk]["in_treatment"]) == (
        True,  # active
        False,  # screening
    )


def test_a_change_of_status_is_stored_with_the_progress(world: Any) -> None:
    """The worklist reads "in treatment" from the stored row, so each transition refreshes it."""
    submit(world, phq9_total(20), when=_ago(6))
    assert _stored(world.jordan)["in_treatment"] is True
    patient_services.move_to_maintenance(actor=staff(world, "prescriber"), patient=world.jordan)
    assert _stored(world.jordan)["in_treatment"] is True
    patient_services.complete_course(actor=staff(world, "prescriber"), patient=world.jordan)
    assert _stored(world.jordan)["in_treatment"] is False
    patient_services.begin_screening(actor=staff(world, "prescriber"), patient=world.jordan)
    assert _stored(world.jordan)["in_treatment"] is False


def test_a_patient_entering_treatment_gets_a_row_before_any_score(world: Any) -> None:
    for transition in ("mark_eligible", "start_treatment"):  # Sam is in screening
        getattr(patient_services, transition)(actor=staff(world, "prescriber"), patient=world.sam)
    assert _stored(world.sam) == {
        "completed_sessions": 0,
        "baseline_id": None,
        "baseline_at": None,
        "baseline_total": None,
        "latest_id": None,
        "latest_total": None,
        "improvement": None,
        "in_treatment": True,
    }


@pytest.mark.parametrize(
    ("baseline", "latest", "same", "expected"),
    [
        (20, 15, False, 5),
        (20.0, 22.0, False, -2),
        (20, 20, True, None),  # the baseline is the latest: nothing to compare
        (None, 12, False, None),
        (12, None, False, None),
    ],
)
def test_improvement_is_whole_points_down_from_baseline(
    baseline: float | None, latest: float | None, same: bool, expected: int | None
) -> None:
    assert improvement(baseline, latest, same=same) == expected


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    scores=st.lists(
        st.tuples(st.integers(0, 27), st.integers(0, 60)),
        min_size=1,
        max_size=6,
        unique_by=lambda s: s[1],
    )
)
def test_the_stored_row_matches_the_records_in_any_order_of_entry(
    world: Any, scores: list[tuple[int, int]]
) -> None:
    """Scores entered in any order (paper forms arrive late): baseline is the earliest
    answered, latest the last answered, whatever order they were submitted in."""
    patient = Patient.objects.create(
        clinic=world.cedar,
        mrn=f"KC-8{next(_numbers):03d}",
        given_name="Ordered",
        family_name="Tester",
        date_of_birth=dt.date(1980, 1, 1),
        status="active",
    )
    for total, days_ago in scores:
        answers = phq9_total(total, item9=max(0, total - 24))  # items 1-8 reach 24 at most
        submit(world, answers, patient=patient, by="nurse", when=_ago(days_ago / 7))
    by_time = sorted(scores, key=lambda s: -s[1])  # most days ago first
    stored = _stored(patient)
    assert stored["baseline_total"] == by_time[0][0]
    assert stored["latest_total"] == by_time[-1][0]
    expected = None if len(scores) == 1 else by_time[0][0] - by_time[-1][0]
    assert stored["improvement"] == expected
