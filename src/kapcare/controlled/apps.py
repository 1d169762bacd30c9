from django.apps import AppConfig


class ControlledConfig(AppConfig):
    name = "kapcare.controlled"
    label = "controlled"
    verbose_name = "Controlled-substance log"

    def ready(self) -> None:
        from kapcare.controlled import signals  # noqa: F401  (signing in unlocks a witness)
