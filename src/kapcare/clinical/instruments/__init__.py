"""Questionnaire definitions and their pure scoring.

    from kapcare.clinical.instruments import score, InvalidResponse
    result = score("phq9", [0, 1, 2, 0, 0, 1, 0, 0, 1])

Definitions are versioned data (one module per instrument); scoring never
touches a database, so every rule is testable with plain values.
"""

from __future__ import annotations

from .errors import InvalidResponse, NotScorableError, UnknownInstrumentError
from .model import InstrumentDefinition
from .registry import DEFINITIONS, get_definition
from .scoring import ScoreResult, score
from .validation import Answer, Answers, validate

__all__ = [
    "DEFINITIONS",
    "Answer",
    "Answers",
    "InstrumentDefinition",
    "InvalidResponse",
    "NotScorableError",
    "ScoreResult",
    "UnknownInstrumentError",
    "get_definition",
    "score",
    "validate",
]
