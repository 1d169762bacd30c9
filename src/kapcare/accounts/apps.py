from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kapcare.accounts"
    label = "accounts"

    def ready(self) -> None:
        from kapcare.accounts import signals  # noqa: F401  (connects sign-in auditing)
