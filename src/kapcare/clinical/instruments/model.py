"""The shape of an instrument definition.

Definitions are frozen data, not code, so that forms, scoring and FHIR mapping
read one source of truth and a stored score can name the exact version that
produced it. Every clinical number carries the source keys it came from.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ItemKind(enum.StrEnum):
    """How an item is answered, which decides how its answer is validated."""

    CHOICE = "choice"  # one of the answer options, an int
    NUMBER = "number"  # any number between minimum and maximum
    CHECKLIST = "checklist"  # any subset of the checklist options, by code
    TEXT = "text"  # free text


class Scoring(enum.StrEnum):
    """How the scored items combine into a total."""

    SUM = "sum"
    MEAN = "mean"
    NONE = "none"  # no validated total: answers are validated and stored only


@dataclass(frozen=True, kw_only=True)
class AnswerOption:
    value: int
    label: str
    loinc: str | None = None  # LOINC answer code (LA...), None where not verified


@dataclass(frozen=True, kw_only=True)
class ChecklistOption:
    code: str
    label: str
    source_keys: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Item:
    """One question. ``key`` is what answers are keyed by: "1", "2", ... or a name."""

    key: str
    text: str
    kind: ItemKind = ItemKind.CHOICE
    options: tuple[AnswerOption, ...] = ()
    checklist: tuple[ChecklistOption, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    unit: str | None = None
    max_length: int | None = None
    loinc: str | None = None
    required: bool = True
    scored: bool = True

    @property
    def number(self) -> int | None:
        """The printed item number, or None for an unnumbered item (PHQ-9 difficulty)."""
        return int(self.key) if self.key.isdigit() else None

    @property
    def allowed_values(self) -> tuple[int, ...]:
        return tuple(option.value for option in self.options)


@dataclass(frozen=True, kw_only=True)
class Band:
    """A severity band; ``minimum`` and ``maximum`` are inclusive totals."""

    key: str
    label: str
    minimum: int
    maximum: int


@dataclass(frozen=True, kw_only=True)
class Subscale:
    key: str
    label: str
    items: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class ItemAboveRule:
    """Raise ``flag`` when one item's answer is above ``above``, whatever the total."""

    flag: str
    item: str
    above: int
    description: str
    source_keys: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class TotalCutoffRule:
    """Raise ``flag`` when the total is at or above a cut-off a clinic may configure."""

    flag: str
    default_cutoff: int
    description: str
    source_keys: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class ClusterRule:
    """Raise ``flag`` when each subscale has enough items rated at ``present_at`` or above."""

    flag: str
    present_at: int
    minimum_present: tuple[tuple[str, int], ...]  # (subscale key, items needed)
    description: str
    source_keys: tuple[str, ...]


FlagRule = ItemAboveRule | TotalCutoffRule | ClusterRule


@dataclass(frozen=True, kw_only=True)
class InstrumentDefinition:
    """A questionnaire as versioned data.

    ``total_range`` and ``bands`` are None where the instrument has no validated
    total or bands; ``notes`` say which facts were left out as unverified.
    """

    key: str
    title: str
    abbreviation: str
    version: str
    recall_period: str | None
    instructions: str
    items: tuple[Item, ...]
    scoring: Scoring
    total_range: tuple[int, int] | None
    bands: tuple[Band, ...] | None
    subscales: tuple[Subscale, ...] = ()
    flag_rules: tuple[FlagRule, ...] = ()
    attribution: str
    loinc_panel: str | None
    loinc_total: str | None
    source_keys: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def scored(self) -> bool:
        return self.scoring is not Scoring.NONE

    @property
    def item_keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)

    @property
    def numbered_items(self) -> tuple[Item, ...]:
        """The items a plain sequence of answers fills, in order."""
        return tuple(item for item in self.items if item.number is not None)

    @property
    def scored_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.scored)

    def item(self, key: str) -> Item:
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    def band_for(self, total: float) -> Band | None:
        if self.bands is None:
            return None
        for band in self.bands:
            if band.minimum <= total <= band.maximum:
                return band
        return None
