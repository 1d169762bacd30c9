"""GAD-7: anxiety severity over the past 2 weeks.

Item texts follow the public Pfizer form; codes and bands follow
clinical-reference §1.2. The reference does not list the GAD-7 answer codes
(and the PCO questionnaire codes item 2 differently), so they are left None.
"""

from __future__ import annotations

from .model import AnswerOption, Band, InstrumentDefinition, Item, Scoring

FREQUENCY_OPTIONS = (
    AnswerOption(value=0, label="Not at all"),
    AnswerOption(value=1, label="Several days"),
    AnswerOption(value=2, label="More than half the days"),
    AnswerOption(value=3, label="Nearly every day"),
)

# Item codes 69725-0 ... 69736-7 [R7].
_ITEMS = (
    ("69725-0", "Feeling nervous, anxious or on edge"),
    ("68509-9", "Not being able to stop or control worrying"),
    ("69733-4", "Worrying too much about different things"),
    ("69734-2", "Trouble relaxing"),
    ("69735-9", "Being so restless that it is hard to sit still"),
    ("69689-8", "Becoming easily annoyed or irritable"),
    ("69736-7", "Feeling afraid as if something awful might happen"),
)

GAD7 = InstrumentDefinition(
    key="gad7",
    title="Generalized Anxiety Disorder-7",
    abbreviation="GAD-7",
    version="1.0.0",
    recall_period="the last 2 weeks",
    instructions=(
        "Over the last 2 weeks, how often have you been bothered by the following problems?"
    ),
    items=tuple(
        Item(key=str(number), text=text, options=FREQUENCY_OPTIONS, loinc=code)
        for number, (code, text) in enumerate(_ITEMS, start=1)
    ),
    scoring=Scoring.SUM,
    total_range=(0, 21),  # [R9]
    bands=(  # cut-points 5, 10, 15 [R9][R6]
        Band(key="minimal", label="Minimal", minimum=0, maximum=4),
        Band(key="mild", label="Mild", minimum=5, maximum=9),
        Band(key="moderate", label="Moderate", minimum=10, maximum=14),
        Band(key="severe", label="Severe", minimum=15, maximum=21),
    ),
    attribution=(
        "Copyright © Pfizer Inc. All rights reserved. Developed by Drs. Robert L. Spitzer, "
        "Janet B.W. Williams, Kurt Kroenke and colleagues, with an educational grant from "
        "Pfizer Inc. No permission required to reproduce, translate, display or distribute."
    ),
    loinc_panel="69737-5",
    loinc_total="70274-6",  # [R8]
    source_keys=("R6", "R7", "R8", "R9"),
    notes=(
        "Answer LOINC codes are not listed in clinical-reference §1.2, so they are None.",
        "The GAD-7 functional difficulty question is not included: its LOINC code is "
        "UNVERIFIED and the issue asks for it on the PHQ-9 only.",
    ),
)
