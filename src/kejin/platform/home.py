"""A figure or a to-do on a role's home page, contributed by a context's ``home.py``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Widget:
    label: str  # 待审核申报
    value: str  # "12" or "1,234,567.00 元"
    url: str = ""  # where to act on it
    todo: bool = False  # a to-do (highlighted) rather than a figure
