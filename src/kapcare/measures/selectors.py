"""Reads for questionnaires, scores and alerts.

Each page's read is a fixed handful of queries whatever the number of responses:
the measures tab and the worklist tests assert it.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import Least, RowNumber

from kapcare.accounts.models import Clinic
from kapcare.clinical.instruments import get_definition
from kapcare.clinical.instruments.model import Scoring
from kapcare.core.paging import ListPage, Page, page_of, page_within
from kapcare.measures.models import (
    AlertStatus,
    Assignment,
    AssignmentStatus,
    MeasuresSettings,
    QuestionnaireResponse,
    SafetyAlert,
    TreatmentProgress,
)
from kapcare.measures.progress import IN_TREATMENT, OFF_TRACK_INSTRUMENT
from kapcare.measures.scoring import change_since_baseline
from kapcare.patients.models import Patient


def settings_for(clinic: Clinic) -> MeasuresSettings:
    """The clinic's measures settings, or the defaults (unsaved) when it never chose."""
    found = MeasuresSettings.objects.filter(clinic=clinic).first()
    return found if found is not None else MeasuresSettings(clinic=clinic)


def dose_times(patient: Patient) -> list[tuple[dt.datetime, int | None]]:
    """When each of the patient's dosing sessions started its dose, with the dose number.

    Read through the patient's reverse relation so measures needs nothing from the
    dosing app; one query whatever the number of sessions.
    """
    rows = (
        patient.dosing_sessions.filter(dose_started_at__isnull=False)
        .order_by("dose_started_at")
        .values_list("dose_started_at", "appointment__dose_number")
    )
    return [(started, number) for started, number in rows if started is not None]


def _superseded() -> Exists:
    return Exists(QuestionnaireResponse.objects.filter(corrects=OuterRef("pk")))


def current_responses(
    responses: QuerySet[QuestionnaireResponse],
) -> QuerySet[QuestionnaireResponse]:
    """Responses no correction replaced: the ones trajectories and outcomes count."""
    return responses.filter(~_superseded())


def baseline_response(response: QuestionnaireResponse) -> QuestionnaireResponse | None:
    """The patient's first current response to the same instrument, if earlier than ``response``.

    None when ``response`` is itself the baseline (or corrects it).
    """
    earlier = current_responses(
        QuestionnaireResponse.objects.filter(
            patient_id=response.patient_id, instrument=response.instrument
        )
    ).exclude(pk__in=[response.pk, response.corrects_id or 0])
    first = earlier.order_by("answered_at", "id").first()
    if first is None or (first.answered_at, first.pk) > (response.answered_at, response.pk):
        return None
    return first


def responses_of(patient: Patient) -> QuerySet[QuestionnaireResponse]:
    """Every response of the patient, oldest first, each marked ``superseded`` or not."""
    return (
        QuestionnaireResponse.objects.filter(patient=patient, clinic_id=patient.clinic_id)
        .annotate(superseded=_superseded())
        .select_related("entered_by")
        .order_by("answered_at", "id")
    )


def first_of_each_instrument(
    responses: QuerySet[QuestionnaireResponse], instruments: set[str]
) -> dict[str, QuestionnaireResponse]:
    """The first of ``responses`` (ordered by when answered) for each of ``instruments``:
    the baselines a page of scores is compared with, one query however long the history."""
    if not instruments:
        return {}
    first = responses.filter(instrument__in=instruments).annotate(
        position=Window(
            RowNumber(), partition_by=[F("instrument")], order_by=[F("answered_at"), F("id")]
        )
    )
    return {r.instrument: r for r in first.filter(position=1)}


def first_and_latest_of_each_instrument(
    responses: QuerySet[QuestionnaireResponse], instruments: set[str]
) -> dict[str, tuple[QuestionnaireResponse, QuestionnaireResponse]]:
    """The first and the latest of ``responses`` (ordered by when answered) for each of
    ``instruments``, as (first, latest): the same row when there is only one.

    What a baseline-against-now comparison reads: one query and at most two rows per
    instrument however long the history. Instruments come in the order of their first
    response, as reading every response in order and keeping the first would give.
    """
    if not instruments:
        return {}
    by_instrument = [F("instrument")]
    ranked = responses.filter(instrument__in=instruments).annotate(
        from_first=Window(
            RowNumber(), partition_by=by_instrument, order_by=[F("answered_at"), F("id")]
        ),
        from_latest=Window(
            RowNumber(),
            partition_by=by_instrument,
            order_by=[F("answered_at").desc(), F("id").desc()],
        ),
    )
    first: dict[str, QuestionnaireResponse] = {}
    latest: dict[str, QuestionnaireResponse] = {}
    for row in ranked.filter(Q(from_first=1) | Q(from_latest=1)).order_by("answered_at", "id"):
        if row.from_first == 1:
            first[row.instrument] = row
        if row.from_latest == 1:
            latest[row.instrument] = row
    return {key: (row, latest[key]) for key, row in first.items()}


