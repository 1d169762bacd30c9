"""A clinic's dosing settings: the numbers with no verified source, each confirmed by the clinic.

``shared/clinical-reference.md`` §3 finds no verified SpO2, heart-rate or
respiratory-rate limits for psychiatric ketamine use, and only "until fully
recovered" for racemic observation time [K16b]; discharge at MOAA/S 5 is a
clinic choice (the label asks for clinical stability [S1]); an alert on a
clinician's dissociation rating and the REMS form's filing days are not sourced
at all. kapcare ships defaults for each; each shows as a local choice to
confirm until an admin or prescriber confirms it. The console, the vitals
assessment and discharge read the clinic's values from here.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Final

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.accounts.models import Clinic
from kapcare.accounts.policy import Perm, deny, has_perm
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.clinical.observations import ObservationRules, Rating
from kapcare.clinical.vitals import Thresholds
from kapcare.dosing.models import DosingSession, DosingSettings


@dataclass(frozen=True)
class Setting:
    name: str
    label: str
    unit: str
    help: str


THRESHOLD_NAMES: Final = tuple(
    f.name for f in fields(Thresholds) if Thresholds().provenance(f.name).local_choice
)

#: every setting, in the order of the settings page
SETTINGS: Final = (
    Setting("spo2_warn_below", "SpO2: warn below", "%", "A reading below this is a warning."),
    Setting("spo2_block_below", "SpO2: act now below", "%", "Below this, act now."),
    Setting("heart_rate_warn_below", "Heart rate: warn below", "bpm", ""),
    Setting("heart_rate_block_below", "Heart rate: act now below", "bpm", ""),
    Setting("heart_rate_warn_above", "Heart rate: warn above", "bpm", ""),
    Setting("heart_rate_block_above", "Heart rate: act now above", "bpm", ""),
    Setting("respiratory_rate_warn_below", "Respiratory rate: warn below", "/min", ""),
    Setting("respiratory_rate_block_below", "Respiratory rate: act now below", "/min", ""),
    Setting("respiratory_rate_warn_above", "Respiratory rate: warn above", "/min", ""),
    Setting("respiratory_rate_block_above", "Respiratory rate: act now above", "/min", ""),
    Setting(
        "racemic_min_observation_minutes",
        "Minimum observation after racemic ketamine",
        "minutes",
        "IV, IM and sublingual. Esketamine is always at least 120 minutes (label and REMS).",
    ),
    Setting(
        "require_moaas_5",
        "Discharge only at MOAA/S 5 (fully alert)",
        "",
        "When off, a score of 4 or more allows discharge.",
    ),
    Setting(
        "dissociation_alert_at",
        "Alert when the dissociation rating is at least",
        "",
        "A clinician's rating, not a scored scale. Blank: never alert.",
    ),
    Setting(
        "rems_form_due_days",
        "File the esketamine REMS monitoring form within",
        "days",
        "Days after discharge; the form list shows what is due and overdue.",
    ),
)
NAMES: Final = tuple(s.name for s in SETTINGS)
_RANGES: Final = {
    "racemic_min_observation_minutes": (30, 480),
    "rems_form_due_days": (1, 60),
}


def settings_for(clinic: Clinic | int) -> DosingSettings:
    """The clinic's settings, or the defaults (unsaved) when it never chose."""
    clinic_id = clinic if isinstance(clinic, int) else clinic.pk
    found = DosingSettings.objects.filter(clinic_id=clinic_id).first()
    return found if found is not None else DosingSettings(clinic_id=clinic_id)


#: the join that reads the clinic's dosing settings with a session (see ``session_settings``)
WITH_SETTINGS: Final = "clinic__dosing_settings"


def session_settings(session: DosingSession) -> DosingSettings:
    """The session's clinic settings: no query when the session was read with ``WITH_SETTINGS``.

    Only a relation loaded that way is trusted; anything else reads the row afresh, so a
    settings change is never hidden behind an object cached earlier.
    """
    if DosingSession.clinic.is_cached(session) and Clinic.dosing_settings.is_cached(session.clinic):
        found = getattr(session.clinic, "dosing_settings", None)
        return found if found is not None else DosingSettings(clinic_id=session.clinic_id)
    return settings_for(session.clinic_id)


