"""Progress over weeks: how often each practice was done against what the plan asks.

Pure functions over plain values (no database), so the page and the API agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class WeekCell:
    week_start: dt.date
    done: int
    target: int
    #: False for weeks before the practice was in the plan
    planned: bool = True

    @property
    def met(self) -> bool:
        return self.done >= self.target


def week_starts(today: dt.date, weeks: int) -> list[dt.date]:
    """Mondays of the last ``weeks`` weeks, oldest first, ending with this week."""
    this_monday = today - dt.timedelta(days=today.weekday())
    return [this_monday - dt.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def weekly_progress(
    done_on: Iterable[dt.date],
    target: int,
    today: dt.date,
    weeks: int = 6,
    since: dt.date | None = None,
) -> list[WeekCell]:
    """One cell per week; weeks wholly before ``since`` (when it joined the plan) are unplanned."""
    starts = week_starts(today, weeks)
    first = since - dt.timedelta(days=since.weekday()) if since else starts[0]
    counts = dict.fromkeys(starts, 0)
    for day in done_on:
        monday = day - dt.timedelta(days=day.weekday())
        if monday in counts:
            counts[monday] += 1
    return [WeekCell(start, counts[start], target, start >= first) for start in starts]
