"""Today's date for the policies context, in one place (tests move it with ``monkeypatch``)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone


def today() -> date:
    """The business date in the platform's time zone (Asia/Shanghai)."""
    return timezone.localdate()
