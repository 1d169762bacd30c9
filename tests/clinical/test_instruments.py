"""Instrument definitions and scoring, checked against clinical-reference §1.

Band boundaries, cut-offs, codes and the PCL-5 vectors are the published
values; the properties check what must hold for every possible response.
"""

from __future__ import annotations

import dataclasses
from typing import Any, cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapcare.clinical.instruments import (
    DEFINITIONS,
    InvalidResponse,
    NotScorableError,
    UnknownInstrumentError,
    get_definition,
    score,
    validate,
)
from kapcare.clinical.instruments.model import InstrumentDefinition, ItemKind, Scoring
from kapcare.clinical.instruments.sources import SOURCES

SCORED = ("phq9", "gad7", "pcl5", "peg")


def answers_with_total(key: str, total: int) -> list[int]:
    """Answers filling items from the first, each as high as allowed, that sum to ``total``."""
    answers = []
    remaining = total
    for item in get_definition(key).numbered_items:
        value = min(remaining, max(item.allowed_values))
        answers.append(value)
        remaining -= value
    assert remaining == 0, f"{key} cannot reach {total}"
    return answers


def as_mapping(answers: list[int]) -> dict[str, object]:
    return {str(number): value for number, value in enumerate(answers, start=1)}


def responses(key: str) -> st.SearchStrategy[list[int]]:
    """Every complete, valid response to ``key``."""
    return st.tuples(
        *(st.sampled_from(item.allowed_values) for item in get_definition(key).numbered_items)
    ).map(list)


# --- Definitions -------------------------------------------------------------------------


def test_the_registry_holds_the_four_published_and_two_clinic_instruments() -> None:
    assert list(DEFINITIONS) == [
        "phq9",
        "gad7",
        "pcl5",
        "peg",
        "daily_checkin",
        "post_session_reflection",
    ]
    assert all(get_definition(key) is definition for key, definition in DEFINITIONS.items())


def test_an_unknown_instrument_is_a_key_error_that_names_the_known_ones() -> None:
    with pytest.raises(KeyError) as raised:
        get_definition("phq-9")
    assert isinstance(raised.value, UnknownInstrumentError)
    assert str(raised.value) == (
        "unknown instrument 'phq-9'; known instruments are phq9, gad7, pcl5, peg, "
        "daily_checkin, post_session_reflection"
    )


@pytest.mark.parametrize("definition", DEFINITIONS.values(), ids=list(DEFINITIONS))
def test_every_definition_is_versioned_attributed_and_sourced(
    definition: InstrumentDefinition,
) -> None:
    assert definition.version
    assert definition.attribution
    assert definition.recall_period
    every_key = set(definition.source_keys)
    for rule in definition.flag_rules:
        every_key.update(rule.source_keys)
    for item in definition.items:
        for option in item.checklist:
            every_key.update(option.source_keys)
    assert every_key <= set(SOURCES)


@pytest.mark.parametrize("definition", DEFINITIONS.values(), ids=list(DEFINITIONS))
def test_every_definition_numbers_its_items_from_one_without_gaps(
    definition: InstrumentDefinition,
) -> None:
    numbers = [item.number for item in definition.numbered_items]
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(set(definition.item_keys)) == len(definition.items)


@pytest.mark.parametrize("key", SCORED)
def test_every_scored_definition_has_a_total_range_its_items_can_reach(key: str) -> None:
    definition = get_definition(key)
    lows = [min(item.allowed_values) for item in definition.scored_items]
    highs = [max(item.allowed_values) for item in definition.scored_items]
    if definition.scoring is Scoring.MEAN:
        reachable = (sum(lows) / len(lows), sum(highs) / len(highs))
    else:
        reachable = (sum(lows), sum(highs))
    assert definition.total_range == reachable


