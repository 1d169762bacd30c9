"""The Intake tab's baseline scores read one row per questionnaire, however long the history.

Each case is checked against the rule read straight off every stored row: per
questionnaire, the earliest current response (by when answered, then by id), where a
corrected response gives way to its correction.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kapcare.clinical.instruments import get_definition
from kapcare.intake.baseline import baseline_scores
from kapcare.measures.models import QuestionnaireResponse
from tests.measures.helpers import page_queries

START = timezone.now() - dt.timedelta(days=900)
#: the instruments with a total, and one without (a check-in stores none)
SCORED = ("phq9", "gad7", "pcl5", "peg")
EVERY = (*SCORED, "daily_checkin")


class History:
    """Responses stored as rows: the reads are under test here, not how answers are scored."""

    def __init__(self, world: Any) -> None:
        self.world = world
        self.count = 0

    def answer(
        self,
        instrument: str,
        day: float,
        total: float | None = -1,
        *,
        patient: Any = None,
        clinic: Any = None,
        corrects: QuestionnaireResponse | None = None,
    ) -> QuestionnaireResponse:
        """A response answered ``day`` days after START; a total made up unless given."""
        self.count += 1
        definition = get_definition(instrument)
        if total == -1:
            total = None if definition.total_range is None else self._total(instrument)
        bands = definition.bands or ()
        patient = patient or self.world.jordan
        when = START + dt.timedelta(days=day)
        return QuestionnaireResponse.objects.create(
            clinic=clinic or patient.clinic,
            patient=patient,
            instrument=instrument,
            definition_version="1",
            answers={},
            total=total,
            band=bands[self.count % len(bands)].key if bands else "",
            entered_by=self.world.users["nurse"],
            answered_at=when,
            submitted_at=when,
            corrects=corrects,
            correction_reason="Misread item 3." if corrects else "",
        )

    def correct(
        self, original: QuestionnaireResponse, total: float | None = -1, *, day: float | None = None
    ) -> QuestionnaireResponse:
        """A correction, answered when the original was (as the service records it) unless
        ``day`` says otherwise."""
        when = (original.answered_at - START).total_seconds() / 86400 if day is None else day
        return self.answer(
            original.instrument,
            when,
            total,
            patient=original.patient,
            clinic=original.clinic,
            corrects=original,
        )

    def _total(self, instrument: str) -> float:
        if instrument == "peg":  # a mean: whole and half points
            return (self.count % 21) / 2
        low, high = get_definition(instrument).total_range or (0, 0)
        return float(low + (self.count * 7) % (high - low + 1))


def several_instruments(h: History) -> None:
    for day in range(40):
        h.answer(EVERY[day % len(EVERY)], day)


def first_corrected(h: History) -> None:
    first = h.answer("phq9", 0, 20)
    h.answer("phq9", 5, 12)
    h.correct(first, 18)
    gad = h.answer("gad7", 1, 15)
    h.answer("gad7", 6, 9)
    h.correct(gad, 14)


def latest_corrected(h: History) -> None:
    h.answer("phq9", 0, 20)
    latest = h.answer("phq9", 9, 10)
    h.correct(latest, 11)
    h.answer("peg", 2, 6.5)
    peg = h.answer("peg", 8, 3.0)
    h.correct(peg, 4.5)


def only_response_corrected_twice(h: History) -> None:
    only = h.answer("phq9", 3, 20)
    again = h.correct(only, 19)
    h.correct(again, 21)
    h.answer("gad7", 4, 10)


def correction_answered_at_another_time(h: History) -> None:
    first = h.answer("phq9", 5, 20)
    h.answer("phq9", 8, 15)
    h.correct(first, 17, day=10)  # the correction is now the latest, the baseline moves
    latest = h.answer("gad7", 9, 12)
    h.answer("gad7", 4, 14)
    h.correct(latest, 11, day=1)  # the correction is now the earliest


def entered_out_of_order(h: History) -> None:
    h.answer("phq9", 10, 15)
    h.answer("phq9", 20, 9)
    h.answer("phq9", 3, 22)  # a paper form answered before the first: the new baseline
    h.answer("phq9", 15, 11)  # answered between: the latest stays
    h.answer("gad7", 12, 8)
    h.answer("gad7", 2, 16)


def answered_at_the_same_moment(h: History) -> None:
    h.answer("phq9", 5, 14)
    h.answer("phq9", 5, 16)
    h.answer("gad7", 5, 3)
    h.answer("gad7", 5, 7)


def missing_totals(h: History) -> None:
    h.answer("phq9", 0, None)
    h.answer("phq9", 3, 17)
    h.answer("phq9", 6, 12)
    h.answer("phq9", 9, None)
    h.answer("daily_checkin", 1)


def other_patients_and_clinics(h: History) -> None:
    world = h.world
    h.answer("phq9", 5, 14)
    h.answer("phq9", 9, 6)
    h.answer("phq9", 0, 25, patient=world.sam)
    h.answer("phq9", 12, 2, patient=world.sam)
    h.answer("phq9", 1, 24, clinic=world.harbor)
    h.answer("phq9", 13, 1, clinic=world.harbor)
    h.answer("gad7", 2, 12, patient=world.sam)


def long_and_tangled(h: History) -> None:
    """Years of answers to every instrument, entered out of order, some corrected."""
    rng = random.Random(5)
    stored: list[QuestionnaireResponse] = []
    for _ in range(120):
        stored.append(h.answer(rng.choice(EVERY), rng.randrange(0, 800) + rng.random()))
    for original in rng.sample(stored, 25):
        correction = h.correct(original)
        if rng.random() < 0.3:
            h.correct(correction)
    current = current_in_order(h.world.jordan)
    for instrument in SCORED:  # correct the first and the latest of each, too
        mine = [r for r in current if r.instrument == instrument]
        h.correct(mine[0])
        h.correct(mine[-1])


def nothing_answered(h: History) -> None:
    pass


CASES: list[Callable[[History], None]] = [
    several_instruments,
    first_corrected,
    latest_corrected,
    only_response_corrected_twice,
    correction_answered_at_another_time,
    entered_out_of_order,
    answered_at_the_same_moment,
    missing_totals,
    other_patients_and_clinics,
    long_and_tangled,
    nothing_answered,
]


def current_in_order(patient: Any) -> list[QuestionnaireResponse]:
    """The patient's responses no correction replaced, by when answered, from every row."""
    rows = list(QuestionnaireResponse.objects.all())
    corrected = {r.corrects_id for r in rows if r.corrects_id is not None}
    mine = [
        r
        for r in rows
        if r.patient_id == patient.pk and r.clinic_id == patient.clinic_id and r.pk not in corrected
    ]
    return sorted(mine, key=lambda r: (r.answered_at, r.pk))


