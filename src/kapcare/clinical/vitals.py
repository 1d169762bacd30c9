"""Vital signs and sedation: what a reading means for the patient in the chair.

Every reading on the console goes through :func:`assess`, so an alert shows the
moment it is typed in, with the same words on the console and the clinic board.
Blood-pressure defaults come from the esketamine label (``shared/clinical-
reference.md`` §3). No psychiatric guideline gives SpO2, heart-rate or
respiratory-rate limits (UNVERIFIED there), so those are clinic settings whose
defaults kapcare picked and every clinic must confirm; findings from them say so.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from enum import StrEnum
from typing import Final

from kapcare.clinical.findings import Finding, Severity
from kapcare.clinical.routes import Route, parse_route


class Phase(StrEnum):
    """Where in the session a reading was taken; the same number can mean different things."""

    PRE_DOSE = "pre_dose"
    DOSING = "dosing"
    RECOVERY = "recovery"
    DISCHARGE = "discharge"


def parse_phase(phase: Phase | str) -> Phase:
    """Turn user or stored input into a Phase, or say which phases exist."""
    try:
        return Phase(phase)
    except ValueError:
        allowed = ", ".join(p.value for p in Phase)
        raise ValueError(f"phase: {phase!r} is unknown; allowed: {allowed}") from None


#: What a person can type that is still a real reading (a data-entry check,
#: not a clinical limit): anything outside is a typo and is refused.
PLAUSIBLE: Final[dict[str, tuple[int, int, str]]] = {
    "systolic": (50, 300, "mmHg"),
    "diastolic": (20, 200, "mmHg"),
    "heart_rate": (20, 250, "bpm"),
    "spo2": (50, 100, "%"),
    "respiratory_rate": (0, 80, "breaths/min"),
}


@dataclass(frozen=True, slots=True)
class VitalSigns:
    """One set of readings, refused at construction if it cannot be real."""

    systolic: int
    diastolic: int
    heart_rate: int
    spo2: int
    respiratory_rate: int | None = None

    def __post_init__(self) -> None:
        for name, (low, high, unit) in PLAUSIBLE.items():
            value = getattr(self, name)
            if value is None and name == "respiratory_rate":
                continue
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name}: must be a whole number of {unit}, got {value!r}")
            if not low <= value <= high:
                raise ValueError(
                    f"{name}: {value} {unit} is outside the allowed {low} to {high} {unit}"
                )
        if self.systolic <= self.diastolic:
            raise ValueError(
                f"systolic: {self.systolic} mmHg must be above diastolic ({self.diastolic} mmHg)"
            )


def _sourced(default: int, *sources: str) -> int:
    """A threshold taken from the clinical reference, with its source keys."""
    return field(default=default, metadata={"sources": sources, "local_choice": False})


def _local(default: int) -> int:
    """A threshold with no verified source: kapcare's default, which the clinic must confirm."""
    return field(default=default, metadata={"sources": (), "local_choice": True})


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a threshold's value came from, for the screen and the audit trail."""

    value: int
    sources: tuple[str, ...]
    local_choice: bool


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Limits that turn a reading into a finding; a clinic overrides them in its settings.

    Blood pressure follows the esketamine label: above 140/90 before a dose
    needs a prescriber's decision [K10]; 180 systolic or 110 diastolic are the
    label's marks for a severe rise [K12b]. For racemic ketamine no verified
    consensus exists (Sanacora 2017 UNVERIFIED), so the same numbers are used as
    local choices. SpO2, heart rate and respiratory rate limits are local
    choices for every route (reference §3: UNVERIFIED for psychiatric use). An
    ED analgesia protocol, a different setting, excludes HR < 50 or > 150 and RR
    < 10 or > 30 [K35]; the defaults here sit at or inside those bounds.
    """

    elevated_systolic_above: int = _sourced(140, "K10")
    elevated_diastolic_above: int = _sourced(90, "K10")
    severe_systolic_at_or_above: int = _sourced(180, "K12b")
    severe_diastolic_at_or_above: int = _sourced(110, "K12b")
    spo2_warn_below: int = _local(94)
    spo2_block_below: int = _local(90)
    heart_rate_warn_below: int = _local(50)
    heart_rate_block_below: int = _local(40)
    heart_rate_warn_above: int = _local(120)
    heart_rate_block_above: int = _local(150)
    respiratory_rate_warn_below: int = _local(10)
    respiratory_rate_block_below: int = _local(8)
    respiratory_rate_warn_above: int = _local(24)
    respiratory_rate_block_above: int = _local(30)

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(f"{f.name}: must be a whole number above 0, got {value!r}")
        pairs = (
            ("elevated_systolic_above", "severe_systolic_at_or_above"),
            ("elevated_diastolic_above", "severe_diastolic_at_or_above"),
            ("spo2_block_below", "spo2_warn_below"),
            ("heart_rate_block_below", "heart_rate_warn_below"),
            ("heart_rate_warn_below", "heart_rate_warn_above"),
            ("heart_rate_warn_above", "heart_rate_block_above"),
            ("respiratory_rate_block_below", "respiratory_rate_warn_below"),
            ("respiratory_rate_warn_below", "respiratory_rate_warn_above"),
            ("respiratory_rate_warn_above", "respiratory_rate_block_above"),
        )
        for lower, upper in pairs:
            if getattr(self, lower) > getattr(self, upper):
                raise ValueError(
                    f"{lower}: {getattr(self, lower)} must not be above {upper} "
                    f"({getattr(self, upper)})"
                )
        if self.spo2_warn_below > 100:
            raise ValueError(f"spo2_warn_below: {self.spo2_warn_below} must be at most 100")

    def provenance(self, name: str) -> Provenance:
        """Sources for a default; a value the clinic changed is its own choice."""
        for f in fields(self):
            if f.name == name:
                value: int = getattr(self, name)
                if value != f.default or f.default is MISSING:
                    return Provenance(value=value, sources=(), local_choice=True)
                return Provenance(
                    value=value,
                    sources=tuple(f.metadata["sources"]),
                    local_choice=bool(f.metadata["local_choice"]),
                )
        raise ValueError(f"name: {name!r} is not a threshold")

    def local_choices(self) -> tuple[str, ...]:
        """Names of the thresholds a clinic must confirm (shown on the settings page)."""
        return tuple(f.name for f in fields(self) if self.provenance(f.name).local_choice)


DEFAULT_THRESHOLDS: Final = Thresholds()

_LOCAL_NOTE: Final = (
    " This limit is a clinic setting with no verified source for this use: confirm it locally."
)


def assess(
    vitals: VitalSigns,
    *,
    phase: Phase | str,
    route: Route | str,
    thresholds: Thresholds | None = None,
) -> tuple[Finding, ...]:
    """Findings for one reading, most urgent first; an empty tuple means nothing to act on."""
    p = parse_phase(phase)
    r = parse_route(route)
    t = DEFAULT_THRESHOLDS if thresholds is None else thresholds
    found = [
        *_blood_pressure(vitals, p, r, t),
        *_spo2(vitals, t),
        *_heart_rate(vitals, t),
        *_respiratory_rate(vitals, t),
    ]
    order = {Severity.BLOCK: 0, Severity.WARN: 1, Severity.INFO: 2}
    return tuple(sorted(found, key=lambda f: order[f.severity]))


def _finding(
    rule_id: str,
    severity: Severity,
    message: str,
    action: str,
    provenance: tuple[Provenance, ...],
    *,
    force_local: bool = False,
    extra_sources: tuple[str, ...] = (),
) -> Finding:
    local = force_local or any(pv.local_choice for pv in provenance)
    sources = tuple(dict.fromkeys(s for pv in provenance for s in pv.sources))
    return Finding(
        rule_id=rule_id,
        severity=severity,
        message=message + (_LOCAL_NOTE if local else ""),
        action=action,
        sources=tuple(dict.fromkeys(sources + extra_sources)),
        local_choice=local,
    )


_SEVERE_BP_FIRST_STEP: Final[dict[Phase, str]] = {
    Phase.PRE_DOSE: "Do not dose. ",
    Phase.DOSING: "Stop or hold dosing. ",
    Phase.RECOVERY: "",
    Phase.DISCHARGE: "Do not discharge. ",
}


def _blood_pressure(v: VitalSigns, phase: Phase, route: Route, t: Thresholds) -> list[Finding]:
    """Both BP rules can fire at once, so a higher reading never loses a finding."""
    racemic = route is not Route.INTRANASAL_ESKETAMINE  # label numbers borrowed: local choice
    bp = f"{v.systolic}/{v.diastolic} mmHg"
    found: list[Finding] = []
    if v.systolic >= t.severe_systolic_at_or_above or v.diastolic >= t.severe_diastolic_at_or_above:
        found.append(
            _finding(
                "vitals.bp_severe",
                Severity.BLOCK,
                f"Blood pressure {bp} is at or above {t.severe_systolic_at_or_above}/"
                f"{t.severe_diastolic_at_or_above}.",
                _SEVERE_BP_FIRST_STEP[phase]
                + "Repeat the reading and call the prescriber now; symptoms of a "
                "hypertensive crisis or encephalopathy need emergency referral.",
                (
                    t.provenance("severe_systolic_at_or_above"),
                    t.provenance("severe_diastolic_at_or_above"),
                ),
                force_local=racemic,
                extra_sources=("K10", "K12"),
            )
        )
    if v.systolic > t.elevated_systolic_above or v.diastolic > t.elevated_diastolic_above:
        limits = f"{t.elevated_systolic_above}/{t.elevated_diastolic_above}"
        provenance = (
            t.provenance("elevated_systolic_above"),
            t.provenance("elevated_diastolic_above"),
        )
        if phase is Phase.PRE_DOSE:
            found.append(
                _finding(
                    "vitals.bp_above_pre_dose_limit",
                    Severity.WARN,
                    f"Pre-dose blood pressure {bp} is above {limits}.",
                    "A prescriber decides whether to proceed or delay, and records the reason.",
                    provenance,
                    force_local=racemic,
                )
            )
        elif phase is Phase.DISCHARGE:
            # Applying the pre-dose limit at discharge is kapcare's choice, not the label's.
            found.append(
                _finding(
                    "vitals.bp_not_settled",
                    Severity.WARN,
                    f"Blood pressure {bp} is still above {limits}.",
                    "Keep observing and re-measure, or a prescriber judges the patient stable "
                    "and records why.",
                    provenance,
                    force_local=True,
                )
            )
        else:
            found.append(
                _finding(
                    "vitals.bp_elevated",
                    Severity.INFO,
                    f"Blood pressure {bp} is above {limits}.",
                    "A rise peaking about 40 minutes after the dose is expected; re-measure as "
                    "warranted until it falls, and get the prescriber if it stays high.",
                    provenance,
                    force_local=racemic,
                    extra_sources=("K12",),
                )
            )
    return found


def _low_high(
    *,
    name: str,
    rule: str,
    value: int | None,
    unit: str,
    t: Thresholds,
    field_prefix: str,
    has_high: bool = True,
) -> list[Finding]:
    """One finding per reading and direction, at the more severe level that applies."""
    if value is None:
        return []
    block_below = getattr(t, f"{field_prefix}_block_below")
    warn_below = getattr(t, f"{field_prefix}_warn_below")
    action = "Check the reading and the patient now and call the prescriber."
    if value < warn_below:
        severe = value < block_below
        limit = f"{field_prefix}_block_below" if severe else f"{field_prefix}_warn_below"
        return [
            _finding(
                f"vitals.{rule}_low",
                Severity.BLOCK if severe else Severity.WARN,
                f"{name} {value}{unit} is below {getattr(t, limit)}{unit}.",
                action if severe else "Re-check and watch closely.",
                (t.provenance(limit),),
            )
        ]
    if has_high:
        block_above = getattr(t, f"{field_prefix}_block_above")
        warn_above = getattr(t, f"{field_prefix}_warn_above")
        if value > warn_above:
            severe = value > block_above
            limit = f"{field_prefix}_block_above" if severe else f"{field_prefix}_warn_above"
            return [
                _finding(
                    f"vitals.{rule}_high",
                    Severity.BLOCK if severe else Severity.WARN,
                    f"{name} {value}{unit} is above {getattr(t, limit)}{unit}.",
                    action if severe else "Re-check and watch closely.",
                    (t.provenance(limit),),
                )
            ]
    return []


def _spo2(v: VitalSigns, t: Thresholds) -> list[Finding]:
    return _low_high(
        name="SpO2",
        rule="spo2",
        value=v.spo2,
        unit="%",
        t=t,
        field_prefix="spo2",
        has_high=False,
    )


def _heart_rate(v: VitalSigns, t: Thresholds) -> list[Finding]:
    return _low_high(
        name="Heart rate",
        rule="heart_rate",
        value=v.heart_rate,
        unit=" bpm",
        t=t,
        field_prefix="heart_rate",
    )


def _respiratory_rate(v: VitalSigns, t: Thresholds) -> list[Finding]:
    return _low_high(
        name="Respiratory rate",
        rule="respiratory_rate",
        value=v.respiratory_rate,
        unit=" breaths/min",
        t=t,
        field_prefix="respiratory_rate",
    )


#: MOAA/S: 5 = fully alert, 0 = no response; 4 = mild sedation and 3 or less =
#: moderate or deeper in the esketamine programme [S1]. Labels for 1-3 are not
#: shown: their wording is UNVERIFIED in the reference.
MOAAS_ALERT_AT_OR_BELOW: Final = 3


def assess_sedation(moaas: int) -> tuple[Finding, ...]:
    """Sedation findings for a MOAA/S score; 3 or less needs someone to act now."""
    if isinstance(moaas, bool) or not isinstance(moaas, int) or not 0 <= moaas <= 5:
        raise ValueError(f"moaas: must be a whole number from 0 to 5, got {moaas!r}")
    if moaas == 5:
        return ()
    if moaas == 4:
        return (
            Finding(
                rule_id="sedation.moaas_mild",
                severity=Severity.INFO,
                message="MOAA/S 4: mild sedation.",
                action="Keep observing; score again at the next check.",
                sources=("S1",),
            ),
        )
    what = "no response (loss of consciousness)" if moaas == 0 else "moderate or deeper sedation"
    return (
        Finding(
            rule_id="sedation.moaas_alert",
            severity=Severity.BLOCK,
            message=f"MOAA/S {moaas}: {what}.",
            action="Stay with the patient, check breathing and SpO2, and call the prescriber now.",
            sources=("S1", "K10b"),
        ),
    )
