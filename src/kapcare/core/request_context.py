"""Per-request facts (request id, client address) available to services without a request."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "kapcare_request_context",
    default=RequestContext(),  # noqa: B039 - frozen, so sharing it is safe
)


def current() -> RequestContext:
    return _current.get()


def activate(context: RequestContext) -> contextvars.Token[RequestContext]:
    return _current.set(context)


def reset(token: contextvars.Token[RequestContext]) -> None:
    _current.reset(token)
