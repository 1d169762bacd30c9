"""Demo data for integration: Jordan's journal (some shared), an integration plan with
weeks of check-offs, an integration note, and Casey Rivera's escort permissions; then
Jordan's finished sessions that these name (``demo_sessions``).

Writes go through the real services (audited); only the dates are moved back afterwards,
as if the entries and ticks had been made over the past weeks. Safe to run twice: the
journal, plan and support person are added only once Jordan has no journal.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kapcare.accounts.actors import PATIENT_ROLE, SUPPORT_ROLE, Actor
from kapcare.accounts.models import Membership, User
from kapcare.integration import notes, plans, services
from kapcare.integration.demo_sessions import seed_sessions
from kapcare.integration.models import (
    IntegrationNote,
    JournalEntry,
    PlanItem,
    Practice,
    PracticeCheck,
)
from kapcare.patients.models import Patient
from kapcare.support import services as support_services
from kapcare.support.models import Grant, SupportRelationship

#: (days ago, mood, tags, stage, shared, text); sessions were 15 and 8 days ago
ENTRIES = (
    (
        15,
        6,
        "session, calm",
        "evening",
        True,
        "Quieter inside than I expected. I saw my "
        "grandmother's kitchen and felt safe there. Tired now, going to bed early.",
    ),
    (
        14,
        7,
        "sleep, family",
        "next_day",
        True,
        "Slept nine hours. The feeling of safety is "
        "still there a bit. I want to call my sister this week.",
    ),
    (
        10,
        5,
        "work",
        "any_day",
        False,
        "Hard day at work. Noticed I held my breath in the "
        "meeting; did the breathing afterwards and it helped a little.",
    ),
    (
        8,
        6,
        "session",
        "evening",
        True,
        "Second session. Less imagery, more a sense of letting go. I cried and it was fine.",
    ),
    (
        1,
        8,
        "family, nature",
        "week_later",
        False,
        "Walked by the river with my sister. A week on, I am kinder to myself when I mess up.",
    ),
)
PLAN = (("Mindful breathing", "daily"), ("Time outdoors", "few_times"), ("Free writing", "weekly"))


@transaction.atomic
def seed() -> None:
    jordan = Patient.objects.select_related("clinic").filter(mrn="KC-1001").first()
    therapist = Membership.objects.filter(user__email="therapist@example.com").first()
    if jordan is None or jordan.user is None or therapist is None:
        return
    if not JournalEntry.objects.filter(patient=jordan).exists():
        _journal_plan_and_support(jordan, therapist)
    seed_sessions(jordan)


def _journal_plan_and_support(jordan: Patient, therapist: Membership) -> None:
    assert jordan.user is not None
    me = Actor(user=jordan.user, clinic=jordan.clinic, role=PATIENT_ROLE, patient=jordan)
    them = Actor(
        user=therapist.user, clinic=therapist.clinic, role=therapist.role, membership=therapist
    )
    now = timezone.now()
    today = timezone.localdate()
    first, second = today - dt.timedelta(days=15), today - dt.timedelta(days=8)
    for days, mood, tags, stage, shared, text in ENTRIES:
        session = first if days >= 14 else second if days >= 8 and stage == "evening" else None
        entry = services.journal_entry_save(
            actor=me,
            body=text,
            mood=mood,
            tags=tags,
            stage=stage,
            session_date=session,
            share=shared,
        )
        when = now - dt.timedelta(days=days, hours=-2)
        JournalEntry.objects.filter(pk=entry.pk).update(
            created_at=when, updated_at=when, shared_at=when if shared else None
        )
    services.journal_draft_save(actor=me, body="Thinking about what to bring to ", mood=7)
    notes.integration_note_sign(
        actor=them,
        patient=jordan,
        session_date=first,
        what_came_up="A memory of safety in the grandmother's kitchen; grief about her death.",
        themes="Safety, belonging, grief.",
        insights="Jordan can find calm in the body; reconnecting with family matters.",
        wants_to_change="Call their sister weekly; be less harsh with themself at work.",
        practices_agreed="Mindful breathing daily; time outdoors a few times a week.",
        risks="None identified; PHQ-9 item 9 is 0.",
    )
    IntegrationNote.objects.filter(patient=jordan).update(signed_at=now - dt.timedelta(days=13))
    for name, frequency in PLAN:
        practice = Practice.objects.get(clinic=None, name=name)
        item = plans.plan_item_assign(
            actor=them, patient=jordan, practice_id=practice.pk, frequency=frequency
        )
        PlanItem.objects.filter(pk=item.pk).update(assigned_at=now - dt.timedelta(days=27))
        # about four weeks of ticks, more often lately: the progress the page shows
        for days_ago in range(1, 28):
            if _ticked(frequency, days_ago):
                PracticeCheck.objects.create(item=item, done_on=today - dt.timedelta(days=days_ago))
    _support_person(jordan, me)


def _ticked(frequency: str, days_ago: int) -> bool:
    if frequency == "daily":
        return days_ago % 7 not in ((3, 5) if days_ago > 14 else (4,))
    if frequency == "few_times":
        return days_ago % 7 in (1, 3, 6) and days_ago != 20
    return days_ago % 7 == 2


def _support_person(jordan: Patient, me: Actor) -> None:
    """Casey (support@example.com) escorts Jordan: appointments, escort, education, check-ins."""
    casey = User.objects.filter(email="support@example.com").first()
    link = SupportRelationship.objects.filter(patient=jordan, user=casey).first()
    if casey is None or link is None:
        return
    support_services.support_grants_update(actor=me, link=link, grants=Grant.values)
    support_services.escort_confirm(
        actor=Actor(user=casey, clinic=None, role=SUPPORT_ROLE), link=link, session_date=None
    )