def thresholds_of(chosen: DosingSettings) -> Thresholds:
    """The vitals thresholds with the clinic's local choices (sourced ones stay the label's)."""
    return Thresholds(**{name: getattr(chosen, name) for name in THRESHOLD_NAMES})


def observation_rules_of(chosen: DosingSettings) -> ObservationRules:
    at = chosen.dissociation_alert_at
    return ObservationRules(dissociation_alert_at=Rating(at) if at else None)


@dataclass(frozen=True)
class SettingState:
    """One setting as the page shows it: its value and whether the clinic confirmed it."""

    setting: Setting
    value: Any
    confirmed_by: str
    confirmed_at: str

    @property
    def confirmed(self) -> bool:
        return bool(self.confirmed_by)


def states(chosen: DosingSettings) -> list[SettingState]:
    """Each setting with its confirmation; a confirmation holds only for the value confirmed."""
    result = []
    for setting in SETTINGS:
        value = getattr(chosen, setting.name)
        mark = chosen.confirmations.get(setting.name) or {}
        holds = mark.get("value") == value
        result.append(
            SettingState(
                setting,
                value,
                mark.get("by", "") if holds else "",
                mark.get("at", "") if holds else "",
            )
        )
    return result


def unconfirmed(chosen: DosingSettings) -> list[str]:
    """Labels of the settings still showing "local choice — confirm"."""
    return [s.setting.label for s in states(chosen) if not s.confirmed]


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name in NAMES:
        if name not in values:
            continue
        raw = values[name]
        if name == "require_moaas_5":
            cleaned[name] = bool(raw)
        elif name == "dissociation_alert_at":
            text = str(raw or "")
            if text and text not in {r.value for r in Rating if r is not Rating.NONE}:
                errors[name] = ["Choose mild, moderate, severe, or blank for never."]
            cleaned[name] = text
        else:
            try:
                number = int(str(raw).strip())
            except ValueError:
                errors[name] = [f"Enter a whole number, got {raw!r}."]
                continue
            low, high = _RANGES.get(name, (1, 300))
            if not low <= number <= high:
                errors[name] = [f"Enter a number from {low} to {high}."]
            cleaned[name] = number
    if errors:
        raise ValidationError(errors)
    return cleaned


def dosing_settings_save(
    *,
    actor: Actor,
    values: dict[str, Any],
    confirm: set[str] | frozenset[str] = frozenset(),
    reason: str = "",
) -> DosingSettings:
    """Change and/or confirm settings; a changed value counts as confirmed by whoever chose it.

    A change needs a reason; confirming unchanged values does not.
    """
    if not has_perm(actor, Perm.DOSING_SETTINGS):
        deny(actor, Perm.DOSING_SETTINGS, object_type="dosing.dosingsettings")
        raise PermissionDenied("Only an admin or a prescriber changes dosing settings.")
    unknown = sorted(set(confirm) - set(NAMES))
    if unknown:
        raise ValidationError({"confirm": [f"Unknown settings: {', '.join(unknown)}."]})
    cleaned = _clean(values)
    with transaction.atomic():
        current = DosingSettings.objects.select_for_update().filter(clinic=actor.clinic).first()
        if current is None:
            current = DosingSettings(clinic=actor.clinic)
        changed = {
            name: (getattr(current, name), value)
            for name, value in cleaned.items()
            if getattr(current, name) != value
        }
        if changed and not reason.strip():
            raise ValidationError({"reason": ["Say why the settings change."]})
        for name, (_, value) in changed.items():
            setattr(current, name, value)
        try:
            thresholds_of(current)
        except ValueError as error:
            field, _, message = str(error).partition(": ")
            raise ValidationError({field: [message]}) from None
        now = timezone.now()
        marks = dict(current.confirmations)
        newly = sorted(set(confirm) | set(changed))
        for name in newly:
            marks[name] = {
                "value": getattr(current, name),
                "by": actor.user.full_name or actor.user.email,
                "by_id": actor.user.pk,
                "at": now.isoformat(timespec="minutes"),
            }
        if not changed and not newly:
            return current
        current.confirmations = marks
        current.version += 1
        current.updated_by = actor.user
        current.updated_at = now
        current.save()
        record(
            Action.UPDATE,
            actor=actor,
            obj=current,
            detail={
                "changed": {n: [str(a), str(b)] for n, (a, b) in changed.items()},
                "confirmed": newly,
                "reason": reason.strip(),
                "version": current.version,
            },
        )
    return current
