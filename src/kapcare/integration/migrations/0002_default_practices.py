"""The practice library's defaults, written by us; clinics add their own beside them."""

from django.db import migrations

DEFAULTS = [
    ("mindfulness", "Mindful breathing", "Sit comfortably and follow your breath for five minutes. When your mind wanders, notice it kindly and come back to the breath."),
    ("mindfulness", "Body scan", "Lying or sitting, move your attention slowly from your feet to your head, noticing each part without trying to change it."),
    ("mindfulness", "Mindful walk", "Walk slowly for ten minutes, paying attention to each step, the air and the sounds around you."),
    ("creative", "Drawing or painting", "Put a feeling or an image from your session on paper. It does not need to be good; it needs to be yours."),
    ("creative", "Music", "Play, sing or listen closely to a piece of music that connects with what you are working on."),
    ("creative", "Free writing", "Write without stopping for ten minutes, starting from a question in your journal."),
    ("movement", "Gentle movement", "Stretch, do yoga or dance for fifteen minutes, at a pace that feels kind to your body."),
    ("movement", "Exercise", "Thirty minutes of walking, cycling, swimming or any activity that raises your heart rate a little."),
    ("nature", "Time outdoors", "Spend at least twenty minutes outside, in a park, a garden or by water, without your phone if you can."),
    ("self_care", "Regular sleep", "Go to bed and get up at about the same time, and keep screens out of the last half hour before sleep."),
    ("self_care", "Nourishing food", "Eat at regular times and include one meal you prepared with care."),
    ("self_care", "Connection", "Spend time with, or call, someone who supports you."),
]


def add_defaults(apps, schema_editor):
    Practice = apps.get_model("integration", "Practice")
    for category, name, description in DEFAULTS:
        Practice.objects.get_or_create(
            clinic=None, name=name, defaults={"category": category, "description": description}
        )


def remove_defaults(apps, schema_editor):
    Practice = apps.get_model("integration", "Practice")
    Practice.objects.filter(clinic=None, name__in=[d[1] for d in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("integration", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
