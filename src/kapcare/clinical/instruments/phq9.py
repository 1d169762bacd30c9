"""PHQ-9: depression severity over the past 2 weeks.

Item texts follow the public Pfizer form; codes, bands and rules follow
clinical-reference §1.1. Item 9 asks about thoughts of death or self-harm and
raises a flag whatever the total, because a low total must never hide it.
"""

from __future__ import annotations

from .model import (
    AnswerOption,
    Band,
    InstrumentDefinition,
    Item,
    ItemAboveRule,
    Scoring,
)

SUICIDAL_IDEATION = "suicidal_ideation"

# Answer codes LA6568-5 ... LA6571-9 [R1].
FREQUENCY_OPTIONS = (
    AnswerOption(value=0, label="Not at all", loinc="LA6568-5"),
    AnswerOption(value=1, label="Several days", loinc="LA6569-3"),
    AnswerOption(value=2, label="More than half the days", loinc="LA6570-1"),
    AnswerOption(value=3, label="Nearly every day", loinc="LA6571-9"),
)

# Item codes 44250-9 ... 44260-8 [R1].
_ITEMS = (
    ("44250-9", "Little interest or pleasure in doing things"),
    ("44255-8", "Feeling down, depressed, or hopeless"),
    ("44259-0", "Trouble falling or staying asleep, or sleeping too much"),
    ("44254-1", "Feeling tired or having little energy"),
    ("44251-7", "Poor appetite or overeating"),
    (
        "44258-2",
        "Feeling bad about yourself - or that you are a failure or have let yourself "
        "or your family down",
    ),
    (
        "44252-5",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
    ),
    (
        "44253-3",
        "Moving or speaking so slowly that other people could have noticed? Or the "
        "opposite - being so fidgety or restless that you have been moving around a lot "
        "more than usual",
    ),
    ("44260-8", "Thoughts that you would be better off dead or of hurting yourself in some way"),
)

# Functional difficulty: LOINC 69722-7, answers LA6572-7, LA6573-5, LA6575-0,
# LA6574-3; never part of the 0-27 total [R1][R6].
DIFFICULTY = Item(
    key="difficulty",
    text=(
        "If you checked off any problems, how difficult have these problems made it for "
        "you to do your work, take care of things at home, or get along with other people?"
    ),
    options=(
        AnswerOption(value=0, label="Not difficult at all", loinc="LA6572-7"),
        AnswerOption(value=1, label="Somewhat difficult", loinc="LA6573-5"),
        AnswerOption(value=2, label="Very difficult", loinc="LA6575-0"),
        AnswerOption(value=3, label="Extremely difficult", loinc="LA6574-3"),
    ),
    loinc="69722-7",
    required=False,
    scored=False,
)

PHQ9 = InstrumentDefinition(
    key="phq9",
    title="Patient Health Questionnaire-9",
    abbreviation="PHQ-9",
    version="1.0.0",
    recall_period="the last 2 weeks",
    instructions=(
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    ),
    items=(
        *(
            Item(key=str(number), text=text, options=FREQUENCY_OPTIONS, loinc=code)
            for number, (code, text) in enumerate(_ITEMS, start=1)
        ),
        DIFFICULTY,
    ),
    scoring=Scoring.SUM,
    total_range=(0, 27),  # [R1][R2]
    bands=(  # [R2]
        Band(key="minimal", label="Minimal", minimum=0, maximum=4),
        Band(key="mild", label="Mild", minimum=5, maximum=9),
        Band(key="moderate", label="Moderate", minimum=10, maximum=14),
        Band(key="moderately_severe", label="Moderately severe", minimum=15, maximum=19),
        Band(key="severe", label="Severe", minimum=20, maximum=27),
    ),
    flag_rules=(
        ItemAboveRule(
            flag=SUICIDAL_IDEATION,
            item="9",
            above=0,
            description=(
                "Item 9 (thoughts of being better off dead or of self-harm) was answered "
                "above 'Not at all'. This needs a clinical risk assessment whatever the total."
            ),
            source_keys=("R2", "R6"),
        ),
    ),
    attribution=(
        "Copyright © Pfizer Inc. All rights reserved. Developed by Drs. Robert L. Spitzer, "
        "Janet B.W. Williams, Kurt Kroenke and colleagues, with an educational grant from "
        "Pfizer Inc. No permission required to reproduce, translate, display or distribute."
    ),
    loinc_panel="44249-1",
    loinc_total="44261-6",
    source_keys=("R1", "R2", "R6", "R7"),
)
