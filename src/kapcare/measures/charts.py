"""Trajectory charts as geometry for a server-rendered SVG.

The chart is drawn on the server so that it reads without JavaScript and prints
the same in a PDF. This module only computes positions; ``chart_svg`` draws them
(``Trajectory.svg``), with a <title> and a <desc> as the text alternative, and the
template ``measures/_trajectory.html`` places the drawing and its legend.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.safestring import SafeString

from kapcare.clinical.instruments import InstrumentDefinition
from kapcare.measures.chart_svg import trajectory_svg
from kapcare.measures.models import QuestionnaireResponse

WIDTH = 640
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 44, 156, 14, 34  # margins: y labels left, band names right


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: str
    when: str
    is_baseline: bool
    flags: str  # the response's flags in words ("Item 9 above 0"), "" when none


@dataclass(frozen=True)
class BandArea:
    y: float
    height: float
    label: str
    label_y: float
    tone: int  # 0 (mildest) … 4 (most severe): a CSS class picks the shade


@dataclass(frozen=True)
class DoseMarker:
    """A dosing session drawn as a vertical line, so a change in score can be read against it."""

    x: float
    label: str  # "D3" above the line, "" when it would crowd the previous label
    when: str


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Trajectory:
    key: str
    title: str
    description: str
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    points: list[Point]
    line: str
    bands: list[BandArea]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    baseline_y: float | None
    y_label: str
    doses: list[DoseMarker]
    #: says so when scores between the baseline and the latest ones are not drawn
    omitted_note: str = ""

    @property
    def plot_width(self) -> int:
        return self.right - self.left

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def svg(self) -> SafeString:
        """The drawing as markup, escaped, for a template to place as it is."""
        return trajectory_svg(self)


def trajectory(
    definition: InstrumentDefinition,
    responses: Sequence[QuestionnaireResponse],
    *,
    zone: ZoneInfo,
    doses: Sequence[tuple[dt.datetime, int | None]] = (),
    total: int | None = None,
) -> Trajectory | None:
    """Geometry of the score over time; None when the instrument has no total or no scores.

    ``responses`` may be the baseline and only the latest of ``total`` scores: the scores
    between are then not drawn, the line does not bridge the gap, and the description
    says so. ``doses`` are the patient's dosing sessions (when the dose started, dose
    number): the time axis covers them too, so sessions after the latest score still show.
    """
    scored = [r for r in responses if r.score is not None]
    if definition.total_range is None or not scored:
        return None
    omitted = max(0, (total or 0) - len(scored))
    low, high = definition.total_range
    plot_right = WIDTH - RIGHT
    plot_bottom = HEIGHT - BOTTOM

    def y_of(value: float) -> float:
        return round(plot_bottom - (value - low) / (high - low) * (plot_bottom - TOP), 1)

    moments = [scored[0].answered_at, scored[-1].answered_at, *(when for when, _ in doses)]
    start, end = min(moments), max(moments)
    span = (end - start).total_seconds()

    def x_of(moment: dt.datetime) -> float:
        if span <= 0:
            return round((LEFT + plot_right) / 2, 1)
        return round(LEFT + (moment - start).total_seconds() / span * (plot_right - LEFT), 1)

    def day(moment: dt.datetime) -> str:
        local = moment.astimezone(zone)
        return f"{local.day} {local:%b %Y}"

    points = [
        Point(
            x=x_of(r.answered_at),
            y=y_of(float(r.score)),  # type: ignore[arg-type]
            value=_number(r.score),
            when=day(r.answered_at),
            is_baseline=index == 0,
            flags=", ".join(label for _, label in r.flag_labels),
        )
        for index, r in enumerate(scored)
    ]
    bands = _band_areas(definition, y_of)
    step = _y_step(high - low)
    y_ticks = [Tick(y_of(v), str(v)) for v in range(low, high + 1, step)]
    if (high - low) % step > step / 2:  # label the top unless it would crowd the last tick
        y_ticks.append(Tick(y_of(high), str(high)))
    x_ticks = _x_ticks(scored, x_of, day)
    first, last = scored[0], scored[-1]
    omitted_note = ""
    if omitted:
        recent = scored[1:]
        omitted_note = (
            (
                f"Showing the baseline and the latest {len(recent)} of "
                f"{len(scored) + omitted} scores; the {omitted} between "
                f"{day(first.answered_at)} and {day(recent[0].answered_at)} are not drawn."
            )
            if recent
            else f"Showing the baseline only; the other {omitted} scores are not drawn."
        )
        description = (
            f"{omitted_note} Baseline {_number(first.score)} on {day(first.answered_at)}, "
            f"latest {_number(last.score)} on {day(last.answered_at)}"
        )
    else:
        description = (
            f"{len(scored)} score{'s' if len(scored) != 1 else ''} from "
            f"{day(first.answered_at)} to {day(last.answered_at)}: baseline "
            f"{_number(first.score)}, latest {_number(last.score)}"
        )
    description += f" (range {low}–{high}, higher means more symptoms)."
    markers = _dose_markers(doses, x_of, day)
    if markers:
        description += (
            f" Vertical lines mark {len(markers)} dosing session{'s' if len(markers) != 1 else ''}"
            f" from {markers[0].when} to {markers[-1].when}."
        )
    return Trajectory(
        key=definition.key,
        title=f"{definition.abbreviation} scores over time",
        description=description,
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=plot_right,
        top=TOP,
        bottom=plot_bottom,
        points=points,
        # across omitted scores a line would show a trend nobody measured
        line=" ".join(f"{p.x:.1f},{p.y:.1f}" for p in (points[1:] if omitted else points)),
        bands=bands,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        baseline_y=points[0].y if len(points) > 1 else None,
        y_label=f"{definition.abbreviation} total",
        doses=markers,
        omitted_note=omitted_note,
    )


def _dose_markers(
    doses: Sequence[tuple[dt.datetime, int | None]],
    x_of: Callable[[dt.datetime], float],
    day: Callable[[dt.datetime], str],
) -> list[DoseMarker]:
    """One line per dosing session; a "D<n>" label only where it has room to be read."""
    markers: list[DoseMarker] = []
    last_labelled = float("-inf")
    for index, (moment, number) in enumerate(sorted(doses, key=lambda d: d[0]), start=1):
        x = x_of(moment)
        label = ""
        if x - last_labelled >= 22:
            label, last_labelled = f"D{number or index}", x
        markers.append(DoseMarker(x=x, label=label, when=day(moment)))
    return markers


def _band_areas(definition: InstrumentDefinition, y_of: Callable[[float], float]) -> list[BandArea]:
    """Shaded areas that touch: a band of whole scores 5–9 covers 5 up to 10."""
    bands = definition.bands or ()
    areas = []
    for index, band in enumerate(bands):
        upper = band.maximum + (1 if index < len(bands) - 1 else 0)
        areas.append(
            BandArea(
                y=y_of(upper),
                height=round(y_of(band.minimum) - y_of(upper), 1),
                label=f"{band.label} ({band.minimum}–{band.maximum})",
                label_y=round((y_of(band.minimum) + y_of(upper)) / 2 + 4, 1),
                tone=round(index * 4 / max(len(bands) - 1, 1)),
            )
        )
    return areas


def _number(value: int | float | None) -> str:
    if value is None:
        return "–"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _y_step(extent: int) -> int:
    for step in (1, 2, 5, 10, 20):
        if extent / step <= 8:
            return step
    return 20


def _x_ticks(
    scored: Sequence[QuestionnaireResponse],
    x_of: Callable[[dt.datetime], float],
    day: Callable[[dt.datetime], str],
) -> list[Tick]:
    """At most five date labels: first, last and evenly spaced scores between."""
    if len(scored) <= 5:
        chosen = list(scored)
    else:
        last = len(scored) - 1
        chosen = [scored[round(i * last / 4)] for i in range(5)]
    ticks: list[Tick] = []
    for response in chosen:
        position = x_of(response.answered_at)
        if ticks and position - ticks[-1].position < 70:
            continue  # too close to the previous label to read
        ticks.append(Tick(position, day(response.answered_at).rsplit(" ", 1)[0]))
    return ticks
