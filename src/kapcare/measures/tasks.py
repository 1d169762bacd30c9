"""Background work for measures, for the task worker (``kapcare worker``).

The same work runs from the command line (``kapcare escalate_alerts``,
``kapcare questionnaire_reminders``), which is how a clinic schedules it: a timer
that runs each command every minute, or the commands' own ``--every`` loop.
"""

from __future__ import annotations

from django_tasks import task

from kapcare.measures.alerts import escalate_overdue
from kapcare.measures.reminders import send_reminders


@task()
def escalate_alerts() -> int:
    """Escalate unacknowledged high-priority alerts past their clinic's time; return how many."""
    return len(escalate_overdue())


@task()
def send_questionnaire_reminders() -> int:
    """Email patients whose questionnaires opened or became overdue; return how many."""
    return send_reminders()
