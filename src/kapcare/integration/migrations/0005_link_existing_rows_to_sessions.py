"""Link journal entries, integration notes and follow-up links written before dosing
sessions were recorded to their session, by date.

A row is linked only when exactly one of the patient's dosing sessions took place on
its ``session_date`` (the appointment's date in the clinic's time zone); a date that
matches none, or more than one, is left as it was.
"""

from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db import migrations


def sessions_by_patient_and_date(DosingSession):
    found = defaultdict(list)
    rows = DosingSession.objects.select_related("appointment", "clinic").only(
        "pk", "patient_id", "appointment__start", "clinic__time_zone"
    )
    for session in rows.iterator():
        day = session.appointment.start.astimezone(ZoneInfo(session.clinic.time_zone)).date()
        found[(session.patient_id, day)].append(session.pk)
    return found


def link(apps, schema_editor):
    DosingSession = apps.get_model("dosing", "DosingSession")
    index = sessions_by_patient_and_date(DosingSession)
    for name in ("JournalEntry", "IntegrationNote", "FollowUpLink"):
        model = apps.get_model("integration", name)
        unlinked = model.objects.filter(session__isnull=True, session_date__isnull=False)
        for row in unlinked.only("pk", "patient_id", "session_date").iterator():
            matches = index.get((row.patient_id, row.session_date), [])
            if len(matches) == 1:
                model.objects.filter(pk=row.pk).update(session_id=matches[0])


class Migration(migrations.Migration):
    dependencies = [
        ("integration", "0004_link_to_dosing_sessions"),
        ("dosing", "0001_initial"),
        ("accounts", "0002_initial"),
        ("treatment", "0001_initial"),
    ]

    operations = [migrations.RunPython(link, migrations.RunPython.noop)]
