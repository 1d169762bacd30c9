"""PEG: pain intensity and interference over the past week.

Item texts follow Krebs 2009; the score is the mean of the three items
(clinical-reference §1.4). Third-party severity bands, a LOINC code and a
licence are UNVERIFIED, so none are shipped.
"""

from __future__ import annotations

from .model import InstrumentDefinition, Item, Scoring
from .scales import rating_options

_INTERFERENCE = rating_options(
    0, 10, low_label="Does not interfere", high_label="Completely interferes"
)

PEG = InstrumentDefinition(
    key="peg",
    title="PEG pain scale (Pain, Enjoyment of life, General activity)",
    abbreviation="PEG",
    version="1.0.0",
    recall_period="the past week",
    instructions="Please answer each question by choosing a number from 0 to 10.",
    items=(
        Item(
            key="1",
            text="What number best describes your pain on average in the past week?",
            options=rating_options(
                0, 10, low_label="No pain", high_label="Pain as bad as you can imagine"
            ),
        ),
        Item(
            key="2",
            text=(
                "What number best describes how, during the past week, pain has interfered "
                "with your enjoyment of life?"
            ),
            options=_INTERFERENCE,
        ),
        Item(
            key="3",
            text=(
                "What number best describes how, during the past week, pain has interfered "
                "with your general activity?"
            ),
            options=_INTERFERENCE,
        ),
    ),
    scoring=Scoring.MEAN,
    total_range=(0, 10),  # [R19][R19b]
    bands=None,  # none in the source paper; third-party bands are UNVERIFIED
    attribution=(
        "PEG: Krebs EE, Lorenz KA, Bair MJ, et al. Development and initial validation of "
        "the PEG, a three-item scale assessing pain intensity and interference. J Gen "
        "Intern Med. 2009;24(6):733-738. Licence terms are unverified; the article is "
        "open access."
    ),
    loinc_panel=None,
    loinc_total=None,
    source_keys=("R19", "R19b"),
    notes=(
        "LOINC codes and licence are UNVERIFIED (clinical-reference §1.4), so left None.",
        "Severity bands such as 0-3.9 / 4-6.9 / 7-10 are third-party and UNVERIFIED; "
        "none are defined.",
    ),
)
