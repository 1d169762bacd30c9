from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "kapcare.bench"
    label = "bench"
    verbose_name = "kapcare benchmark baselines"

    def ready(self) -> None:
        from kapcare.bench import checks  # noqa: F401  (registers the deploy check)
