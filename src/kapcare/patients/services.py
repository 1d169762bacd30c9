"""Writes to the patient record: registration, edits, journey transitions, care team, notes.

Each function is atomic and writes its audit row in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.accounts.models import Membership, Role
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.clinical import journey
from kapcare.patients.models import (
    CareTeamMember,
    ChartNote,
    NoteVisibility,
    Patient,
    StatusChange,
    TeamRole,
)

#: fields a clinician may edit on the demographic record
EDITABLE_FIELDS = (
    "mrn",
    "given_name",
    "family_name",
    "preferred_name",
    "pronouns",
    "date_of_birth",
    "sex_at_birth",
    "gender_identity",
    "email",
    "phone",
    "address",
    "emergency_contact_name",
    "emergency_contact_relationship",
    "emergency_contact_phone",
)


class StaleRecord(Exception):
    """Someone else changed the record since it was read; reload and try again."""


class DuplicateMRN(ValidationError):
    pass


def _duplicate_mrn(mrn: str) -> DuplicateMRN:
    return DuplicateMRN(
        {
            "mrn": [
                f"Medical record number {mrn} is already in use at this clinic; "
                "each patient needs their own."
            ]
        }
    )


@transaction.atomic
def patient_create(*, actor: Actor, **fields: Any) -> Patient:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: ["This field cannot be set."] for name in sorted(unknown)})
    patient = Patient(clinic=actor.clinic, **fields)
    patient.full_clean(exclude=["clinic", "user"], validate_unique=False)
    if Patient.objects.filter(clinic=actor.clinic, mrn=patient.mrn).exists():
        raise _duplicate_mrn(patient.mrn)
    try:
        with transaction.atomic():
            patient.save()
    except IntegrityError:
        raise _duplicate_mrn(patient.mrn) from None
    record(Action.CREATE, actor=actor, patient=patient, obj=patient)
    return patient


@transaction.atomic
def patient_update(
    *, actor: Actor, patient: Patient, expected_version: int, **fields: Any
) -> Patient:
    """Apply changed fields if nobody else saved since ``expected_version`` was read."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: ["This field cannot be changed."] for name in sorted(unknown)})
    changed = {k: v for k, v in fields.items() if getattr(patient, k) != v}
    for name, value in changed.items():
        setattr(patient, name, value)
    patient.full_clean(exclude=["clinic", "user"], validate_unique=False)
    if "mrn" in changed and (
        Patient.objects.filter(clinic=patient.clinic, mrn=patient.mrn)
        .exclude(pk=patient.pk)
        .exists()
    ):
        raise _duplicate_mrn(patient.mrn)
    now = timezone.now()
    updated = Patient.objects.filter(pk=patient.pk, version=expected_version).update(
        **changed, updated_at=now, version=F("version") + 1
    )
    if not updated:
        raise StaleRecord("This record was changed by someone else while you were editing it.")
    patient.version = expected_version + 1
    patient.updated_at = now
    record(
        Action.UPDATE,
        actor=actor,
        patient=patient,
        obj=patient,
        detail={"fields": sorted(changed)},
    )
    return patient


def _transition(actor: Actor, patient: Patient, name: str, reason: str = "") -> Patient:
    target = journey.target_of(name, patient.status)
    if name in journey.REASON_REQUIRED and not reason.strip():
        raise ValidationError({"reason": ["A reason is required for this change."]})
    with transaction.atomic():
        moved = Patient.objects.filter(pk=patient.pk, status=patient.status).update(
            status=target.value, status_changed_at=timezone.now(), version=F("version") + 1
        )
        if not moved:
            raise StaleRecord("The patient's status changed while you were looking at it.")
        StatusChange.objects.create(
            patient=patient,
            from_status=patient.status,
            to_status=target.value,
            transition=name,
            reason=reason.strip(),
            changed_by=actor.user,
        )
        record(
            Action.TRANSITION,
            actor=actor,
            patient=patient,
            obj=patient,
            detail={"transition": name, "from": patient.status, "to": target.value},
        )
        # The worklist reads "in treatment" from the stored progress; imported here
        # because measures builds on patients, not the other way round.
        from kapcare.measures.progress import refresh_progress

        refresh_progress([patient.pk])
    patient.status = target.value
    patient.version += 1
    return patient


