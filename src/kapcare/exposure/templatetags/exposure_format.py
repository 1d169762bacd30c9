"""``{{ value|amount }}``: a dose or weight without trailing zeros (52.50 -> 52.5, 35.00 -> 35)."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def amount(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{Decimal(value).normalize():f}"
    return text
