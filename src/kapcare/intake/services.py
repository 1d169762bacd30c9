"""Writes to the intake: saving sections as the patient goes, medications, submission.

Every change writes a new ``IntakeVersion`` holding the whole intake, and an
audit row, in one transaction; the version the patient submitted stays as it
was whatever staff correct afterwards.
"""

from __future__ import annotations

import copy
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.intake import baseline
from kapcare.intake.facts import medication_record, missing_for_submission
from kapcare.intake.forms import MEDICATIONS, SECTIONS
from kapcare.intake.models import Intake, IntakeStatus, IntakeVersion, VersionKind
from kapcare.patients import services as patient_services
from kapcare.patients.models import Patient

#: medicines one intake may list, so that a script cannot grow a record without bound
MAX_MEDICATIONS = 40


class IntakeLocked(Exception):
    """The patient already submitted; from now on the clinic corrects the intake."""


class StaleIntake(Exception):
    """Someone saved the intake since this form was read; reload and re-apply."""


def intake_get_or_create(*, actor: Actor, patient: Patient) -> Intake:
    """The patient's intake, started empty on first use (no version until something is saved)."""
    intake, created = Intake.objects.get_or_create(
        patient=patient, defaults={"clinic": patient.clinic}
    )
    if created:
        record(Action.CREATE, actor=actor, patient=patient, obj=intake)
    return intake


def _editable(actor: Actor, intake: Intake) -> VersionKind:
    if actor.is_staff_member:
        return VersionKind.STAFF
    if intake.status == IntakeStatus.SUBMITTED:
        raise IntakeLocked("Your intake has been sent to the clinic; they can correct it with you.")
    return VersionKind.DRAFT


def _write(
    actor: Actor,
    intake: Intake,
    data: dict[str, Any],
    *,
    kind: VersionKind,
    section: str,
    expected_version: int | None = None,
) -> IntakeVersion:
    """Store ``data`` as the intake's next version; the caller holds the transaction."""
    expected = intake.version if expected_version is None else expected_version
    now = timezone.now()
    updated = Intake.objects.filter(pk=intake.pk, version=expected).update(
        data=data, version=F("version") + 1, updated_at=now
    )
    if not updated:
        raise StaleIntake("The intake was changed by someone else while you were editing it.")
    intake.data, intake.version, intake.updated_at = data, expected + 1, now
    version = IntakeVersion.objects.create(
        intake=intake,
        number=intake.version,
        kind=kind,
        section=section,
        data=data,
        changed_by=actor.user,
        changed_at=now,
    )
    record(
        Action.UPDATE,
        actor=actor,
        patient=intake.patient,
        obj=intake,
        detail={"section": section, "version": version.number, "kind": kind.value},
    )
    return version


@transaction.atomic
def intake_save_section(
    *,
    actor: Actor,
    intake: Intake,
    section: str,
    values: dict[str, Any],
    expected_version: int | None = None,
) -> IntakeVersion | None:
    """Replace one section with validated ``values`` (a section form's ``to_data()``).

    Returns the new version, or None when nothing changed (a repeated autosave).
    The emergency contact is also written to the patient record.
    """
    if section not in SECTIONS and section != MEDICATIONS:
        raise ValidationError({"section": [f"Unknown section; allowed: {', '.join(SECTIONS)}."]})
    kind = _editable(actor, intake)
    data = copy.deepcopy(intake.data)
    if section == MEDICATIONS:
        current = data.get(MEDICATIONS, {})
        values = {"items": current.get("items", []), "none": bool(values.get("none"))}
        if values["none"] and values["items"]:
            raise ValidationError(
                {"none": ["Remove the medicines listed first, or untick 'I take no medicines'."]}
            )
    if data.get(section) == values:
        return None
    data[section] = values
    version = _write(
        actor, intake, data, kind=kind, section=section, expected_version=expected_version
    )
    if section == "emergency_contact":
        _copy_emergency_contact(actor, intake.patient, values)
    return version