@pytest.mark.parametrize("key", ["phq9", "gad7"])
def test_bands_cover_the_whole_total_range_without_gaps_or_overlaps(key: str) -> None:
    definition = get_definition(key)
    assert definition.bands is not None
    assert definition.total_range is not None
    assert definition.bands[0].minimum == definition.total_range[0]
    assert definition.bands[-1].maximum == definition.total_range[1]
    for lower, upper in zip(definition.bands, definition.bands[1:], strict=False):
        assert upper.minimum == lower.maximum + 1


@pytest.mark.parametrize("key", ["pcl5", "peg", "daily_checkin", "post_session_reflection"])
def test_instruments_without_validated_bands_define_none(key: str) -> None:
    assert get_definition(key).bands is None


def test_phq9_carries_the_us_core_loinc_codes() -> None:
    phq9 = get_definition("phq9")
    assert (phq9.loinc_panel, phq9.loinc_total) == ("44249-1", "44261-6")
    assert [item.loinc for item in phq9.numbered_items] == [
        "44250-9",
        "44255-8",
        "44259-0",
        "44254-1",
        "44251-7",
        "44258-2",
        "44252-5",
        "44253-3",
        "44260-8",
    ]
    for item in phq9.numbered_items:
        assert [(o.value, o.loinc) for o in item.options] == [
            (0, "LA6568-5"),
            (1, "LA6569-3"),
            (2, "LA6570-1"),
            (3, "LA6571-9"),
        ]


def test_phq9_difficulty_question_is_coded_optional_and_unscored() -> None:
    difficulty = get_definition("phq9").item("difficulty")
    assert difficulty.loinc == "69722-7"
    assert not difficulty.required
    assert not difficulty.scored
    assert [(o.value, o.label, o.loinc) for o in difficulty.options] == [
        (0, "Not difficult at all", "LA6572-7"),
        (1, "Somewhat difficult", "LA6573-5"),
        (2, "Very difficult", "LA6575-0"),
        (3, "Extremely difficult", "LA6574-3"),
    ]


def test_gad7_uses_its_panel_and_total_codes_and_leaves_unlisted_answer_codes_empty() -> None:
    gad7 = get_definition("gad7")
    assert (gad7.loinc_panel, gad7.loinc_total) == ("69737-5", "70274-6")
    assert [item.loinc for item in gad7.items] == [
        "69725-0",
        "68509-9",
        "69733-4",
        "69734-2",
        "69735-9",
        "69689-8",
        "69736-7",
    ]
    assert all(option.loinc is None for item in gad7.items for option in item.options)


def test_pcl5_codes_only_the_verified_item_and_its_panel_and_total() -> None:
    pcl5 = get_definition("pcl5")
    assert (pcl5.loinc_panel, pcl5.loinc_total) == ("101697-1", "101698-9")
    coded = {item.key: item.loinc for item in pcl5.items if item.loinc}
    assert coded == {"9": "101699-7"}
    assert "negative beliefs about yourself" in pcl5.item("9").text


def test_peg_ships_no_unverified_codes() -> None:
    peg = get_definition("peg")
    assert (peg.loinc_panel, peg.loinc_total) == (None, None)
    assert all(item.loinc is None for item in peg.items)


def test_definitions_cannot_be_changed_at_run_time() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        get_definition("phq9").version = "2"  # type: ignore[misc]
    with pytest.raises(TypeError):
        DEFINITIONS["phq9"] = get_definition("gad7")  # type: ignore[index]


# --- PHQ-9 and GAD-7 bands ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_totals_fall_in_the_published_severity_band(total: int, band: str) -> None:
    result = score("phq9", answers_with_total("phq9", total))
    assert (result.total, result.band) == (total, band)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_totals_fall_in_the_published_severity_band(total: int, band: str) -> None:
    result = score("gad7", answers_with_total("gad7", total))
    assert (result.total, result.band) == (total, band)


def test_a_result_records_the_instrument_and_definition_version() -> None:
    result = score("gad7", [0] * 7)
    assert (result.instrument, result.version) == ("gad7", get_definition("gad7").version)


