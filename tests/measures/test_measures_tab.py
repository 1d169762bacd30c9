"""The chart's Measures tab: every score, a trajectory per instrument, outcome badges."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kapcare.audit.models import AuditEvent
from kapcare.measures import services
from tests.measures.helpers import assign, phq9, phq9_total, staff, submit


def _history(world: Any, totals: list[int], instrument: str = "phq9") -> list[Any]:
    start = timezone.now() - dt.timedelta(weeks=len(totals))
    made = []
    for week, total in enumerate(totals):
        answers = (
            phq9_total(total)
            if instrument == "phq9"
            else {str(i): min(3, max(0, total - 3 * (i - 1))) for i in range(1, 8)}
        )
        made.append(
            submit(world, answers, instrument=instrument, when=start + dt.timedelta(weeks=week))
        )
    return made


def test_the_tab_shows_each_score_a_chart_and_the_change_since_baseline(
    world: Any, client_for: Any
) -> None:
    _history(world, [18, 15, 11, 8])
    _history(world, [14, 12, 9], instrument="gad7")
    page = client_for("therapist").get(reverse("measures:tab", args=[world.jordan.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert 'aria-current="page">Measures<' in text
    assert text.count('<svg viewBox="0 0 640 260" role="img"') == 2
    assert '<title id="chart-phq9-title">PHQ-9 scores over time</title>' in text
    assert "baseline 18, latest 8" in text  # the chart's <desc>
    assert "Moderately severe (15–19)" in text  # the shaded severity bands
    assert 'class="baseline"' in text
    assert "Baseline <strong>18</strong> → latest <strong>8</strong>" in text
    phq9_section = text.split('id="inst-phq9-h"')[1].split('id="inst-gad7-h"')[0]
    assert ">Response<" in phq9_section
    assert ">Meaningful improvement<" in phq9_section
    assert ">Remission<" not in phq9_section  # 8 is not below 5
    assert "Löwe 2004" in phq9_section  # the definition shown with the badge
    assert "[R3]" in phq9_section  # and its source
    assert "Compare item by item" in text
    assert AuditEvent.objects.filter(
        action="view", patient=world.jordan, actor=world.users["therapist"]
    ).exists()


def test_remission_is_not_judged_from_a_low_baseline(world: Any, client_for: Any) -> None:
    _history(world, [8, 3])
    page = client_for("nurse").get(reverse("measures:tab", args=[world.jordan.pk]))
    assert "Remission not judged" in page.content.decode()


def test_the_tab_marks_paper_entries_corrections_and_versions(world: Any, client_for: Any) -> None:
    original = submit(world, phq9(*[1] * 9), by="nurse").response
    services.response_correct(
        actor=staff(world, "nurse"), original=original, answers=phq9(*[2] * 9), reason="misread"
    )
    text = client_for("therapist").get(reverse("measures:tab", args=[world.jordan.pk])).content
    page = text.decode()
    assert "Paper, by Nina Alvarez" in page
    assert ">Corrected<" in page
    assert ">Correction<" in page
    assert "v1.0.0" in page


def test_the_tab_lists_open_questionnaires_and_the_patients_alerts(
    world: Any, client_for: Any
) -> None:
    assign(world, "gad7")
    submit(world, phq9(0, 0, 0, 0, 0, 0, 0, 0, 1))
    page = client_for("therapist").get(reverse("measures:tab", args=[world.jordan.pk])).content
    text = page.decode()
    assert "Questionnaires assigned" in text
    assert "GAD-7</strong> · Once" in text
    assert "Thoughts of death or self-harm" in text
    assert "Acknowledge and close" in text


def test_comparing_two_responses_item_by_item(world: Any, client_for: Any) -> None:
    first = submit(
        world, phq9(3, 3, 2, 2, 2, 1, 1, 1, 0), when=timezone.now() - dt.timedelta(days=28)
    )
    second = submit(world, phq9(1, 1, 2, 1, 0, 1, 0, 0, 0))
    url = reverse("measures:compare", args=[world.jordan.pk])
    page = client_for("therapist").get(
        url, {"first": second.response.pk, "second": first.response.pk}
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Total 15 → 6" in text  # shown oldest first whatever the order asked
    row = re.search(r"Little interest or pleasure in doing things</td>(.*?)</tr>", text, re.S)
    assert row is not None
    assert "3 · Nearly every day" in row.group(1)
    assert "1 · Several days" in row.group(1)
    assert "-2" in row.group(1)


def test_comparing_two_different_questionnaires_is_refused(world: Any, client_for: Any) -> None:
    a = submit(world, phq9(*[0] * 9)).response
    b = submit(world, {str(i): 0 for i in range(1, 8)}, instrument="gad7").response
    url = reverse("measures:compare", args=[world.jordan.pk])
    page = client_for("therapist").get(url, {"first": a.pk, "second": b.pk}, follow=True)
    assert "same questionnaire" in page.content.decode()


def test_one_response_in_detail_shows_every_answer(world: Any, client_for: Any) -> None:
    response = submit(world, phq9(0, 1, 2, 3, 0, 1, 2, 3, 0, difficulty=2)).response
    page = client_for("nurse").get(
        reverse("measures:response", args=[world.jordan.pk, response.pk])
    )
    text = page.content.decode()
    assert "3 · Nearly every day" in text
    assert "2 · Very difficult" in text
    assert "version 1.0.0" in text


def _queries(client: Any, url: str) -> int:
    client.get(url)  # the first request of a session also writes the session: not counted
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_tab_costs_the_same_number_of_queries_for_2_or_40_responses(
    world: Any, client_for: Any
) -> None:
    client = client_for("therapist")
    url = reverse("measures:tab", args=[world.jordan.pk])
    _history(world, [12, 10])
    assign(world, "gad7")
    few = _queries(client, url)
    _history(world, [10 + (i % 8) for i in range(30)])
    _history(world, [9] * 8, instrument="gad7")
    assign(world, "pcl5")
    original = submit(world, phq9(*[1] * 9)).response
    services.response_correct(
        actor=staff(world, "nurse"), original=original, answers=phq9(*[2] * 9), reason="misread"
    )
    many = _queries(client, url)
    assert many == few, f"{few} queries with 2 responses, {many} with 40"


def test_admins_do_not_see_scores(world: Any, client_for: Any) -> None:
    submit(world, phq9(*[1] * 9))
    chart = client_for("admin").get(reverse("patients:chart", args=[world.jordan.pk]))
    assert b">Measures<" not in chart.content
    assert (
        client_for("admin").get(reverse("measures:tab", args=[world.jordan.pk])).status_code == 403
    )
