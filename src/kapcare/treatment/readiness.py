"""What must be true before a plan is signed: current eligibility and signed consent.

Both answers come from intake (issue 5); this module only asks and words the
refusal for the prescriber.
"""

from __future__ import annotations

from kapcare.intake.selectors import consent_status, eligibility_is_current
from kapcare.patients.models import Patient


def sign_blockers(patient: Patient) -> list[str]:
    """Why a plan for this patient cannot be signed yet (empty: it can)."""
    blockers = []
    if not eligibility_is_current(patient):
        blockers.append(
            "No current eligibility decision: a prescriber must decide eligibility on the "
            "latest intake (Intake & eligibility tab) before the plan is signed."
        )
    consent = consent_status(patient)
    if not consent.current:
        blockers.append(f"Consent is not current: {consent.reason}")
    return blockers
