"""The Reassessment page reads the first and the latest score of each outcome questionnaire
and nothing else, however long the history.

Each case is checked against the rule read straight off every stored row: per
instrument with outcome definitions, the earliest and the latest current response with
a total (by when answered, then by id), where a corrected response gives way to its
correction. The histories are the Intake tab's cases.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kapcare.clinical.outcomes import OUTCOME_DEFINITIONS
from kapcare.clinical.reassessment import Scores
from kapcare.treatment.models import TreatmentPlanRecord
from kapcare.treatment.reassessment import scores_of
from tests.dosing.conftest import signed_plan
from tests.intake.test_baseline_reads_are_bounded import (
    CASES,
    EVERY,
    History,
    current_in_order,
    responses_built,
)
from tests.measures.helpers import page_queries


def expected_scores(patient: Any) -> list[Scores]:
    first: dict[str, float] = {}
    latest: dict[str, float] = {}
    for response in current_in_order(patient):
        if response.total is None or response.instrument not in OUTCOME_DEFINITIONS:
            continue
        total = int(response.total) if float(response.total).is_integer() else response.total
        first.setdefault(response.instrument, total)
        latest[response.instrument] = total
    return [Scores(name, first[name], latest[name]) for name in first]


def exactly(scores: list[Scores]) -> list[tuple[str, str, str]]:
    """Scores with their types: 12 and 12.0 are shown differently."""
    return [(s.instrument, repr(s.baseline), repr(s.current)) for s in scores]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__)
def test_the_scores_are_the_first_and_latest_current_totals(
    world: Any, case: Callable[[History], None]
) -> None:
    case(History(world))
    expected = expected_scores(world.jordan)
    with responses_built() as built:
        found = scores_of(world.jordan)
    assert exactly(found) == exactly(expected)
    assert len(built) <= 2 * len(expected)  # the two ends of each instrument, no more


def test_the_rows_read_do_not_grow_with_the_history(world: Any) -> None:
    h = History(world)
    reads = []
    for per_instrument, start in ((2, 0), (40, 100)):
        for n in range(per_instrument):
            for instrument in EVERY:
                h.answer(instrument, start + n)
        latest = h.answer("phq9", start + per_instrument + 1, 3)
        h.correct(latest, 4)
        with CaptureQueriesContext(connection) as queries, responses_built() as built:
            found = scores_of(world.jordan)
        assert exactly(found) == exactly(expected_scores(world.jordan))
        assert found[0].current == 4
        (read,) = queries.captured_queries
        assert "ROW_NUMBER() OVER" in read["sql"].upper()
        reads.append(len(built))
    scored = len([key for key in EVERY if key in OUTCOME_DEFINITIONS])
    assert reads == [2 * scored, 2 * scored]


@pytest.fixture
def jordan_with_a_plan(world: Any) -> TreatmentPlanRecord:
    return signed_plan(world, world.jordan)


def test_the_page_costs_the_same_queries_with_2_and_with_40_responses(
    jordan_with_a_plan: Any, world: Any, client_for: Any
) -> None:
    h = History(world)
    prescriber = client_for("prescriber")
    url = reverse("treatment:reassessment", args=[world.jordan.pk])
    h.answer("phq9", 0, 20)
    h.answer("gad7", 1, 15)
    small = page_queries(prescriber, url)
    for day in range(37):
        h.answer(("phq9", "gad7")[day % 2], 2 + day, 12)
    latest = h.answer("phq9", 50, 9)
    h.correct(latest, 8)
    assert page_queries(prescriber, url) == small
    shown = prescriber.get(url).context["review"]
    assert exactly(shown.scores) == exactly([Scores("phq9", 20, 8), Scores("gad7", 15, 12)])