# --- PHQ-9 item 9 and the difficulty question --------------------------------------------


@pytest.mark.parametrize(
    ("item9", "others", "flagged"),
    [
        (0, 0, False),
        (1, 0, True),
        (2, 0, True),
        (3, 0, True),
        (0, 3, False),
        (1, 3, True),
    ],
)
def test_phq9_item_9_above_zero_flags_suicidal_ideation_whatever_the_total(
    item9: int, others: int, flagged: bool
) -> None:
    result = score("phq9", [others] * 8 + [item9])
    assert ("suicidal_ideation" in result.flags) is flagged


def test_a_minimal_phq9_total_with_item_9_answered_is_still_flagged() -> None:
    result = score("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert (result.total, result.band) == (1, "minimal")
    assert result.flags == frozenset({"suicidal_ideation"})


@pytest.mark.parametrize("difficulty", [0, 1, 2, 3])
def test_the_phq9_difficulty_answer_never_counts_toward_the_total(difficulty: int) -> None:
    answers = {**as_mapping([1] * 9), "difficulty": difficulty}
    result = score("phq9", answers)
    assert result.total == 9
    assert result.answers["difficulty"] == difficulty


def test_the_phq9_difficulty_question_may_be_left_out() -> None:
    assert "difficulty" not in score("phq9", [1] * 9).answers
    assert "difficulty" not in score("phq9", {**as_mapping([1] * 9), "difficulty": None}).answers


def test_only_the_phq9_accepts_a_difficulty_answer() -> None:
    with pytest.raises(InvalidResponse, match=r"^GAD-7 item 'difficulty': there is no such item"):
        score("gad7", {**as_mapping([0] * 7), "difficulty": 0})


# --- PCL-5 -------------------------------------------------------------------------------


def _pcl5(b: list[int], c: list[int], d: list[int], e: list[int]) -> list[int]:
    """PCL-5 answers by DSM-5 cluster; unlisted items in a cluster are 0."""
    answers = b + [0] * (5 - len(b)) + c + [0] * (2 - len(c))
    return answers + d + [0] * (7 - len(d)) + e + [0] * (6 - len(e))


# Answers built to reproduce the totals and subscales of the awell-score PCL-5 test
# vectors listed in clinical-reference §1.11.
PCL5_VECTORS = [
    pytest.param([0] * 20, 0, {"B": 0, "C": 0, "D": 0, "E": 0}, False, id="best"),
    pytest.param([2] * 20, 40, {"B": 10, "C": 4, "D": 14, "E": 12}, True, id="median"),
    pytest.param([4] * 20, 80, {"B": 20, "C": 8, "D": 28, "E": 24}, True, id="worst"),
    pytest.param(
        _pcl5([4, 3, 2, 1, 1], [4, 3], [2, 2, 1, 1, 1, 0, 0], [2, 2, 2, 2, 1, 1]),
        35,
        {"B": 11, "C": 7, "D": 7, "E": 10},
        True,
        id="random",
    ),
]


@pytest.mark.parametrize(("answers", "total", "subscales", "dsm5"), PCL5_VECTORS)
def test_pcl5_reproduces_the_published_vector_totals_subscales_and_dsm5_indication(
    answers: list[int], total: int, subscales: dict[str, int], dsm5: bool
) -> None:
    result = score("pcl5", answers)
    assert result.total == total
    assert dict(result.subscales) == subscales
    assert result.band is None
    assert ("probable_ptsd_dsm5" in result.flags) is dsm5


@pytest.mark.parametrize(
    ("answers", "met"),
    [
        pytest.param(_pcl5([2], [2], [2, 2], [2, 2]), True, id="exactly-the-minimum"),
        pytest.param(_pcl5([], [2], [2, 2], [2, 2]), False, id="no-intrusion-item"),
        pytest.param(_pcl5([2], [], [2, 2], [2, 2]), False, id="no-avoidance-item"),
        pytest.param(_pcl5([2], [2], [2], [2, 2]), False, id="one-cognition-item"),
        pytest.param(_pcl5([2], [2], [2, 2], [2]), False, id="one-arousal-item"),
        pytest.param(_pcl5([1] * 5, [1, 1], [1] * 7, [1] * 6), False, id="all-a-little-bit"),
        pytest.param(_pcl5([4], [4], [4, 4], [4, 4]), True, id="extremely"),
    ],
)
def test_pcl5_dsm5_rule_counts_items_rated_moderately_or_more_per_cluster(
    answers: list[int], met: bool
) -> None:
    assert ("probable_ptsd_dsm5" in score("pcl5", answers).flags) is met


def test_the_dsm5_rule_can_be_met_below_the_cutoff() -> None:
    result = score("pcl5", _pcl5([2], [2], [2, 2], [2, 2]))
    assert result.total == 12
    assert result.flags == frozenset({"probable_ptsd_dsm5"})


@pytest.mark.parametrize(
    ("total", "cutoff", "flagged"),
    [
        (32, 33, False),
        (33, 33, True),
        (34, 33, True),
        (30, 31, False),
        (31, 31, True),
        (37, 38, False),
        (38, 38, True),
    ],
)
def test_pcl5_flags_probable_ptsd_at_or_above_the_cutoff(
    total: int, cutoff: int, flagged: bool
) -> None:
    result = score("pcl5", answers_with_total("pcl5", total), pcl5_cutoff=cutoff)
    assert ("probable_ptsd_cutoff" in result.flags) is flagged


def test_the_pcl5_cutoff_defaults_to_33() -> None:
    assert "probable_ptsd_cutoff" in score("pcl5", answers_with_total("pcl5", 33)).flags
    assert "probable_ptsd_cutoff" not in score("pcl5", answers_with_total("pcl5", 32)).flags


@pytest.mark.parametrize("cutoff", [0, 81, -1, 33.0, True, "33"])
def test_an_impossible_pcl5_cutoff_is_refused(cutoff: object) -> None:
    with pytest.raises(ValueError, match=r"^pcl5_cutoff: .* allowed values are whole numbers"):
        score("pcl5", [0] * 20, pcl5_cutoff=cast("Any", cutoff))


def test_a_bad_pcl5_cutoff_never_blocks_scoring_a_phq9() -> None:
    result = score("phq9", [0] * 8 + [1], pcl5_cutoff=0)
    assert "suicidal_ideation" in result.flags


# --- PEG ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "mean"),
    [
        ([0, 0, 0], 0.0),
        ([10, 10, 10], 10.0),
        ([7, 8, 6], 7.0),
        ([5, 5, 5], 5.0),
        ([1, 2, 2], 5 / 3),
        ([10, 0, 0], 10 / 3),
    ],
)
def test_peg_scores_the_mean_of_its_three_items(answers: list[int], mean: float) -> None:
    result = score("peg", answers)
    assert isinstance(result.total, float)
    assert result.total == pytest.approx(mean)
    assert result.band is None
    assert result.flags == frozenset()


