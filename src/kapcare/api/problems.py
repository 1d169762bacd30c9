"""RFC 9457 problem details: every API error has the same shape."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_response(
    request: HttpRequest,
    status: int,
    title: str,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    type_: str = "about:blank",
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": type_,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    request_id = getattr(request, "request_id", "")
    if request_id:
        body["request_id"] = request_id
    return HttpResponse(json.dumps(body), status=status, content_type=PROBLEM_CONTENT_TYPE)


def field_errors_from_ninja(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Turn pydantic's error list into ``{field, message}`` items a person can read."""
    result = []
    for error in errors:
        loc = [
            str(part)
            for part in error.get("loc", ())
            if part not in ("body", "payload", "query", "path")
        ]
        field = ".".join(loc) or "body"
        message = str(error.get("msg", "is not valid"))
        ctx = error.get("ctx") or {}
        if error.get("type") == "missing":
            message = "is required"
        elif error.get("type") == "extra_forbidden":
            message = "is not a known field"
        elif error.get("type") == "value_error" and "error" in ctx:
            text = str(ctx["error"])
            message = text[:1].upper() + text[1:]
        elif "expected" in ctx:
            message = f"{message}; allowed: {ctx['expected']}"
        result.append({"field": field, "message": message})
    return result


def field_errors_from_django(message_dict: dict[str, list[str]]) -> list[dict[str, Any]]:
    return [
        {"field": field if field != "__all__" else "body", "message": message}
        for field, messages in message_dict.items()
        for message in messages
    ]
