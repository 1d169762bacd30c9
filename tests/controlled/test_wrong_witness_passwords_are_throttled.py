"""Wrong witness passwords are limited like sign-ins, so the forms cannot guess a password.

The numbers are the sign-in lockout's (``AXES_FAILURE_LIMIT`` within ``AXES_COOLOFF_TIME``).
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
import time_machine
from axes.helpers import get_cool_off
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kapcare.audit.models import AuditEvent
from kapcare.controlled import services
from kapcare.controlled.models import LedgerEntry, StockCount, WitnessPasswordFailure
from tests.accounts.helpers import post_login
from tests.conftest import build_world
from tests.controlled.conftest import PASSWORD, receive, witnessed
from tests.dosing.conftest import actor_of

LIMIT = settings.AXES_FAILURE_LIMIT
COOL_OFF = get_cool_off()
assert COOL_OFF is not None
MINUTES = int(COOL_OFF.total_seconds() // 60)
LOCKED = (
    "Too many wrong witness passwords for Priya Raman; Priya Raman must sign in to unlock, "
    f"or wait {MINUTES} minutes."
)


def waste(world: Any, lot: Any, persona: str = "nurse", **witness: Any) -> Any:
    return services.waste_record(
        actor=actor_of(world, persona),
        lot=lot,
        quantity="1",
        reason="Rest of vial",
        **(witness or witnessed(world)),
    )


def refused(world: Any, lot: Any, **kwargs: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        waste(world, lot, **kwargs)
    return caught.value.message_dict


def witness_events(action: str) -> Any:
    return AuditEvent.objects.filter(action=action, object_type="controlled.witness")


# The service -------------------------------------------------------------------------


def test_the_limit_locks_the_witness_even_against_the_right_password(world: Any) -> None:
    lot = receive(world, "50")
    for attempt in range(1, LIMIT):
        errors = refused(world, lot, **witnessed(world, password=f"guess-{attempt}"))
        assert errors == {
            "witness_password": ["That is not Priya Raman's password; ask them to type it again."]
        }
    last = refused(world, lot, **witnessed(world, password="guess-last"))
    assert last == {
        "witness_password": ["That is not Priya Raman's password."],
        "witness": [LOCKED],
    }

    # locked: the password is not even checked, and nothing is written
    assert refused(world, lot) == {"witness": [LOCKED]}
    assert lot.entries.count() == 1
    denied = list(witness_events("denied").order_by("seq"))
    assert [e.detail["failures"] for e in denied] == list(range(1, LIMIT + 1))
    assert all("guess" not in str(e.detail) for e in denied)
    lockout = witness_events("lockout").get()
    assert lockout.actor_id == world.users["nurse"].pk
    assert lockout.object_id == str(world.users["prescriber"].pk)
    assert lockout.detail == {"reason": "too many wrong witness passwords", "locked": "witness"}
    # the nurse who asked has reached the limit as well, whoever she names next ...
    assert (
        "too many wrong witness passwords"
        in refused(world, lot, **witnessed(world, "admin"))["witness_password"][0]
    )
    # ... while other colleagues still witness for each other
    entry = waste(world, lot, "admin", **witnessed(world, "nurse"))
    assert entry.witness == world.users["nurse"]


def test_a_right_password_before_the_limit_works_and_clears_the_count(world: Any) -> None:
    lot = receive(world, "50")
    for _ in range(LIMIT - 1):
        refused(world, lot, **witnessed(world, password="nope"))
    assert waste(world, lot).witness == world.users["prescriber"]
    assert not WitnessPasswordFailure.objects.filter(witness=world.users["prescriber"]).exists()
    # a fresh count: as many wrong tries again before the right one still works
    for _ in range(LIMIT - 1):
        refused(world, lot, **witnessed(world, password="nope"))
    assert waste(world, lot).witness == world.users["prescriber"]
    assert lot.entries.count() == 3
    assert not witness_events("lockout").exists()


def test_the_lock_lifts_after_the_sign_in_cool_off(world: Any) -> None:
    lot = receive(world, "50")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(LIMIT):
            refused(world, lot, **witnessed(world, password="nope"))
    with time_machine.travel(start + COOL_OFF - dt.timedelta(minutes=1), tick=False):
        assert refused(world, lot)["witness"] == [LOCKED.replace(f"{MINUTES} minutes", "1 minute")]
    with time_machine.travel(start + COOL_OFF + dt.timedelta(seconds=1), tick=False):
        assert waste(world, lot).witness == world.users["prescriber"]


def test_the_witness_signing_in_unlocks_them(world: Any) -> None:
    lot = receive(world, "50")
    for _ in range(LIMIT):
        refused(world, lot, **witnessed(world, password="nope"))
    assert refused(world, lot) == {"witness": [LOCKED]}
    signed_in = post_login(Client(), "prescriber@example.com")
    assert signed_in.status_code == 302
    assert waste(world, lot).witness == world.users["prescriber"]


def test_the_asker_is_locked_after_guessing_across_colleagues(world: Any) -> None:
    """Spreading guesses over several witnesses does not get around the limit."""
    lot = receive(world, "50")
    for attempt in range(LIMIT):
        witness = "prescriber" if attempt % 2 else "admin"
        refused(world, lot, **witnessed(world, witness, password="nope"))
    assert WitnessPasswordFailure.objects.filter(witness=world.users["admin"]).count() < LIMIT
    for witness in ("prescriber", "admin"):
        errors = refused(world, lot, **witnessed(world, witness))
        assert errors == {
            "witness_password": [
                f"You have typed too many wrong witness passwords; wait {MINUTES} minutes "
                "before asking a witness again."
            ]
        }
    assert lot.entries.count() == 1
    assert set(witness_events("lockout").values_list("detail__locked", flat=True)) == {"asker"}
    # the asker signing in again does not clear it (that would reset the colleagues' counts too)
    post_login(Client(), "nurse@example.com")
    assert "witness_password" in refused(world, lot, **witnessed(world, "admin"))
    # the witnesses themselves are not locked for someone else
    entry = waste(world, lot, "prescriber", **witnessed(world, "admin"))
    assert entry.witness == world.users["admin"]


@pytest.mark.django_db(transaction=True)
def test_guesses_sent_at_once_cannot_outrun_the_count() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database with concurrent writers")
    world = build_world()
    lot = receive(world, "50")
    tablets = LIMIT + 4
    barrier = threading.Barrier(tablets)
    outcomes: list[dict[str, list[str]]] = []

    def tablet(number: int) -> None:
        from django.db import connections

        try:
            barrier.wait()
            waste(world, lot, **witnessed(world, password=f"guess-{number}"))
        except ValidationError as error:
            outcomes.append(error.message_dict)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tablet, args=(n,)) for n in range(tablets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == tablets
    assert witness_events("denied").count() == LIMIT
    assert sum(o == {"witness": [LOCKED]} for o in outcomes) == tablets - LIMIT
    assert lot.entries.count() == 1


# The pages ---------------------------------------------------------------------------


def test_the_waste_form_refuses_a_locked_witness_and_writes_nothing(
    client_for: Any, world: Any
) -> None:
    lot = receive(world, "20")
    url = reverse("controlled:waste", args=[lot.pk])
    form = {
        "quantity": "4.4",
        "reason": "Rest of an opened vial",
        "witness": world.users["prescriber"].pk,
        "witness_password": "wrong",
    }
    nurse = client_for("nurse")
    for _ in range(LIMIT):
        assert nurse.post(url, form).status_code == 422
    response = nurse.post(url, {**form, "witness_password": PASSWORD})
    assert response.status_code == 422
    assert LOCKED.replace("'", "&#x27;") in response.content.decode()
    assert lot.entries.count() == 1
    assert witness_events("denied").count() == LIMIT
    assert witness_events("lockout").count() == 1


def test_the_count_form_refuses_a_locked_witness_until_they_sign_in(
    client_for: Any, world: Any
) -> None:
    lot = receive(world, "20")
    url = reverse("controlled:count", args=[lot.pk])
    form = {
        "counted": "20",
        "note": "",
        "counter_confirms": "on",
        "witness_confirms": "on",
        "witness": world.users["prescriber"].pk,
        "witness_password": "wrong",
    }
    nurse = client_for("nurse")
    for attempt in range(1, LIMIT + 1):
        page = nurse.post(url, form)
        assert page.status_code == 422
        assert "That is not Priya Raman" in page.content.decode()
        assert ("must sign in to unlock" in page.content.decode()) is (attempt == LIMIT)
    locked = nurse.post(url, {**form, "witness_password": PASSWORD})
    assert locked.status_code == 422
    assert "must sign in to unlock" in locked.content.decode()
    assert not StockCount.objects.exists()
    assert LedgerEntry.objects.filter(kind="count").count() == 0

    post_login(Client(), "prescriber@example.com")
    done = nurse.post(url, {**form, "witness_password": PASSWORD}, follow=True)
    assert "Count recorded: 20 mL, matching the book balance." in done.content.decode()
    assert StockCount.objects.get().witnessed_by == world.users["prescriber"]
