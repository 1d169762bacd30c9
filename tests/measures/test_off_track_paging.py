"""The worklist's "Off track" section: judged in SQL, one page at a time, the exact total shown."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from kapcare.audit.models import AuditEvent
from kapcare.clinical.outcomes import OUTCOME_DEFINITIONS
from kapcare.measures.models import MeasuresSettings
from kapcare.measures.scoring import change_since_baseline
from kapcare.measures.selectors import (
    OFF_TRACK_INSTRUMENT,
    OFF_TRACK_PAGE_SIZE,
    off_track_patients,
    smallest_meaningful_improvement,
)
from kapcare.patients.models import Patient
from tests.measures.helpers import dosed_sessions, page_queries, phq9_total, submit

URL = "measures:worklist"


def _patients(world: Any, count: int, *, first: int = 0) -> list[Any]:
    """Patients in active treatment named Offtrack000, Offtrack001… from ``first``."""
    return Patient.objects.bulk_create(
        Patient(
            clinic=world.cedar,
            mrn=f"KC-7{n:03d}",
            given_name=f"Offtrack{n:03d}",
            family_name="Tester",
            date_of_birth=dt.date(1980, 1, 1),
            status="active",
        )
        for n in range(first, first + count)
    )


def _phq9(total: int) -> dict[str, int]:
    return phq9_total(total, item9=max(0, total - 24))  # items 1–8 reach 24 at most


def _scores(world: Any, patient: Any, baseline: int, latest: int, *, weeks_ago: float) -> None:
    submit(world, _phq9(baseline), patient=patient, by="nurse", when=_ago(weeks_ago))
    submit(world, _phq9(latest), patient=patient, by="nurse", when=_ago(1))


def _ago(weeks: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(weeks=weeks)


def _off_track(world: Any, count: int) -> list[Any]:
    """``count`` patients, each one dosing session in and no better: baselines a week apart,
    the first made the longest ago."""
    MeasuresSettings.objects.create(clinic=world.cedar, off_track_after_sessions=1)
    patients = _patients(world, count)
    for n, patient in enumerate(patients):
        dosed_sessions(world, 14, patient=patient)
        _scores(world, patient, 18, 17, weeks_ago=100 - n)
    return patients


def test_the_sql_threshold_is_read_from_the_pure_rule() -> None:
    threshold = smallest_meaningful_improvement(OFF_TRACK_INSTRUMENT)
    assert threshold == OUTCOME_DEFINITIONS[OFF_TRACK_INSTRUMENT].meaningful_change.points
    below = change_since_baseline(OFF_TRACK_INSTRUMENT, 20, 20 - threshold + 1)
    at = change_since_baseline(OFF_TRACK_INSTRUMENT, 20, 20 - threshold)
    assert below is not None and not below.meaningful_improvement
    assert at is not None and at.meaningful_improvement


def test_an_instrument_without_whole_totals_cannot_be_judged_in_sql() -> None:
    with pytest.raises(ValueError, match="instrument: 'peg' has no whole-number total"):
        smallest_meaningful_improvement("peg")


def test_the_sql_filter_and_the_pure_rule_agree_at_and_around_the_threshold(world: Any) -> None:
    threshold = smallest_meaningful_improvement(OFF_TRACK_INSTRUMENT)
    drops = [-3, -1, 0, 1, threshold - 2, threshold - 1, threshold, threshold + 1, threshold + 3]
    pairs = [
        (baseline, baseline - drop)
        for baseline in (threshold, 14, 27)
        for drop in drops
        if 0 <= baseline - drop <= 27
    ]
    patients = _patients(world, len(pairs))
    expected = set()
    for n, (patient, (baseline, latest)) in enumerate(zip(patients, pairs, strict=True)):
        _scores(world, patient, baseline, latest, weeks_ago=60 - n)
        change = change_since_baseline(OFF_TRACK_INSTRUMENT, baseline, latest)
        assert change is not None
        if not change.meaningful_improvement:
            expected.add((patient.pk, baseline, latest))
    # the sessions rule is proved elsewhere: here every patient has enough
    found = off_track_patients(world.cedar, after_sessions=0, per_page=len(pairs))
    assert {(o.patient.pk, o.baseline, o.latest) for o in found.rows} == expected
    assert found.total == len(expected)
    judged_off_track = {latest - baseline for _, baseline, latest in expected}
    assert -(threshold - 1) in judged_off_track  # one point short of meaningful: listed
    assert -threshold not in judged_off_track  # exactly meaningful: not listed


def test_a_single_score_or_none_is_never_off_track(world: Any) -> None:
    one, _never_answered = _patients(world, 2)
    submit(world, phq9_total(20), patient=one, by="nurse")
    found = off_track_patients(world.cedar, after_sessions=0)
    assert found.rows == [] and found.total == 0
    assert found.checked_patients == 3  # with Jordan: all three patients in treatment


def test_a_corrected_latest_score_is_judged_by_its_correction(world: Any) -> None:
    from kapcare.measures import services
    from tests.measures.helpers import staff

    submit(world, phq9_total(18), when=_ago(8))
    latest = submit(world, phq9_total(17)).response
    assert off_track_patients(world.cedar, after_sessions=0).total == 1
    services.response_correct(
        actor=staff(world, "nurse"), original=latest, answers=phq9_total(9), reason="misread"
    )
    assert off_track_patients(world.cedar, after_sessions=0).total == 0


def _names(text: str) -> list[str]:
    section = text.split('id="wl-track-h"')[1]
    return re.findall(r"(Offtrack\d{3}) Tester</a>", section)


def test_a_long_list_shows_one_page_and_the_exact_total(world: Any, client_for: Any) -> None:
    count = OFF_TRACK_PAGE_SIZE + 5
    _off_track(world, count)
    client = client_for("therapist")
    page = client.get(reverse(URL))
    text = page.content.decode()
    assert page.status_code == 200
    assert f"Off track ({count})" in text
    assert _names(text) == [f"Offtrack{n:03d}" for n in range(OFF_TRACK_PAGE_SIZE)]
    assert f"1–{OFF_TRACK_PAGE_SIZE} of {count}, earliest baseline first" in text
    assert 'href="?off_track_page=2#wl-track-h">Next →' in text
    assert "← Previous" not in text

    second = client.get(reverse(URL), {"off_track_page": 2}).content.decode()
    assert f"Off track ({count})" in second
    assert _names(second) == [f"Offtrack{n:03d}" for n in range(OFF_TRACK_PAGE_SIZE, count)]
    assert 'href="?off_track_page=1#wl-track-h">← Previous' in second
    assert "Next →" not in second
    listed = AuditEvent.objects.filter(object_type="measures.worklist").order_by("-id").first()
    assert listed is not None
    assert listed.detail["off_track_page"] == 2
    assert len(listed.detail["off_track"]) == 5  # the patients shown, not the whole list


@pytest.mark.parametrize("asked", ["abc", "0", "-2", "1.5"])
def test_a_page_that_is_not_a_number_shows_page_1_and_says_why(
    world: Any, client_for: Any, asked: str
) -> None:
    _off_track(world, 2)
    page = client_for("therapist").get(reverse(URL), {"off_track_page": asked})
    text = page.content.decode()
    assert page.status_code == 200
    assert f"off_track_page: “{asked}” is not a page number; page 1 is shown." in text
    assert _names(text) == ["Offtrack000", "Offtrack001"]


def test_a_page_past_the_end_shows_the_last_page_and_says_so(world: Any, client_for: Any) -> None:
    _off_track(world, OFF_TRACK_PAGE_SIZE + 1)
    page = client_for("therapist").get(reverse(URL), {"off_track_page": 7})
    text = page.content.decode()
    assert page.status_code == 200
    assert "There is no page 7; page 2, the last, is shown." in text
    assert _names(text) == [f"Offtrack{OFF_TRACK_PAGE_SIZE:03d}"]


def test_a_long_off_track_list_costs_the_same_queries_as_a_short_one(
    world: Any, client_for: Any
) -> None:
    client = client_for("therapist")
    _off_track(world, 1)
    few = page_queries(client, reverse(URL))
    more = _patients(world, OFF_TRACK_PAGE_SIZE + 10, first=1)
    for n, patient in enumerate(more):
        dosed_sessions(world, 14, patient=patient)
        _scores(world, patient, 20, 19, weeks_ago=50 - n / 2)
    many = page_queries(client, reverse(URL))
    page = client.get(reverse(URL)).content.decode()
    assert f"Off track ({OFF_TRACK_PAGE_SIZE + 11})" in page
    assert many == few, f"{few} queries for 1 patient off track, {many} for 36"


@pytest.mark.skipif(
    "sqlite" not in __import__("django.conf").conf.settings.DATABASES["default"]["ENGINE"],
    reason="SQLite's planner: PostgreSQL reads a bare boolean as an equality by itself",
)
def test_on_sqlite_the_page_walks_the_partial_index_in_order(world: Any) -> None:
    """Django writes ``in_treatment=True`` as the bare column, which SQLite cannot use as
    an index equality: with the flag inside the index the page sorted every off-track
    patient of the clinic on each view. The partial index gives the order itself."""
    from django.db import connection

    from kapcare.measures.models import TreatmentProgress

    # a clinic as the planner sees it after ANALYZE (kapcare maintain, and every seed):
    # many patients in treatment, a third of them off track
    start = timezone.now() - dt.timedelta(days=400)
    TreatmentProgress.objects.bulk_create(
        TreatmentProgress(
            patient=patient,
            clinic=world.cedar,
            in_treatment=n % 5 != 0,
            completed_sessions=n % 9,
            baseline_at=start + dt.timedelta(hours=n),
            improvement=n % 15 - 3,
        )
        for n, patient in enumerate(_patients(world, 600))
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    page = (
        TreatmentProgress.objects.filter(
            clinic=world.cedar, in_treatment=True, completed_sessions__gte=4, improvement__lt=5
        )
        .select_related("patient")
        .order_by("baseline_at", "baseline_id")[:25]
    )
    plan = page.explain()
    assert "progress_baseline_idx" in plan
    assert "TEMP B-TREE" not in plan
