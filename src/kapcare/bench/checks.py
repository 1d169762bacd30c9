"""The benchmark switch must never be on in production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def bench_is_off(app_configs: Any, **kwargs: Any) -> list[Error]:
    if getattr(settings, "KAPCARE_BENCH", False):
        return [
            Error(
                "KAPCARE_BENCH is on: baseline views and query-count headers are exposed.",
                hint="Unset KAPCARE_BENCH: it is only for the benchmark harness.",
                id="kapcare.E001",
            )
        ]
    return []
