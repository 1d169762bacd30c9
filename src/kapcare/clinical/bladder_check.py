"""The clinic's bladder and urinary symptom screening checklist (not a validated instrument).

Lower urinary tract and bladder symptoms and cystitis occur with chronic
ketamine use or abuse [K16d]. The clinical reference names no validated
questionnaire for this, so kapcare offers a short yes/no checklist of common
symptoms for a clinician to ask during long courses. It has no score and no
cut-off: any "yes" asks a clinician to review.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from kapcare.clinical.findings import Finding, Severity

#: the checklist's version, stored with each answer set
VERSION: Final = "kapcare-bladder-checklist-1"

#: (key, question); order is the order on screen
ITEMS: Final = (
    ("frequency", "Passing urine more often than usual"),
    ("urgency", "Sudden, strong urges to pass urine"),
    ("painful_urination", "Pain or burning when passing urine"),
    ("blood_in_urine", "Blood in the urine"),
    ("bladder_pain", "Pain in the lower abdomen or bladder area"),
    ("incontinence", "Leaking urine (incontinence)"),
)
KEYS: Final = tuple(key for key, _ in ITEMS)
LABELS: Final = dict(ITEMS)


def review_finding(answers: Mapping[str, bool]) -> Finding | None:
    """A finding for clinician review when any symptom is present; ``None`` when all are "no"."""
    unknown = sorted(set(answers) - set(KEYS))
    if unknown:
        raise ValueError(f"answers: unknown items {', '.join(unknown)}; allowed: {', '.join(KEYS)}")
    present = [LABELS[key] for key in KEYS if answers.get(key)]
    if not present:
        return None
    return Finding(
        rule_id="exposure.bladder_symptoms_reported",
        severity=Severity.WARN,
        message="Bladder or urinary symptoms reported: " + "; ".join(present).lower() + ".",
        action=(
            "A prescriber reviews this before the next dose: bladder symptoms and cystitis "
            "occur with chronic ketamine use."
        ),
        sources=("K16d",),
    )
