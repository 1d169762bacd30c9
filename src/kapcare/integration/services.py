"""Writes to the journal: drafts as the patient types, saving, sharing and exporting.

Each function is atomic and writes its audit row in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.integration.models import JournalEntry, Stage
from kapcare.integration.sessions import session_day

MAX_TAGS = 10
MAX_TAG_LENGTH = 30


def parse_tags(raw: str | list[str]) -> list[str]:
    """Comma-separated (or listed) tags, trimmed, lower-cased, without repeats."""
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    tags: list[str] = []
    for item in items:
        tag = str(item).strip().lower()
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValidationError({"tags": [f"Use at most {MAX_TAGS} tags."]})
    if any(len(t) > MAX_TAG_LENGTH for t in tags):
        raise ValidationError({"tags": [f"Each tag may be at most {MAX_TAG_LENGTH} characters."]})
    return tags


def _own(actor: Actor, entry: JournalEntry) -> None:
    if actor.patient is None or entry.patient_id != actor.patient.pk:
        raise ValidationError("You can change only your own journal.")


def current_draft(patient: Any) -> JournalEntry | None:
    return JournalEntry.objects.filter(patient=patient, is_draft=True).first()


def _upsert_draft(
    patient: Any,
    *,
    body: str,
    mood: int | None,
    tags: str | list[str],
    stage: str,
    prompt: str,
    session_date: dt.date | None,
    session: Any = None,
) -> tuple[JournalEntry, bool]:
    if mood is not None and not 0 <= mood <= 10:
        raise ValidationError({"mood": ["Mood is a number from 0 to 10."]})
    if stage not in Stage.values:
        raise ValidationError({"stage": [f"Choose one of {', '.join(Stage.values)}."]})
    if session is not None:
        if session.patient_id != patient.pk:
            raise ValidationError({"session": ["Choose one of your own dosing sessions."]})
        session_date = session_day(session)
    draft = JournalEntry.objects.select_for_update().filter(patient=patient, is_draft=True).first()
    created = draft is None
    if draft is None:
        draft = JournalEntry(patient=patient, is_draft=True)
    draft.body = body
    draft.mood = mood
    draft.tags = parse_tags(tags)
    draft.stage = stage
    draft.prompt = prompt[:300]
    draft.session = session
    draft.session_date = session_date
    draft.updated_at = timezone.now()
    draft.save()
    return draft, created


@transaction.atomic
def journal_draft_save(
    *,
    actor: Actor,
    body: str,
    mood: int | None = None,
    tags: str | list[str] = "",
    stage: str = Stage.ANY_DAY,
    prompt: str = "",
    session_date: dt.date | None = None,
    session: Any = None,
) -> JournalEntry:
    """Keep what the patient has typed so far in their one draft (created on first keystroke)."""
    patient = actor.patient
    if patient is None:
        raise ValidationError("Only a patient keeps a journal.")
    draft, created = _upsert_draft(
        patient,
        body=body,
        mood=mood,
        tags=tags,
        stage=stage,
        prompt=prompt,
        session_date=session_date,
        session=session,
    )
    record(
        Action.CREATE if created else Action.UPDATE,
        actor=actor,
        patient=patient,
        obj=draft,
        detail={"draft": True},
    )
    return draft


@transaction.atomic
def journal_entry_save(
    *,
    actor: Actor,
    body: str,
    mood: int | None,
    tags: str | list[str] = "",
    stage: str = Stage.ANY_DAY,
    prompt: str = "",
    session_date: dt.date | None = None,
    session: Any = None,
    share: bool = False,
) -> JournalEntry:
    """Turn the draft (or a fresh entry) into a saved entry; private unless ``share``."""
    errors: dict[str, list[str]] = {}
    if not body.strip():
        errors["body"] = ["Write something before saving; your draft is kept."]
    if mood is None or not 0 <= mood <= 10:
        errors["mood"] = ["Choose your mood from 0 (very low) to 10 (very good)."]
    if errors:
        raise ValidationError(errors)
    if actor.patient is None:
        raise ValidationError("Only a patient keeps a journal.")
    entry, _ = _upsert_draft(
        actor.patient,
        body=body,
        mood=mood,
        tags=tags,
        stage=stage,
        prompt=prompt,
        session_date=session_date,
        session=session,
    )
    now = timezone.now()
    entry.is_draft = False
    entry.created_at = now
    entry.updated_at = now
    entry.shared_at = now if share else None
    entry.save()
    record(Action.CREATE, actor=actor, patient=entry.patient, obj=entry, detail={"shared": share})
    return entry


@transaction.atomic
def journal_entry_share(*, actor: Actor, entry: JournalEntry, share: bool) -> JournalEntry:
    """Share a saved entry with the care team, or stop sharing it (effective at once)."""
    _own(actor, entry)
    if entry.is_draft:
        raise ValidationError("Save the entry before sharing it.")
    entry.shared_at = timezone.now() if share else None
    entry.save(update_fields=["shared_at"])
    record(Action.UPDATE, actor=actor, patient=entry.patient, obj=entry, detail={"shared": share})
    return entry


def _markdown(patient: Any, entries: list[JournalEntry], tz: Any) -> str:
    lines = [f"# Journal of {patient.preferred_name or patient.given_name}", ""]
    for e in entries:
        when = timezone.localtime(e.created_at, tz).strftime("%d %b %Y %H:%M")
        lines.append(f"## {when}")
        lines.append("")
        lines.append(f"- Mood: {e.mood}/10")
        if e.tags:
            lines.append(f"- Tags: {', '.join(e.tags)}")
        if e.session_date:
            lines.append(f"- After the session on {e.session_date.isoformat()}")
        lines.append(f"- Shared with care team: {'yes' if e.is_shared else 'no'}")
        if e.prompt:
            lines += ["", f"> {e.prompt}"]
        lines += ["", e.body, ""]
    return "\n".join(lines)


def journal_export(*, actor: Actor, fmt: str) -> tuple[str, str, str]:
    """The patient's own saved entries as (content, content type, file name); audited."""
    import zoneinfo

    patient = actor.patient
    if patient is None:
        raise ValidationError("Only a patient exports their journal.")
    if fmt not in ("md", "json"):
        raise ValidationError({"format": ["Choose md (Markdown) or json."]})
    entries = list(JournalEntry.objects.filter(patient=patient, is_draft=False))
    tz = zoneinfo.ZoneInfo(patient.clinic.time_zone)
    if fmt == "json":
        content = json.dumps(
            [
                {
                    "written_at": e.created_at.isoformat(),
                    "mood": e.mood,
                    "tags": e.tags,
                    "stage": e.stage,
                    "prompt": e.prompt,
                    "session_date": e.session_date.isoformat() if e.session_date else None,
                    "shared": e.is_shared,
                    "text": e.body,
                }
                for e in entries
            ],
            indent=2,
            ensure_ascii=False,
        )
        content_type = "application/json"
    else:
        content = _markdown(patient, entries, tz)
        content_type = "text/markdown; charset=utf-8"
    with transaction.atomic():
        record(
            Action.EXPORT,
            actor=actor,
            patient=patient,
            object_type="integration.journalentry",
            detail={"format": fmt, "entries": len(entries)},
        )
    return content, content_type, f"journal.{fmt}"
