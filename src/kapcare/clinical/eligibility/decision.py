"""The one hard constraint screening puts on the prescriber's decision.

A ``block`` finding is a labelled absolute contraindication. Treating the
patient anyway ("eligible" or "eligible with conditions") is possible only
with a written override reason, which the caller records and audits.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from kapcare.clinical.eligibility.codes import parse_code
from kapcare.clinical.eligibility.rules import Severity
from kapcare.clinical.eligibility.screening import Finding


class Decision(StrEnum):
    """The prescriber's possible eligibility decisions."""

    ELIGIBLE = "eligible"
    ELIGIBLE_WITH_CONDITIONS = "eligible_with_conditions"
    NOT_ELIGIBLE = "not_eligible"
    MORE_INFORMATION_NEEDED = "more_information_needed"

    @property
    def treats(self) -> bool:
        """True when the decision lets treatment go ahead."""
        return self in (Decision.ELIGIBLE, Decision.ELIGIBLE_WITH_CONDITIONS)


class OverrideRequired(ValueError):
    """A treating decision was made over block findings without a written reason."""

    def __init__(self, decision: Decision, rule_ids: tuple[str, ...]) -> None:
        self.decision = decision
        self.rule_ids = rule_ids
        super().__init__(
            f"Decision {decision.value!r} needs a written override reason because of block "
            f"findings: {', '.join(rule_ids)}."
        )


@dataclass(frozen=True)
class DecisionCheck:
    """A decision that passed the check, with the block findings it overrides."""

    decision: Decision
    overridden_rule_ids: tuple[str, ...]
    override_reason: str | None


def decide(
    findings: Iterable[Finding], decision: str, *, override_reason: str | None = None
) -> DecisionCheck:
    """Check ``decision`` against ``findings`` and return it with any overrides.

    Raises ``OverrideRequired`` when a treating decision meets a block finding
    without a non-blank reason, and ``ValueError`` when a reason is given but
    nothing is overridden (so the audit trail never shows a reason for nothing).
    """
    chosen = parse_code(Decision, decision, "decision")
    if override_reason is not None and not isinstance(override_reason, str):
        raise ValueError(f"override_reason must be text, not {override_reason!r}.")
    blocking = tuple(sorted({f.rule_id for f in findings if f.severity is Severity.BLOCK}))
    reason = override_reason.strip() if override_reason is not None else ""
    if not chosen.treats or not blocking:
        if reason:
            raise ValueError(
                "override_reason applies only when an eligible decision overrides block findings."
            )
        return DecisionCheck(chosen, (), None)
    if not reason:
        raise OverrideRequired(chosen, blocking)
    return DecisionCheck(chosen, blocking, reason)
