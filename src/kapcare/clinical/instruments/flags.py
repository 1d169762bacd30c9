"""Flags a scored response raises, evaluated from the definitions' rules.

Flags look at single items as well as totals because some signals (PHQ-9 item
9) must be raised whatever the total. The rules are data in each definition so
that the reason and source of a flag can be shown next to it.
"""

from __future__ import annotations

from collections.abc import Mapping

from .model import ClusterRule, FlagRule, InstrumentDefinition, ItemAboveRule, TotalCutoffRule
from .validation import Answer, choice_answer


def raised_flags(
    definition: InstrumentDefinition,
    answers: Mapping[str, Answer],
    total: float,
    *,
    cutoff: int | None = None,
) -> frozenset[str]:
    """Return the flags whose rule holds; ``cutoff`` overrides a TotalCutoffRule's default."""
    return frozenset(
        rule.flag
        for rule in definition.flag_rules
        if _holds(rule, definition, answers, total, cutoff)
    )


def _holds(
    rule: FlagRule,
    definition: InstrumentDefinition,
    answers: Mapping[str, Answer],
    total: float,
    cutoff: int | None,
) -> bool:
    match rule:
        case ItemAboveRule():
            return choice_answer(answers, rule.item) > rule.above
        case TotalCutoffRule():
            return total >= (rule.default_cutoff if cutoff is None else cutoff)
        case ClusterRule():
            subscales = {subscale.key: subscale.items for subscale in definition.subscales}
            return all(
                sum(choice_answer(answers, item) >= rule.present_at for item in subscales[key])
                >= needed
                for key, needed in rule.minimum_present
            )