# --- Invalid responses -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "answers", "item", "message"),
    [
        pytest.param(
            "phq9",
            [0, 0, 4, 0, 0, 0, 0, 0, 0],
            "3",
            "PHQ-9 item 3: 4 is not allowed; allowed values are 0, 1, 2, 3",
            id="out-of-range",
        ),
        pytest.param(
            "phq9",
            [0, 0, -1, 0, 0, 0, 0, 0, 0],
            "3",
            "PHQ-9 item 3: -1 is not allowed; allowed values are 0, 1, 2, 3",
            id="negative",
        ),
        pytest.param(
            "phq9",
            [0, 0, True, 0, 0, 0, 0, 0, 0],
            "3",
            "PHQ-9 item 3: True is not allowed (bool, expected a whole number); "
            "allowed values are 0, 1, 2, 3",
            id="bool",
        ),
        pytest.param(
            "phq9",
            [0, 0, 2.0, 0, 0, 0, 0, 0, 0],
            "3",
            "PHQ-9 item 3: 2.0 is not allowed (float, expected a whole number); "
            "allowed values are 0, 1, 2, 3",
            id="float",
        ),
        pytest.param(
            "phq9",
            [0, 0, "2", 0, 0, 0, 0, 0, 0],
            "3",
            "PHQ-9 item 3: '2' is not allowed (str, expected a whole number); "
            "allowed values are 0, 1, 2, 3",
            id="string",
        ),
        pytest.param(
            "phq9",
            [0] * 8,
            "9",
            "PHQ-9 item 9: missing answer; allowed values are 0, 1, 2, 3",
            id="short-list",
        ),
        pytest.param(
            "phq9",
            [0, 0, 0, None, 0, 0, 0, 0, 0],
            "4",
            "PHQ-9 item 4: missing answer; allowed values are 0, 1, 2, 3",
            id="none",
        ),
        pytest.param(
            "phq9",
            [0] * 10,
            "10",
            "PHQ-9 item 10: there is no such item (got 10 answers for 9 items); "
            "allowed items are 1, 2, 3, 4, 5, 6, 7, 8, 9",
            id="long-list",
        ),
        pytest.param(
            "phq9",
            dict.fromkeys("12345689", 0),
            "7",
            "PHQ-9 item 7: missing answer; allowed values are 0, 1, 2, 3",
            id="mapping-missing-item",
        ),
        pytest.param(
            "phq9",
            {**{str(n): 0 for n in range(1, 10)}, "10": 0},
            "10",
            "PHQ-9 item '10': there is no such item; "
            "allowed items are 1, 2, 3, 4, 5, 6, 7, 8, 9, difficulty",
            id="mapping-unknown-item",
        ),
        pytest.param(
            "phq9",
            {1: 0},
            "1",
            "PHQ-9 item 1: item keys are strings such as '1', not int; "
            "allowed items are 1, 2, 3, 4, 5, 6, 7, 8, 9, difficulty",
            id="mapping-int-key",
        ),
        pytest.param(
            "phq9",
            {**{str(n): 0 for n in range(1, 10)}, "difficulty": 4},
            "difficulty",
            "PHQ-9 difficulty question: 4 is not allowed; allowed values are 0, 1, 2, 3",
            id="difficulty-out-of-range",
        ),
        pytest.param(
            "gad7",
            [0, 0, 0, 0, 0, 0, 3.5],
            "7",
            "GAD-7 item 7: 3.5 is not allowed (float, expected a whole number); "
            "allowed values are 0, 1, 2, 3",
            id="gad7-float",
        ),
        pytest.param(
            "pcl5",
            [0] * 19 + [5],
            "20",
            "PCL-5 item 20: 5 is not allowed; allowed values are 0, 1, 2, 3, 4",
            id="pcl5-out-of-range",
        ),
        pytest.param(
            "peg",
            [3, 11, 2],
            "2",
            "PEG item 2: 11 is not allowed; allowed values are 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10",
            id="peg-out-of-range",
        ),
        pytest.param(
            "peg",
            [3, 4.5, 2],
            "2",
            "PEG item 2: 4.5 is not allowed (float, expected a whole number); "
            "allowed values are 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10",
            id="peg-half-point",
        ),
    ],
)
def test_an_invalid_answer_is_refused_with_a_message_naming_the_item_and_allowed_values(
    key: str, answers: Any, item: str, message: str
) -> None:
    with pytest.raises(InvalidResponse) as raised:
        score(key, answers)
    assert str(raised.value) == message
    assert (raised.value.instrument, raised.value.item) == (key, item)


