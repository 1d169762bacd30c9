"""Support links and invitations for the support tests."""

from __future__ import annotations

from typing import Any

from kapcare.support import services
from tests.integration.helpers import patient_actor


def jordans_link(world: Any) -> Any:
    return world.users["support"].supporting.get(patient=world.jordan)


def grant(world: Any, *grants: str) -> Any:
    return services.support_grants_update(
        actor=patient_actor(world), link=jordans_link(world), grants=grants
    )


def invite(world: Any, email: str = "friend@example.com", **kwargs: Any) -> tuple[Any, str]:
    return services.support_invite(
        actor=patient_actor(world),
        full_name="Robin Friend",
        relationship="friend",
        email=email,
        grants=kwargs.pop("grants", ("appointments", "escort")),
        **kwargs,
    )
