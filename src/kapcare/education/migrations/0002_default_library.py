"""The default education library (kapcare/education/library.py), as version 1 of each page."""

from django.db import migrations


def add_library(apps, schema_editor):
    from kapcare.education.library import DEFAULT_PAGES
    from kapcare.education.rendering import render_markdown

    Page = apps.get_model("education", "EducationPage")
    Version = apps.get_model("education", "EducationPageVersion")
    for position, default in enumerate(DEFAULT_PAGES):
        page, created = Page.objects.get_or_create(
            clinic=None,
            slug=default.slug,
            defaults={
                "audience": default.audience,
                "stages": list(default.stages),
                "position": position,
            },
        )
        if not created:
            continue
        version = Version.objects.create(
            page=page,
            number=1,
            title=default.title,
            summary=default.summary,
            body=default.body,
            body_html=render_markdown(default.body),
            sources=default.sources,
        )
        page.current = version
        page.save(update_fields=["current"])


def remove_library(apps, schema_editor):
    Page = apps.get_model("education", "EducationPage")
    for page in Page.objects.filter(clinic=None):
        page.current = None
        page.save(update_fields=["current"])
        page.versions.all().delete()
        page.delete()


class Migration(migrations.Migration):
    dependencies = [("education", "0001_initial")]

    operations = [migrations.RunPython(add_library, remove_library)]
