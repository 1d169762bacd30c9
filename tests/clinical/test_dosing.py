"""Dose arithmetic: the issue's numbers, every refusal, and the rounding rule."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapcare.clinical.dosing import (
    ESKETAMINE_ALLOWED_DOSES_MG,
    PRECISION,
    Dose,
    Route,
    calculate_dose,
)
from kapcare.clinical.findings import Severity


def rule_ids(dose: Dose) -> set[str]:
    return {f.rule_id for f in dose.findings}


# -- the issue's examples -----------------------------------------------------


def test_half_a_mg_per_kg_for_80_kg_over_40_minutes_at_10_mg_per_ml_is_the_issue_example() -> None:
    d = calculate_dose(
        route="iv_racemic",
        mg_per_kg=0.5,
        weight_kg=80,
        infusion_minutes=40,
        concentration_mg_per_ml=10,
    )
    assert d.dose_mg == 40.0
    assert d.volume_ml == 4.0
    assert d.rate_mg_per_hour == 60.0
    assert d.rate_ml_per_hour == 6.0
    assert d.findings == ()
    assert d.mg_per_kg == Decimal("0.50")
    assert d.devices is None
    assert d.units is None


def test_84_mg_of_esketamine_is_three_devices_five_minutes_apart() -> None:
    e = calculate_dose(route="intranasal_esketamine", dose_mg=84)
    assert e.devices == 3
    assert e.device_interval_minutes == 5
    assert e.device_offsets_minutes == (0, 5, 10)
    assert e.dose_mg == 84
    assert e.volume_ml is None
    assert e.findings == ()


@pytest.mark.parametrize(("dose_mg", "devices"), [(28, 1), (56, 2), (84, 3), (56.0, 2)])
def test_each_allowed_esketamine_dose_is_a_whole_number_of_28_mg_devices(
    dose_mg: float, devices: int
) -> None:
    assert calculate_dose(route="intranasal_esketamine", dose_mg=dose_mg).devices == devices


@pytest.mark.parametrize("dose_mg", [27, 29, 42, 55.9, 70, 112, 140, 0.3])
def test_an_esketamine_dose_that_is_not_an_allowed_number_of_devices_is_refused(
    dose_mg: float,
) -> None:
    with pytest.raises(ValueError, match=r"dose_mg: .*allowed values: 28, 56, 84 mg"):
        calculate_dose(route="intranasal_esketamine", dose_mg=dose_mg)


def test_esketamine_without_a_dose_is_refused_with_the_allowed_values() -> None:
    with pytest.raises(ValueError, match=r"dose_mg: required.*28, 56, 84"):
        calculate_dose(route="intranasal_esketamine")


@pytest.mark.parametrize(
    "extra",
    [
        {"mg_per_kg": 0.5, "weight_kg": 80},
        {"infusion_minutes": 10},
        {"concentration_mg_per_ml": 10},
        {"unit_strength_mg": 28},
        {"titration_step_mg_per_kg": 0.1, "weight_kg": 80},
    ],
)
def test_esketamine_refuses_arguments_that_do_not_apply_to_a_nasal_device(
    extra: dict[str, float],
) -> None:
    name = next(k for k in extra if k != "weight_kg")
    with pytest.raises(ValueError, match=rf"^{name}: does not apply to intranasal esketamine"):
        calculate_dose(route="intranasal_esketamine", dose_mg=56, **extra)


# -- input that cannot be a real order -----------------------------------------


@pytest.mark.parametrize(
    ("weight_kg", "accepted"),
    [
        (19.9, False),
        (20, True),
        (20.1, True),
        (349.9, True),
        (350, True),
        (350.1, False),
        (0, False),
        (-80, False),
    ],
)
def test_weight_is_accepted_from_20_to_350_kg_inclusive(weight_kg: float, accepted: bool) -> None:
    def order() -> object:
        return calculate_dose(route="im_racemic", mg_per_kg=0.5, weight_kg=weight_kg)

    if accepted:
        order()
    else:
        with pytest.raises(ValueError, match=r"^weight_kg: "):
            order()


def test_a_zero_or_negative_weight_is_refused_as_not_above_zero() -> None:
    with pytest.raises(ValueError, match=r"weight_kg: must be greater than 0 kg"):
        calculate_dose(route="im_racemic", mg_per_kg=0.5, weight_kg=-1)


def test_an_out_of_range_weight_names_the_allowed_range() -> None:
    with pytest.raises(ValueError, match=r"weight_kg: 400 kg is outside the allowed 20 to 350 kg"):
        calculate_dose(route="im_racemic", mg_per_kg=0.5, weight_kg=400)


def test_an_unknown_route_is_refused_with_the_list_of_routes() -> None:
    with pytest.raises(ValueError, match=r"route: 'oral'.*iv_racemic, im_racemic"):
        calculate_dose(route="oral", dose_mg=100)


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"dose_mg": -10}, "dose_mg"),
        ({"dose_mg": 0}, "dose_mg"),
        ({"mg_per_kg": -0.5, "weight_kg": 80}, "mg_per_kg"),
        (
            {"mg_per_kg": 0.5, "weight_kg": 80, "concentration_mg_per_ml": 0},
            "concentration_mg_per_ml",
        ),
        ({"mg_per_kg": 0.5, "weight_kg": 80, "cap_mg": -1}, "cap_mg"),
        ({"mg_per_kg": 0.5, "weight_kg": 80, "previous_dose_mg": 0}, "previous_dose_mg"),
        ({"mg_per_kg": 0.5, "weight_kg": 80, "titration_step_mg_per_kg": -0.1}, "titration_step"),
        ({"dose_mg": "40"}, "dose_mg"),
        ({"dose_mg": True}, "dose_mg"),
        ({"dose_mg": float("nan")}, "dose_mg"),
        ({"dose_mg": float("inf")}, "dose_mg"),
        ({"dose_mg": 1e30}, "dose_mg"),
        ({"dose_mg": 40, "concentration_mg_per_ml": 1e-30}, "concentration_mg_per_ml"),
    ],
)
def test_a_value_that_is_not_a_positive_number_is_refused_by_name(
    kwargs: dict[str, object], argument: str
) -> None:
    with pytest.raises(ValueError, match=rf"^{argument}"):
        calculate_dose(route="im_racemic", **kwargs)  # type: ignore[arg-type]


def test_giving_both_mg_per_kg_and_a_fixed_dose_is_refused() -> None:
    with pytest.raises(ValueError, match=r"mg_per_kg, dose_mg: give one, not both"):
        calculate_dose(route="im_racemic", mg_per_kg=0.5, weight_kg=80, dose_mg=40)


def test_giving_neither_mg_per_kg_nor_a_fixed_dose_is_refused() -> None:
    with pytest.raises(ValueError, match=r"dose_mg, mg_per_kg: one is required"):
        calculate_dose(route="im_racemic", weight_kg=80)


def test_a_weight_based_dose_without_a_weight_is_refused() -> None:
    with pytest.raises(ValueError, match=r"weight_kg: required for a weight-based dose"):
        calculate_dose(route="im_racemic", mg_per_kg=0.5)


def test_an_iv_dose_without_an_infusion_time_is_refused() -> None:
    with pytest.raises(ValueError, match=r"infusion_minutes: required for an IV infusion"):
        calculate_dose(route="iv_racemic", mg_per_kg=0.5, weight_kg=80)


def test_an_im_injection_refuses_an_infusion_time() -> None:
    with pytest.raises(ValueError, match=r"infusion_minutes: does not apply to IM"):
        calculate_dose(route="im_racemic", mg_per_kg=0.5, weight_kg=80, infusion_minutes=40)


def test_a_titration_step_in_mg_per_kg_needs_a_weight() -> None:
    with pytest.raises(ValueError, match=r"weight_kg: required to turn titration_step"):
        calculate_dose(
            route="im_racemic", dose_mg=40, previous_dose_mg=30, titration_step_mg_per_kg=0.1
        )


def test_a_dose_that_rounds_to_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match=r"mg_per_kg: .* rounds to 0 mg"):
        calculate_dose(route="im_racemic", mg_per_kg=0.001, weight_kg=20)


# -- rounding -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mg_per_kg", "weight_kg", "dose_mg"),
    [
        (0.5, 80.1, "40.1"),  # 40.05 rounds half up, not to even
        (0.5, 80.3, "40.2"),  # 40.15
        (0.7, 70.3, "49.2"),  # 49.21
        (0.25, 70.2, "17.6"),  # 17.55
        (0.1, 73.35, "7.3"),  # 7.335
    ],
)
def test_doses_round_half_up_to_a_tenth_of_a_mg(
    mg_per_kg: float, weight_kg: float, dose_mg: str
) -> None:
    d = calculate_dose(route="im_racemic", mg_per_kg=mg_per_kg, weight_kg=weight_kg)
    assert d.dose_mg == Decimal(dose_mg)


@pytest.mark.parametrize(
    ("dose_mg", "concentration", "volume_ml"),
    [(10, 3, "3.33"), (10, 6, "1.67"), (33.3, 10, "3.33"), (40, 50, "0.80"), (0.5, 100, "0.01")],
)
def test_volumes_round_half_up_to_a_hundredth_of_a_ml(
    dose_mg: float, concentration: float, volume_ml: str
) -> None:
    d = calculate_dose(route="im_racemic", dose_mg=dose_mg, concentration_mg_per_ml=concentration)
    assert d.volume_ml == Decimal(volume_ml)


def test_infusion_rates_round_half_up_to_a_tenth_and_come_from_the_rounded_dose() -> None:
    d = calculate_dose(
        route="iv_racemic",
        mg_per_kg=0.5,
        weight_kg=80.1,  # 40.05 -> 40.1 mg
        infusion_minutes=45,
        concentration_mg_per_ml=10,
    )
    assert d.dose_mg == Decimal("40.1")
    assert d.rate_mg_per_hour == Decimal("53.5")  # 40.1 * 60 / 45 = 53.466...
    assert d.rate_ml_per_hour == Decimal("5.3")  # 4.01 * 60 / 45 = 5.346...


def test_the_screen_is_told_which_rounding_rule_was_used() -> None:
    d = calculate_dose(
        route="iv_racemic",
        mg_per_kg=0.5,
        weight_kg=80,
        infusion_minutes=40,
        concentration_mg_per_ml=10,
    )
    text = " ".join(d.precision_notes)
    assert "half up to 0.1 mg" in text
    assert "0.01 mL" in text
    assert "0.1 mg/h and 0.1 mL/h" in text


def test_every_route_has_a_precision_row() -> None:
    assert set(PRECISION) == set(Route)


def test_an_im_injection_has_no_infusion_rate_or_devices() -> None:
    d = calculate_dose(route="im_racemic", mg_per_kg=0.5, weight_kg=80, concentration_mg_per_ml=50)
    assert d.volume_ml == Decimal("0.80")
    assert d.rate_mg_per_hour is None
    assert d.rate_ml_per_hour is None
    assert d.devices is None


# -- sublingual tablets and troches ----------------------------------------------


def test_a_sublingual_dose_is_counted_in_whole_tablets() -> None:
    d = calculate_dose(route="sublingual_racemic", dose_mg=300, unit_strength_mg=150)
    assert d.units == 2
    assert any("Whole tablets" in n for n in d.precision_notes)


def test_a_sublingual_dose_that_needs_part_of_a_tablet_is_refused_with_the_nearest_doses() -> None:
    with pytest.raises(
        ValueError, match=r"dose_mg: 150.0 mg .*nearest whole-unit doses: 100 mg or 200"
    ):
        calculate_dose(route="sublingual_racemic", mg_per_kg=2, weight_kg=75, unit_strength_mg=100)


def test_a_sublingual_dose_below_one_tablet_offers_one_tablet() -> None:
    with pytest.raises(ValueError, match=r"nearest whole-unit doses: 100 mg$"):
        calculate_dose(route="sublingual_racemic", dose_mg=50, unit_strength_mg=100)


def test_a_sublingual_dose_cannot_be_both_tablets_and_a_liquid() -> None:
    with pytest.raises(ValueError, match=r"unit_strength_mg, concentration_mg_per_ml"):
        calculate_dose(
            route="sublingual_racemic",
            dose_mg=100,
            unit_strength_mg=100,
            concentration_mg_per_ml=50,
        )


# -- caps, titration and the studied range ------------------------------------------


@pytest.mark.parametrize(
    ("dose_mg", "blocked"), [(39.9, False), (40, False), (40.1, True), (80, True)]
)
def test_a_dose_above_the_session_cap_is_blocked_and_one_at_the_cap_is_not(
    dose_mg: float, blocked: bool
) -> None:
    d = calculate_dose(route="im_racemic", dose_mg=dose_mg, cap_mg=40)
    assert ("dosing.above_session_cap" in rule_ids(d)) is blocked
    assert d.blocked is blocked
    if blocked:
        (cap,) = [f for f in d.findings if f.rule_id == "dosing.above_session_cap"]
        assert cap.severity == "block"
        assert "cap of 40 mg" in cap.message


@pytest.mark.parametrize(
    ("dose_mg", "warned"),
    [(16, False), (24, False), (24.1, True), (32, True), (10, False)],
)
def test_an_increase_of_more_than_one_titration_step_is_a_warning(
    dose_mg: float, warned: bool
) -> None:
    # 0.1 mg/kg steps [K5] at 80 kg: one step is 8 mg over the previous 16 mg.
    d = calculate_dose(
        route="im_racemic",
        dose_mg=dose_mg,
        weight_kg=80,
        previous_dose_mg=16,
        titration_step_mg_per_kg=0.1,
    )
    assert ("dosing.titration_step_exceeded" in rule_ids(d)) is warned
    for f in d.findings:
        if f.rule_id == "dosing.titration_step_exceeded":
            assert f.severity is Severity.WARN
            assert "8.0 mg" in f.message


@pytest.mark.parametrize(("previous", "now", "warned"), [(56, 84, False), (28, 84, True)])
def test_esketamine_titrates_one_28_mg_device_at_a_time(
    previous: int, now: int, warned: bool
) -> None:
    d = calculate_dose(route="intranasal_esketamine", dose_mg=now, previous_dose_mg=previous)
    assert ("dosing.titration_step_exceeded" in rule_ids(d)) is warned


def test_a_previous_dose_without_a_step_is_not_judged_for_racemic_ketamine() -> None:
    d = calculate_dose(route="im_racemic", dose_mg=80, weight_kg=80, previous_dose_mg=16)
    assert "dosing.titration_step_exceeded" not in rule_ids(d)


@pytest.mark.parametrize(
    ("route", "mg_per_kg", "warned", "extra"),
    [
        ("iv_racemic", 0.1, False, {"infusion_minutes": 40}),
        ("iv_racemic", 1.0, False, {"infusion_minutes": 40}),
        ("iv_racemic", 0.09, True, {"infusion_minutes": 40}),
        ("iv_racemic", 1.01, True, {"infusion_minutes": 40}),
        ("iv_racemic", 50, True, {"infusion_minutes": 40}),  # 50 typed for 0.5
        ("im_racemic", 0.9, False, {}),
        ("im_racemic", 0.91, True, {}),
        ("sublingual_racemic", 0.25, False, {}),
        ("sublingual_racemic", 7.0, False, {}),
        ("sublingual_racemic", 7.01, True, {}),
    ],
)
def test_a_mg_per_kg_outside_the_range_reported_for_the_route_is_a_warning(
    route: str, mg_per_kg: float, warned: bool, extra: dict[str, float]
) -> None:
    d = calculate_dose(route=route, mg_per_kg=mg_per_kg, weight_kg=80, **extra)
    assert ("dosing.outside_studied_range" in rule_ids(d)) is warned
    assert not d.blocked


def test_a_fixed_dose_with_a_weight_is_checked_against_the_studied_range() -> None:
    d = calculate_dose(route="iv_racemic", dose_mg=400, weight_kg=80, infusion_minutes=40)
    (f,) = d.findings
    assert f.rule_id == "dosing.outside_studied_range"
    assert f.sources == ("K1", "K2")
    assert "5.00 mg/kg" in f.message


# -- properties -----------------------------------------------------------------------

per_kg_values = st.decimals(min_value="0.01", max_value="10", places=2)
weights = st.decimals(min_value="20", max_value="350", places=1)
concentrations = st.decimals(min_value="1", max_value="100", places=1)
minutes = st.integers(min_value=1, max_value=240)


@given(mg_per_kg=per_kg_values, weight_kg=weights)
def test_dose_is_mg_per_kg_times_weight_within_half_a_rounding_step(
    mg_per_kg: Decimal, weight_kg: Decimal
) -> None:
    d = calculate_dose(route="im_racemic", mg_per_kg=mg_per_kg, weight_kg=weight_kg)
    assert abs(d.dose_mg - mg_per_kg * weight_kg) <= Decimal("0.05")


@given(mg_per_kg=per_kg_values, weight_kg=weights, concentration=concentrations, mins=minutes)
def test_volume_times_concentration_is_the_dose_within_half_a_rounding_step(
    mg_per_kg: Decimal, weight_kg: Decimal, concentration: Decimal, mins: int
) -> None:
    d = calculate_dose(
        route="iv_racemic",
        mg_per_kg=mg_per_kg,
        weight_kg=weight_kg,
        concentration_mg_per_ml=concentration,
        infusion_minutes=mins,
    )
    assert d.volume_ml is not None
    assert d.rate_mg_per_hour is not None
    assert abs(d.volume_ml * concentration - d.dose_mg) <= Decimal("0.005") * concentration
    assert abs(d.rate_mg_per_hour - d.dose_mg * 60 / mins) <= Decimal("0.05")


@given(dose_mg=st.integers(min_value=1, max_value=200))
def test_esketamine_devices_times_28_is_always_the_dose_or_the_dose_is_refused(
    dose_mg: int,
) -> None:
    try:
        d = calculate_dose(route="intranasal_esketamine", dose_mg=dose_mg)
    except ValueError:
        assert dose_mg not in ESKETAMINE_ALLOWED_DOSES_MG
    else:
        assert d.devices is not None
        assert d.devices * 28 == d.dose_mg


def test_an_order_exactly_at_the_cap_is_rounded_down_not_blocked() -> None:
    # 0.5 mg/kg at 72.5 kg is 36.25 mg; half up it would be 36.3 mg, above the cap
    d = calculate_dose(
        route="iv_racemic", mg_per_kg=0.5, weight_kg=72.5, infusion_minutes=40, cap_mg=36.25
    )
    assert d.dose_mg == Decimal("36.2")
    assert not d.blocked
    assert "Rounded down to 36.2 mg so that it stays within the 36.25 mg cap." in (
        d.precision_notes
    )
    uncapped = calculate_dose(
        route="iv_racemic", mg_per_kg=0.5, weight_kg=72.5, infusion_minutes=40
    )
    assert uncapped.dose_mg == Decimal("36.3")


@given(
    mg_per_kg=per_kg_values,
    weight_kg=weights,
    cap=st.decimals(min_value="1", max_value="1000", places=2),
    route=st.sampled_from(["im_racemic", "sublingual_racemic"]),
)
def test_a_dose_never_exceeds_the_cap_without_a_block_finding(
    mg_per_kg: Decimal, weight_kg: Decimal, cap: Decimal, route: str
) -> None:
    d = calculate_dose(route=route, mg_per_kg=mg_per_kg, weight_kg=weight_kg, cap_mg=cap)
    capped = [f for f in d.findings if f.rule_id == "dosing.above_session_cap"]
    if d.dose_mg > cap:
        assert [f.severity for f in capped] == [Severity.BLOCK]
    else:
        assert capped == []
    if mg_per_kg * weight_kg <= cap:  # an order within the cap is never blocked by rounding
        assert capped == []
