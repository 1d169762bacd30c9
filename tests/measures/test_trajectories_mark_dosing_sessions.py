"""Trajectory charts mark each dosing session, so a score change reads against the doses."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from kapcare.clinical.instruments import DEFINITIONS
from kapcare.measures.charts import trajectory
from kapcare.measures.models import QuestionnaireResponse
from tests.measures.helpers import dosed_sessions, phq9_total, submit

ZONE = ZoneInfo("America/New_York")
START = dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC)


def _scores(*totals: int, days_apart: int = 7) -> list[QuestionnaireResponse]:
    return [
        QuestionnaireResponse(
            instrument="phq9",
            total=total,
            answered_at=START + dt.timedelta(days=days_apart * index),
            flags=[],
        )
        for index, total in enumerate(totals)
    ]


def test_each_dose_is_a_vertical_line_within_the_plot() -> None:
    doses = [(START + dt.timedelta(days=d), n) for n, d in ((1, 1), (2, 4), (3, 8))]
    chart = trajectory(DEFINITIONS["phq9"], _scores(18, 12, 9), zone=ZONE, doses=doses)
    assert chart is not None
    assert [m.when for m in chart.doses] == ["3 Mar 2026", "6 Mar 2026", "10 Mar 2026"]
    xs = [m.x for m in chart.doses]
    assert xs == sorted(xs)
    assert all(chart.left < x < chart.right for x in xs)
    assert "Vertical lines mark 3 dosing sessions from 3 Mar 2026 to 10 Mar 2026." in (
        chart.description
    )


def test_labels_are_dropped_where_they_would_overlap_but_every_line_stays() -> None:
    # twelve doses on consecutive days over a 12-week span: lines ~5 px apart
    doses = [(START + dt.timedelta(days=d), d + 1) for d in range(12)]
    chart = trajectory(DEFINITIONS["phq9"], _scores(20, 8, days_apart=84), zone=ZONE, doses=doses)
    assert chart is not None
    assert len(chart.doses) == 12
    labelled = [m for m in chart.doses if m.label]
    assert labelled[0].label == "D1"
    assert 1 < len(labelled) < 12
    gaps = [b.x - a.x for a, b in itertools.pairwise(labelled)]
    assert min(gaps) >= 22


def test_doses_after_the_latest_score_widen_the_time_axis() -> None:
    scores = _scores(18, 15)
    later = START + dt.timedelta(days=21)
    chart = trajectory(DEFINITIONS["phq9"], scores, zone=ZONE, doses=[(later, 4)])
    assert chart is not None
    assert chart.doses[0].x == chart.right  # the last moment on the axis
    assert chart.points[-1].x < chart.right


def test_a_chart_without_doses_has_no_markers_or_legend() -> None:
    chart = trajectory(DEFINITIONS["phq9"], _scores(18, 15), zone=ZONE)
    assert chart is not None
    assert chart.doses == []
    assert "Vertical lines" not in chart.description


def test_the_measures_tab_draws_the_patients_dosing_sessions(world: Any, client_for: Any) -> None:
    start = timezone.now() - dt.timedelta(days=28)
    for week, total in enumerate([18, 14, 9]):
        submit(world, phq9_total(total), when=start + dt.timedelta(days=10 * week))
    dosed_sessions(world, 27, 20, 13)
    page = client_for("therapist").get(reverse("measures:tab", args=[world.jordan.pk]))
    text = page.content.decode()
    assert text.count('class="dose-marker"') == 3
    assert ">D1<" in text
    assert "Dosing sessions (3)" in text
    assert "Vertical lines mark 3 dosing sessions" in text


def test_the_patients_progress_page_shows_the_same_markers(world: Any, client_for: Any) -> None:
    from kapcare.measures.models import MeasuresSettings

    MeasuresSettings.objects.update_or_create(
        clinic=world.cedar, defaults={"patients_see_progress": True}
    )
    start = timezone.now() - dt.timedelta(days=28)
    for week, total in enumerate([18, 9]):
        submit(world, phq9_total(total), when=start + dt.timedelta(days=14 * week))
    dosed_sessions(world, 20)
    page = client_for("patient").get(reverse("measures:progress"))
    assert page.content.decode().count('class="dose-marker"') == 1
