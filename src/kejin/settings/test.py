"""Test settings: fast hashing, in-memory email, the same database engine chosen by DATABASE_URL."""

import os

from kejin.settings.base import *  # noqa: F403
from kejin.settings.base import DATABASES, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if os.environ.get("KEJIN_TEST_TASKS_DB"):
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("KEJIN_TEST_DB_NAME") or None}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": None}
ALLOWED_HOSTS = ["*"]
