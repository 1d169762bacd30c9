"""PCL-5: PTSD symptoms over the past month.

Item texts follow the public VA National Center for PTSD form; clusters, the
cut-off and the DSM-5 rule follow clinical-reference §1.3. The PCL-5 has no
empirically derived severity bands, so none are defined.
"""

from __future__ import annotations

from .model import (
    AnswerOption,
    ClusterRule,
    InstrumentDefinition,
    Item,
    Scoring,
    Subscale,
    TotalCutoffRule,
)

PROBABLE_PTSD_CUTOFF = "probable_ptsd_cutoff"
PROBABLE_PTSD_DSM5 = "probable_ptsd_dsm5"

# The reference gives 31-33 [R12]; 33 is the default. Clinics may configure it.
DEFAULT_CUTOFF = 33

SEVERITY_OPTIONS = (
    AnswerOption(value=0, label="Not at all"),
    AnswerOption(value=1, label="A little bit"),
    AnswerOption(value=2, label="Moderately"),
    AnswerOption(value=3, label="Quite a bit"),
    AnswerOption(value=4, label="Extremely"),
)

_ITEMS = (
    "Repeated, disturbing, and unwanted memories of the stressful experience?",
    "Repeated, disturbing dreams of the stressful experience?",
    "Suddenly feeling or acting as if the stressful experience were actually happening "
    "again (as if you were actually back there reliving it)?",
    "Feeling very upset when something reminded you of the stressful experience?",
    "Having strong physical reactions when something reminded you of the stressful "
    "experience (for example, heart pounding, trouble breathing, sweating)?",
    "Avoiding memories, thoughts, or feelings related to the stressful experience?",
    "Avoiding external reminders of the stressful experience (for example, people, places, "
    "conversations, activities, objects, or situations)?",
    "Trouble remembering important parts of the stressful experience?",
    "Having strong negative beliefs about yourself, other people, or the world (for "
    "example, having thoughts such as: I am bad, there is something seriously wrong with "
    "me, no one can be trusted, the world is completely dangerous)?",
    "Blaming yourself or someone else for the stressful experience or what happened after it?",
    "Having strong negative feelings such as fear, horror, anger, guilt, or shame?",
    "Loss of interest in activities that you used to enjoy?",
    "Feeling distant or cut off from other people?",
    "Trouble experiencing positive feelings (for example, being unable to feel happiness "
    "or have loving feelings for people close to you)?",
    "Irritable behavior, angry outbursts, or acting aggressively?",
    "Taking too many risks or doing things that could cause you harm?",
    'Being "superalert" or watchful or on guard?',
    "Feeling jumpy or easily startled?",
    "Having difficulty concentrating?",
    "Trouble falling or staying asleep?",
)

# Only item 9's code is verified (101699-7, "having strong negative beliefs about
# yourself, others or the world") [R17]; the other item codes are UNVERIFIED.
_ITEM_LOINC = {"9": "101699-7"}


def _items(first: int, last: int) -> tuple[str, ...]:
    return tuple(str(number) for number in range(first, last + 1))


PCL5 = InstrumentDefinition(
    key="pcl5",
    title="PTSD Checklist for DSM-5",
    abbreviation="PCL-5",
    version="1.0.0",
    recall_period="the past month",
    instructions=(
        "Below is a list of problems that people sometimes have in response to a very "
        "stressful experience. Please read each problem carefully and then select one of "
        "the options to indicate how much you have been bothered by that problem in the "
        "past month. In the past month, how much were you bothered by:"
    ),
    items=tuple(
        Item(
            key=str(number),
            text=text,
            options=SEVERITY_OPTIONS,
            loinc=_ITEM_LOINC.get(str(number)),
        )
        for number, text in enumerate(_ITEMS, start=1)
    ),
    scoring=Scoring.SUM,
    total_range=(0, 80),  # [R12]
    bands=None,  # none are empirically derived [R12]
    subscales=(  # DSM-5 clusters [R12]
        Subscale(key="B", label="Intrusion", items=_items(1, 5)),
        Subscale(key="C", label="Avoidance", items=_items(6, 7)),
        Subscale(key="D", label="Negative alterations in cognition and mood", items=_items(8, 14)),
        Subscale(key="E", label="Alterations in arousal and reactivity", items=_items(15, 20)),
    ),
    flag_rules=(
        TotalCutoffRule(
            flag=PROBABLE_PTSD_CUTOFF,
            default_cutoff=DEFAULT_CUTOFF,
            description=(
                "The total is at or above the cut-off for a provisional PTSD diagnosis "
                "(published cut-offs are 31-33). Confirm with a clinical interview (CAPS-5)."
            ),
            source_keys=("R12",),
        ),
        ClusterRule(
            flag=PROBABLE_PTSD_DSM5,
            present_at=2,
            minimum_present=(("B", 1), ("C", 1), ("D", 2), ("E", 2)),
            description=(
                "The DSM-5 symptom pattern is met: counting items rated 'Moderately' or "
                "higher, at least 1 intrusion, 1 avoidance, 2 cognition/mood and 2 arousal "
                "items. The cut-off score is more reliable than this rule; confirm with "
                "CAPS-5."
            ),
            source_keys=("R12",),
        ),
    ),
    attribution=(
        "PTSD Checklist for DSM-5 (PCL-5), developed by the U.S. Department of Veterans "
        "Affairs National Center for PTSD (Weathers, Litz, Keane, Palmieri, Marx & Schnurr, "
        "2013). Public domain."
    ),
    loinc_panel="101697-1",
    loinc_total="101698-9",
    source_keys=("R12", "R16", "R17"),
    notes=(
        "Item LOINC codes other than item 9 (101699-7) are UNVERIFIED and left None.",
        "Answer LOINC codes are not listed in clinical-reference §1.3, so they are None.",
        "Public-domain status comes from a secondary source [R16].",
    ),
)
