"""Resident identity card numbers (GB 11643-1999): check, mask, and a keyed hash.

A personal credit record and an executive are matched by the keyed hash of the ID number; the
number itself is never stored, only its masked form (first 6 and last 4 characters shown).
"""

from __future__ import annotations

import re

from django.utils.crypto import salted_hmac

from kejin.apps.credit.errors import CreditError
from kejin.rules.errors import DomainError

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
PATTERN = re.compile(r"^\d{17}[\dX]$")


def check_char(first17: str) -> str:
    """The 18th character: Σ(digit × weight) mod 11 looked up in ``10X98765432``."""
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHECK[total % 11]


def validate(raw: str, *, field: str = "id_number") -> str:
    """An 18-character resident ID number with a correct check character, upper-cased."""
    value = (raw or "").strip().upper()
    if not PATTERN.match(value):
        raise DomainError(
            CreditError.PERSON_ID_INVALID,
            "身份证号须为18位（前17位为数字，末位为数字或X）",
            {field: "身份证号格式不正确"},
        )
    expected = check_char(value[:17])
    if value[17] != expected:
        raise DomainError(
            CreditError.PERSON_ID_INVALID,
            f"身份证号第18位校验码错误：应为 {expected}，实际为 {value[17]}",
            {field: "身份证号校验码错误"},
        )
    return value


def mask(number: str) -> str:
    return f"{number[:6]}{'*' * 8}{number[-4:]}"


def keyed_hash(number: str) -> str:
    """HMAC-SHA256 of the number under the platform's secret key (not reversible by guessing
    birth dates without the key)."""
    return salted_hmac("kejin.credit.person-id", number, algorithm="sha256").hexdigest()
