"""An infusion that is paused, resumed or stopped early: how long it ran and what was given.

A nurse who stops an infusion early must record the dose actually given. This
module works it out from the ordered rate and the minutes the pump ran (pauses
excluded), capped at the dose that was hung; the nurse confirms it, or records
another amount with a reason. No clinical threshold is involved, only arithmetic
on the order (§2: the rate comes from the dose and the infusion time).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Final


class EventKind(StrEnum):
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"


class InfusionState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"


EVENT_LABELS: Final = {
    EventKind.PAUSE: "Paused",
    EventKind.RESUME: "Resumed",
    EventKind.STOP: "Stopped",
}

#: which events each state allows
_ALLOWED: Final = {
    InfusionState.RUNNING: (EventKind.PAUSE, EventKind.STOP),
    InfusionState.PAUSED: (EventKind.RESUME, EventKind.STOP),
    InfusionState.STOPPED: (),
}
_AFTER: Final = {
    EventKind.PAUSE: InfusionState.PAUSED,
    EventKind.RESUME: InfusionState.RUNNING,
    EventKind.STOP: InfusionState.STOPPED,
}


@dataclass(frozen=True, slots=True)
class Event:
    kind: EventKind
    at: datetime


def state_after(events: Sequence[Event]) -> InfusionState:
    """The infusion's state after these events (it runs from the start)."""
    state = InfusionState.RUNNING
    for event in events:
        if event.kind not in _ALLOWED[state]:
            raise ValueError(f"kind: cannot {event.kind.value} an infusion that is {state.value}")
        state = _AFTER[event.kind]
    return state


def refusal(events: Sequence[Event], kind: EventKind | str, at: datetime) -> str | None:
    """Why this event cannot be recorded now, or None if it can."""
    try:
        wanted = EventKind(kind)
    except ValueError:
        allowed = ", ".join(k.value for k in EventKind)
        return f"{kind!r} is unknown; allowed: {allowed}."
    state = state_after(events)
    if wanted not in _ALLOWED[state]:
        return f"The infusion is {state.value}: it cannot be {EVENT_LABELS[wanted].lower()}."
    if events and at < events[-1].at:
        return f"The time is before the last event ({events[-1].at:%H:%M})."
    return None


def running_minutes(started_at: datetime, events: Sequence[Event], until: datetime) -> float:
    """Minutes the infusion ran from its start until ``until`` (or its stop), pauses excluded."""
    if until < started_at:
        raise ValueError("until: must not be before the infusion started")
    state_after(events)
    total = timedelta(0)
    running_since: datetime | None = started_at
    for event in events:
        if event.at < started_at:
            raise ValueError("at: an event cannot be before the infusion started")
        if event.kind is EventKind.RESUME:
            running_since = event.at
        elif running_since is not None:
            total += min(event.at, until) - min(running_since, until)
            running_since = None
        if event.kind is EventKind.STOP:
            break
    else:
        if running_since is not None and until > running_since:
            total += until - running_since
    return max(0.0, total / timedelta(minutes=1))


def partial_dose_mg(*, rate_mg_per_hour: Decimal, minutes: float, hung_dose_mg: Decimal) -> Decimal:
    """The dose given at this rate over these minutes, to 0.1 mg, never above what was hung
    (a whole infusion is the dose hung, exactly)."""
    if rate_mg_per_hour <= 0:
        raise ValueError("rate_mg_per_hour: must be above 0")
    if minutes < 0:
        raise ValueError("minutes: must be 0 or more")
    if hung_dose_mg <= 0:
        raise ValueError("hung_dose_mg: must be above 0")
    given = rate_mg_per_hour * Decimal(str(minutes)) / Decimal(60)
    rounded = given.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return min(rounded, hung_dose_mg)
