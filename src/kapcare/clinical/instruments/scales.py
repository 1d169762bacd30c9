"""Builders for answer scales that several instruments share.

A 0-10 rating with words only at its two ends is how PEG and our clinic
instruments are printed; building it in one place keeps the labels consistent.
"""

from __future__ import annotations

from .model import AnswerOption


def rating_options(
    minimum: int, maximum: int, *, low_label: str, high_label: str
) -> tuple[AnswerOption, ...]:
    """Whole-number options from ``minimum`` to ``maximum``, labelled at both ends."""
    options = []
    for value in range(minimum, maximum + 1):
        if value == minimum:
            label = f"{value} = {low_label}"
        elif value == maximum:
            label = f"{value} = {high_label}"
        else:
            label = str(value)
        options.append(AnswerOption(value=value, label=label))
    return tuple(options)
