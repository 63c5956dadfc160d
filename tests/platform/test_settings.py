"""Production settings: refuse to start without the secrets they need; HTTPS everywhere.

Each case imports the settings in a fresh interpreter with a clean environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PRINT_SETTINGS = """
import json
from django.conf import settings
names = ["DEBUG", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
         "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
         "SESSION_COOKIE_HTTPONLY", "SECURE_PROXY_SSL_HEADER", "ALLOWED_HOSTS", "SECRET_KEY"]
print(json.dumps({n: getattr(settings, n) for n in names}))
"""


def run(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "KEJIN_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "kejin.settings.production",
        **env,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", code],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


PRODUCTION = {
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789",
    "DATABASE_URL": "postgres://kejin:pw@db.internal:5432/kejin",
    "ALLOWED_HOSTS": "kejin.example.gov.cn",
}


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_a_required_variable(
    tmp_path: Path, missing: str
) -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = run("import kejin.settings.production", tmp_path, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{missing} must be set" in result.stderr


def test_production_refuses_to_start_with_a_clean_environment(tmp_path: Path) -> None:
    result = run("import kejin.settings.production", tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set" in result.stderr


def test_production_sets_hsts_and_secure_cookies(tmp_path: Path) -> None:
    result = run(PRINT_SETTINGS, tmp_path, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["DEBUG"] is False
    assert values["SECRET_KEY"] == PRODUCTION["SECRET_KEY"]
    assert values["ALLOWED_HOSTS"] == ["kejin.example.gov.cn"]
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_hsts_is_configured_from_the_environment(tmp_path: Path) -> None:
    env = {
        **PRODUCTION,
        "SECURE_HSTS_SECONDS": "600",
        "SECURE_HSTS_PRELOAD": "true",
        "SECURE_SSL_REDIRECT": "0",
    }
    result = run(PRINT_SETTINGS, tmp_path, **env)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["SECURE_HSTS_SECONDS"] == 600
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
