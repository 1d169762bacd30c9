"""The patient journey as a state graph.

A patient's status changes only along these edges, so a course of care can
never jump (say) from ``referred`` straight to ``active`` without a recorded
eligibility decision in between.
"""

from __future__ import annotations

from enum import StrEnum


class JourneyStatus(StrEnum):
    REFERRED = "referred"
    SCREENING = "screening"
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    ACTIVE = "active"
    MAINTENANCE = "maintenance"
    COMPLETED = "completed"
    DISCONTINUED = "discontinued"


LABELS: dict[JourneyStatus, str] = {
    JourneyStatus.REFERRED: "Referred",
    JourneyStatus.SCREENING: "Screening",
    JourneyStatus.ELIGIBLE: "Eligible",
    JourneyStatus.NOT_ELIGIBLE: "Not eligible",
    JourneyStatus.ACTIVE: "Active treatment",
    JourneyStatus.MAINTENANCE: "Maintenance",
    JourneyStatus.COMPLETED: "Completed",
    JourneyStatus.DISCONTINUED: "Discontinued",
}

S = JourneyStatus

#: transition name -> (allowed source states, target state)
TRANSITIONS: dict[str, tuple[frozenset[JourneyStatus], JourneyStatus]] = {
    "begin_screening": (frozenset({S.REFERRED, S.NOT_ELIGIBLE, S.COMPLETED}), S.SCREENING),
    "mark_eligible": (frozenset({S.SCREENING}), S.ELIGIBLE),
    "mark_not_eligible": (frozenset({S.SCREENING}), S.NOT_ELIGIBLE),
    "start_treatment": (frozenset({S.ELIGIBLE}), S.ACTIVE),
    "move_to_maintenance": (frozenset({S.ACTIVE}), S.MAINTENANCE),
    "resume_active_treatment": (frozenset({S.MAINTENANCE}), S.ACTIVE),
    "complete_course": (frozenset({S.ACTIVE, S.MAINTENANCE}), S.COMPLETED),
    "discontinue": (
        frozenset({S.REFERRED, S.SCREENING, S.ELIGIBLE, S.ACTIVE, S.MAINTENANCE}),
        S.DISCONTINUED,
    ),
    "re_refer": (frozenset({S.DISCONTINUED}), S.REFERRED),
}

#: transitions that must carry a written reason
REASON_REQUIRED = frozenset({"discontinue", "mark_not_eligible"})


class InvalidTransition(ValueError):
    """The requested change does not follow the journey graph."""


def target_of(transition: str, current: JourneyStatus | str) -> JourneyStatus:
    """Return the state ``transition`` leads to from ``current``, or explain why it cannot."""
    try:
        sources, target = TRANSITIONS[transition]
    except KeyError:
        allowed = ", ".join(sorted(TRANSITIONS))
        raise InvalidTransition(
            f"transition: {transition!r} is unknown; allowed: {allowed}"
        ) from None
    state = JourneyStatus(current)
    if state not in sources:
        raise InvalidTransition(
            f"Cannot {transition.replace('_', ' ')} a patient whose status is "
            f"{LABELS[state].lower()}; allowed from: "
            + ", ".join(LABELS[s].lower() for s in sorted(sources))
        )
    return target


def available_transitions(current: JourneyStatus | str) -> tuple[str, ...]:
    """Transitions a clinician may take from ``current``, in a stable order."""
    state = JourneyStatus(current)
    return tuple(name for name, (sources, _) in TRANSITIONS.items() if state in sources)