# A patient's scores, bounded ------------------------------------------------------

#: scores drawn per instrument besides the baseline. A count rather than a time window,
#: because only a count bounds the work: a daily schedule puts 365 scores in twelve
#: months. 52 is a year of weekly scores and keeps points ~9 px apart on the chart.
CHART_POINTS = 52
#: responses listed per instrument and page on the Measures tab, newest first
HISTORY_PAGE_SIZE = 10


@dataclass(frozen=True)
class InstrumentHistory:
    """What the measures pages read of one instrument: a fixed number of rows at most."""

    instrument: str
    #: current responses, oldest first: the baseline and the latest ``CHART_POINTS``
    charted: list[QuestionnaireResponse]
    #: every current response of the instrument, drawn or not
    current_count: int
    #: one page of every response (corrected ones too), newest first, each with ``superseded``
    listed: list[QuestionnaireResponse]
    #: which page ``listed`` is, out of every response
    page: Page


def bounded_history(
    patient: Patient, *, pages: Mapping[str, int] | None = None
) -> dict[str, InstrumentHistory]:
    """Per instrument: the responses to draw and one page of them to list.

    One query whatever the length of the history: window functions rank each
    instrument's responses in SQL and only the rows drawn or listed come back.
    ``pages`` asks for a page of the list by instrument (page 1 when absent; past the
    end gives the last); None lists nothing, for pages that only draw the charts.
    """
    newest_first = [F("answered_at").desc(), F("id").desc()]
    by_currency = [F("instrument"), F("superseded")]  # current and corrected apart
    rows = (
        QuestionnaireResponse.objects.filter(patient=patient, clinic_id=patient.clinic_id)
        .annotate(superseded=_superseded())
        .annotate(
            current_rank=Window(RowNumber(), partition_by=by_currency, order_by=newest_first),
            current_count=Window(Count("id"), partition_by=by_currency),
        )
        .select_related("entered_by")
        .order_by("answered_at", "id")
    )
    wanted = Q(superseded=False) & (
        Q(current_rank__lte=CHART_POINTS) | Q(current_rank=F("current_count"))
    )
    if pages is not None:
        size = HISTORY_PAGE_SIZE
        asked = [
            When(instrument=key, then=Value((n - 1) * size)) for key, n in pages.items() if n > 1
        ]
        rows = rows.annotate(
            listed_rank=Window(RowNumber(), partition_by=[F("instrument")], order_by=newest_first),
            listed_count=Window(Count("id"), partition_by=[F("instrument")]),
            # the asked page's first rank, or the last page's when the list is shorter
            list_start=Least(
                Case(*asked, default=Value(0), output_field=IntegerField()),
                (F("listed_count") - 1) / size * size,
            ),
        )
        wanted |= Q(listed_rank__gt=F("list_start"), listed_rank__lte=F("list_start") + size)

    found: dict[str, list[Any]] = {}
    for row in rows.filter(wanted):
        found.setdefault(row.instrument, []).append(row)
    return {
        key: _history(key, found_rows, listing=pages is not None)
        for key, found_rows in found.items()
    }


def _history(instrument: str, rows: list[Any], *, listing: bool) -> InstrumentHistory:
    """Split one instrument's rows (oldest first) into the charted and the listed."""
    charted = [
        r
        for r in rows
        if not r.superseded
        and (r.current_rank <= CHART_POINTS or r.current_rank == r.current_count)
    ]
    listed: list[Any] = []
    page = Page(1, HISTORY_PAGE_SIZE, 0)
    if listing:
        start, size = rows[0].list_start, HISTORY_PAGE_SIZE
        listed = [r for r in reversed(rows) if start < r.listed_rank <= start + size]
        page = Page(start // size + 1, size, rows[0].listed_count)
    return InstrumentHistory(
        instrument=instrument,
        charted=charted,
        current_count=charted[0].current_count if charted else 0,
        listed=listed,
        page=page,
    )


def open_assignments_of(patient: Patient) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(
            patient=patient, clinic_id=patient.clinic_id, status=AssignmentStatus.OPEN
        )
        .select_related("created_by")
        .order_by("due_at", "id")
    )


