"""The patient's upcoming dosing sessions, as far as support persons need them.

Dosing sessions do not exist yet (issue 7). Until they do, no session is scheduled and
escort confirmations are for "the next session, once booked" (``session_date`` None).
Issue 7 replaces the body of ``upcoming_session_dates`` with a query of booked sessions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


def upcoming_session_dates(patient: Any, today: dt.date) -> list[dt.date]:
    """Booked dosing-session dates from ``today`` on, earliest first (none until issue 7)."""
    return []
