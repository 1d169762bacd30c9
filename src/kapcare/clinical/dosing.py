"""Ketamine dose arithmetic for the session console.

Clinics today work doses out on a phone; this does it once, in exact decimal
arithmetic, rounds to what the route's equipment can deliver, says how it
rounded, and reports caps and titration jumps as findings instead of leaving
them to memory. Numbers come from ``shared/clinical-reference.md`` §2 and carry
its source keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Final

from kapcare.clinical.findings import Finding, Severity
from kapcare.clinical.routes import ROUTE_LABELS, Route, parse_route

Number = int | float | Decimal


#: Plausible adult body weight for a dose calculation (issue 7), inclusive.
MIN_WEIGHT_KG: Final = Decimal(20)
MAX_WEIGHT_KG: Final = Decimal(350)

#: Each Spravato device holds 28 mg; 5 minutes between devices [K13b].
ESKETAMINE_DEVICE_MG: Final = 28
ESKETAMINE_DEVICE_INTERVAL_MINUTES: Final = 5
#: One to three devices; 56 and 84 mg are the labelled session doses [K13][K13b].
ESKETAMINE_ALLOWED_DOSES_MG: Final = (28, 56, 84)


@dataclass(frozen=True, slots=True)
class RoutePrecision:
    """The smallest step each quantity is rounded to for one route.

    These follow what the equipment can deliver (syringe graduations, pump
    settings), not a clinical source: they are kapcare's defaults and are stated
    on screen with every dose.
    """

    dose_mg: Decimal
    volume_ml: Decimal
    rate_mg_per_hour: Decimal | None
    rate_ml_per_hour: Decimal | None
    mg_per_kg: Decimal = Decimal("0.01")


PRECISION: Final[Mapping[Route, RoutePrecision]] = MappingProxyType(
    {
        # Infusion pumps take 0.1 mL/h; 0.01 mL is a 1 mL syringe graduation.
        Route.IV_RACEMIC: RoutePrecision(
            dose_mg=Decimal("0.1"),
            volume_ml=Decimal("0.01"),
            rate_mg_per_hour=Decimal("0.1"),
            rate_ml_per_hour=Decimal("0.1"),
        ),
        Route.IM_RACEMIC: RoutePrecision(
            dose_mg=Decimal("0.1"),
            volume_ml=Decimal("0.01"),
            rate_mg_per_hour=None,
            rate_ml_per_hour=None,
        ),
        # Oral syringes are marked in 0.1 mL.
        Route.SUBLINGUAL_RACEMIC: RoutePrecision(
            dose_mg=Decimal("0.1"),
            volume_ml=Decimal("0.1"),
            rate_mg_per_hour=None,
            rate_ml_per_hour=None,
        ),
        # Whole devices only: the dose is never rounded, it is checked.
        Route.INTRANASAL_ESKETAMINE: RoutePrecision(
            dose_mg=Decimal(1),
            volume_ml=Decimal("0.01"),
            rate_mg_per_hour=None,
            rate_ml_per_hour=None,
        ),
    }
)


@dataclass(frozen=True, slots=True)
class StudiedRange:
    """mg/kg doses reported in the literature for a route; outside it is a warning."""

    low_mg_per_kg: Decimal
    high_mg_per_kg: Decimal
    sources: tuple[str, ...]


STUDIED_MG_PER_KG: Final[Mapping[Route, StudiedRange]] = MappingProxyType(
    {
        # 0.1-0.75 mg/kg studied; the dose-finding RCT went to 1.0 mg/kg.
        Route.IV_RACEMIC: StudiedRange(Decimal("0.1"), Decimal("1.0"), ("K1", "K2")),
        # IM titration 0.1-0.5 mg/kg; the reference's IM/SC row reaches 0.9 (SC).
        Route.IM_RACEMIC: StudiedRange(Decimal("0.1"), Decimal("0.9"), ("K5", "K6")),
        Route.SUBLINGUAL_RACEMIC: StudiedRange(Decimal("0.25"), Decimal("7.0"), ("K7",)),
    }
)

_NOT_APPLICABLE: Final[Mapping[Route, Mapping[str, str]]] = MappingProxyType(
    {
        Route.IV_RACEMIC: {"unit_strength_mg": "an IV dose is not given in tablets"},
        Route.IM_RACEMIC: {
            "infusion_minutes": "an IM dose is an injection, not an infusion",
            "unit_strength_mg": "an IM dose is not given in tablets",
        },
        Route.SUBLINGUAL_RACEMIC: {
            "infusion_minutes": "a sublingual dose is not an infusion",
        },
        Route.INTRANASAL_ESKETAMINE: {
            "mg_per_kg": "esketamine is a fixed dose (dose_mg: 28, 56 or 84)",
            "titration_step_mg_per_kg": "esketamine steps are whole 28 mg devices",
            "infusion_minutes": "esketamine is a nasal spray, not an infusion",
            "concentration_mg_per_ml": "esketamine is counted in devices, not mL",
            "unit_strength_mg": "esketamine comes in 28 mg devices",
        },
    }
)


@dataclass(frozen=True, slots=True)
class Dose:
    """A worked-out dose, ready to show, check and record.

    Quantities are exact Decimals already rounded to the route's precision;
    ``precision_notes`` says how, for the screen. Fields that do not apply to
    the route (a rate for an IM injection, devices for IV) are None.
    """

    route: Route
    dose_mg: Decimal
    mg_per_kg: Decimal | None
    weight_kg: Decimal | None
    volume_ml: Decimal | None
    concentration_mg_per_ml: Decimal | None
    infusion_minutes: Decimal | None
    rate_mg_per_hour: Decimal | None
    rate_ml_per_hour: Decimal | None
    devices: int | None
    device_interval_minutes: int | None
    device_offsets_minutes: tuple[int, ...]
    units: int | None
    unit_strength_mg: Decimal | None
    precision_notes: tuple[str, ...]
    findings: tuple[Finding, ...]

    @property
    def blocked(self) -> bool:
        """True when a finding needs a prescriber's override before this dose is given."""
        return any(f.severity is Severity.BLOCK for f in self.findings)


