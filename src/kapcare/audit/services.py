"""Writing to the audit trail: the one function every other app calls."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from kapcare.audit.chain import GENESIS_HASH, row_hash
from kapcare.audit.models import Action, AuditEvent, ChainHead, Outcome
from kapcare.core import request_context

if TYPE_CHECKING:
    from kapcare.accounts.actors import Actor
    from kapcare.accounts.models import Clinic, User
    from kapcare.patients.models import Patient


def record(
    action: Action | str,
    *,
    actor: Actor | None = None,
    user: User | None = None,
    clinic: Clinic | None = None,
    patient: Patient | None = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    outcome: Outcome | str = Outcome.SUCCESS,
    detail: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one event to its clinic's chain.

    Call it inside the transaction that makes the change it describes, so that the
    change and its audit row commit or roll back together.
    """
    if actor is not None:
        user = user or actor.user
        clinic = clinic or actor.clinic
    if patient is not None and clinic is None:
        clinic = patient.clinic
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    context = request_context.current()
    chain_id = clinic.pk if clinic is not None else 0
    fields: dict[str, Any] = {
        "chain": chain_id,
        "occurred_at": timezone.now(),
        "actor_id": user.pk if user is not None else None,
        "actor_label": actor_label or (f"{user.full_name} <{user.email}>" if user else ""),
        "actor_role": (actor.role or "") if actor is not None else "",
        "clinic_id": clinic.pk if clinic is not None else None,
        "patient_id": patient.pk if patient is not None else None,
        "action": str(action),
        "object_type": object_type,
        "object_id": str(object_id),
        "outcome": str(outcome),
        "request_id": context.request_id,
        "ip": context.ip,
        "detail": detail or {},
    }
    with transaction.atomic():
        head = _lock_head(chain_id)
        fields["seq"] = head.seq + 1
        prev_hash = head.hash
        digest = row_hash(prev_hash, fields)
        event = AuditEvent.objects.create(prev_hash=prev_hash, hash=digest, **fields)
        ChainHead.objects.filter(chain=chain_id).update(seq=fields["seq"], hash=digest)
    return event


def _lock_head(chain_id: int) -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(chain=chain_id).first()
    if head is None:
        # Two writers may race to start a chain; the loser's insert fails on the primary
        # key inside its savepoint, and it then locks the row the winner made.
        try:
            with transaction.atomic():
                ChainHead.objects.create(chain=chain_id, seq=0, hash=GENESIS_HASH)
        except Exception:  # noqa: S110 - IntegrityError differs by backend wrapper
            pass
        head = ChainHead.objects.select_for_update().get(chain=chain_id)
    return head
