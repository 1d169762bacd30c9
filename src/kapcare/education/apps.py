from django.apps import AppConfig


class EducationConfig(AppConfig):
    name = "kapcare.education"
    label = "education"
