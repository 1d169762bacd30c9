"""Scoring a validated response: total, band, subscales and flags.

Pure and deterministic so that the same answers always give the same stored
score, and the result records the definition version that produced it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .errors import NotScorableError
from .flags import raised_flags
from .model import InstrumentDefinition, Scoring
from .pcl5 import DEFAULT_CUTOFF
from .registry import get_definition
from .validation import Answer, Answers, choice_answer, validate_answers


@dataclass(frozen=True, kw_only=True)
class ScoreResult:
    """A scored response.

    ``total`` is an int for summed instruments and a float for PEG (a mean);
    ``band`` is None where the instrument has no validated bands; ``answers``
    are the normalised answers, including unscored ones such as PHQ-9 difficulty.
    """

    instrument: str
    version: str
    total: int | float
    band: str | None
    subscales: Mapping[str, int]
    flags: frozenset[str]
    answers: Mapping[str, Answer]


def score(key: str, answers: Answers, *, pcl5_cutoff: int = DEFAULT_CUTOFF) -> ScoreResult:
    """Score a complete response to instrument ``key``.

    Raises InvalidResponse for any missing, unknown, out-of-range or wrongly
    typed answer (no prorating), NotScorableError for an instrument without a
    validated total, and ValueError for a PCL-5 cut-off outside 1-80.
    ``pcl5_cutoff`` is checked only when scoring the PCL-5, so a bad PCL-5
    setting can never block a PHQ-9 safety flag.
    """
    definition = get_definition(key)
    if not definition.scored:
        raise NotScorableError(
            f"{definition.abbreviation} has no validated total score; "
            "use validate() to check and normalise its answers"
        )
    cutoff = _checked_cutoff(definition, pcl5_cutoff) if key == "pcl5" else None
    normalised = validate_answers(definition, answers)
    total = _total(definition, normalised)
    band = definition.band_for(total)
    return ScoreResult(
        instrument=definition.key,
        version=definition.version,
        total=total,
        band=band.key if band else None,
        subscales=MappingProxyType(
            {
                subscale.key: sum(choice_answer(normalised, item) for item in subscale.items)
                for subscale in definition.subscales
            }
        ),
        flags=raised_flags(definition, normalised, total, cutoff=cutoff),
        answers=normalised,
    )


def _total(definition: InstrumentDefinition, answers: Mapping[str, Answer]) -> int | float:
    values = [choice_answer(answers, item.key) for item in definition.scored_items]
    if definition.scoring is Scoring.MEAN:
        return sum(values) / len(values)
    return sum(values)


def _checked_cutoff(definition: InstrumentDefinition, cutoff: object) -> int:
    assert definition.total_range is not None
    low, high = definition.total_range
    if isinstance(cutoff, bool) or not isinstance(cutoff, int) or not low < cutoff <= high:
        raise ValueError(
            f"pcl5_cutoff: {cutoff!r} is not allowed; allowed values are whole numbers "
            f"from {low + 1} to {high}"
        )
    return cutoff