@pytest.mark.parametrize("answers", [None, "000000000", 0, {0, 1}, b"\x00" * 9])
def test_answers_that_are_neither_a_list_nor_a_mapping_are_refused(answers: object) -> None:
    with pytest.raises(InvalidResponse, match=r"^PHQ-9: answers must be a list in item order"):
        score("phq9", cast("Any", answers))


def test_an_invalid_response_is_a_value_error() -> None:
    assert issubclass(InvalidResponse, ValueError)


def test_nothing_is_prorated_when_an_answer_is_missing() -> None:
    with pytest.raises(InvalidResponse, match="missing answer"):
        score("pcl5", [4] * 19)


# --- Clinic instruments ------------------------------------------------------------------


@pytest.mark.parametrize("key", ["daily_checkin", "post_session_reflection"])
def test_clinic_instruments_have_no_total_and_are_not_scorable(key: str) -> None:
    assert get_definition(key).total_range is None
    with pytest.raises(NotScorableError, match="use validate"):
        score(key, [])


def test_a_daily_checkin_is_validated_and_normalised() -> None:
    answers = validate("daily_checkin", [3, 7, 6.5, ["nausea", "drowsiness"], "  Slept badly. "])
    assert dict(answers) == {
        "1": 3,
        "2": 7,
        "3": 6.5,
        "4": ("drowsiness", "nausea"),
        "5": "Slept badly.",
    }


