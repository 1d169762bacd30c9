"""A trajectory chart drawn as SVG: every text escaped, every number the same in any
language, the baseline and each dosing session marked."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.utils import formats, translation
from django.utils.html import escape

from kapcare.clinical.instruments import DEFINITIONS
from kapcare.measures.chart_svg import trajectory_svg
from kapcare.measures.charts import Trajectory, trajectory
from kapcare.measures.models import QuestionnaireResponse

ZONE = ZoneInfo("America/Denver")
START = dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC)
HOSTILE = "<script>alert(\"x\")</script> & 'q'"

#: attributes that hold one number each
NUMERIC = re.compile(r'\s(?:x|y|x1|x2|y1|y2|cx|cy|r|dy|width|height)="([^"]*)"')


def _scores(*totals: int, flags: list[str] | None = None) -> list[QuestionnaireResponse]:
    return [
        QuestionnaireResponse(
            instrument="phq9",
            total=total,
            answered_at=START + dt.timedelta(days=7 * index),
            flags=flags or [],
        )
        for index, total in enumerate(totals)
    ]


def _chart(
    *totals: int, doses: list[tuple[dt.datetime, int | None]] | None = None, total: int = 0
) -> Trajectory:
    chart = trajectory(
        DEFINITIONS["phq9"], _scores(*totals), zone=ZONE, doses=doses or [], total=total
    )
    assert chart is not None
    return chart


def _dose_days(*days: float) -> list[tuple[dt.datetime, int | None]]:
    return [(START + dt.timedelta(days=d), n) for n, d in enumerate(days, start=1)]


def _with_first(items: Sequence[Any], **changes: str) -> list[Any]:
    """``items`` with its first element changed, e.g. the baseline point's date."""
    return [dataclasses.replace(items[0], **changes), *items[1:]]


#: (where the text goes, how it gets there): every text the drawing shows
TEXTS: list[tuple[str, Callable[[Trajectory], Trajectory]]] = [
    ("chart key (in ids)", lambda c: dataclasses.replace(c, key=HOSTILE)),
    ("title", lambda c: dataclasses.replace(c, title=HOSTILE)),
    ("description", lambda c: dataclasses.replace(c, description=HOSTILE)),
    ("axis label", lambda c: dataclasses.replace(c, y_label=HOSTILE)),
    ("band label", lambda c: dataclasses.replace(c, bands=_with_first(c.bands, label=HOSTILE))),
    ("score tick", lambda c: dataclasses.replace(c, y_ticks=_with_first(c.y_ticks, label=HOSTILE))),
    ("date tick", lambda c: dataclasses.replace(c, x_ticks=_with_first(c.x_ticks, label=HOSTILE))),
    ("dose label", lambda c: dataclasses.replace(c, doses=_with_first(c.doses, label=HOSTILE))),
    ("dose date", lambda c: dataclasses.replace(c, doses=_with_first(c.doses, when=HOSTILE))),
    ("point date", lambda c: dataclasses.replace(c, points=_with_first(c.points, when=HOSTILE))),
    ("point score", lambda c: dataclasses.replace(c, points=_with_first(c.points, value=HOSTILE))),
    ("point flags", lambda c: dataclasses.replace(c, points=_with_first(c.points, flags=HOSTILE))),
]


@pytest.mark.parametrize(("where", "inject"), TEXTS, ids=[where for where, _ in TEXTS])
def test_every_text_in_the_drawing_is_escaped(
    where: str, inject: Callable[[Trajectory], Trajectory]
) -> None:
    svg = trajectory_svg(inject(_chart(18, 12, 9, doses=_dose_days(1, 8))))
    assert "<script>" not in svg, f"the {where} reached the page as markup"
    assert escape(HOSTILE) in svg
    ET.fromstring(svg)  # still well-formed: nothing broke out of an attribute or element


def test_a_flag_with_markup_in_its_name_is_shown_as_text() -> None:
    responses = _scores(18, 12, flags=["<script>alert(1)</script>"])
    chart = trajectory(DEFINITIONS["phq9"], responses, zone=ZONE)
    assert chart is not None
    svg = chart.svg
    assert "<script>" not in svg
    assert "— &lt;script&gt;alert(1)&lt;/script&gt;</title>" in svg
    # both scores carry the flag: the baseline and the latest are drawn as flagged
    assert svg.count('class="point is-baseline is-flagged"') == 1
    assert svg.count('class="point is-flagged"') == 1


