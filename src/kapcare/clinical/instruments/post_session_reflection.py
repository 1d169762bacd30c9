"""Post-session reflection: the patient's own account of a dosing session.

Our own clinic instrument, not a validated scale: no total, bands or codes.
The answers feed integration work and let the team notice a session that felt
unsafe.
"""

from __future__ import annotations

from .model import InstrumentDefinition, Item, ItemKind, Scoring
from .scales import rating_options

NOTE_MAX_LENGTH = 5000

POST_SESSION_REFLECTION = InstrumentDefinition(
    key="post_session_reflection",
    title="Post-session reflection",
    abbreviation="Post-session reflection",
    version="1.0.0",
    recall_period="your most recent dosing session",
    instructions="Think about your most recent dosing session and choose a number from 0 to 10.",
    items=(
        Item(
            key="1",
            text="How intense was the experience?",
            options=rating_options(
                0, 10, low_label="Not at all intense", high_label="Extremely intense"
            ),
            scored=False,
        ),
        Item(
            key="2",
            text="How meaningful was the experience for you?",
            options=rating_options(
                0, 10, low_label="Not at all meaningful", high_label="Extremely meaningful"
            ),
            scored=False,
        ),
        Item(
            key="3",
            text="How safe did you feel during the session?",
            options=rating_options(
                0, 10, low_label="Not at all safe", high_label="Completely safe"
            ),
            scored=False,
        ),
        Item(
            key="4",
            text="Is there anything about the session you would like to write down or share?",
            kind=ItemKind.TEXT,
            max_length=NOTE_MAX_LENGTH,
            required=False,
            scored=False,
        ),
    ),
    scoring=Scoring.NONE,
    total_range=None,
    bands=None,
    attribution=(
        "kapcare post-session reflection, written for this project; not a validated instrument."
    ),
    loinc_panel=None,
    loinc_total=None,
    source_keys=(),
)
