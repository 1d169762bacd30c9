"""Response, remission and meaningful change, checked against clinical-reference §1 and §6."""

from __future__ import annotations

import dataclasses
import math
import re
from typing import Any, cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapcare.clinical.instruments.sources import SOURCES
from kapcare.clinical.outcomes import (
    OUTCOME_DEFINITIONS,
    Change,
    MeaningfulChangeRule,
    RemissionRule,
    ResponseRule,
    classify_change,
)

TOTAL_MAX = {"phq9": 27, "gad7": 21, "pcl5": 80}


def test_outcomes_are_defined_for_the_four_published_instruments() -> None:
    assert set(OUTCOME_DEFINITIONS) == {"phq9", "gad7", "pcl5", "peg"}


@pytest.mark.parametrize(
    ("instrument", "mcid", "sources"),
    [
        ("phq9", 5, ("R3",)),
        ("gad7", 4, ("R10",)),
        ("pcl5", 10, ("R14",)),
        ("peg", 1, ("R20",)),
    ],
)
def test_meaningful_change_uses_the_published_mcid_and_names_its_source(
    instrument: str, mcid: int, sources: tuple[str, ...]
) -> None:
    rule = OUTCOME_DEFINITIONS[instrument].meaningful_change
    assert (rule.points, rule.source_keys) == (mcid, sources)


@pytest.mark.parametrize(
    ("instrument", "sources"),
    [("phq9", ("R4", "K8b")), ("gad7", ("K8", "K8b"))],
)
def test_remission_is_below_5_from_a_baseline_of_10_for_phq9_and_gad7(
    instrument: str, sources: tuple[str, ...]
) -> None:
    rule = OUTCOME_DEFINITIONS[instrument].remission
    assert rule is not None
    assert (rule.below, rule.min_baseline, rule.source_keys) == (5, 10, sources)


@pytest.mark.parametrize("instrument", ["pcl5", "peg"])
def test_instruments_without_a_remission_definition_have_none(instrument: str) -> None:
    assert OUTCOME_DEFINITIONS[instrument].remission is None


@pytest.mark.parametrize("instrument", ["phq9", "gad7", "pcl5", "peg"])
def test_every_outcome_definition_explains_itself_in_plain_words_with_known_sources(
    instrument: str,
) -> None:
    definition = OUTCOME_DEFINITIONS[instrument]
    rules: list[ResponseRule | RemissionRule | MeaningfulChangeRule]
    rules = [definition.response, definition.meaningful_change]
    if definition.remission is not None:
        rules.append(definition.remission)
    for rule in rules:
        assert rule.text
        assert set(rule.source_keys) <= set(SOURCES)
    assert definition.response.reduction_percent == 50


@pytest.mark.parametrize("instrument", ["pcl5", "peg"])
def test_a_response_without_an_instrument_specific_source_says_so(instrument: str) -> None:
    response = OUTCOME_DEFINITIONS[instrument].response
    assert response.source_keys == ()
    assert "no " in response.text
    assert "response definition was verified" in response.text


@pytest.mark.parametrize(
    ("instrument", "baseline", "current", "response"),
    [
        ("phq9", 18, 9, True),
        ("phq9", 18, 10, False),
        ("phq9", 18, 0, True),
        ("phq9", 1, 0, True),
        ("phq9", 10, 15, False),
        ("gad7", 15, 7, True),
        ("gad7", 15, 8, False),
        ("pcl5", 40, 20, True),
        ("pcl5", 40, 21, False),
        ("peg", 6.0, 3.0, True),
        ("peg", 6.0, 10 / 3, False),
    ],
)
def test_response_is_a_reduction_of_at_least_half_from_baseline(
    instrument: str, baseline: float, current: float, response: bool
) -> None:
    assert classify_change(instrument, baseline=baseline, current=current).response is response


@pytest.mark.parametrize("instrument", ["phq9", "gad7", "pcl5", "peg"])
def test_response_and_percent_change_are_undefined_from_a_baseline_of_zero(
    instrument: str,
) -> None:
    change = classify_change(instrument, baseline=0, current=0)
    assert change.percent_change is None
    assert change.response is None


