"""A long questionnaire history costs the measures pages no more than a short one.

The charts draw the baseline and the latest scores and say when others are left out;
the Measures tab lists the responses a page at a time, newest first.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kapcare.clinical.instruments import get_definition
from kapcare.measures import services
from kapcare.measures.models import MeasuresSettings, QuestionnaireResponse
from kapcare.measures.scoring import score_answers
from kapcare.measures.selectors import CHART_POINTS, HISTORY_PAGE_SIZE, bounded_history
from tests.measures.helpers import phq9_total, staff, submit

#: the first score of the long history: the baseline every chart must keep
BASELINE = 23
START = timezone.now() - dt.timedelta(weeks=210)


def _weekly_phq9(world: Any, count: int, *, skip: int = 0) -> list[QuestionnaireResponse]:
    """``count`` weekly PHQ-9 responses of Jordan, the first (unless skipped) of ``BASELINE``.

    Stored in one statement: the pages read them, so how they were submitted is beside
    the point, and two hundred submissions would only slow the test.
    """
    definition = get_definition("phq9")
    rows = []
    for week in range(skip, skip + count):
        total = BASELINE if week == 0 else 6 + week % 12
        scored = score_answers(definition, phq9_total(total), pcl5_cutoff=33)
        when = START + dt.timedelta(weeks=week)
        rows.append(
            QuestionnaireResponse(
                clinic=world.cedar,
                patient=world.jordan,
                instrument="phq9",
                definition_version=scored.version,
                answers=scored.answers,
                total=scored.total,
                band=scored.band,
                flags=scored.flags,
                entered_by=world.users["nurse"],
                entered_on_behalf=True,
                answered_at=when,
                submitted_at=when,
            )
        )
    return QuestionnaireResponse.objects.bulk_create(rows)


def _section(text: str, key: str = "phq9") -> str:
    return text.split(f'id="inst-{key}-h"')[1].split("</section>")[0]


def _tab(client: Any, world: Any, **params: Any) -> str:
    page = client.get(reverse("measures:tab", args=[world.jordan.pk]), params)
    assert page.status_code == 200
    return page.content.decode()


def test_a_long_history_draws_the_baseline_and_the_latest_scores_and_says_so(
    world: Any, client_for: Any
) -> None:
    _weekly_phq9(world, 200)
    phq = _section(_tab(client_for("therapist"), world))
    assert phq.count('<circle class="point') == CHART_POINTS + 1
    assert phq.count("is-baseline") == 1
    assert "(baseline)</title>" in phq
    assert "Baseline <strong>23</strong>" in phq
    omitted = 200 - CHART_POINTS - 1
    note = (
        f"Showing the baseline and the latest {CHART_POINTS} of 200 scores; the {omitted} between"
    )
    assert phq.count(note) == 2  # the chart's description and its visible caption
    assert "are not drawn." in phq


def test_the_line_does_not_bridge_the_scores_left_out(world: Any) -> None:
    from zoneinfo import ZoneInfo

    from kapcare.measures.charts import trajectory

    _weekly_phq9(world, 80)
    history = bounded_history(world.jordan)["phq9"]
    assert len(history.charted) == CHART_POINTS + 1
    assert history.current_count == 80
    assert history.charted[0].total == BASELINE
    chart = trajectory(get_definition("phq9"), history.charted, zone=ZoneInfo("UTC"), total=80)
    assert chart is not None
    baseline = chart.points[0]
    assert baseline.is_baseline
    assert f"{baseline.x},{baseline.y}" not in chart.line.split()
    assert len(chart.line.split()) == CHART_POINTS


def test_a_short_history_is_drawn_whole_without_a_note(world: Any, client_for: Any) -> None:
    _weekly_phq9(world, CHART_POINTS + 1)
    phq = _section(_tab(client_for("therapist"), world))
    assert phq.count('<circle class="point') == CHART_POINTS + 1
    assert "not drawn" not in phq
    assert f"{CHART_POINTS + 1} scores from" in phq


def _listed(section: str) -> list[int]:
    """The responses in the section's table, in the order shown (by their "Answers" links)."""
    return [int(pk) for pk in re.findall(r'/measures/responses/(\d+)/">Answers<', section)]


def test_the_tab_lists_responses_newest_first_a_page_at_a_time(world: Any, client_for: Any) -> None:
    made = _weekly_phq9(world, 25)
    newest_first = [r.pk for r in reversed(made)]
    client = client_for("therapist")

    first = _section(_tab(client, world))
    assert _listed(first) == newest_first[:HISTORY_PAGE_SIZE]
    assert f"1–{HISTORY_PAGE_SIZE} of 25 responses, newest first" in first
    assert 'href="?phq9_page=2#inst-phq9-h">Older →' in first
    assert "← Newer" not in first
    assert '<span class="badge">Baseline</span>' not in first  # it is on the last page

    last = _section(_tab(client, world, phq9_page=3))
    assert _listed(last) == newest_first[2 * HISTORY_PAGE_SIZE :]
    assert 'href="?phq9_page=2#inst-phq9-h">← Newer' in last
    assert "Older →" not in last
    assert last.count('<span class="badge">Baseline</span>') == 1
    assert '<circle class="point' in last  # the chart is the same on every page


