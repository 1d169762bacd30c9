"""The four ways kapcare knows ketamine is given; every clinical module names them alike."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Final


class Route(StrEnum):
    """How ketamine is given; labels differ between racemic ketamine and esketamine."""

    IV_RACEMIC = "iv_racemic"
    IM_RACEMIC = "im_racemic"
    SUBLINGUAL_RACEMIC = "sublingual_racemic"
    INTRANASAL_ESKETAMINE = "intranasal_esketamine"


ROUTE_LABELS: Final[Mapping[Route, str]] = MappingProxyType(
    {
        Route.IV_RACEMIC: "IV racemic ketamine",
        Route.IM_RACEMIC: "IM racemic ketamine",
        Route.SUBLINGUAL_RACEMIC: "sublingual racemic ketamine",
        Route.INTRANASAL_ESKETAMINE: "intranasal esketamine",
    }
)


def parse_route(route: Route | str) -> Route:
    """Turn user or stored input into a Route, or say which routes exist."""
    try:
        return Route(route)
    except ValueError:
        allowed = ", ".join(r.value for r in Route)
        raise ValueError(f"route: {route!r} is unknown; allowed: {allowed}") from None
