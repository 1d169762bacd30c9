"""What the measures pages show about a patient's scores: per-instrument summaries,
outcome badges with their definitions and sources, and item-by-item comparisons.

Every judgement (response, remission, meaningful change) comes from
``kapcare.clinical.outcomes.classify_change``; this module only words it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from kapcare.clinical.instruments import DEFINITIONS, InstrumentDefinition
from kapcare.clinical.instruments.model import ItemKind
from kapcare.clinical.instruments.sources import SOURCES
from kapcare.clinical.outcomes import OUTCOME_DEFINITIONS, Change
from kapcare.core.paging import Page
from kapcare.measures.charts import Trajectory, trajectory
from kapcare.measures.models import QuestionnaireResponse
from kapcare.measures.scoring import change_since_baseline
from kapcare.measures.selectors import InstrumentHistory


@dataclass(frozen=True)
class Source:
    key: str
    url: str


@dataclass(frozen=True)
class Badge:
    label: str
    tone: str  # good / bad / neutral: a CSS class
    definition: str
    sources: list[Source]


@dataclass(frozen=True)
class InstrumentSummary:
    definition: InstrumentDefinition
    history: list[Any]  # one page of responses, newest first, each with ``superseded``
    page: Page  # which page ``history`` is, out of every response
    current_count: int  # responses no correction replaced, drawn or not
    baseline: QuestionnaireResponse | None
    latest: QuestionnaireResponse | None
    change: Change | None
    badges: list[Badge]
    chart: Trajectory | None

    @property
    def compare_choices(self) -> list[Any]:
        """Responses offered for an item-by-item comparison, oldest first: this page's,
        and the baseline wherever it is."""
        choices = list(reversed(self.history))
        if self.baseline is not None and all(r.pk != self.baseline.pk for r in choices):
            choices.insert(0, self.baseline)
        return choices


def _sources(keys: Sequence[str]) -> list[Source]:
    return [Source(key, SOURCES[key]) for key in keys if key in SOURCES]


def outcome_badges(instrument: str, change: Change | None) -> list[Badge]:
    """Response, remission and meaningful change versus baseline, each with its definition."""
    if change is None:
        return []
    rules = OUTCOME_DEFINITIONS[instrument]
    badges = []
    if change.response:
        badges.append(
            Badge("Response", "good", rules.response.text, _sources(rules.response.source_keys))
        )
    if change.remission and rules.remission is not None:
        badges.append(
            Badge("Remission", "good", rules.remission.text, _sources(rules.remission.source_keys))
        )
    meaningful = rules.meaningful_change
    if change.meaningful_improvement:
        badges.append(
            Badge(
                "Meaningful improvement",
                "good",
                meaningful.text,
                _sources(meaningful.source_keys),
            )
        )
    elif change.meaningful_worsening:
        badges.append(
            Badge("Meaningful worsening", "bad", meaningful.text, _sources(meaningful.source_keys))
        )
    else:
        badges.append(
            Badge(
                "No meaningful change yet",
                "neutral",
                meaningful.text,
                _sources(meaningful.source_keys),
            )
        )
    if change.remission is None and rules.remission is not None:
        badges.append(
            Badge(
                "Remission not judged",
                "neutral",
                f"The baseline was below {rules.remission.min_baseline}. " + rules.remission.text,
                _sources(rules.remission.source_keys),
            )
        )
    return badges


def summarise(
    histories: Mapping[str, InstrumentHistory],
    *,
    zone: ZoneInfo,
    doses: Sequence[tuple[dt.datetime, int | None]] = (),
) -> list[InstrumentSummary]:
    """One summary per instrument the patient has answered, in the registry's order.

    ``histories`` hold a bounded part of each instrument's responses (see
    ``selectors.bounded_history``): the baseline is always among them. ``doses`` (when
    each dosing session's dose started, its number) mark the charts.
    """
    summaries = []
    for key, definition in DEFINITIONS.items():
        history = histories.get(key)
        if history is None:
            continue
        current = history.charted
        baseline = current[0] if current else None
        latest = current[-1] if len(current) > 1 else None
        change = (
            change_since_baseline(key, baseline.score, latest.score)
            if baseline is not None and latest is not None
            else None
        )
        summaries.append(
            InstrumentSummary(
                definition=definition,
                history=history.listed,
                page=history.page,
                current_count=history.current_count,
                baseline=baseline,
                latest=latest,
                change=change,
                badges=outcome_badges(key, change),
                chart=trajectory(
                    definition, current, zone=zone, doses=doses, total=history.current_count
                ),
            )
        )
    return summaries


@dataclass(frozen=True)
class ComparedItem:
    number: str
    text: str
    first: str
    second: str
    difference: str
    changed: bool


def answer_text(definition: InstrumentDefinition, key: str, value: Any) -> str:
    """An answer as the patient saw it: "2 · More than half the days"."""
    if value is None or value == "" or value == []:
        return "—"
    item = definition.item(key)
    if item.kind == ItemKind.CHOICE:
        label = next((o.label for o in item.options if o.value == value), "")
        if label.startswith(f"{value} = ") or label == str(value):
            return label
        return f"{value} · {label}" if label else str(value)
    if item.kind == ItemKind.CHECKLIST:
        labels = {o.code: o.label for o in item.checklist}
        return "; ".join(labels.get(code, code) for code in value) or "None of these"
    if item.kind == ItemKind.NUMBER:
        return f"{value:g} {item.unit or ''}".strip()
    return str(value)


def compare(first: QuestionnaireResponse, second: QuestionnaireResponse) -> list[ComparedItem]:
    """Item by item, two responses to the same instrument."""
    definition = first.definition
    rows = []
    for item in definition.items:
        a, b = first.answers.get(item.key), second.answers.get(item.key)
        numeric = (
            item.kind in (ItemKind.CHOICE, ItemKind.NUMBER)
            and isinstance(a, int | float)
            and isinstance(b, int | float)
        )
        difference = f"{b - a:+g}" if numeric and b != a else ("" if a == b else "changed")
        rows.append(
            ComparedItem(
                number=item.key if item.number is not None else "",
                text=item.text,
                first=answer_text(definition, item.key, a),
                second=answer_text(definition, item.key, b),
                difference=difference,
                changed=a != b,
            )
        )
    return rows