def test_a_daily_checkin_without_side_effects_or_a_note_is_complete() -> None:
    answers = validate("daily_checkin", {"1": 5, "2": 5, "3": 8, "4": [], "5": "   "})
    assert dict(answers) == {"1": 5, "2": 5, "3": 8.0, "4": ()}


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        pytest.param(
            [5, 5, 25, []],
            "Daily check-in item 3: 25 is not allowed; "
            "allowed values are numbers from 0 to 24 (hours)",
            id="hours-out-of-range",
        ),
        pytest.param(
            [5, 5, float("nan"), []],
            "Daily check-in item 3: nan is not allowed; "
            "allowed values are numbers from 0 to 24 (hours)",
            id="hours-nan",
        ),
        pytest.param(
            [5, 11, 8, []],
            "Daily check-in item 2: 11 is not allowed; "
            "allowed values are 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10",
            id="anxiety-out-of-range",
        ),
        pytest.param(
            [5, 5, 8],
            "Daily check-in item 4: missing answer; allowed values are a list of any of "
            "drowsiness, dizziness, dissociation, nausea, vomiting, urinary, other "
            "(an empty list means none)",
            id="checklist-missing",
        ),
        pytest.param(
            [5, 5, 8, ["headache"]],
            "Daily check-in item 4: 'headache' is not allowed; allowed values are a list of "
            "any of drowsiness, dizziness, dissociation, nausea, vomiting, urinary, other "
            "(an empty list means none)",
            id="checklist-unknown-code",
        ),
        pytest.param(
            [5, 5, 8, ["nausea", "nausea"]],
            "Daily check-in item 4: 'nausea' is given twice; allowed values are a list of "
            "any of drowsiness, dizziness, dissociation, nausea, vomiting, urinary, other "
            "(an empty list means none)",
            id="checklist-duplicate",
        ),
    ],
)
def test_an_invalid_daily_checkin_is_refused_with_a_clear_message(
    answers: list[object], message: str
) -> None:
    with pytest.raises(InvalidResponse) as raised:
        validate("daily_checkin", answers)
    assert str(raised.value) == message


def test_a_note_that_is_too_long_is_refused_without_echoing_its_text() -> None:
    secret = "private words " * 200
    with pytest.raises(InvalidResponse) as raised:
        validate("daily_checkin", [5, 5, 8, [], secret])
    assert "private" not in str(raised.value)
    assert "at most 2000 characters" in str(raised.value)


def test_a_post_session_reflection_is_validated_and_normalised() -> None:
    assert dict(validate("post_session_reflection", [8, 9, 10, "It felt safe."])) == {
        "1": 8,
        "2": 9,
        "3": 10,
        "4": "It felt safe.",
    }
    with pytest.raises(InvalidResponse, match=r"^Post-session reflection item 3: 11 is not"):
        validate("post_session_reflection", [8, 9, 11])


