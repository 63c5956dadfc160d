"""The embedded default: SQLite under var/, a generated secret key, DEBUG off by default."""

from kejin.settings.base import *  # noqa: F403
