"""Writing bladder checks, their reviews, and the clinic's exposure settings (atomic, audited)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.accounts.policy import Perm, deny, has_perm
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.clinical import bladder_check as checklist
from kapcare.exposure.models import BladderCheck, BladderCheckReview, ExposureSettings
from kapcare.patients.models import Patient

NOTES_MAX: Final = 2000

#: setting -> (kind, lowest, highest); every one may also be left empty ("off")
SETTING_RANGES: Final[dict[str, tuple[type, Decimal, Decimal]]] = {
    "week_mg_limit": (Decimal, Decimal(1), Decimal(99999)),
    "month_mg_limit": (Decimal, Decimal(1), Decimal(99999)),
    "course_mg_limit": (Decimal, Decimal(1), Decimal(999999)),
    "session_mg_per_kg_notice": (Decimal, Decimal("0.01"), Decimal(50)),
    "bladder_check_every_weeks": (int, Decimal(1), Decimal(52)),
    "bladder_check_every_sessions": (int, Decimal(1), Decimal(100)),
}
SETTING_NAMES: Final = tuple(SETTING_RANGES)


def _require(actor: Actor, perm: Perm, object_type: str, message: str) -> None:
    if not has_perm(actor, perm):
        deny(actor, perm, object_type=object_type)
        raise PermissionDenied(message)


def bladder_check_record(
    *,
    actor: Actor,
    patient: Patient,
    answers: Mapping[str, Any],
    notes: str = "",
    checked_at: dt.datetime | None = None,
) -> BladderCheck:
    """Record one checklist; any "yes" marks it for a prescriber's review [K16d].

    Every item needs a yes or a no: a check with a missing answer is refused, not
    saved with a guess.
    """
    _require(
        actor, Perm.BLADDER_CHECK_RECORD, "exposure.bladdercheck", "Only a clinician records this."
    )
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(answers) - set(checklist.KEYS))
    if unknown:
        errors["answers"] = [
            f"Unknown items: {', '.join(unknown)}; allowed: {', '.join(checklist.KEYS)}."
        ]
    values: dict[str, bool] = {}
    for key in checklist.KEYS:
        value = answers.get(key)
        if not isinstance(value, bool):
            errors[key] = [f"{checklist.LABELS[key]}: answer yes or no."]
        else:
            values[key] = value
    if len(notes) > NOTES_MAX:
        errors["notes"] = [f"Keep notes to {NOTES_MAX} characters (got {len(notes)})."]
    when = checked_at or timezone.now()
    if timezone.is_naive(when):
        errors["checked_at"] = ["Give the time with its time-zone offset."]
    elif when > timezone.now() + dt.timedelta(minutes=5):
        errors["checked_at"] = ["The check cannot be in the future."]
    if errors:
        raise ValidationError(errors)
    finding = checklist.review_finding(values)
    with transaction.atomic():
        check = BladderCheck.objects.create(
            clinic=patient.clinic,
            patient=patient,
            checked_at=when,
            notes=notes.strip(),
            needs_review=finding is not None,
            recorded_by=actor.user,
            **values,
        )
        record(
            Action.CREATE,
            actor=actor,
            patient=patient,
            obj=check,
            detail={"needs_review": check.needs_review, "checklist": check.checklist_version},
        )
    return check


def bladder_check_review(*, actor: Actor, check: BladderCheck, note: str) -> BladderCheckReview:
    """A prescriber reviews a check that reported symptoms and writes what was decided."""
    _require(
        actor,
        Perm.BLADDER_CHECK_REVIEW,
        "exposure.bladdercheckreview",
        "Only a prescriber reviews bladder symptoms.",
    )
    if not check.needs_review:
        raise ValidationError({"check": ["This check reported no symptoms: nothing to review."]})
    if not note.strip():
        raise ValidationError({"note": ["Write what was decided (for example, tests ordered)."]})
    if len(note) > NOTES_MAX:
        raise ValidationError({"note": [f"Keep the note to {NOTES_MAX} characters."]})
    try:
        with transaction.atomic():
            review = BladderCheckReview.objects.create(
                bladder_check=check, note=note.strip(), reviewed_by=actor.user
            )
            record(Action.CREATE, actor=actor, patient=check.patient, obj=review)
    except IntegrityError:
        raise ValidationError({"check": ["This check was already reviewed."]}) from None
    return review


def _clean_settings(values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name in SETTING_NAMES:
        if name not in values:
            continue
        kind, low, high = SETTING_RANGES[name]
        raw = values[name]
        text = "" if raw is None else str(raw).strip()
        if text == "":
            cleaned[name] = None
            continue
        try:
            number = Decimal(text)
        except InvalidOperation:
            errors[name] = [f"Enter a number, or leave it empty for no warning (got {text!r})."]
            continue
        if kind is int and number != number.to_integral_value():
            errors[name] = ["Enter a whole number."]
            continue
        if not low <= number <= high:
            errors[name] = [f"Enter a number from {low} to {high}, or leave it empty."]
            continue
        cleaned[name] = int(number) if kind is int else number
    if errors:
        raise ValidationError(errors)
    return cleaned


def exposure_settings_save(
    *, actor: Actor, values: Mapping[str, Any], reason: str = ""
) -> ExposureSettings:
    """Set the clinic's limits and check interval; saving confirms them as the clinic's own.

    A change needs a reason; saving unchanged values re-confirms them.
    """
    _require(
        actor,
        Perm.EXPOSURE_SETTINGS,
        "exposure.exposuresettings",
        "Only an admin or a prescriber changes exposure settings.",
    )
    cleaned = _clean_settings(values)
    with transaction.atomic():
        current = ExposureSettings.objects.select_for_update().filter(clinic=actor.clinic).first()
        if current is None:
            current = ExposureSettings(clinic=actor.clinic)
        changed = {
            name: (getattr(current, name), value)
            for name, value in cleaned.items()
            if getattr(current, name) != value
        }
        if changed and not reason.strip():
            raise ValidationError({"reason": ["Say why the settings change."]})
        for name, (_, value) in changed.items():
            setattr(current, name, value)
        current.confirmed_by = actor.user
        current.confirmed_at = timezone.now()
        current.version += 1
        current.save()
        record(
            Action.UPDATE,
            actor=actor,
            obj=current,
            detail={
                "changed": {n: [_text(a), _text(b)] for n, (a, b) in changed.items()},
                "reason": reason.strip(),
                "version": current.version,
            },
        )
    return current


def _text(value: Any) -> str:
    return "" if value is None else str(value)