def test_every_checklist_and_rating_item_is_answered_the_kind_its_definition_says() -> None:
    kinds = [item.kind for item in get_definition("daily_checkin").items]
    assert kinds == [
        ItemKind.CHOICE,
        ItemKind.CHOICE,
        ItemKind.NUMBER,
        ItemKind.CHECKLIST,
        ItemKind.TEXT,
    ]


# --- Results -----------------------------------------------------------------------------


def test_a_score_result_cannot_be_changed() -> None:
    result = score("pcl5", [1] * 20)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.total = 0  # type: ignore[misc]
    with pytest.raises(TypeError):
        result.subscales["B"] = 0  # type: ignore[index]
    with pytest.raises(TypeError):
        result.answers["1"] = 0  # type: ignore[index]


# --- Properties --------------------------------------------------------------------------


@pytest.mark.parametrize("key", SCORED)
@given(data=st.data())
def test_the_total_is_always_within_the_instruments_range(key: str, data: st.DataObject) -> None:
    definition = get_definition(key)
    assert definition.total_range is not None
    low, high = definition.total_range
    result = score(key, data.draw(responses(key)))
    assert low <= result.total <= high
    if definition.bands is not None:
        assert result.band is not None


@pytest.mark.parametrize("key", SCORED)
@given(data=st.data())
def test_raising_one_answer_never_lowers_the_total_subscales_or_flags(
    key: str, data: st.DataObject
) -> None:
    answers = data.draw(responses(key))
    index = data.draw(st.integers(min_value=0, max_value=len(answers) - 1))
    allowed = get_definition(key).numbered_items[index].allowed_values
    higher = list(answers)
    higher[index] = data.draw(st.sampled_from([v for v in allowed if v >= answers[index]]))
    before, after = score(key, answers), score(key, higher)
    assert after.total >= before.total
    assert all(after.subscales[name] >= value for name, value in before.subscales.items())
    assert before.flags <= after.flags


@given(answers=responses("phq9"))
def test_phq9_item_9_above_zero_always_flags_and_zero_never_does(answers: list[int]) -> None:
    flagged = "suicidal_ideation" in score("phq9", answers).flags
    assert flagged is (answers[8] > 0)


@pytest.mark.parametrize("key", SCORED)
@given(data=st.data())
def test_the_list_and_mapping_forms_of_a_response_score_the_same(
    key: str, data: st.DataObject
) -> None:
    answers = data.draw(responses(key))
    assert score(key, answers) == score(key, as_mapping(answers))


@given(answers=responses("pcl5"), cutoff=st.integers(min_value=1, max_value=80))
def test_the_pcl5_cutoff_flag_holds_exactly_when_the_total_reaches_it(
    answers: list[int], cutoff: int
) -> None:
    result = score("pcl5", answers, pcl5_cutoff=cutoff)
    assert ("probable_ptsd_cutoff" in result.flags) is (result.total >= cutoff)


@given(answers=responses("pcl5"))
def test_pcl5_subscales_always_add_up_to_the_total(answers: list[int]) -> None:
    result = score("pcl5", answers)
    assert sum(result.subscales.values()) == result.total


@pytest.mark.parametrize("key", SCORED)
@given(data=st.data())
def test_any_answer_outside_the_allowed_values_is_refused(key: str, data: st.DataObject) -> None:
    answers = data.draw(responses(key))
    index = data.draw(st.integers(min_value=0, max_value=len(answers) - 1))
    allowed = get_definition(key).numbered_items[index].allowed_values
    bad = list[object](answers)
    bad[index] = data.draw(
        st.integers().filter(lambda v: v not in allowed)
        | st.floats(allow_nan=False)
        | st.booleans()
        | st.text(max_size=3)
    )
    with pytest.raises(InvalidResponse) as raised:
        score(key, bad)
    assert raised.value.item == str(index + 1)