def alerts_of(patient: Patient) -> QuerySet[SafetyAlert]:
    return (
        SafetyAlert.objects.filter(patient=patient, clinic_id=patient.clinic_id)
        .select_related("acknowledged_by", "response")
        .order_by("status", "priority", "-created_at", "id")
    )


def questionnaires_to_do(patient: Patient, now: dt.datetime) -> list[Assignment]:
    """What the patient can fill in now: open, with a due date, and already open to them."""
    return list(
        Assignment.objects.filter(
            patient=patient,
            status=AssignmentStatus.OPEN,
            due_at__isnull=False,
        )
        .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now))
        .select_related("draft")
        .order_by("due_at", "id")
    )


def overdue_assignments(clinic: Clinic, now: dt.datetime) -> QuerySet[Assignment]:
    """The clinic's open questionnaires past their due date, the longest overdue first."""
    return (
        Assignment.objects.filter(clinic=clinic, status=AssignmentStatus.OPEN, due_at__lt=now)
        .select_related("patient")
        .order_by("due_at", "id")
    )


def open_alerts(clinic: Clinic) -> QuerySet[SafetyAlert]:
    """The clinic's open safety alerts, the most urgent first and, within it, the oldest."""
    return (
        SafetyAlert.objects.filter(clinic=clinic, status="open")
        .select_related("patient", "response")
        .order_by("priority", "created_at", "id")
    )


# The alerts inbox ------------------------------------------------------------------

#: open alerts listed per page of the alerts inbox (each carries its acknowledge form)
INBOX_OPEN_PAGE_SIZE = 25
#: acknowledged alerts listed per page of the alerts inbox
INBOX_ACKNOWLEDGED_PAGE_SIZE = 25
#: acknowledged alerts counted and listed at most (400 pages): the history grows every
#: day, counting all of it grew with it, and older alerts stay on each patient's chart
INBOX_ACKNOWLEDGED_LISTED = 10_000


def inbox_open_alerts(visible: QuerySet[SafetyAlert]) -> QuerySet[SafetyAlert]:
    """The open alerts of ``visible``, the most urgent first and, within it, the oldest."""
    return (
        visible.filter(status=AlertStatus.OPEN)
        .select_related("patient", "response")
        .order_by("priority", "created_at", "id")
    )


@dataclass(frozen=True)
class Inbox:
    open: ListPage[SafetyAlert]
    acknowledged: ListPage[SafetyAlert]


def alert_inbox(
    visible: QuerySet[SafetyAlert], *, open_page: int = 1, acknowledged_page: int = 1
) -> Inbox:
    """The alerts inbox over ``visible`` (the alerts the reader may see): the open alerts,
    then the acknowledged ones, the latest acknowledged first, each a page at a time with
    its exact total.

    Four queries, and no more rows than a page of each, at any clinic size.
    """
    acknowledged = (
        visible.filter(status=AlertStatus.ACKNOWLEDGED)
        .select_related("patient", "response", "acknowledged_by")
        .order_by("-acknowledged_at", "-id")
    )
    return Inbox(
        open=page_of(inbox_open_alerts(visible), page=open_page, size=INBOX_OPEN_PAGE_SIZE),
        acknowledged=page_of(
            acknowledged,
            page=acknowledged_page,
            size=INBOX_ACKNOWLEDGED_PAGE_SIZE,
            count_up_to=INBOX_ACKNOWLEDGED_LISTED,
        ),
    )


# Off track -----------------------------------------------------------------------


@dataclass(frozen=True)
class OffTrack:
    patient: Patient
    sessions: int
    instrument: str
    baseline: int | float
    latest: int | float


@dataclass(frozen=True)
class OffTrackPage:
    """One page of the off-track list, earliest baseline first, and the exact size of it all."""

    rows: list[OffTrack]
    page: Page
    checked_patients: int  # patients in treatment the rule was applied to
    notice: str = ""  # why this is not the page asked for ("" when it is)

    @property
    def total(self) -> int:
        return self.page.count


#: off-track patients listed per page of the worklist
OFF_TRACK_PAGE_SIZE = 25


