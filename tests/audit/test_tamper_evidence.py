"""The hash chain detects editing, deleting and reordering rows."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kapcare.audit.models import AuditEvent, ChainHead
from kapcare.audit.services import record
from kapcare.audit.verify import verify_all


@pytest.fixture
def chain(world: Any) -> list[AuditEvent]:
    for index in range(6):
        record("view", user=world.users["therapist"], patient=world.jordan, detail={"n": index})
    return list(AuditEvent.objects.filter(chain=world.cedar.pk).order_by("seq"))


def first_break() -> Any:
    _, breaks = verify_all()
    return breaks[0] if breaks else None


def test_an_untouched_trail_verifies(chain: list[AuditEvent]) -> None:
    checked, breaks = verify_all()
    assert breaks == []
    assert checked >= len(chain)


def test_editing_a_row_is_detected_at_that_row(chain: list[AuditEvent]) -> None:
    AuditEvent.objects.filter(pk=chain[2].pk).update(action="update")
    found = first_break()
    assert (found.seq, found.row_id) == (chain[2].seq, chain[2].pk)
    assert "content" in found.reason


def test_editing_the_details_of_a_row_is_detected(chain: list[AuditEvent]) -> None:
    AuditEvent.objects.filter(pk=chain[1].pk).update(detail={"n": 99})
    assert first_break().row_id == chain[1].pk


def test_deleting_a_row_in_the_middle_is_detected(chain: list[AuditEvent]) -> None:
    AuditEvent.objects.filter(pk=chain[3].pk)._raw_delete(connection.alias)  # type: ignore[attr-defined]
    found = first_break()
    assert found.seq == chain[3].seq
    assert "missing" in found.reason


def test_deleting_the_newest_rows_is_detected(chain: list[AuditEvent]) -> None:
    AuditEvent.objects.filter(pk__in=[chain[-1].pk, chain[-2].pk])._raw_delete(connection.alias)  # type: ignore[attr-defined]
    found = first_break()
    assert "end of the chain" in found.reason


def test_reordering_rows_is_detected(chain: list[AuditEvent]) -> None:
    a, b = chain[1], chain[2]
    AuditEvent.objects.filter(pk=a.pk).update(seq=-1)
    AuditEvent.objects.filter(pk=b.pk).update(seq=a.seq)
    AuditEvent.objects.filter(pk=a.pk).update(seq=b.seq)
    assert first_break().seq == a.seq


def test_rewriting_a_row_and_its_hash_still_breaks_the_next_link(chain: list[AuditEvent]) -> None:
    from kapcare.audit.chain import row_hash

    target = AuditEvent.objects.filter(pk=chain[2].pk).values().get()
    target["action"] = "update"
    forged = row_hash(target["prev_hash"], target)
    AuditEvent.objects.filter(pk=chain[2].pk).update(action="update", hash=forged)
    found = first_break()
    assert found.seq == chain[3].seq
    assert "previous-hash" in found.reason


def test_rows_cannot_be_changed_or_deleted_through_the_model(chain: list[AuditEvent]) -> None:
    event = chain[0]
    event.action = "update"
    with pytest.raises(RuntimeError, match="append-only"):
        event.save()
    with pytest.raises(RuntimeError, match="append-only"):
        event.delete()


def test_the_verify_command_reports_the_first_broken_row(chain: list[AuditEvent]) -> None:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "intact" in out.getvalue()
    AuditEvent.objects.filter(pk=chain[4].pk).update(object_id="tampered")
    err = StringIO()
    with pytest.raises(CommandError, match="NOT intact"):
        call_command("audit", "verify", stdout=StringIO(), stderr=err)
    assert f"sequence {chain[4].seq}" in err.getvalue()
    assert f"row id {chain[4].pk}" in err.getvalue()


def test_each_clinic_has_its_own_chain(world: Any) -> None:
    record("view", user=world.users["therapist"], patient=world.jordan)
    record("view", user=world.users["other"], patient=world.harbor_patient)
    heads = dict(ChainHead.objects.values_list("chain", "seq"))
    assert heads[world.cedar.pk] >= 1
    assert heads[world.harbor.pk] >= 1