def _copy_emergency_contact(actor: Actor, patient: Patient, values: dict[str, Any]) -> None:
    """Write the contact to the patient record: only these three fields, validated alone.

    Not ``patient_update``: that re-validates the whole record, and an unrelated
    problem elsewhere in it must not stop a patient saving their intake.
    """
    fields = {
        "emergency_contact_name": values.get("name", ""),
        "emergency_contact_relationship": values.get("relationship", ""),
        "emergency_contact_phone": values.get("phone", ""),
    }
    for name, value in fields.items():
        field = Patient._meta.get_field(name)
        assert isinstance(field, models.Field)
        field.clean(value, patient)
    changed = sorted(k for k, value in fields.items() if getattr(patient, k) != value)
    if not changed:
        return
    Patient.objects.filter(pk=patient.pk).update(
        **fields, updated_at=timezone.now(), version=F("version") + 1
    )
    for name, value in fields.items():
        setattr(patient, name, value)
    record(Action.UPDATE, actor=actor, patient=patient, obj=patient, detail={"fields": changed})


@transaction.atomic
def intake_add_medication(
    *, actor: Actor, intake: Intake, cleaned: dict[str, Any]
) -> IntakeVersion:
    """Add one medicine (a ``MedicationForm``'s cleaned data), converting benzodiazepines."""
    kind = _editable(actor, intake)
    data = copy.deepcopy(intake.data)
    meds = data.setdefault(MEDICATIONS, {"items": [], "none": False})
    if len(meds.get("items", [])) >= MAX_MEDICATIONS:
        raise ValidationError(
            {"name": [f"An intake can list at most {MAX_MEDICATIONS} medicines."]}
        )
    meds.setdefault("items", []).append(medication_record(cleaned, secrets.token_hex(4)))
    meds["none"] = False
    return _write(actor, intake, data, kind=kind, section=MEDICATIONS)


@transaction.atomic
def intake_remove_medication(*, actor: Actor, intake: Intake, item_id: str) -> IntakeVersion:
    kind = _editable(actor, intake)
    data = copy.deepcopy(intake.data)
    items = data.get(MEDICATIONS, {}).get("items", [])
    kept = [item for item in items if item.get("id") != item_id]
    if len(kept) == len(items):
        raise ValidationError({"medication": ["That medicine is not on the list any more."]})
    data[MEDICATIONS]["items"] = kept
    return _write(actor, intake, data, kind=kind, section=MEDICATIONS)


@transaction.atomic
def intake_submit(*, actor: Actor, intake: Intake, assign_baselines: bool = True) -> IntakeVersion:
    """Send the intake to the clinic: keep this version, start screening, assign baselines.

    ``assign_baselines`` is off only for records of patients already scored elsewhere
    (the demo's patients in treatment).
    """
    locked = Intake.objects.select_for_update().get(pk=intake.pk)
    if locked.status == IntakeStatus.SUBMITTED:
        raise IntakeLocked("This intake has already been sent to the clinic.")
    missing = missing_for_submission(locked.data)
    if missing:
        errors: dict[str, list[str]] = {}
        for section, message in missing:
            errors.setdefault(section, []).append(message)
        raise ValidationError(errors)
    locked.patient = intake.patient
    version = _write(actor, locked, locked.data, kind=VersionKind.SUBMITTED, section="")
    Intake.objects.filter(pk=intake.pk).update(
        status=IntakeStatus.SUBMITTED, submitted_version=version
    )
    intake.status, intake.submitted_version = IntakeStatus.SUBMITTED, version
    intake.version, intake.data = locked.version, locked.data
    record(
        Action.CREATE, actor=actor, patient=intake.patient, obj=version, detail={"submitted": True}
    )
    patient = intake.patient
    if patient.status == "referred":
        patient_services.begin_screening(actor=actor, patient=patient)
    if assign_baselines:
        baseline.assign_baseline_questionnaires(actor=actor, patient=patient, data=locked.data)
    return version
