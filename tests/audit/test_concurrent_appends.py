"""Concurrent writers never fork a chain (PostgreSQL, real row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from kapcare.audit.services import record
from kapcare.audit.verify import verify_all


@pytest.mark.django_db(transaction=True)
def test_parallel_appends_keep_one_unbroken_chain() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs a server database with row locks; the SQLite writer lock serialises anyway"
        )
    from kapcare.accounts.models import Clinic

    clinic = Clinic.objects.create(name="Concurrency Clinic", slug="concurrency")
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        from django.db import connections

        try:
            for i in range(10):
                record("view", clinic=clinic, detail={"writer": n, "i": i})
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    checked, breaks = verify_all()
    assert breaks == []
    assert checked >= 60
