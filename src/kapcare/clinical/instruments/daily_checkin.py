"""Daily check-in: our own short diary between dosing sessions.

It is not a validated instrument, so it has no total, bands or codes: the
answers are validated and stored so the care team can follow the course. The
side-effect checklist lists the common ketamine adverse effects of
clinical-reference §5 that a patient can notice at home.
"""

from __future__ import annotations

from .model import ChecklistOption, InstrumentDefinition, Item, ItemKind, Scoring
from .scales import rating_options

NOTE_MAX_LENGTH = 2000

SIDE_EFFECTS = (
    ChecklistOption(code="drowsiness", label="Drowsiness or sleepiness", source_keys=("K17",)),
    ChecklistOption(code="dizziness", label="Dizziness", source_keys=("K17", "K15")),
    ChecklistOption(
        code="dissociation",
        label="Feeling detached, unreal or outside yourself",
        source_keys=("K17", "K15"),
    ),
    ChecklistOption(code="nausea", label="Nausea", source_keys=("K17", "K15")),
    ChecklistOption(code="vomiting", label="Vomiting", source_keys=("K15",)),
    ChecklistOption(
        code="urinary",
        label="Bladder or urinary discomfort (pain, urgency, passing urine often)",
        source_keys=("K16d",),
    ),
    ChecklistOption(code="other", label="Something else (please describe below)"),
)

DAILY_CHECKIN = InstrumentDefinition(
    key="daily_checkin",
    title="Daily check-in",
    abbreviation="Daily check-in",
    version="1.0.0",
    recall_period="today",
    instructions=(
        "A quick check-in for your care team. They read check-ins during clinic hours, so "
        "if you need help urgently, use your clinic's crisis contacts or call emergency "
        "services."
    ),
    items=(
        Item(
            key="1",
            text="How has your mood been today?",
            options=rating_options(0, 10, low_label="Very low", high_label="Very good"),
            scored=False,
        ),
        Item(
            key="2",
            text="How anxious have you felt today?",
            options=rating_options(
                0, 10, low_label="Not anxious at all", high_label="Extremely anxious"
            ),
            scored=False,
        ),
        Item(
            key="3",
            text="How many hours did you sleep last night?",
            kind=ItemKind.NUMBER,
            minimum=0,
            maximum=24,
            unit="hours",
            scored=False,
        ),
        Item(
            key="4",
            text="Have you noticed any of these today? Tick all that apply.",
            kind=ItemKind.CHECKLIST,
            checklist=SIDE_EFFECTS,
            scored=False,
        ),
        Item(
            key="5",
            text="Anything else you would like your care team to know?",
            kind=ItemKind.TEXT,
            max_length=NOTE_MAX_LENGTH,
            required=False,
            scored=False,
        ),
    ),
    scoring=Scoring.NONE,
    total_range=None,
    bands=None,
    attribution="kapcare daily check-in, written for this project; not a validated instrument.",
    loinc_panel=None,
    loinc_total=None,
    source_keys=("K15", "K16d", "K17"),
)
