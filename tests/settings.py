"""Test overrides on top of kapcare.settings: fast hashing, synchronous tasks, in-memory mail."""

import os

os.environ.setdefault(
    "KAPCARE_SECRET_KEY", "tests-only-secret-key-not-for-production-use-0123456789"
)
os.environ.setdefault("KAPCARE_DEBUG", "false")
os.environ.setdefault("KAPCARE_REQUIRE_MFA", "true")
os.environ.setdefault("KAPCARE_SECURE_COOKIES", "false")
os.environ.setdefault("KAPCARE_TASKS_IMMEDIATE", "true")

from kapcare.settings import *  # noqa: F403
from kapcare.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
