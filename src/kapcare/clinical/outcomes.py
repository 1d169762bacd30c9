"""Response, remission and meaningful change between two scores.

The definitions are data with plain-language text and source keys
(clinical-reference §1 and §6) because clinicians and patients are shown what
"response" or "remission" means and where the threshold comes from.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from kapcare.clinical.instruments import get_definition
from kapcare.clinical.instruments.model import Scoring

# Scores such as PEG means are floats; compare with a little slack so that a
# change of exactly one MCID is not lost to rounding (e.g. 13/3 - 10/3).
_TOLERANCE = 1e-9


@dataclass(frozen=True, kw_only=True)
class ResponseRule:
    """Response: the score has fallen by at least ``reduction_percent`` of a baseline above 0."""

    reduction_percent: int
    text: str
    source_keys: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class RemissionRule:
    """Remission: the score is below ``below``, judged only from a baseline of ``min_baseline``+."""

    below: int
    min_baseline: int
    text: str
    source_keys: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class MeaningfulChangeRule:
    """Meaningful change: a change of at least ``points`` (the MCID) either way."""

    points: int
    text: str
    source_keys: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class OutcomeDefinition:
    """What counts as response, remission and meaningful change for one instrument.

    ``remission`` is None where the instrument has no remission definition.
    """

    instrument: str
    response: ResponseRule
    remission: RemissionRule | None
    meaningful_change: MeaningfulChangeRule


@dataclass(frozen=True, kw_only=True)
class Change:
    """How ``current`` compares with ``baseline``.

    ``percent_change`` is signed ((current - baseline) / baseline x 100, so an
    improvement is negative) and None when the baseline is 0. ``response`` is
    None when the baseline is 0; ``remission`` is None when the baseline is too
    low to judge it or the instrument has no remission definition.
    """

    instrument: str
    baseline: int | float
    current: int | float
    difference: int | float
    percent_change: float | None
    response: bool | None
    remission: bool | None
    meaningful_improvement: bool
    meaningful_worsening: bool


_RESPONSE_GENERAL = (
    "The general convention of clinical-reference §1; no {name}-specific response "
    "definition was verified."
)

OUTCOME_DEFINITIONS: Mapping[str, OutcomeDefinition] = MappingProxyType(
    {
        "phq9": OutcomeDefinition(
            instrument="phq9",
            response=ResponseRule(
                reduction_percent=50,
                text="Response: the PHQ-9 score has dropped by at least half from baseline.",
                source_keys=("R4",),
            ),
            remission=RemissionRule(
                below=5,
                min_baseline=10,
                text=(
                    "Remission: the PHQ-9 score is below 5, the minimal range. It is judged only "
                    "when the baseline was 10 or more, because a lower starting score leaves "
                    "too little room for remission to mean anything."
                ),
                source_keys=("R4", "K8b"),
            ),
            meaningful_change=MeaningfulChangeRule(
                points=5,
                text=(
                    "Meaningful change: a change of 5 points or more, the smallest change in the "
                    "PHQ-9 found to matter clinically (Löwe 2004)."
                ),
                source_keys=("R3",),
            ),
        ),
        "gad7": OutcomeDefinition(
            instrument="gad7",
            response=ResponseRule(
                reduction_percent=50,
                text=(
                    "Response: the GAD-7 score has dropped by at least half from baseline. There "
                    "is no GAD-7-specific standard; this is the definition used by Hull 2022."
                ),
                source_keys=("K8", "K8b"),
            ),
            remission=RemissionRule(
                below=5,
                min_baseline=10,
                text=(
                    "Remission: the GAD-7 score is below 5, the minimal range. It is judged only "
                    "when the baseline was 10 or more (the definition used by Hull 2022)."
                ),
                source_keys=("K8", "K8b"),
            ),
            meaningful_change=MeaningfulChangeRule(
                points=4,
                text=(
                    "Meaningful change: a change of 4 points or more, the smallest change in the "
                    "GAD-7 found to matter clinically (Toussaint 2020)."
                ),
                source_keys=("R10",),
            ),
        ),
        "pcl5": OutcomeDefinition(
            instrument="pcl5",
            response=ResponseRule(
                reduction_percent=50,
                text=(
                    "Response: the PCL-5 score has dropped by at least half from baseline. "
                    + _RESPONSE_GENERAL.format(name="PCL-5")
                ),
                source_keys=(),
            ),
            remission=None,
            meaningful_change=MeaningfulChangeRule(
                points=10,
                text=(
                    "Meaningful change: a change of about 10 points or more. In a primary-care "
                    "study, changes of 9-12 points were likely to reflect real change and "
                    "changes of 5 or less were likely not."
                ),
                source_keys=("R14",),
            ),
        ),
        "peg": OutcomeDefinition(
            instrument="peg",
            response=ResponseRule(
                reduction_percent=50,
                text=(
                    "Response: the PEG score has dropped by at least half from baseline. "
                    + _RESPONSE_GENERAL.format(name="PEG")
                ),
                source_keys=(),
            ),
            remission=None,
            meaningful_change=MeaningfulChangeRule(
                points=1,
                text=(
                    "Meaningful change: a change of about 1 point or more on the 0-10 PEG "
                    "(patient-anchored estimates across six trials were mostly 1.0-1.75)."
                ),
                source_keys=("R20",),
            ),
        ),
    }
)


def classify_change(instrument: str, *, baseline: float, current: float) -> Change:
    """Compare a current score with the baseline score of the same instrument.

    Raises ValueError naming the argument when the instrument has no outcome
    definitions or a score is outside the instrument's total range (or is not a
    whole number where totals are whole numbers).
    """
    definition = _outcome_definition(instrument)
    _check_score("baseline", instrument, baseline)
    _check_score("current", instrument, current)
    difference = current - baseline
    improvement = baseline - current
    mcid = definition.meaningful_change.points
    return Change(
        instrument=instrument,
        baseline=baseline,
        current=current,
        difference=difference,
        percent_change=None if baseline == 0 else difference / baseline * 100,
        response=_response(definition.response, baseline, improvement),
        remission=_remission(definition.remission, baseline, current),
        meaningful_improvement=improvement >= mcid - _TOLERANCE,
        meaningful_worsening=-improvement >= mcid - _TOLERANCE,
    )


def _response(rule: ResponseRule, baseline: float, improvement: float) -> bool | None:
    if baseline == 0:
        return None
    return improvement * 100 >= rule.reduction_percent * baseline - _TOLERANCE


def _remission(rule: RemissionRule | None, baseline: float, current: float) -> bool | None:
    if rule is None or baseline < rule.min_baseline:
        return None
    return current < rule.below


def _outcome_definition(instrument: object) -> OutcomeDefinition:
    if not isinstance(instrument, str) or instrument not in OUTCOME_DEFINITIONS:
        known = ", ".join(OUTCOME_DEFINITIONS)
        raise ValueError(
            f"instrument: {instrument!r} has no outcome definitions; allowed values are {known}"
        )
    return OUTCOME_DEFINITIONS[instrument]


def _check_score(argument: str, instrument: str, value: object) -> None:
    definition = get_definition(instrument)
    assert definition.total_range is not None
    low, high = definition.total_range
    whole = definition.scoring is Scoring.SUM
    if isinstance(value, bool) or not isinstance(value, int | float):
        allowed = "whole numbers" if whole else "numbers"
        raise ValueError(
            f"{argument}: {value!r} is not a score; allowed values are {allowed} "
            f"from {low} to {high} ({definition.abbreviation} total)"
        )
    if whole and not isinstance(value, int):
        raise ValueError(
            f"{argument}: {value!r} is not allowed; allowed values are whole numbers "
            f"from {low} to {high} ({definition.abbreviation} total)"
        )
    if not (math.isfinite(value) and low <= value <= high):
        raise ValueError(
            f"{argument}: {value!r} is outside the {definition.abbreviation} total range; "
            f"allowed values are {low} to {high}"
        )
