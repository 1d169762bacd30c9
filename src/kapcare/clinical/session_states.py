"""The life of one dosing session as a pure transition table.

``scheduled → checked_in → ready → dosing → recovery → discharged``, or
``aborted`` from any state that is not finished, always with a reason. The
Django services ask :func:`refusal` before they write, so the console, the API
and the tests share one answer to "may this session move on, and if not, why?".
Nothing here reads a clock or a database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final


class SessionState(StrEnum):
    """Where a dosing session is; ``discharged`` and ``aborted`` are final."""

    SCHEDULED = "scheduled"
    CHECKED_IN = "checked_in"
    READY = "ready"
    DOSING = "dosing"
    RECOVERY = "recovery"
    DISCHARGED = "discharged"
    ABORTED = "aborted"


STATE_LABELS: Final[Mapping[SessionState, str]] = MappingProxyType(
    {
        SessionState.SCHEDULED: "Scheduled",
        SessionState.CHECKED_IN: "Checked in",
        SessionState.READY: "Ready to dose",
        SessionState.DOSING: "Dosing",
        SessionState.RECOVERY: "Recovery",
        SessionState.DISCHARGED: "Discharged",
        SessionState.ABORTED: "Aborted",
    }
)

FINAL: Final = frozenset({SessionState.DISCHARGED, SessionState.ABORTED})

#: The forward path; ``aborted`` is added for every non-final state below.
_FORWARD: Final[Mapping[SessionState, SessionState]] = MappingProxyType(
    {
        SessionState.SCHEDULED: SessionState.CHECKED_IN,
        SessionState.CHECKED_IN: SessionState.READY,
        SessionState.READY: SessionState.DOSING,
        SessionState.DOSING: SessionState.RECOVERY,
        SessionState.RECOVERY: SessionState.DISCHARGED,
    }
)

TRANSITIONS: Final[Mapping[SessionState, frozenset[SessionState]]] = MappingProxyType(
    {
        state: (
            frozenset() if state in FINAL else frozenset({_FORWARD[state], SessionState.ABORTED})
        )
        for state in SessionState
    }
)


def parse_state(value: SessionState | str) -> SessionState:
    """Turn stored or user input into a state, or say which states exist."""
    try:
        return SessionState(value)
    except ValueError:
        allowed = ", ".join(s.value for s in SessionState)
        raise ValueError(f"state: {value!r} is unknown; allowed: {allowed}") from None


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a transition may not happen: a stable code and sentences to show."""

    code: str
    reasons: tuple[str, ...]

    @property
    def message(self) -> str:
        return " ".join(self.reasons)


class TransitionRefused(ValueError):
    """Raised by :func:`transition`; carries the :class:`Refusal`."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal


def refusal(
    current: SessionState | str,
    target: SessionState | str,
    *,
    gate_unmet: Sequence[str] = (),
    discharge_unmet: Sequence[str] = (),
    override_reason: str = "",
    abort_reason: str = "",
) -> Refusal | None:
    """None if ``current → target`` may happen now; otherwise every reason it may not.

    ``gate_unmet``: readiness-gate items still missing (blocks ``→ ready``; no
    override, each item has its own way to be satisfied). ``discharge_unmet``:
    discharge criteria not met (blocks ``→ discharged`` unless
    ``override_reason`` is given: the caller must ensure it comes from a
    prescriber). Aborting needs ``abort_reason``.
    """
    src, dst = parse_state(current), parse_state(target)
    if src in FINAL:
        return Refusal(
            "final", (f"The session is already {STATE_LABELS[src].lower()}; nothing can follow.",)
        )
    if dst not in TRANSITIONS[src]:
        order = list(SessionState)
        allowed = " or ".join(
            STATE_LABELS[s].lower() for s in sorted(TRANSITIONS[src], key=order.index)
        )
        return Refusal(
            "not_allowed",
            (
                f"A session that is {STATE_LABELS[src].lower()} cannot become "
                f"{STATE_LABELS[dst].lower()}; it can only become {allowed}.",
            ),
        )
    if dst is SessionState.ABORTED:
        if not abort_reason.strip():
            return Refusal("reason_required", ("abort_reason: say why the session is aborted.",))
        return None
    if dst is SessionState.READY and gate_unmet:
        return Refusal("gate_unmet", tuple(gate_unmet))
    if dst is SessionState.DISCHARGED and discharge_unmet and not override_reason.strip():
        return Refusal(
            "discharge_unmet",
            (
                *discharge_unmet,
                "A prescriber may override the unmet criteria with a written reason.",
            ),
        )
    return None


def transition(
    current: SessionState | str,
    target: SessionState | str,
    *,
    gate_unmet: Sequence[str] = (),
    discharge_unmet: Sequence[str] = (),
    override_reason: str = "",
    abort_reason: str = "",
) -> SessionState:
    """The new state, or :class:`TransitionRefused` explaining why not."""
    found = refusal(
        current,
        target,
        gate_unmet=gate_unmet,
        discharge_unmet=discharge_unmet,
        override_reason=override_reason,
        abort_reason=abort_reason,
    )
    if found is not None:
        raise TransitionRefused(found)
    return parse_state(target)