@functools.cache
def smallest_meaningful_improvement(instrument: str) -> int:
    """The smallest drop in a whole-number total that the outcome rule calls meaningful.

    Read from ``change_since_baseline`` itself rather than copied, so the SQL filter of
    the off-track list cannot drift from the rule. Every pair of totals in the
    instrument's range is classified once, which also proves that the rule is a
    threshold on the drop alone; otherwise no single SQL comparison could stand for it.
    """
    definition = get_definition(instrument)
    if definition.scoring is not Scoring.SUM or definition.total_range is None:
        raise ValueError(
            f"instrument: {instrument!r} has no whole-number total; "
            "the off-track rule needs a summed score"
        )
    low, high = definition.total_range
    totals = range(low, high + 1)
    judged = {}
    for baseline, current in itertools.product(totals, totals):
        change = change_since_baseline(instrument, baseline, current)
        judged[baseline, current] = change is not None and change.meaningful_improvement
    drops = [baseline - current for (baseline, current), yes in judged.items() if yes]
    if not drops:
        raise ValueError(f"instrument: no change of the {instrument!r} total is meaningful")
    threshold = min(drops)
    for (baseline, current), yes in judged.items():
        if yes != (baseline - current >= threshold):
            raise ValueError(
                f"instrument: {instrument!r} meaningful improvement is not a drop of "
                f"{threshold} or more (baseline {baseline}, current {current})"
            )
    return threshold


def off_track_patients(
    clinic: Clinic, *, after_sessions: int, page: int = 1, per_page: int = OFF_TRACK_PAGE_SIZE
) -> OffTrackPage:
    """Page ``page`` of the patients with at least ``after_sessions`` completed dosing
    sessions and no meaningful PHQ-9 improvement since baseline, earliest baseline first.

    Three queries whatever the size of the clinic: the patients in treatment, those off
    track, then the page. A ``page`` past the end gives the last page, with a notice.
    """
    threshold = smallest_meaningful_improvement(OFF_TRACK_INSTRUMENT)
    # The rule reads each patient's stored progress (measures.progress keeps it current,
    # whether the patient is in treatment included), so the count and the page walk an
    # index of the clinic's progress rows instead of joining every patient in treatment.
    off_track = TreatmentProgress.objects.filter(
        clinic=clinic,
        in_treatment=True,
        completed_sessions__gte=after_sessions,
        # None until a baseline and a later score exist, so never true without them
        improvement__lt=threshold,
    )
    checked = Patient.objects.filter(clinic=clinic, status__in=IN_TREATMENT).count()
    shown, notice = page_within(page, size=per_page, count=off_track.count())
    found = off_track.select_related("patient").order_by("baseline_at", "baseline_id")
    rows = [
        OffTrack(
            patient=progress.patient,
            sessions=progress.completed_sessions,
            instrument=OFF_TRACK_INSTRUMENT,
            # whole, as QuestionnaireResponse.score gives a sum (the threshold needs one)
            baseline=round(progress.baseline_total or 0),
            latest=round(progress.latest_total or 0),
        )
        for progress in found[shown.offset : shown.offset + per_page]
    ]
    return OffTrackPage(rows=rows, page=shown, checked_patients=checked, notice=notice)


#: open safety alerts listed per page of the worklist (each carries its acknowledge form)
OPEN_ALERTS_PAGE_SIZE = 25
#: overdue questionnaires listed per page of the worklist
OVERDUE_PAGE_SIZE = 25


@dataclass(frozen=True)
class Worklist:
    alerts: ListPage[SafetyAlert]
    overdue: ListPage[Assignment]
    off_track: OffTrackPage
    off_track_after: int

    @property
    def meaningful_points(self) -> int:
        """The PHQ-9 change that counts as meaningful (the MCID), as the off-track rule uses."""
        return smallest_meaningful_improvement(OFF_TRACK_INSTRUMENT)


def worklist(
    clinic: Clinic,
    now: dt.datetime,
    *,
    alerts_page: int = 1,
    overdue_page: int = 1,
    off_track_page: int = 1,
) -> Worklist:
    """The clinic's "Needs attention" list: open alerts, then overdue questionnaires, then
    the patients off track, each one page at a time with its exact total.

    The same number of queries, and no more rows than a page of each, at any clinic size.
    """
    after = settings_for(clinic).off_track_after_sessions
    return Worklist(
        alerts=page_of(open_alerts(clinic), page=alerts_page, size=OPEN_ALERTS_PAGE_SIZE),
        overdue=page_of(
            overdue_assignments(clinic, now), page=overdue_page, size=OVERDUE_PAGE_SIZE
        ),
        off_track=off_track_patients(clinic, after_sessions=after, page=off_track_page),
        off_track_after=after,
    )