def test_the_compare_form_offers_the_page_and_the_baseline(world: Any, client_for: Any) -> None:
    made = _weekly_phq9(world, 25)
    phq = _section(_tab(client_for("therapist"), world))
    form = phq.split('name="first"')[1].split("</select>")[0]
    offered = re.findall(r'<option value="(\d+)"', form)
    assert offered[0] == str(made[0].pk)  # the baseline, chosen by default
    assert f'<option value="{made[0].pk}" selected>' in form
    assert offered[1:] == [str(r.pk) for r in made[-HISTORY_PAGE_SIZE:]]
    second = phq.split('name="second"')[1].split("</select>")[0]
    assert f'<option value="{made[-1].pk}" selected>' in second  # the latest


def test_each_instruments_list_pages_on_its_own(world: Any, client_for: Any) -> None:
    _weekly_phq9(world, 15)
    start = timezone.now() - dt.timedelta(weeks=20)
    for week in range(12):
        submit(
            world,
            {str(i): 1 for i in range(1, 8)},
            instrument="gad7",
            when=start + dt.timedelta(weeks=week),
        )
    text = _tab(client_for("therapist"), world, phq9_page=2)
    assert "11–15 of 15 responses" in _section(text)
    gad = _section(text, "gad7")
    assert f"1–{HISTORY_PAGE_SIZE} of 12 responses" in gad
    assert 'href="?phq9_page=2&amp;gad7_page=2#inst-gad7-h">Older →' in gad
    # links carry the page each list really shows, never a page number that was refused
    past_the_end = _section(_tab(client_for("therapist"), world, phq9_page=9), "gad7")
    assert 'href="?phq9_page=2&amp;gad7_page=2#inst-gad7-h">Older →' in past_the_end
    not_a_number = _section(_tab(client_for("therapist"), world, phq9_page="x"), "gad7")
    assert 'href="?gad7_page=2#inst-gad7-h">Older →' in not_a_number


@pytest.mark.parametrize("asked", ["abc", "0", "-1"])
def test_a_page_that_is_not_a_number_shows_the_newest_and_says_why(
    world: Any, client_for: Any, asked: str
) -> None:
    _weekly_phq9(world, 15)
    phq = _section(_tab(client_for("therapist"), world, phq9_page=asked))
    assert f"phq9_page: “{asked}” is not a page number; page 1 is shown." in phq
    assert f"1–{HISTORY_PAGE_SIZE} of 15 responses" in phq


def test_a_page_past_the_end_shows_the_oldest_and_says_so(world: Any, client_for: Any) -> None:
    _weekly_phq9(world, 15)
    phq = _section(_tab(client_for("therapist"), world, phq9_page=99999999999))
    assert "PHQ-9 answers: there is no page" in phq
    assert "page 2, the last, is shown." in phq
    assert "11–15 of 15 responses" in phq
    assert '<span class="badge">Baseline</span>' in phq


def test_corrections_stay_listed_and_only_current_scores_are_drawn(
    world: Any, client_for: Any
) -> None:
    original = submit(world, phq9_total(20), when=timezone.now() - dt.timedelta(weeks=3)).response
    services.response_correct(
        actor=staff(world, "nurse"), original=original, answers=phq9_total(19), reason="misread"
    )
    submit(world, phq9_total(12))
    phq = _section(_tab(client_for("therapist"), world))
    assert len(_listed(phq)) == 3
    assert ">Corrected<" in phq and ">Correction<" in phq
    assert phq.count('<circle class="point') == 2
    assert "Baseline <strong>19</strong> → latest <strong>12</strong>" in phq


def _queries(client: Any, url: str) -> int:
    client.get(url)  # the first request of a session also writes the session: not counted
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_tab_costs_the_same_queries_for_5_or_200_responses(world: Any, client_for: Any) -> None:
    client = client_for("therapist")
    url = reverse("measures:tab", args=[world.jordan.pk])
    _weekly_phq9(world, 5)
    few = _queries(client, url)
    _weekly_phq9(world, 195, skip=5)
    many = _queries(client, url)
    older = _queries(client, f"{url}?phq9_page=7")
    assert many == few == older, f"{few} queries for 5 responses, {many} for 200"
    assert _section(client.get(url).content.decode()).count('<circle class="point') == (
        CHART_POINTS + 1
    )


def test_the_progress_page_draws_the_same_bounded_chart(world: Any, client_for: Any) -> None:
    MeasuresSettings.objects.create(clinic=world.cedar, patients_see_progress=True)
    _weekly_phq9(world, 200)
    page = client_for("patient").get(reverse("measures:progress"))
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count('<circle class="point') == CHART_POINTS + 1
    assert f"Showing the baseline and the latest {CHART_POINTS} of 200 scores" in text
    assert "Your score went from <strong>23</strong>" in text
