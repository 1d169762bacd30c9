"""The bridge between stored rows and the pure clinical core.

Scoring, bands, flags and outcome rules all come from ``kapcare.clinical``; this
module only chooses ``score`` or ``validate`` (our own clinic instruments have no
total) and turns the result into values a JSON column can hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kapcare.clinical.instruments import InstrumentDefinition, score, validate
from kapcare.clinical.instruments.validation import Answer
from kapcare.clinical.outcomes import OUTCOME_DEFINITIONS, Change, classify_change


@dataclass(frozen=True, kw_only=True)
class Scored:
    """A validated response ready to store; ``total`` is None for unscored instruments."""

    version: str
    answers: dict[str, Any]
    total: int | float | None
    band: str
    subscales: dict[str, int] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)


def score_answers(
    definition: InstrumentDefinition, answers: Mapping[str, object], *, pcl5_cutoff: int
) -> Scored:
    """Validate and score; raises InvalidResponse naming the item, as the pure core does."""
    if not definition.scored:
        return Scored(
            version=definition.version,
            answers=_jsonable(validate(definition.key, answers)),
            total=None,
            band="",
        )
    options = {"pcl5_cutoff": pcl5_cutoff} if definition.key == "pcl5" else {}
    result = score(definition.key, answers, **options)
    return Scored(
        version=result.version,
        answers=_jsonable(result.answers),
        total=result.total,
        band=result.band or "",
        subscales=dict(result.subscales),
        flags=sorted(result.flags),
    )


def _jsonable(answers: Mapping[str, Answer]) -> dict[str, Any]:
    return {
        key: list(value) if isinstance(value, tuple) else value for key, value in answers.items()
    }


def has_outcomes(instrument: str) -> bool:
    return instrument in OUTCOME_DEFINITIONS


def change_since_baseline(
    instrument: str, baseline: int | float | None, current: int | float | None
) -> Change | None:
    """classify_change for two stored scores, or None where no comparison is defined."""
    if baseline is None or current is None or not has_outcomes(instrument):
        return None
    return classify_change(instrument, baseline=baseline, current=current)