@pytest.mark.parametrize(
    ("instrument", "baseline", "current", "remission"),
    [
        ("phq9", 18, 4, True),
        ("phq9", 18, 5, False),
        ("phq9", 10, 4, True),
        ("phq9", 9, 0, None),
        ("phq9", 0, 0, None),
        ("gad7", 12, 4, True),
        ("gad7", 12, 5, False),
        ("gad7", 10, 0, True),
        ("gad7", 9, 2, None),
        ("pcl5", 60, 0, None),
        ("peg", 9.0, 0.0, None),
    ],
)
def test_remission_is_a_score_below_5_judged_only_from_a_baseline_of_10_or_more(
    instrument: str, baseline: float, current: float, remission: bool | None
) -> None:
    assert classify_change(instrument, baseline=baseline, current=current).remission is remission


@pytest.mark.parametrize(
    ("instrument", "baseline", "current", "improvement", "worsening"),
    [
        ("phq9", 12, 7, True, False),
        ("phq9", 12, 8, False, False),
        ("phq9", 7, 12, False, True),
        ("phq9", 8, 12, False, False),
        ("phq9", 12, 12, False, False),
        ("gad7", 12, 8, True, False),
        ("gad7", 12, 9, False, False),
        ("gad7", 8, 12, False, True),
        ("gad7", 9, 12, False, False),
        ("pcl5", 50, 40, True, False),
        ("pcl5", 50, 41, False, False),
        ("pcl5", 40, 50, False, True),
        ("pcl5", 41, 50, False, False),
        ("peg", 5.0, 4.0, True, False),
        ("peg", 13 / 3, 10 / 3, True, False),
        ("peg", 5.0, 13 / 3, False, False),
        ("peg", 10 / 3, 13 / 3, False, True),
        ("peg", 4.0, 14 / 3, False, False),
    ],
)
def test_meaningful_change_is_a_change_of_at_least_the_mcid_either_way(
    instrument: str, baseline: float, current: float, improvement: bool, worsening: bool
) -> None:
    change = classify_change(instrument, baseline=baseline, current=current)
    assert (change.meaningful_improvement, change.meaningful_worsening) == (improvement, worsening)


def test_the_issue_example_of_18_to_8_on_the_phq9_is_a_meaningful_response() -> None:
    change = classify_change("phq9", baseline=18, current=8)
    assert change.percent_change == pytest.approx(-55.5556, abs=1e-4)
    assert dataclasses.replace(change, percent_change=None) == Change(
        instrument="phq9",
        baseline=18,
        current=8,
        difference=-10,
        percent_change=None,
        response=True,
        remission=False,
        meaningful_improvement=True,
        meaningful_worsening=False,
    )


@pytest.mark.parametrize(
    ("baseline", "current", "percent"),
    [(20, 10, -50.0), (10, 15, 50.0), (12, 12, 0.0), (4, 0, -100.0)],
)
def test_percent_change_is_signed_so_that_improvement_is_negative(
    baseline: int, current: int, percent: float
) -> None:
    change = classify_change("phq9", baseline=baseline, current=current)
    assert change.percent_change == pytest.approx(percent)


def test_a_change_cannot_be_altered() -> None:
    change = classify_change("gad7", baseline=12, current=6)
    with pytest.raises(dataclasses.FrozenInstanceError):
        change.response = False  # type: ignore[misc]


