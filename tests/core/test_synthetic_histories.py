"""The synthetic generator builds clinical histories: the same ones for the same seed,
scored and assessed by the same pure rules the services use."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections import defaultdict
from typing import Any

import pytest
from django.db import models, transaction

from kapcare.audit.verify import verify_all
from kapcare.clinical.instruments import score
from kapcare.controlled.models import LedgerEntry, StockCount, StockLot
from kapcare.demo.synthetic import EPOCH, generate
from kapcare.dosing.models import Administration, DoseOrder, DosingSession, VitalsReading
from kapcare.integration.models import IntegrationNote, JournalEntry
from kapcare.measures.models import Assignment, QuestionnaireResponse, SafetyAlert
from kapcare.measures.synthetic import ACKNOWLEDGED_AFTER
from kapcare.treatment.models import Appointment, TreatmentPlanRecord

NEW_TABLES = (
    TreatmentPlanRecord,
    Appointment,
    DosingSession,
    DoseOrder,
    Administration,
    VitalsReading,
    QuestionnaireResponse,
    SafetyAlert,
    Assignment,
    JournalEntry,
    IntegrationNote,
    StockLot,
    StockCount,
    LedgerEntry,
)


class _Undo(Exception):
    """Raised to roll a build back after its rows were read."""


def _snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the new tables in id order, ids replaced by their place in their table.

    Ids differ between builds (a PostgreSQL sequence is not rolled back), their order
    does not.
    """

    def offset(model: type[models.Model]) -> int:
        return model.objects.aggregate(low=models.Min("pk"))["low"] or 0

    rows = {}
    for model in NEW_TABLES:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        shifts = {f.attname: offset(f.related_model) for f in fields if f.is_relation}
        rows[model.__name__] = [
            tuple(
                value - shifts[f.attname] if f.attname in shifts and value is not None else value
                for f, value in zip(fields, row, strict=True)
            )
            for row in model.objects.order_by("pk").values_list(*[f.attname for f in fields])
        ]
    return rows


def _build(seed: int) -> dict[str, list[tuple[Any, ...]]]:
    snapshot: dict[str, list[tuple[Any, ...]]] = {}
    with contextlib.suppress(_Undo), transaction.atomic():
        generate(patients=40, clinics=2, seed=seed)
        snapshot = _snapshot()
        raise _Undo
    return snapshot


@pytest.mark.django_db
def test_the_same_seed_builds_the_same_clinical_rows() -> None:
    first, second = _build(3), _build(3)
    assert all(first[model.__name__] for model in NEW_TABLES)
    assert first == second
    assert _build(4) != first


@pytest.fixture
def network(db: Any) -> Any:
    return generate(patients=40, clinics=2, seed=3)


def test_every_archetype_is_present_and_follows_its_trajectory(network: Any) -> None:
    courses = network.shared["courses"]
    assert {c.archetype for c in courses} == {
        "responder",
        "remitter",
        "non_responder",
        "worsening",
    }
    phq9: dict[int, list[float]] = defaultdict(list)
    for patient_id, total in (
        QuestionnaireResponse.objects.filter(instrument="phq9")
        .order_by("answered_at", "pk")
        .values_list("patient_id", "total")
    ):
        phq9[patient_id].append(total)
    for course in courses:
        totals = phq9[course.patient.pk]
        if course.ends - course.given[0][1] < dt.timedelta(days=120) if course.given else True:
            continue  # too short a course to have reached its level
        last = sum(totals[-3:]) / 3
        if course.archetype == "remitter":
            assert last < 5
        elif course.archetype == "responder":
            assert last <= totals[0] / 2 + 1
        elif course.archetype == "worsening":
            assert last > totals[0]


def test_vitals_are_taken_every_15_minutes_from_before_the_dose_to_discharge(
    network: Any,
) -> None:
    taken: dict[int, list[dt.datetime]] = defaultdict(list)
    for session_id, at in VitalsReading.objects.order_by("taken_at").values_list(
        "session_id", "taken_at"
    ):
        taken[session_id].append(at)
    sessions = DosingSession.objects.all()
    assert sessions.exists()
    assert sessions.exclude(state="discharged").count() == 0
    for session in sessions:
        times = taken[session.pk]
        assert len(times) == 9
        assert {b - a for a, b in itertools.pairwise(times)} == {dt.timedelta(minutes=15)}
        assert times[0] < session.dose_started_at < times[-1] < session.discharged_at
    assert VitalsReading.objects.exclude(findings=[]).exists()


def test_every_response_scores_as_the_pure_scorer_says(network: Any) -> None:
    checked = 0
    for response in QuestionnaireResponse.objects.filter(
        instrument__in=("phq9", "gad7", "pcl5", "peg")
    ):
        result = score(response.instrument, response.answers)
        assert response.total == result.total
        assert response.band == (result.band or "")
        assert response.flags == sorted(result.flags)
        assert response.definition_version == result.version
        checked += 1
    assert checked > 40 * 20


def test_item_9_answers_raise_high_priority_alerts(network: Any) -> None:
    flagged = [
        r
        for r in QuestionnaireResponse.objects.filter(instrument="phq9")
        if "suicidal_ideation" in r.flags
    ]
    assert flagged
    for response in flagged:
        assert response.alerts.filter(kind="suicidal_ideation", priority=1).count() == 1
    assert SafetyAlert.objects.filter(status="acknowledged").exists()
    # only alerts of the last two days before EPOCH may still be waiting
    recent = EPOCH - ACKNOWLEDGED_AFTER
    assert not SafetyAlert.objects.filter(status="open", created_at__lt=recent).exists()


def test_the_generated_audit_chains_verify(network: Any) -> None:
    checked, breaks = verify_all()
    assert breaks == []
    assert checked == len(network.audit_rows)