def calculate_dose(
    *,
    route: Route | str,
    mg_per_kg: Number | None = None,
    weight_kg: Number | None = None,
    dose_mg: Number | None = None,
    infusion_minutes: Number | None = None,
    concentration_mg_per_ml: Number | None = None,
    cap_mg: Number | None = None,
    previous_dose_mg: Number | None = None,
    titration_step_mg_per_kg: Number | None = None,
    unit_strength_mg: Number | None = None,
) -> Dose:
    """Work out one session's dose from a weight-based or fixed order.

    Give ``mg_per_kg`` with ``weight_kg``, or ``dose_mg``. Input that cannot be
    a real order raises ValueError naming the argument; a dose that can be given
    but needs a second look comes back with findings.
    """
    r = parse_route(route)
    _refuse_not_applicable(
        r,
        mg_per_kg=mg_per_kg,
        titration_step_mg_per_kg=titration_step_mg_per_kg,
        infusion_minutes=infusion_minutes,
        concentration_mg_per_ml=concentration_mg_per_ml,
        unit_strength_mg=unit_strength_mg,
    )
    precision = PRECISION[r]
    weight = _weight(weight_kg)
    per_kg = _positive("mg_per_kg", mg_per_kg, "mg/kg")
    fixed = _positive("dose_mg", dose_mg, "mg")
    minutes = _positive("infusion_minutes", infusion_minutes, "minutes")
    concentration = _positive("concentration_mg_per_ml", concentration_mg_per_ml, "mg/mL")
    cap = _positive("cap_mg", cap_mg, "mg")
    previous = _positive("previous_dose_mg", previous_dose_mg, "mg (omit it for a first dose)")
    step_per_kg = _positive("titration_step_mg_per_kg", titration_step_mg_per_kg, "mg/kg")
    strength = _positive("unit_strength_mg", unit_strength_mg, "mg")

    if per_kg is not None and fixed is not None:
        raise ValueError(
            "mg_per_kg, dose_mg: give one, not both "
            "(mg_per_kg with weight_kg for a weight-based dose, or dose_mg for a fixed dose)"
        )
    if step_per_kg is not None and weight is None:
        raise ValueError("weight_kg: required to turn titration_step_mg_per_kg into mg")
    if r is Route.IV_RACEMIC and minutes is None:
        raise ValueError("infusion_minutes: required for an IV infusion (greater than 0 minutes)")
    if strength is not None and concentration is not None:
        raise ValueError(
            "unit_strength_mg, concentration_mg_per_ml: give one, not both "
            "(tablets or troches, or a liquid)"
        )

    devices: int | None = None
    interval: int | None = None
    offsets: tuple[int, ...] = ()
    if r is Route.INTRANASAL_ESKETAMINE:
        devices = _esketamine_devices(fixed)
        interval = ESKETAMINE_DEVICE_INTERVAL_MINUTES
        offsets = tuple(i * interval for i in range(devices))

    if per_kg is not None:
        if weight is None:
            raise ValueError("weight_kg: required for a weight-based dose (mg_per_kg)")
        exact, asked = per_kg * weight, f"mg_per_kg: {per_kg} mg/kg at {weight} kg"
    elif fixed is not None:
        exact, asked = fixed, f"dose_mg: {fixed} mg"
    else:
        raise ValueError(
            "dose_mg, mg_per_kg: one is required "
            "(mg_per_kg with weight_kg for a weight-based dose, or dose_mg for a fixed dose)"
        )
    dose = _round(exact, precision.dose_mg)
    # An order at the cap must not be blocked by rounding alone (0.5 mg/kg x 72.5 kg is
    # 36.25 mg, half up 36.3 mg): round down instead, so the dose stays within the cap.
    rounded_down_to_cap = cap is not None and exact <= cap < dose
    if rounded_down_to_cap:
        dose = exact.quantize(precision.dose_mg, rounding=ROUND_FLOOR)
    if dose <= 0:
        raise ValueError(f"{asked} rounds to 0 mg; the smallest dose is {precision.dose_mg} mg")

    units = _whole_units(dose, strength) if strength is not None else None

    volume = None if concentration is None else _round(dose / concentration, precision.volume_ml)
    rate_mg = rate_ml = None
    if minutes is not None and precision.rate_mg_per_hour is not None:
        rate_mg = _round(dose * 60 / minutes, precision.rate_mg_per_hour)
        if concentration is not None and precision.rate_ml_per_hour is not None:
            rate_ml = _round(dose / concentration * 60 / minutes, precision.rate_ml_per_hour)

    effective_per_kg = None if weight is None else _round(dose / weight, precision.mg_per_kg)

    findings: list[Finding] = []
    findings.extend(_studied_range(r, per_kg if per_kg is not None else _ratio(dose, weight)))
    if cap is not None and dose > cap:
        findings.append(
            Finding(
                rule_id="dosing.above_session_cap",
                severity=Severity.BLOCK,
                message=f"Dose {dose} mg is above the per-session cap of {cap} mg.",
                action="Lower the dose, or a prescriber overrides the cap with a written reason.",
            )
        )
    findings.extend(_titration(r, dose, previous, step_per_kg, weight, precision))

    return Dose(
        route=r,
        dose_mg=dose,
        mg_per_kg=effective_per_kg,
        weight_kg=weight,
        volume_ml=volume,
        concentration_mg_per_ml=concentration,
        infusion_minutes=minutes,
        rate_mg_per_hour=rate_mg,
        rate_ml_per_hour=rate_ml,
        devices=devices,
        device_interval_minutes=interval,
        device_offsets_minutes=offsets,
        units=units,
        unit_strength_mg=strength,
        precision_notes=_precision_notes(
            r,
            precision,
            volume=volume is not None,
            rates=rate_mg is not None,
            ml_rate=rate_ml is not None,
            units=units is not None,
            per_kg=effective_per_kg is not None,
        )
        + (
            (f"Rounded down to {dose} mg so that it stays within the {cap} mg cap.",)
            if rounded_down_to_cap
            else ()
        ),
        findings=tuple(findings),
    )


