"""A trajectory chart (``charts.Trajectory``) drawn as SVG markup.

Drawn here rather than in a template: a page of three charts asked the template
engine for thousands of lookups and localized numbers, most of its render time.
Every text (titles, dates, labels, flags) goes through ``format_html``; every
number is formatted once, the same in every language, because a decimal comma
in a coordinate would break the drawing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

if TYPE_CHECKING:
    from kapcare.measures.charts import BandArea, DoseMarker, Point, Tick, Trajectory

# Whitespace as the markup had when a template drew it, so pages stay byte for byte.
_SVG = (
    '<svg viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-{key}-title"'
    ' aria-describedby="chart-{key}-desc" class="trajectory-svg"'
    ' preserveAspectRatio="xMinYMin meet">\n'
    '  <title id="chart-{key}-title">{title}</title>\n'
    '  <desc id="chart-{key}-desc">{description}</desc>\n'
    '  <g aria-hidden="true">\n'
    "  {bands}\n"
    "  {y_ticks}\n"
    '  <line class="axis" x1="{left}" x2="{left}" y1="{top}" y2="{bottom}"></line>\n'
    '  <line class="axis" x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}"></line>\n'
    "  {x_ticks}\n"
    '  <text class="axis-label" x="12" y="{middle}" transform="rotate(-90 12 {middle})"'
    ' text-anchor="middle">{y_label}</text>\n'
    "  {baseline}\n"
    "  {doses}\n"
    '  <polyline class="trend" points="{line}"></polyline>\n'
    "  {points}\n"
    "  </g>\n"
    "</svg>"
)
_BAND = (
    '<rect class="band band-{}" x="{}" y="{}" width="{}" height="{}"></rect>\n'
    '  <text class="band-label" x="{}" y="{}">{}</text>'
)
_Y_TICK = (
    '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"></line>'
    '<text class="tick" x="{}" y="{}" dy="4" text-anchor="end">{}</text>'
)
_X_TICK = '<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>'
_BASELINE = (
    '<line class="baseline" x1="{}" x2="{}" y1="{}" y2="{}"></line>\n'
    '  <text class="baseline-label" x="{}" y="{}" dy="-5">Baseline</text>'
)
_DOSE = (
    '<line class="dose-marker" x1="{}" x2="{}" y1="{}" y2="{}">'
    "<title>Dosing session, {}</title></line>{}"
)
_DOSE_LABEL = '<text class="dose-label" x="{}" y="{}" text-anchor="middle">{}</text>'
_POINT = '<circle class="point{}" cx="{}" cy="{}" r="4.5"><title>{}: {}{}</title></circle>'
_BASELINE_POINT = (
    '<circle class="point is-baseline{}" cx="{}" cy="{}" r="6">'
    "<title>{}: {} (baseline){}</title></circle>"
)
# Fixed markup passed as arguments: already safe, so not escaped a hundred times a chart.
_FLAGGED = SafeString(" is-flagged")
_NOTHING = SafeString("")


def svg_number(value: float) -> SafeString:
    """A coordinate as SVG reads it: a point for decimals in every language, no grouping.

    Digits, a sign and a point only, so there is nothing to escape (and escaping a
    thousand of them per page is a measurable share of its render time).
    """
    return SafeString(str(value) if isinstance(value, int) else f"{value:.1f}")


def trajectory_svg(chart: Trajectory) -> SafeString:
    """The chart's ``<svg>`` element: a titled, described image; the drawing is hidden
    from screen readers, which read the title and description instead."""
    return format_html(
        _SVG,
        key=chart.key,
        width=svg_number(chart.width),
        height=svg_number(chart.height),
        title=chart.title,
        description=chart.description + _bands_sentence(chart.bands),
        bands=format_html_join("", _BAND, (_band(chart, b) for b in chart.bands)),
        y_ticks=format_html_join("", _Y_TICK, (_y_tick(chart, t) for t in chart.y_ticks)),
        left=svg_number(chart.left),
        right=svg_number(chart.right),
        top=svg_number(chart.top),
        bottom=svg_number(chart.bottom),
        x_ticks=format_html_join("", _X_TICK, (_x_tick(chart, t) for t in chart.x_ticks)),
        middle=svg_number(chart.middle),
        y_label=chart.y_label,
        baseline=_baseline(chart),
        doses=format_html_join("", _DOSE, (_dose(chart, d) for d in chart.doses)),
        line=chart.line,
        points=format_html_join("", "{}", ((_point(p),) for p in chart.points)),
    )


def _bands_sentence(bands: list[BandArea]) -> str:
    if not bands:
        return ""
    return " Shaded bands show severity: " + ", ".join(b.label for b in bands) + "."


def _band(chart: Trajectory, band: BandArea) -> tuple[object, ...]:
    return (
        band.tone,
        svg_number(chart.left),
        svg_number(band.y),
        svg_number(chart.plot_width),
        svg_number(band.height),
        svg_number(chart.right + 6),
        svg_number(band.label_y),
        band.label,
    )


def _y_tick(chart: Trajectory, tick: Tick) -> tuple[object, ...]:
    y = svg_number(tick.position)
    return (
        svg_number(chart.left),
        svg_number(chart.right),
        y,
        y,
        svg_number(chart.left - 6),
        y,
        tick.label,
    )


def _x_tick(chart: Trajectory, tick: Tick) -> tuple[object, ...]:
    return (svg_number(tick.position), svg_number(chart.bottom + 18), tick.label)


def _baseline(chart: Trajectory) -> SafeString:
    if chart.baseline_y is None:
        return _NOTHING
    y = svg_number(chart.baseline_y)
    left, right, label_x = (
        svg_number(chart.left),
        svg_number(chart.right),
        svg_number(chart.left + 6),
    )
    return format_html(_BASELINE, left, right, y, y, label_x, y)


def _dose(chart: Trajectory, dose: DoseMarker) -> tuple[object, ...]:
    x = svg_number(dose.x)
    label = (
        format_html(_DOSE_LABEL, x, svg_number(chart.top - 3), dose.label)
        if dose.label
        else _NOTHING
    )
    return (x, x, svg_number(chart.top), svg_number(chart.bottom), dose.when, label)


def _point(point: Point) -> SafeString:
    return format_html(
        _BASELINE_POINT if point.is_baseline else _POINT,
        _FLAGGED if point.flags else _NOTHING,
        svg_number(point.x),
        svg_number(point.y),
        point.when,
        point.value,
        f" — {point.flags}" if point.flags else _NOTHING,
    )
