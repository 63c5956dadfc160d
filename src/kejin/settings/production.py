"""Production: refuses to start without SECRET_KEY and DATABASE_URL; HTTPS everywhere."""

import os

from django.core.exceptions import ImproperlyConfigured

# Checked before the base settings are imported, so that production never generates a key.
for _required in ("SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"):
    if not os.environ.get(_required):
        raise ImproperlyConfigured(f"{_required} must be set in the environment for production")

from kejin.settings.base import *  # noqa: E402, F403
from kejin.settings.base import env_bool  # noqa: E402

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
