"""Synthetic integration work: journal entries after sessions and therapists' notes.

Part of ``kapcare seed`` (see ``kapcare.demo.synthetic``); runs after the treatment
generator. After a share of past dosing sessions the patient writes a journal entry that
evening or the next day (some shared with the care team, a few patients with a draft
open), and the therapist signs an integration note a few days later, as
``integration.services.journal_entry_save`` and ``notes.integration_note_sign`` would.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.db import transaction

from kapcare.audit.models import Action
from kapcare.demo.synthetic import EPOCH, Network, bulk_insert
from kapcare.integration.models import IntegrationNote, JournalEntry, Stage
from kapcare.treatment.synthetic import Course

#: shares of sessions followed by an entry or a note, and of entries shared (not sourced)
JOURNAL_SHARE = 0.6
SHARED_SHARE = 0.4
NOTE_SHARE = 0.5
DRAFT_SHARE = 0.1
COURSES_PER_CHUNK = 1000
PROMPTS = {
    Stage.EVENING: "What stood out for you in today's session?",
    Stage.NEXT_DAY: "How are you feeling today, compared with before the session?",
}
BODIES = (
    "Felt calm afterwards and slept well.",
    "Some old memories came up; I want to talk about them next time.",
    "Tired today but lighter than last week.",
    "The music helped. I noticed less of the usual weight in my chest.",
    "Hard session. Still processing what came up.",
)
TAGS = (["calm"], ["memories"], ["tired", "hopeful"], ["music"], ["difficult"])
NOTE_TEXT = (
    ("Talked through the session imagery and what it stirred up.", "Grief; relationships"),
    ("Reviewed the week since dosing; mood steadier.", "Routine; sleep"),
    ("Explored a sense of distance from work stress.", "Work; boundaries"),
)


def generate(network: Network, rng: random.Random, say: Callable[[str], None]) -> None:
    courses: list[Course] = network.shared["courses"]
    counts = {"journal entries": 0, "integration notes": 0}
    for start in range(0, len(courses), COURSES_PER_CHUNK):
        chunk = courses[start : start + COURSES_PER_CHUNK]
        with transaction.atomic():
            entries, notes = _rows(chunk, rng)
            bulk_insert(JournalEntry, entries)
            bulk_insert(IntegrationNote, notes)
        by_patient = {c.patient.pk: c for c in chunk}
        for entry in entries:
            if not entry.is_draft:
                course = by_patient[entry.patient_id]
                network.audit(
                    actor=None,
                    by_patient=True,
                    patient=course.patient,
                    action=Action.CREATE,
                    object_type="integration.journalentry",
                    object_id=entry.pk,
                    at=entry.created_at,
                    detail={"shared": entry.shared_at is not None},
                )
        for note in notes:
            course = by_patient[note.patient_id]
            network.audit(
                actor=course.therapist,
                patient=course.patient,
                action=Action.CREATE,
                object_type="integration.integrationnote",
                object_id=note.pk,
                at=note.signed_at,
                detail={"amends": None},
            )
        counts["journal entries"] += len(entries)
        counts["integration notes"] += len(notes)
    say(", ".join(f"{n} {what}" for what, n in counts.items()))


def _rows(
    courses: list[Course], rng: random.Random
) -> tuple[list[JournalEntry], list[IntegrationNote]]:
    entries: list[JournalEntry] = []
    notes: list[IntegrationNote] = []
    for course in courses:
        patient = course.patient
        for _number, starts, _id in course.given:
            if rng.random() < JOURNAL_SHARE:
                stage = rng.choice((Stage.EVENING, Stage.NEXT_DAY))
                written = starts + dt.timedelta(hours=8 if stage == Stage.EVENING else 26)
                if written <= EPOCH:
                    pick = rng.randrange(len(BODIES))
                    shared = rng.random() < SHARED_SHARE
                    entries.append(
                        JournalEntry(
                            patient=patient,
                            body=BODIES[pick],
                            mood=rng.randint(3, 9),
                            tags=TAGS[pick],
                            stage=stage,
                            prompt=PROMPTS[stage],
                            session_date=starts.date(),
                            is_draft=False,
                            shared_at=written + dt.timedelta(minutes=5) if shared else None,
                            created_at=written,
                            updated_at=written,
                        )
                    )
            signed = starts + dt.timedelta(days=rng.randint(2, 7), hours=2)
            if rng.random() < NOTE_SHARE and signed <= EPOCH:
                came_up, themes = rng.choice(NOTE_TEXT)
                notes.append(
                    IntegrationNote(
                        patient=patient,
                        clinic_id=patient.clinic_id,
                        author_id=course.therapist.user_id,
                        session_date=starts.date(),
                        what_came_up=came_up,
                        themes=themes,
                        practices_agreed="Daily breathing practice, 10 minutes.",
                        signed_at=signed,
                    )
                )
        if course.given and rng.random() < DRAFT_SHARE:
            entries.append(
                JournalEntry(
                    patient=patient,
                    body="Started writing about",
                    stage=Stage.ANY_DAY,
                    is_draft=True,
                    created_at=EPOCH - dt.timedelta(hours=rng.randint(1, 48)),
                    updated_at=EPOCH - dt.timedelta(minutes=rng.randint(1, 59)),
                )
            )
    return entries, notes