# One function per journey transition; later features call the one they mean.


def begin_screening(*, actor: Actor, patient: Patient) -> Patient:
    return _transition(actor, patient, "begin_screening")


def mark_eligible(*, actor: Actor, patient: Patient) -> Patient:
    return _transition(actor, patient, "mark_eligible")


def mark_not_eligible(*, actor: Actor, patient: Patient, reason: str) -> Patient:
    return _transition(actor, patient, "mark_not_eligible", reason)


def start_treatment(*, actor: Actor, patient: Patient) -> Patient:
    return _transition(actor, patient, "start_treatment")


def move_to_maintenance(*, actor: Actor, patient: Patient) -> Patient:
    return _transition(actor, patient, "move_to_maintenance")


def resume_active_treatment(*, actor: Actor, patient: Patient) -> Patient:
    return _transition(actor, patient, "resume_active_treatment")


def complete_course(*, actor: Actor, patient: Patient) -> Patient:
    return _transition(actor, patient, "complete_course")


def discontinue(*, actor: Actor, patient: Patient, reason: str) -> Patient:
    return _transition(actor, patient, "discontinue", reason)


def re_refer(*, actor: Actor, patient: Patient) -> Patient:
    return _transition(actor, patient, "re_refer")


TRANSITION_FUNCTIONS: dict[str, Callable[..., Patient]] = {
    "begin_screening": begin_screening,
    "mark_eligible": mark_eligible,
    "mark_not_eligible": mark_not_eligible,
    "start_treatment": start_treatment,
    "move_to_maintenance": move_to_maintenance,
    "resume_active_treatment": resume_active_treatment,
    "complete_course": complete_course,
    "discontinue": discontinue,
    "re_refer": re_refer,
}

#: which staff roles may hold which care-team role
TEAM_ROLE_FITS = {
    TeamRole.PRESCRIBER: {Role.PRESCRIBER},
    TeamRole.THERAPIST: {Role.THERAPIST, Role.PRESCRIBER},
    TeamRole.NURSE: {Role.NURSE, Role.PRESCRIBER},
}


@transaction.atomic
def care_team_assign(
    *, actor: Actor, patient: Patient, membership: Membership, team_role: str
) -> CareTeamMember:
    if membership.clinic_id != patient.clinic_id or not membership.is_active:
        raise ValidationError({"member": ["Choose an active staff member of this clinic."]})
    if team_role not in TeamRole.values:
        raise ValidationError({"team_role": [f"Choose one of: {', '.join(TeamRole.labels)}."]})
    if membership.role not in TEAM_ROLE_FITS[TeamRole(team_role)]:
        staff_role = membership.get_role_display().lower()
        wanted = TeamRole(team_role).label.lower()
        raise ValidationError({"team_role": [f"A {staff_role} cannot be {wanted}."]})
    member, created = CareTeamMember.objects.get_or_create(
        patient=patient, membership=membership, team_role=team_role
    )
    if created:
        record(
            Action.UPDATE,
            actor=actor,
            patient=patient,
            obj=member,
            detail={"care_team": "assigned", "member": membership.user_id, "team_role": team_role},
        )
    return member


@transaction.atomic
def care_team_remove(*, actor: Actor, member: CareTeamMember) -> None:
    patient = member.patient
    record(
        Action.UPDATE,
        actor=actor,
        patient=patient,
        obj=member,
        detail={
            "care_team": "removed",
            "member": member.membership.user_id,
            "team_role": member.team_role,
        },
    )
    member.delete()


@transaction.atomic
def note_create(
    *,
    actor: Actor,
    patient: Patient,
    title: str,
    body: str,
    visibility: str,
    amends: ChartNote | None = None,
) -> ChartNote:
    if visibility not in NoteVisibility.values:
        raise ValidationError(
            {"visibility": [f"Choose one of: {', '.join(NoteVisibility.labels)}."]}
        )
    note = ChartNote(
        patient=patient,
        clinic=patient.clinic,
        author=actor.user,
        title=title.strip(),
        body=body.strip(),
        visibility=visibility,
        amends=amends,
    )
    note.full_clean()
    note.save()
    record(Action.CREATE, actor=actor, patient=patient, obj=note, detail={"visibility": visibility})
    return note