def expected_baselines(patient: Any) -> list[dict[str, Any]]:
    first: dict[str, QuestionnaireResponse] = {}
    for response in current_in_order(patient):
        first.setdefault(response.instrument, response)
    return [
        {
            "instrument": get_definition(key).title,
            "total": response.total,
            "band": response.band_label,
            "answered_at": response.answered_at,
        }
        for key, response in first.items()
    ]


@contextmanager
def responses_built() -> Iterator[list[QuestionnaireResponse]]:
    """Every response instance made while inside: the rows a read fetched."""
    built: list[QuestionnaireResponse] = []

    def seen(sender: Any, instance: QuestionnaireResponse, **kwargs: Any) -> None:
        built.append(instance)

    post_init.connect(seen, sender=QuestionnaireResponse)
    try:
        yield built
    finally:
        post_init.disconnect(seen, sender=QuestionnaireResponse)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__)
def test_the_baselines_are_the_first_current_response_of_each_questionnaire(
    world: Any, case: Callable[[History], None]
) -> None:
    case(History(world))
    expected = expected_baselines(world.jordan)
    with responses_built() as built:
        found = baseline_scores(world.jordan)
    assert found == expected
    assert len(built) == len(expected)  # only the baselines were fetched


def _answer_each(h: History, per_instrument: int, *, start: int) -> None:
    for n in range(per_instrument):
        for instrument in EVERY:
            h.answer(instrument, start + n)


def test_the_rows_read_do_not_grow_with_the_history(world: Any) -> None:
    h = History(world)
    reads = []
    for per_instrument, start in ((2, 0), (40, 100)):
        _answer_each(h, per_instrument, start=start)
        first_of_the_history = h.answer("phq9", -start - 1, 27)  # still the earliest, yet corrected
        h.correct(first_of_the_history, 26)
        with CaptureQueriesContext(connection) as queries, responses_built() as built:
            found = baseline_scores(world.jordan)
        assert found == expected_baselines(world.jordan)
        assert found[0]["total"] == 26
        (read,) = queries.captured_queries
        assert "ROW_NUMBER() OVER" in read["sql"].upper()
        reads.append(len(built))
    assert reads == [len(EVERY), len(EVERY)]


def test_the_intake_tab_costs_the_same_queries_with_2_and_with_40_responses(
    world: Any, client_for: Any
) -> None:
    h = History(world)
    prescriber = client_for("prescriber")
    url = reverse("intake:review", args=[world.jordan.pk])
    baseline = h.answer("phq9", 0, 21)
    h.answer("gad7", 1, 13)
    small = page_queries(prescriber, url)
    h.correct(baseline, 22)
    for day in range(38):
        h.answer(("phq9", "gad7")[day % 2], 2 + day)
    assert page_queries(prescriber, url) == small
    text = prescriber.get(url).content.decode()
    assert "PHQ-9" in text or "Patient Health Questionnaire" in text
    assert ">22 · " in text  # the corrected baseline, not the original 21
