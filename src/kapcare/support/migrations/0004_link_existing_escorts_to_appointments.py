"""Link escort confirmations made before appointments were shown to support persons to
the dosing appointment on their ``session_date``, when exactly one (booked or completed)
dosing appointment of the patient falls on that date in the clinic's time zone."""

from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db import migrations


def link(apps, schema_editor):
    Appointment = apps.get_model("treatment", "Appointment")
    EscortConfirmation = apps.get_model("support", "EscortConfirmation")
    index = defaultdict(list)
    appointments = Appointment.objects.filter(
        kind="dosing", status__in=["booked", "completed"]
    ).select_related("clinic")
    for appointment in appointments.iterator():
        day = appointment.start.astimezone(ZoneInfo(appointment.clinic.time_zone)).date()
        index[(appointment.patient_id, day)].append(appointment.pk)
    unlinked = EscortConfirmation.objects.filter(
        appointment__isnull=True, session_date__isnull=False
    ).select_related("relationship")
    for row in unlinked.iterator():
        matches = index.get((row.relationship.patient_id, row.session_date), [])
        if len(matches) == 1:
            EscortConfirmation.objects.filter(pk=row.pk).update(appointment_id=matches[0])


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0003_escort_for_appointment_and_pickup"),
        ("treatment", "0001_initial"),
        ("accounts", "0002_initial"),
    ]

    operations = [migrations.RunPython(link, migrations.RunPython.noop)]
