"""The clinic's own journal prompts and practices, beside the defaults we write.

A clinic's active prompts for a stage replace our defaults for that stage; its own
practices join our default practices in the library. Retiring keeps the row (plans and
entries refer to it) and hides it from new use.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from kapcare.accounts.actors import Actor
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.integration.models import JournalPrompt, Practice, PracticeCategory, Stage


@transaction.atomic
def prompt_add(*, actor: Actor, stage: str, text: str) -> JournalPrompt:
    if stage not in Stage.values:
        raise ValidationError({"stage": [f"Choose one of {', '.join(Stage.values)}."]})
    if not text.strip():
        raise ValidationError({"text": ["Write the question."]})
    highest = JournalPrompt.objects.filter(clinic=actor.clinic, stage=stage).aggregate(
        top=Max("position")
    )["top"]
    position = 0 if highest is None else highest + 1
    prompt = JournalPrompt.objects.create(
        clinic=actor.clinic, stage=stage, text=text.strip(), position=position
    )
    record(Action.CREATE, actor=actor, obj=prompt, detail={"stage": stage})
    return prompt


@transaction.atomic
def practice_add(*, actor: Actor, category: str, name: str, description: str = "") -> Practice:
    if category not in PracticeCategory.values:
        raise ValidationError(
            {"category": [f"Choose one of {', '.join(PracticeCategory.values)}."]}
        )
    if not name.strip():
        raise ValidationError({"name": ["Give the practice a name."]})
    practice = Practice.objects.create(
        clinic=actor.clinic, category=category, name=name.strip(), description=description.strip()
    )
    record(Action.CREATE, actor=actor, obj=practice, detail={"category": category})
    return practice


@transaction.atomic
def library_item_retire(*, actor: Actor, item: JournalPrompt | Practice) -> None:
    """Hide one of the clinic's own prompts or practices from new use."""
    if item.clinic_id != getattr(actor.clinic, "pk", None):
        raise ValidationError("Only the clinic's own prompts and practices can be retired.")
    item.is_active = False
    item.save(update_fields=["is_active"])
    record(Action.UPDATE, actor=actor, obj=item, detail={"retired": True})
