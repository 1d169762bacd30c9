"""Who is acting, in which clinic, in which role: the subject of every access decision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kapcare.accounts.models import Clinic, Membership, User
    from kapcare.patients.models import Patient

PATIENT_ROLE = "patient"
SUPPORT_ROLE = "support"


@dataclass(frozen=True)
class Actor:
    """A signed-in person as seen by the access policy.

    ``role`` is a staff role (``admin``, ``prescriber``, ``therapist``, ``nurse``) for the
    current clinic, or ``patient`` / ``support``. ``clinic`` is the clinic the person is
    working in now (a patient's own clinic for patients).
    """

    user: User
    clinic: Clinic | None
    role: str | None
    membership: Membership | None = None
    patient: Patient | None = None

    @property
    def is_staff_member(self) -> bool:
        return self.membership is not None

    @property
    def is_patient(self) -> bool:
        return self.role == PATIENT_ROLE

    @property
    def label(self) -> str:
        return f"{self.user.full_name} <{self.user.email}>"
