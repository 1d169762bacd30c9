"""Guided journal prompts: our defaults, a clinic's own, and which stage applies today."""

from __future__ import annotations

import datetime as dt

from kapcare.integration.models import JournalPrompt, Stage

#: the defaults we write; a clinic's own prompts for a stage replace these
DEFAULT_PROMPTS: dict[str, tuple[str, ...]] = {
    Stage.EVENING: (
        "What do you remember most from today's session?",
        "What feelings, images or thoughts stayed with you?",
        "What does your body need tonight (rest, food, quiet, company)?",
    ),
    Stage.NEXT_DAY: (
        "Looking back after a night's sleep, what stands out from the session?",
        "Did anything surprise you, or feel important?",
        "Is there one small thing you would like to do differently today?",
    ),
    Stage.WEEK_LATER: (
        "What has changed, if anything, in the week since your session?",
        "Which insight from the session have you carried into daily life?",
        "What would you like to bring to your next integration session?",
    ),
    Stage.ANY_DAY: (
        "How are you today, in a few words?",
        "What helped you this week, and what was hard?",
        "What are you grateful for right now?",
    ),
}


def stage_for(session_date: dt.date | None, today: dt.date) -> Stage:
    """The stage of an entry written ``today`` after a session on ``session_date``."""
    if session_date is None:
        return Stage.ANY_DAY
    days = (today - session_date).days
    if days == 0:
        return Stage.EVENING
    if days == 1:
        return Stage.NEXT_DAY
    if 6 <= days <= 8:
        return Stage.WEEK_LATER
    return Stage.ANY_DAY


def prompts_for(clinic_id: int, stage: str) -> list[str]:
    """The clinic's active prompts for ``stage``, or the defaults when it has none (one query)."""
    rows = list(
        JournalPrompt.objects.filter(stage=stage, is_active=True, clinic_id__in=[clinic_id])
        .values_list("text", flat=True)
        .order_by("position", "id")
    )
    return rows or list(DEFAULT_PROMPTS.get(stage, ()))
