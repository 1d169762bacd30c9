"""Writing to the audit trail: the one function every other app calls."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connection, models, transaction
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
        fields["seq"], prev_hash = _advance_head(chain_id)
        digest = row_hash(prev_hash, fields)
        event = AuditEvent(prev_hash=prev_hash, hash=digest, **fields)
        _insert_and_move_head(event, chain_id, digest)
    return event


# The append runs as plain SQL rather than through the ORM: it happens on every read of
# health information, and compiling three ORM statements cost more than running them.
# Locking is unchanged: the UPDATE of the head takes the same row lock (PostgreSQL) or
# runs under the same write lock (SQLite, BEGIN IMMEDIATE) as SELECT ... FOR UPDATE did,
# and holds it until the transaction commits, so appends to one chain stay serialised.


def _advance_head(chain_id: int) -> tuple[int, str]:
    """Lock the chain's head, move it on by one, and return (new seq, previous hash)."""
    table = connection.ops.quote_name(ChainHead._meta.db_table)
    sql = f'UPDATE {table} SET "seq" = "seq" + 1 WHERE "chain" = %s RETURNING "seq", "hash"'  # noqa: S608 - table name from the model
    with connection.cursor() as cursor:
        cursor.execute(sql, [chain_id])
        row = cursor.fetchone()
        if row is None:
            _start_chain(chain_id)
            cursor.execute(sql, [chain_id])
            row = cursor.fetchone()
    return int(row[0]), str(row[1])


def _start_chain(chain_id: int) -> None:
    # Two writers may race to start a chain; the loser's insert fails on the primary
    # key inside its savepoint, and it then moves on the row the winner made.
    try:
        with transaction.atomic():
            ChainHead.objects.create(chain=chain_id, seq=0, hash=GENESIS_HASH)
    except Exception:  # noqa: S110 - IntegrityError differs by backend wrapper
        pass


def _insert_and_move_head(event: AuditEvent, chain_id: int, digest: str) -> None:
    """Insert the row and store its hash in the head: one round trip on PostgreSQL."""
    meta = AuditEvent._meta
    quote = connection.ops.quote_name
    columns = [f for f in meta.concrete_fields if not f.primary_key]
    names = ", ".join(quote(str(f.column)) for f in columns)
    values = [f.get_db_prep_save(getattr(event, f.attname), connection) for f in columns]
    placeholders = ", ".join(["%s"] * len(columns))
    insert = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({placeholders})"  # noqa: S608 - names from the model
    move = f'UPDATE {quote(ChainHead._meta.db_table)} SET "hash" = %s WHERE "chain" = %s'  # noqa: S608 - table name from the model
    pk = quote(str(meta.pk.column))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH ev AS ({insert} RETURNING {pk}), hd AS ({move}) SELECT {pk} FROM ev",  # noqa: S608
                [*values, digest, chain_id],
            )
            event.pk = cursor.fetchone()[0]
        else:
            cursor.execute(f"{insert} RETURNING {pk}", values)
            event.pk = cursor.fetchone()[0]
            cursor.execute(move, [digest, chain_id])
    event._state.adding = False
    event._state.db = connection.alias
