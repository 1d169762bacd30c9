"""Shared vocabulary of the access matrix: personas, outcomes and route specs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PERSONAS = (
    "anonymous",
    "admin",
    "prescriber",
    "therapist",
    "nurse",
    "other",  # therapist at another clinic
    "patient",
    "patient2",  # another patient of the same clinic
    "support",
)

# Outcomes: what the persona gets.
# passed the policy: 2xx, 3xx (not to sign-in), 400/422 (the body was refused, not the person)
OK = "ok"
LOGIN = "login"  # sent to sign in (pages) or 401 (API)
FORBIDDEN = "forbidden"  # 403: the role may not
NOT_FOUND = "not_found"  # 404: the object is not theirs, same as missing

CEDAR_STAFF = ("admin", "prescriber", "therapist", "nurse")
CLINICAL = ("prescriber", "therapist", "nurse")
PATIENTS = ("patient", "patient2")
SIGNED_IN = tuple(p for p in PERSONAS if p != "anonymous")


def outcomes(default: str, **per_persona: str) -> dict[str, str]:
    table = dict.fromkeys(PERSONAS, default)
    table.update(per_persona)
    return table


def each(personas: tuple[str, ...], outcome: str) -> dict[str, str]:
    return dict.fromkeys(personas, outcome)


@dataclass(frozen=True)
class Route:
    method: str
    expected: dict[str, str]
    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda w: {})
    data: Callable[[Any], dict[str, Any]] = field(default=lambda w: {})
    json_body: bool = False


def jordan(w: Any) -> dict[str, Any]:
    return {"patient_id": w.jordan.pk}


def jordan_member(w: Any) -> dict[str, Any]:
    return {"patient_id": w.jordan.pk, "member_id": w.jordan.care_team.first().pk}


def prescriber_token(w: Any) -> dict[str, Any]:
    return {"token_id": w.token.pk}


PAGE_STAFF = outcomes(FORBIDDEN, anonymous=LOGIN, **each(CEDAR_STAFF, OK), other=OK)
CHART = outcomes(FORBIDDEN, anonymous=LOGIN, **each(CEDAR_STAFF, OK), other=NOT_FOUND)