@pytest.mark.parametrize("language", ["en", "de", "fr", "pt-br"])
@override_settings(USE_THOUSAND_SEPARATOR=True)
def test_coordinates_are_never_localized(language: str) -> None:
    chart = _chart(18, 12, 9, 7, doses=_dose_days(1, 4, 8, 15))
    with translation.override(language):
        if language != "en":  # a template would have written "120,0" here
            assert formats.localize(chart.middle) != "120.0"
        svg = trajectory_svg(chart)
    numbers = NUMERIC.findall(svg)
    assert len(numbers) > 40
    assert all(re.fullmatch(r"-?\d+(\.\d)?", n) for n in numbers), numbers
    assert 'viewBox="0 0 640 260"' in svg
    assert 'transform="rotate(-90 12 120.0)"' in svg
    polyline = re.search(r'<polyline class="trend" points="([^"]*)"', svg)
    assert polyline is not None
    assert re.fullmatch(r"\d+\.\d,\d+\.\d( \d+\.\d,\d+\.\d){3}", polyline[1])


@dataclasses.dataclass(frozen=True)
class Drawn:
    points: int
    baseline_line: bool
    dose_lines: int
    dose_labels: list[str]


#: (scores, dosing sessions as days after the first score, what the drawing holds)
MARKERS = [
    ("a single score", [18], [], Drawn(1, False, 0, [])),
    ("two scores", [18, 9], [], Drawn(2, True, 0, [])),
    ("three doses", [18, 12, 9], [1, 4, 8], Drawn(3, True, 3, ["D1", "D2", "D3"])),
    ("a dose after the latest score", [18, 15], [21], Drawn(2, True, 1, ["D1"])),
    # twelve daily doses over twelve weekly scores: lines ~5 px apart, every line, some labels
    ("crowded doses", [20] + [8] * 12, list(range(12)), Drawn(13, True, 12, ["D1", "D6", "D11"])),
]


@pytest.mark.parametrize(
    ("totals", "dose_days", "drawn"),
    [case[1:] for case in MARKERS],
    ids=[case[0] for case in MARKERS],
)
def test_the_baseline_and_each_dose_are_marked(
    totals: list[int], dose_days: list[int], drawn: Drawn
) -> None:
    svg = _chart(*totals, doses=_dose_days(*dose_days)).svg
    assert svg.count("<circle ") == drawn.points
    assert svg.count('<circle class="point is-baseline" ') == 1
    assert svg.count('r="6"') == 1  # the baseline is the larger dot
    assert svg.count("(baseline)</title>") == 1
    assert ('<line class="baseline"' in svg) is drawn.baseline_line
    assert ('dy="-5">Baseline</text>' in svg) is drawn.baseline_line
    assert svg.count('<line class="dose-marker"') == drawn.dose_lines
    assert svg.count("<title>Dosing session, ") == drawn.dose_lines
    labels = re.findall(r'<text class="dose-label"[^>]*>([^<]*)</text>', svg)
    assert labels == drawn.dose_labels


def test_the_drawing_names_itself_for_screen_readers_and_hides_its_shapes() -> None:
    chart = _chart(18, 12, 9, doses=_dose_days(1, 8), total=40)
    root = ET.fromstring(chart.svg)
    assert root.get("role") == "img"
    title, desc, shapes = list(root)
    assert title.tag == "title"
    assert root.get("aria-labelledby") == title.get("id") == "chart-phq9-title"
    assert title.text == "PHQ-9 scores over time"
    assert root.get("aria-describedby") == desc.get("id") == "chart-phq9-desc"
    assert desc.text is not None
    assert desc.text.startswith("Showing the baseline and the latest 2 of 40 scores")
    assert desc.text.endswith(
        " Shaded bands show severity: Minimal (0–4), Mild (5–9), Moderate (10–14),"
        " Moderately severe (15–19), Severe (20–27)."
    )
    assert shapes.get("aria-hidden") == "true"


@pytest.mark.parametrize(
    ("totals", "total", "note"),
    [
        ((20,), 4, "Showing the baseline only; the other 3 scores are not drawn."),
        (
            (20, 15),
            5,
            "Showing the baseline and the latest 1 of 5 scores; the 3 between 2 Mar 2026 "
            "and 9 Mar 2026 are not drawn.",
        ),
        ((20, 15), 2, ""),
    ],
)
def test_the_chart_says_which_scores_it_leaves_out(
    totals: tuple[int, ...], total: int, note: str
) -> None:
    chart = _chart(*totals, total=total)
    assert chart.omitted_note == note
    assert note in chart.description
