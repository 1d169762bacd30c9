"""What a clinical rule says about one case: a finding.

Every rule in the pure core (dose caps, vital-sign thresholds, sedation, and
later eligibility) reports in this one shape, so the console, the clinic board
and the audit trail can show and store any of them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How hard a finding stops the user.

    ``block``: stop and act now; going on needs a prescriber's override with a
    written reason. ``warn``: a clinician must look and decide. ``info``: shown,
    no decision needed.
    """

    BLOCK = "block"
    WARN = "warn"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Sort position: block before warn before info."""
        return list(Severity).index(self)


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule's verdict, with enough context to show it and defend it later.

    ``sources`` holds keys (e.g. ``("K10",)``) into the clinical reference's
    source list (``shared/clinical-reference.md`` §9). ``local_choice`` is true
    when the number behind the finding is the clinic's own setting rather than a
    published value, so the screen can say so.
    """

    rule_id: str
    severity: Severity
    message: str
    action: str = ""
    sources: tuple[str, ...] = ()
    local_choice: bool = False

    def __post_init__(self) -> None:
        if not self.rule_id:
            raise ValueError("rule_id: must not be empty")
        if not self.message:
            raise ValueError("message: must not be empty")
        # Accept the plain strings "block"/"warn"/"info" but store the enum.
        object.__setattr__(self, "severity", Severity(self.severity))