@pytest.mark.parametrize(
    ("instrument", "kwargs", "message"),
    [
        pytest.param(
            "phq9",
            {"baseline": 28, "current": 4},
            "baseline: 28 is outside the PHQ-9 total range; allowed values are 0 to 27",
            id="baseline-too-high",
        ),
        pytest.param(
            "phq9",
            {"baseline": 10, "current": -1},
            "current: -1 is outside the PHQ-9 total range; allowed values are 0 to 27",
            id="current-negative",
        ),
        pytest.param(
            "gad7",
            {"baseline": 22, "current": 4},
            "baseline: 22 is outside the GAD-7 total range; allowed values are 0 to 21",
            id="gad7-too-high",
        ),
        pytest.param(
            "pcl5",
            {"baseline": 40, "current": 81},
            "current: 81 is outside the PCL-5 total range; allowed values are 0 to 80",
            id="pcl5-too-high",
        ),
        pytest.param(
            "peg",
            {"baseline": 10.5, "current": 4},
            "baseline: 10.5 is outside the PEG total range; allowed values are 0 to 10",
            id="peg-too-high",
        ),
        pytest.param(
            "peg",
            {"baseline": 5, "current": math.nan},
            "current: nan is outside the PEG total range; allowed values are 0 to 10",
            id="peg-nan",
        ),
        pytest.param(
            "phq9",
            {"baseline": 10.0, "current": 4},
            "baseline: 10.0 is not allowed; allowed values are whole numbers from 0 to 27 "
            "(PHQ-9 total)",
            id="float-for-a-summed-total",
        ),
        pytest.param(
            "phq9",
            {"baseline": 10, "current": True},
            "current: True is not a score; allowed values are whole numbers from 0 to 27 "
            "(PHQ-9 total)",
            id="bool",
        ),
        pytest.param(
            "peg",
            {"baseline": "5", "current": 4},
            "baseline: '5' is not a score; allowed values are numbers from 0 to 10 (PEG total)",
            id="string",
        ),
        pytest.param(
            "daily_checkin",
            {"baseline": 5, "current": 4},
            "instrument: 'daily_checkin' has no outcome definitions; "
            "allowed values are phq9, gad7, pcl5, peg",
            id="instrument-without-outcomes",
        ),
        pytest.param(
            "PHQ-9",
            {"baseline": 5, "current": 4},
            "instrument: 'PHQ-9' has no outcome definitions; "
            "allowed values are phq9, gad7, pcl5, peg",
            id="unknown-instrument",
        ),
    ],
)
def test_an_impossible_comparison_is_refused_naming_the_argument(
    instrument: str, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        classify_change(instrument, **kwargs)


def whole_scores(instrument: str) -> st.SearchStrategy[int]:
    return st.integers(min_value=0, max_value=TOTAL_MAX[instrument])


@pytest.mark.parametrize("instrument", ["phq9", "gad7", "pcl5"])
@given(data=st.data())
def test_a_change_is_never_both_a_meaningful_improvement_and_a_worsening(
    instrument: str, data: st.DataObject
) -> None:
    baseline = data.draw(whole_scores(instrument))
    current = data.draw(whole_scores(instrument))
    change = classify_change(instrument, baseline=baseline, current=current)
    assert not (change.meaningful_improvement and change.meaningful_worsening)
    assert change.difference == current - baseline


@pytest.mark.parametrize("instrument", ["phq9", "gad7", "pcl5"])
@given(data=st.data())
def test_response_holds_exactly_when_percent_change_is_minus_50_or_lower(
    instrument: str, data: st.DataObject
) -> None:
    baseline = data.draw(whole_scores(instrument).filter(lambda score: score > 0))
    current = data.draw(whole_scores(instrument))
    change = classify_change(instrument, baseline=baseline, current=current)
    assert change.percent_change is not None
    assert change.response is (change.percent_change <= -50 + 1e-9)


@given(baseline=whole_scores("phq9"), current=whole_scores("phq9"))
def test_phq9_remission_is_judged_exactly_when_the_baseline_is_10_or_more(
    baseline: int, current: int
) -> None:
    remission = classify_change("phq9", baseline=baseline, current=current).remission
    if baseline < 10:
        assert remission is None
    else:
        assert remission is (current < 5)


@given(
    baseline=st.integers(min_value=0, max_value=30).map(lambda n: n / 3),
    current=st.integers(min_value=0, max_value=30).map(lambda n: n / 3),
)
def test_a_peg_change_of_a_whole_point_or_more_is_meaningful_despite_float_rounding(
    baseline: float, current: float
) -> None:
    change = classify_change("peg", baseline=baseline, current=current)
    thirds = round((baseline - current) * 3)
    assert change.meaningful_improvement is (thirds >= 3)
    assert change.meaningful_worsening is (thirds <= -3)


def test_classify_change_accepts_only_keyword_scores() -> None:
    with pytest.raises(TypeError):
        cast("Any", classify_change)("phq9", 18, 8)