def _round(value: Decimal, quantum: Decimal) -> Decimal:
    """Round half up (0.05 -> 0.1), the rule people expect on a dose sheet."""
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


def _decimal(name: str, value: object) -> Decimal | None:
    """Read a number exactly; floats go through their shortest text form (0.1 stays 0.1)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError(f"{name}: must be a number, got {value!r}")
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError(f"{name}: must be a finite number, got {value!r}")
    return number


#: Bounds that keep every quotient exact in Decimal's 28 digits; no real order comes near them.
_SMALLEST: Final = Decimal("0.000001")
_LARGEST: Final = Decimal(1_000_000)


def _positive(name: str, value: object, unit: str) -> Decimal | None:
    number = _decimal(name, value)
    if number is not None and number <= 0:
        raise ValueError(f"{name}: must be greater than 0 {unit}, got {value!r}")
    if number is not None and not _SMALLEST <= number < _LARGEST:
        raise ValueError(
            f"{name}: {value!r} is out of range; allowed from {_SMALLEST} to below {_LARGEST}"
        )
    return number


def _weight(weight_kg: object) -> Decimal | None:
    weight = _positive("weight_kg", weight_kg, "kg")
    if weight is not None and not MIN_WEIGHT_KG <= weight <= MAX_WEIGHT_KG:
        raise ValueError(
            f"weight_kg: {weight} kg is outside the allowed {MIN_WEIGHT_KG} to {MAX_WEIGHT_KG} kg"
        )
    return weight


def _refuse_not_applicable(route: Route, **given: object) -> None:
    for name, why in _NOT_APPLICABLE[route].items():
        if given.get(name) is not None:
            raise ValueError(f"{name}: does not apply to {ROUTE_LABELS[route]}; {why}")


def _esketamine_devices(dose_mg: Decimal | None) -> int:
    allowed = ", ".join(str(d) for d in ESKETAMINE_ALLOWED_DOSES_MG)
    if dose_mg is None:
        raise ValueError(f"dose_mg: required for esketamine; allowed values: {allowed} mg")
    if dose_mg not in ESKETAMINE_ALLOWED_DOSES_MG:
        raise ValueError(
            f"dose_mg: {dose_mg} mg is not a whole number of {ESKETAMINE_DEVICE_MG} mg "
            f"esketamine devices; allowed values: {allowed} mg"
        )
    return int(dose_mg) // ESKETAMINE_DEVICE_MG


def _whole_units(dose: Decimal, strength: Decimal) -> int:
    """Tablets or troches are not split here: a part unit is refused, with the nearest options."""
    count = dose / strength
    if count == count.to_integral_value():
        return int(count)
    below = count.to_integral_value(rounding=ROUND_FLOOR) * strength
    above = count.to_integral_value(rounding=ROUND_CEILING) * strength
    options = f"{above} mg" if below == 0 else f"{below} mg or {above} mg"
    raise ValueError(
        f"dose_mg: {dose} mg is not a whole number of {strength} mg units "
        f"(unit_strength_mg); nearest whole-unit doses: {options}"
    )


def _ratio(dose: Decimal, weight: Decimal | None) -> Decimal | None:
    return None if weight is None else dose / weight


def _studied_range(route: Route, per_kg: Decimal | None) -> list[Finding]:
    studied = STUDIED_MG_PER_KG.get(route)
    if studied is None or per_kg is None:
        return []
    if studied.low_mg_per_kg <= per_kg <= studied.high_mg_per_kg:
        return []
    shown = _round(per_kg, Decimal("0.01"))
    return [
        Finding(
            rule_id="dosing.outside_studied_range",
            severity=Severity.WARN,
            message=(
                f"{shown} mg/kg is outside the {studied.low_mg_per_kg} to "
                f"{studied.high_mg_per_kg} mg/kg reported for {ROUTE_LABELS[route]}."
            ),
            action="Check the order (mg or mg/kg, decimal point) with the prescriber.",
            sources=studied.sources,
        )
    ]


def _titration(
    route: Route,
    dose: Decimal,
    previous: Decimal | None,
    step_per_kg: Decimal | None,
    weight: Decimal | None,
    precision: RoutePrecision,
) -> list[Finding]:
    """A rise of more than one step over the last dose is worth a second look.

    The step is rounded like the dose itself, so a boundary case can warn by
    one rounding step; a needless warning costs less than a missed one.
    """
    if previous is None:
        return []
    sources: tuple[str, ...] = ()
    if route is Route.INTRANASAL_ESKETAMINE:
        step = Decimal(ESKETAMINE_DEVICE_MG)
        step_text = f"one {ESKETAMINE_DEVICE_MG} mg device"
        sources = ("K13", "K13b")
    elif step_per_kg is not None and weight is not None:
        step = _round(step_per_kg * weight, precision.dose_mg)
        step_text = f"{step_per_kg} mg/kg at {weight} kg = {step} mg"
    else:
        return []
    increase = dose - previous
    if increase <= step:
        return []
    return [
        Finding(
            rule_id="dosing.titration_step_exceeded",
            severity=Severity.WARN,
            message=(
                f"Dose {dose} mg is {increase} mg above the previous {previous} mg, "
                f"more than one titration step ({step_text})."
            ),
            action="Confirm the increase with the prescriber before giving it.",
            sources=sources,
        )
    ]


def _precision_notes(
    route: Route,
    precision: RoutePrecision,
    *,
    volume: bool,
    rates: bool,
    ml_rate: bool,
    units: bool,
    per_kg: bool,
) -> tuple[str, ...]:
    if route is Route.INTRANASAL_ESKETAMINE:
        notes = [
            f"Fixed dose in whole {ESKETAMINE_DEVICE_MG} mg devices, one every "
            f"{ESKETAMINE_DEVICE_INTERVAL_MINUTES} minutes; nothing is rounded."
        ]
    else:
        notes = [f"Dose rounded half up to {precision.dose_mg} mg."]
    if volume:
        notes.append(f"Volume rounded half up to {precision.volume_ml} mL.")
    if rates:
        rate = f"Rate rounded half up to {precision.rate_mg_per_hour} mg/h"
        if ml_rate:
            rate += f" and {precision.rate_ml_per_hour} mL/h"
        notes.append(rate + ".")
    if volume or rates:
        notes.append("Volume and rates are worked out from the rounded dose.")
    if units:
        notes.append("Whole tablets or troches only; a part unit is refused, not rounded.")
    if per_kg:
        notes.append(f"mg/kg shown to {precision.mg_per_kg} mg/kg (dose / weight).")
    return tuple(notes)
