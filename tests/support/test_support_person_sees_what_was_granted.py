"""A support person sees exactly what the patient granted, and nothing after revocation."""

from __future__ import annotations

from typing import Any

import pytest

from kapcare.accounts.policy import support_grants
from kapcare.support import services
from tests.integration.helpers import patient_actor, write_entry
from tests.support.helpers import grant, jordans_link

SECTIONS = {
    "appointments": "Next session you escort",
    "escort": "What to bring",
    "checkins": "Checking in after a session",
    "education": "Learn more",
}


def _support_actor(world: Any) -> Any:
    from kapcare.accounts.actors import SUPPORT_ROLE, Actor

    return Actor(user=world.users["support"], clinic=None, role=SUPPORT_ROLE)


def test_with_no_grants_the_page_shows_only_the_first_name(world: Any, client_for: Any) -> None:
    html = client_for("support").get("/support/").content.decode()
    assert "Supporting Jordan" in html
    assert "has not shared anything with you yet" in html
    for heading in SECTIONS.values():
        assert heading not in html


@pytest.mark.parametrize("granted", sorted(SECTIONS))
def test_each_grant_shows_its_section_and_no_other(
    granted: str, world: Any, client_for: Any
) -> None:
    grant(world, granted)
    html = client_for("support").get("/support/").content.decode()
    for key, heading in SECTIONS.items():
        assert (heading in html) == (key == granted), key
    assert support_grants(_support_actor(world), world.jordan) == {granted}


def test_scores_journals_and_notes_are_never_shown(world: Any, client_for: Any) -> None:
    grant(world, "appointments", "escort", "checkins", "education")
    write_entry(world, "A shared journal secret", share=True)
    html = client_for("support").get("/support/").content.decode()
    assert "A shared journal secret" not in html
    assert "KC-1001" not in html and "Rivera" not in html.replace("Casey Rivera", "")
    support = client_for("support")
    for url in (
        f"/patients/{world.jordan.pk}/",
        f"/patients/{world.jordan.pk}/integration/",
        "/portal/journal/",
    ):
        assert support.get(url).status_code in (403, 404)


def test_after_revocation_nothing_is_shown_at_once(world: Any, client_for: Any) -> None:
    grant(world, "appointments", "escort", "checkins", "education")
    client = client_for("support")
    assert "What to bring" in client.get("/support/").content.decode()
    client_for("patient").post(f"/support/people/{jordans_link(world).pk}/revoke/")
    html = client.get("/support/").content.decode()
    assert "Jordan" not in html
    assert "Nothing has been shared with you yet" in html
    assert support_grants(_support_actor(world), world.jordan) == frozenset()
    link = jordans_link(world)
    assert client.post(f"/support/escort/{link.pk}/").status_code == 404


def test_the_patient_changes_grants_from_their_page(world: Any, client_for: Any) -> None:
    link = jordans_link(world)
    response = client_for("patient").post(
        f"/support/people/{link.pk}/grants/", {f"l{link.pk}-grants": ["escort", "checkins"]}
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.grants == {"escort", "checkins"}


def test_an_unknown_grant_is_refused_with_the_allowed_values(world: Any) -> None:
    with pytest.raises(services.SupportError, match="choose from appointments"):
        services.support_grants_update(
            actor=patient_actor(world), link=jordans_link(world), grants=["scores"]
        )


def test_another_patient_cannot_change_jordans_support_person(world: Any, client_for: Any) -> None:
    link = jordans_link(world)
    client = client_for("patient2")
    assert client.post(f"/support/people/{link.pk}/revoke/").status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None
