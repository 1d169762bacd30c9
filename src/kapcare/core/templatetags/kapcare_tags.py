"""Small presentation helpers; no logic that decides anything clinical."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

register = template.Library()


@register.filter
def age_on(patient: Any, day: dt.date) -> int:
    return int(patient.age_on(day))
