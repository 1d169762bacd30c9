"""When the periodic bladder check is due, and what the checklist asks a clinician to do."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapcare.clinical import bladder_check
from kapcare.clinical.exposure import CheckDue, bladder_check_due

TZ = ZoneInfo("America/Denver")


def day(d: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 11, d, hour, 0, tzinfo=TZ)


COURSE = day(2)


@pytest.mark.parametrize(
    ("last_check", "sessions", "weeks", "every", "now", "status"),
    [
        (None, [], None, None, day(20), CheckDue.OFF),
        # every 2 weeks: due from 16 Nov (course start 2 Nov)
        (None, [day(3), day(9)], 2, None, day(15), CheckDue.NOT_YET),
        (None, [day(3), day(9)], 2, None, day(16, 0), CheckDue.DUE),
        (None, [day(3), day(9), day(16)], 2, None, day(17), CheckDue.OVERDUE),
        # a check on 12 Nov restarts the clock: due from 26 Nov
        (day(12), [day(3), day(9), day(16)], 2, None, day(20), CheckDue.NOT_YET),
        # every 3 sessions: due once 3 were given since the last check, overdue after 4
        (None, [day(3), day(5)], None, 3, day(20), CheckDue.NOT_YET),
        (None, [day(3), day(5), day(7)], None, 3, day(20), CheckDue.DUE),
        (None, [day(3), day(5), day(7), day(9)], None, 3, day(20), CheckDue.OVERDUE),
        (day(6), [day(3), day(5), day(7), day(9)], None, 3, day(20), CheckDue.NOT_YET),
        # both set: the more urgent answer wins
        (None, [day(3), day(5), day(7)], 8, 3, day(20), CheckDue.DUE),
        # a session before the course does not count
        (None, [day(1), day(3), day(5)], None, 3, day(20), CheckDue.NOT_YET),
    ],
)
def test_the_check_is_due_by_the_clinics_weeks_or_sessions(
    last_check: dt.datetime | None,
    sessions: list[dt.datetime],
    weeks: int | None,
    every: int | None,
    now: dt.datetime,
    status: CheckDue,
) -> None:
    due = bladder_check_due(
        course_start=COURSE,
        last_check=last_check,
        session_starts=sessions,
        every_weeks=weeks,
        every_sessions=every,
        now=now,
        tz=TZ,
    )
    assert due.status is status
    assert due.reasons


def test_the_reason_says_the_interval_is_the_clinics() -> None:
    due = bladder_check_due(
        course_start=COURSE,
        last_check=None,
        session_starts=[],
        every_weeks=4,
        every_sessions=None,
        now=day(10),
        tz=TZ,
    )
    assert due.due_on == dt.date(2026, 11, 30)
    assert due.reasons == (
        "Next due on 30 Nov 2026 (your clinic checks every 4 weeks of a course).",
    )


def test_without_a_course_nothing_is_due() -> None:
    due = bladder_check_due(
        course_start=None,
        last_check=None,
        session_starts=[],
        every_weeks=1,
        every_sessions=1,
        now=day(20),
        tz=TZ,
    )
    assert due.status is CheckDue.NOT_YET


def test_an_interval_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="every_weeks"):
        bladder_check_due(
            course_start=COURSE,
            last_check=None,
            session_starts=[],
            every_weeks=0,
            every_sessions=None,
            now=day(20),
            tz=TZ,
        )


@given(st.lists(st.integers(3, 28), max_size=12), st.integers(1, 6))
def test_more_sessions_never_make_the_check_less_urgent(days: list[int], every: int) -> None:
    order = [CheckDue.NOT_YET, CheckDue.DUE, CheckDue.OVERDUE]
    sessions = sorted(day(d) for d in days)
    statuses = [
        bladder_check_due(
            course_start=COURSE,
            last_check=None,
            session_starts=sessions[:n],
            every_weeks=None,
            every_sessions=every,
            now=day(28, 23),
            tz=TZ,
        ).status
        for n in range(len(sessions) + 1)
    ]
    assert [order.index(s) for s in statuses] == sorted(order.index(s) for s in statuses)


def test_any_symptom_asks_for_a_clinicians_review_citing_k16d() -> None:
    none = dict.fromkeys(bladder_check.KEYS, False)
    assert bladder_check.review_finding(none) is None
    finding = bladder_check.review_finding({**none, "blood_in_urine": True})
    assert finding is not None
    assert finding.severity == "warn"
    assert finding.sources == ("K16d",)
    assert "blood in the urine" in finding.message


def test_an_unknown_checklist_item_is_refused() -> None:
    with pytest.raises(ValueError, match="allowed"):
        bladder_check.review_finding({"fever": True})
