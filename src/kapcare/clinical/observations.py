"""Clinician observations in the chair: what each one means and when it raises an alert.

Only one alert here has a source: MOAA/S 3 or less is moderate or deeper
sedation and is worth an alert [S1][K10b] (``shared/clinical-reference.md`` §3).
Dissociation, nausea and anxiety are recorded as a plain clinician rating
(none, mild, moderate, severe): this is not the CADSS (§1.7), whose item and
total ranges are UNVERIFIED, and an alert on any of these ratings is a clinic
setting that the clinic must confirm; findings from it say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

from kapcare.clinical.findings import Finding, Severity
from kapcare.clinical.vitals import assess_sedation


class Rating(StrEnum):
    """A clinician's rating of one symptom, in increasing order."""

    NONE = "none"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"

    @property
    def rank(self) -> int:
        return list(Rating).index(self)


RATING_LABELS: Final = {
    Rating.NONE: "None",
    Rating.MILD: "Mild",
    Rating.MODERATE: "Moderate",
    Rating.SEVERE: "Severe",
}

#: Side effects to tick, as reported for ketamine and esketamine (§5: [K15][K17]);
#: anything else goes in the free text.
SIDE_EFFECTS: Final = {
    "dizziness": "Dizziness",
    "drowsiness": "Drowsiness",
    "vomiting": "Vomiting",
    "headache": "Headache",
    "blurred_vision": "Blurred vision",
}

#: What the therapist used to guide the session.
GUIDANCE: Final = {
    "mindfulness": "Mindfulness",
    "guided_imagery": "Guided imagery",
    "music": "Music",
    "breathwork": "Breathwork",
    "other": "Other",
}


def parse_rating(value: Rating | str | None, name: str) -> Rating | None:
    """A rating from a form or a request; blank means not rated this time."""
    if value is None or value == "":
        return None
    try:
        return Rating(value)
    except ValueError:
        allowed = ", ".join(r.value for r in Rating)
        raise ValueError(f"{name}: {value!r} is unknown; allowed: {allowed}") from None


def parse_choices(
    values: list[str] | tuple[str, ...], allowed: dict[str, str], name: str
) -> list[str]:
    """Ticked keys from a checklist, each known, without repeats, in the checklist's order."""
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ValueError(f"{name}: {', '.join(unknown)} not known; allowed: {', '.join(allowed)}")
    return [key for key in allowed if key in values]


@dataclass(frozen=True, slots=True)
class ObservationRules:
    """Which clinician ratings raise an alert: clinic settings with no verified source.

    ``None`` means the rating never alerts. kapcare's defaults alert on a severe
    dissociation only; every clinic must confirm or change them.
    """

    dissociation_alert_at: Rating | None = Rating.SEVERE
    anxiety_alert_at: Rating | None = None
    nausea_alert_at: Rating | None = None


DEFAULT_RULES: Final = ObservationRules()

_LOCAL_NOTE: Final = " This alert is a clinic setting with no verified source: confirm it locally."


def assess_observation(
    *,
    moaas: int | None,
    dissociation: Rating | None,
    nausea: Rating | None,
    anxiety: Rating | None,
    rules: ObservationRules = DEFAULT_RULES,
) -> tuple[Finding, ...]:
    """Findings for one observation, most urgent first; empty means nothing to act on."""
    found: list[Finding] = []
    if moaas is not None:
        found.extend(assess_sedation(moaas))
    for name, label, rating, at in (
        ("dissociation", "Dissociation", dissociation, rules.dissociation_alert_at),
        ("anxiety", "Anxiety", anxiety, rules.anxiety_alert_at),
        ("nausea", "Nausea", nausea, rules.nausea_alert_at),
    ):
        if rating is None or at is None or rating.rank < at.rank:
            continue
        found.append(
            Finding(
                rule_id=f"observation.{name}",
                severity=Severity.WARN,
                message=f"{label} rated {rating.value} (clinician rating).{_LOCAL_NOTE}",
                action="Stay with the patient, reassure, and tell the prescriber.",
                local_choice=True,
            )
        )
    return tuple(sorted(found, key=lambda f: f.severity.rank))


@dataclass(frozen=True, slots=True)
class NauseaStatus:
    """What the recorded observations say about "nausea controlled" at discharge.

    ``controlled`` is None when nothing was recorded: the nurse's bedside answer
    then stands alone.
    """

    controlled: bool | None
    message: str


def nausea_status(
    *,
    latest: Rating | None,
    rated_at: datetime | None,
    last_antiemetic_at: datetime | None,
) -> NauseaStatus:
    """Nausea counts as controlled when the latest rating is none or mild and was made
    after any antiemetic, so the effect of the drug has been seen (a kapcare rule)."""
    if latest is None or rated_at is None:
        if last_antiemetic_at is not None:
            return NauseaStatus(
                False, "An antiemetic was given; rate nausea to see whether it worked."
            )
        return NauseaStatus(None, "No nausea rating recorded; confirm at the bedside.")
    if last_antiemetic_at is not None and last_antiemetic_at >= rated_at:
        return NauseaStatus(
            False, "An antiemetic was given after the last rating; rate nausea again."
        )
    if latest.rank <= Rating.MILD.rank:
        return NauseaStatus(True, f"Latest nausea rating: {latest.value}.")
    return NauseaStatus(False, f"Latest nausea rating: {latest.value}; not yet controlled.")
