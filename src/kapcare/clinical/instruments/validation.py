"""Checking and normalising a response before anything is scored or stored.

A response arrives as a sequence in item order or as a mapping of item keys
("1", "2", ..., "difficulty") to values. Every problem raises InvalidResponse
naming the item and the allowed values; nothing is guessed, defaulted or
prorated, because a silently repaired answer would be a wrong clinical record.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence, Set
from types import MappingProxyType

from .errors import InvalidResponse
from .model import InstrumentDefinition, Item, ItemKind
from .registry import get_definition

Answer = int | float | str | tuple[str, ...]
"""A normalised answer: int (choice), float (number), tuple of codes (checklist), str (text)."""

Answers = Sequence[object] | Mapping[str, object]
"""A response as given: values in item order, or item key ("1", "difficulty") to value."""

_MISSING = object()


def validate(key: str, answers: Answers) -> Mapping[str, Answer]:
    """Check a response to instrument ``key`` and return its answers keyed by item.

    Optional items left unanswered (missing, None or blank text) are omitted;
    an empty checklist is an answer ("none of these") and is kept as ().
    """
    return validate_answers(get_definition(key), answers)


def validate_answers(definition: InstrumentDefinition, answers: object) -> Mapping[str, Answer]:
    raw = _by_key(definition, answers)
    normalised: dict[str, Answer] = {}
    for item in definition.items:
        value = raw.get(item.key, _MISSING)
        answer = None if value is _MISSING or value is None else _normalise(definition, item, value)
        if answer is None:
            if item.required:
                raise _invalid(definition, item, "missing answer")
            continue
        normalised[item.key] = answer
    return MappingProxyType(normalised)


def _by_key(definition: InstrumentDefinition, answers: object) -> dict[str, object]:
    if isinstance(answers, Mapping):
        for key in answers:
            if not isinstance(key, str) or key not in definition.item_keys:
                problem = (
                    f"item keys are strings such as '1', not {type(key).__name__}"
                    if not isinstance(key, str)
                    else "there is no such item"
                )
                raise InvalidResponse(
                    f"{definition.abbreviation} item {key!r}: {problem}; "
                    f"allowed items are {', '.join(definition.item_keys)}",
                    instrument=definition.key,
                    item=str(key),
                )
        return dict(answers)
    if isinstance(answers, str | bytes | bytearray) or not isinstance(answers, Sequence):
        raise InvalidResponse(
            f"{definition.abbreviation}: answers must be a list in item order or a mapping "
            f"of item number to value, not {type(answers).__name__}",
            instrument=definition.key,
        )
    items = definition.numbered_items
    if len(answers) > len(items):
        extra = str(len(items) + 1)
        raise InvalidResponse(
            f"{definition.abbreviation} item {extra}: there is no such item (got "
            f"{len(answers)} answers for {len(items)} items); allowed items are "
            f"{', '.join(item.key for item in items)}",
            instrument=definition.key,
            item=extra,
        )
    return {item.key: value for item, value in zip(items, answers, strict=False)}


def _normalise(definition: InstrumentDefinition, item: Item, value: object) -> Answer | None:
    match item.kind:
        case ItemKind.CHOICE:
            return _choice(definition, item, value)
        case ItemKind.NUMBER:
            return _number(definition, item, value)
        case ItemKind.CHECKLIST:
            return _checklist(definition, item, value)
        case ItemKind.TEXT:
            return _text(definition, item, value)


def _choice(definition: InstrumentDefinition, item: Item, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong_type(definition, item, value)
    if value not in item.allowed_values:
        raise _invalid(definition, item, f"{value} is not allowed")
    return value


def _number(definition: InstrumentDefinition, item: Item, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _wrong_type(definition, item, value)
    number = float(value)
    low = -math.inf if item.minimum is None else item.minimum
    high = math.inf if item.maximum is None else item.maximum
    if not (math.isfinite(number) and low <= number <= high):
        raise _invalid(definition, item, f"{value!r} is not allowed")
    return number


def _checklist(definition: InstrumentDefinition, item: Item, value: object) -> tuple[str, ...]:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence | Set):
        raise _wrong_type(definition, item, value)
    codes = [option.code for option in item.checklist]
    chosen: set[str] = set()
    for code in value:
        if not isinstance(code, str) or code not in codes:
            raise _invalid(definition, item, f"{_shown(code)} is not allowed")
        if code in chosen:
            raise _invalid(definition, item, f"{code!r} is given twice")
        chosen.add(code)
    return tuple(code for code in codes if code in chosen)


def _text(definition: InstrumentDefinition, item: Item, value: object) -> str | None:
    if not isinstance(value, str):
        raise _wrong_type(definition, item, value)
    text = value.strip()
    if item.max_length is not None and len(text) > item.max_length:
        # Never echo free text: it is health information and errors get logged.
        raise _invalid(definition, item, f"{len(text)} characters is too long")
    return text or None


def _invalid(definition: InstrumentDefinition, item: Item, problem: str) -> InvalidResponse:
    return InvalidResponse(
        f"{definition.abbreviation} {item_name(item)}: {problem}; "
        f"allowed values are {allowed_values_text(item)}",
        instrument=definition.key,
        item=item.key,
    )


def item_name(item: Item) -> str:
    """How messages refer to an item: "item 3", or "difficulty question"."""
    return f"item {item.key}" if item.number is not None else f"{item.key} question"


def allowed_values_text(item: Item) -> str:
    match item.kind:
        case ItemKind.CHOICE:
            return ", ".join(str(value) for value in item.allowed_values)
        case ItemKind.NUMBER:
            unit = f" ({item.unit})" if item.unit else ""
            return f"numbers from {_bound(item.minimum)} to {_bound(item.maximum)}{unit}"
        case ItemKind.CHECKLIST:
            codes = ", ".join(option.code for option in item.checklist)
            return f"a list of any of {codes} (an empty list means none)"
        case ItemKind.TEXT:
            return f"text of at most {item.max_length} characters"


_EXPECTED = {
    ItemKind.CHOICE: "a whole number",
    ItemKind.NUMBER: "a number",
    ItemKind.CHECKLIST: "a list",
    ItemKind.TEXT: "text",
}


def _wrong_type(definition: InstrumentDefinition, item: Item, value: object) -> InvalidResponse:
    problem = (
        f"{_shown(value)} is not allowed ({type(value).__name__}, expected {_EXPECTED[item.kind]})"
    )
    return _invalid(definition, item, problem)


def _bound(bound: float | None) -> str:
    return "any" if bound is None else f"{bound:g}"


def _shown(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 30 else shown[:27] + "..."


def choice_answer(answers: Mapping[str, Answer], key: str) -> int:
    """The int answer of a choice item that validation has already checked."""
    value = answers[key]
    if not isinstance(value, int):
        raise TypeError(f"item {key} holds {type(value).__name__}, not a choice answer")
    return value
