"""Pausing and stopping an infusion: the minutes it ran and the dose actually given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapcare.clinical.infusion import (
    Event,
    EventKind,
    InfusionState,
    partial_dose_mg,
    refusal,
    running_minutes,
    state_after,
)

START = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def events(*pairs: tuple[str, float]) -> list[Event]:
    return [Event(EventKind(kind), at(m)) for kind, m in pairs]


@pytest.mark.parametrize(
    ("history", "until", "minutes"),
    [
        ((), 40, 40),
        ((("pause", 10),), 40, 10),
        ((("pause", 10), ("resume", 15)), 40, 35),
        ((("pause", 10), ("resume", 15), ("stop", 25)), 40, 20),
        ((("stop", 12),), 40, 12),
        ((("pause", 10), ("stop", 30)), 40, 10),
        ((("pause", 10), ("resume", 15)), 12, 10),  # asked during the pause
    ],
)
def test_running_minutes_leave_out_pauses_and_end_at_the_stop(
    history: tuple[tuple[str, float], ...], until: float, minutes: float
) -> None:
    assert running_minutes(START, events(*history), at(until)) == pytest.approx(minutes)


@pytest.mark.parametrize(
    ("rate", "minutes", "hung", "given"),
    [
        # 0.5 mg/kg at 80 kg over 40 min = 40 mg at 60 mg/h [§2, K1]
        ("60", 40, "40", "40.0"),
        ("60", 20, "40", "20.0"),
        ("60", 13, "40", "13.0"),
        ("60", 60, "40", "40.0"),  # never more than was hung
        ("2.16", 596, "21.45", "21.45"),
        ("52.5", 7, "35", "6.1"),
        ("60", 0, "40", "0.0"),
    ],
)
def test_the_partial_dose_is_rate_times_minutes_capped_at_the_dose_hung(
    rate: str, minutes: float, hung: str, given: str
) -> None:
    assert partial_dose_mg(
        rate_mg_per_hour=Decimal(rate), minutes=minutes, hung_dose_mg=Decimal(hung)
    ) == Decimal(given)


@given(
    rate=st.decimals(min_value="1", max_value="500", places=2),
    minutes=st.floats(min_value=0, max_value=600),
    hung=st.decimals(min_value="1", max_value="400", places=2),
)
def test_a_partial_dose_is_never_negative_nor_above_the_dose_hung(
    rate: Decimal, minutes: float, hung: Decimal
) -> None:
    given = partial_dose_mg(rate_mg_per_hour=rate, minutes=minutes, hung_dose_mg=hung)
    assert Decimal(0) <= given <= hung


@given(st.lists(st.floats(min_value=0.1, max_value=30), min_size=0, max_size=6))
def test_running_minutes_never_exceed_the_time_since_the_start(gaps: list[float]) -> None:
    history: list[Event] = []
    moment = 0.0
    for i, gap in enumerate(gaps):
        moment += gap
        history.append(Event(EventKind.PAUSE if i % 2 == 0 else EventKind.RESUME, at(moment)))
    until = moment + 5
    ran = running_minutes(START, history, at(until))
    assert 0 <= ran <= until + 1e-9


@pytest.mark.parametrize(
    ("history", "kind", "refused"),
    [
        ((), "pause", False),
        ((), "resume", True),
        ((("pause", 5),), "pause", True),
        ((("pause", 5),), "resume", False),
        ((("pause", 5),), "stop", False),
        ((("stop", 5),), "pause", True),
        ((("stop", 5),), "stop", True),
        ((), "rewind", True),
    ],
)
def test_each_state_allows_only_the_events_that_make_sense(
    history: tuple[tuple[str, float], ...], kind: str, refused: bool
) -> None:
    assert (refusal(events(*history), kind, at(10)) is not None) is refused


def test_an_event_before_the_last_one_is_refused() -> None:
    assert "before the last event" in (refusal(events(("pause", 10)), "resume", at(5)) or "")


def test_the_state_follows_the_events() -> None:
    assert state_after(()) is InfusionState.RUNNING
    assert state_after(events(("pause", 1))) is InfusionState.PAUSED
    assert state_after(events(("pause", 1), ("resume", 2), ("stop", 3))) is InfusionState.STOPPED
    with pytest.raises(ValueError, match="cannot resume"):
        state_after(events(("resume", 1)))
