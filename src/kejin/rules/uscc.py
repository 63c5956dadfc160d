"""Unified social credit code (统一社会信用代码), GB 32100-2015.

An 18-character code: registration authority (1) + organisation kind (1) + division code (6 digits,
GB/T 2260) + organisation code (9, GB 11714, with its own check character at position 17) + check
character (position 18).

- :func:`normalise` trims whitespace and upper-cases; nothing else is forgiven.
- :func:`validate` returns the normalised code or raises :class:`UsccError` (code ``uscc.invalid``)
  naming the 1-based position and the reason of the first error.
- :func:`check_char` and :func:`org_code_check` compute the two check characters.
- :func:`generate` makes valid codes for demo data, deterministically from a ``random.Random``.

Two value tables are in play. The USCC check (position 18) uses the 31-symbol alphabet, each symbol
worth its index. The embedded organisation code check (position 17) follows GB 11714: digits are
worth 0–9 and letters A–Z are worth 10–35 (so ``J`` is 19 there but 18 in the USCC alphabet).
Published codes such as ``91341000MA2N0ABGXX`` only verify with the GB 11714 values.
"""

from __future__ import annotations

import random
import unicodedata

from kejin.rules.errors import DomainError

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 symbols of GB 32100-2015 (no I, O, Z, S, V); a symbol's value is its index."""

LENGTH = 18
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
"""Weights of positions 1–17 for the final check character (3^(i-1) mod 31)."""

ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
"""GB 11714 weights of the organisation code's first 8 characters (positions 9–16)."""

DIVISION_POSITIONS = range(3, 9)
"""1-based positions of the registration authority's division code (6 digits)."""

_VALUE = {symbol: index for index, symbol in enumerate(ALPHABET)}
_DIGITS = frozenset("0123456789")


class UsccError(DomainError):
    """An invalid unified social credit code.

    ``reason`` is a machine sub-reason (``empty``, ``length``, ``alphabet``, ``division``,
    ``org_check``, ``check``); ``position`` is the 1-based position at fault, or ``None`` when the
    error is not at one position (empty input, wrong length).
    """

    def __init__(self, reason: str, message: str, *, position: int | None, field: str) -> None:
        super().__init__(code="uscc.invalid", message=message, fields={field: message}, status=422)
        self.reason = reason
        self.position = position


def normalise(raw: str) -> str:
    """Trim surrounding whitespace and upper-case (the only corrections GB 32100 input gets)."""
    return raw.strip().upper()


def _gb11714_value(char: str) -> int:
    """Value of a character in GB 11714: 0–9 for digits, 10–35 for A–Z."""
    if char in _DIGITS:
        return int(char)
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    raise ValueError(f"{char!r} is not a GB 11714 character")


def org_code_check(first8: str) -> str:
    """Check character of an organisation code (GB 11714) from its first 8 characters.

    c = 11 − (Σ value × weight mod 11), weights 3 7 9 10 5 8 4 2; c = 10 is written ``X`` and
    c = 11 is written ``0``.
    """
    if len(first8) != len(ORG_WEIGHTS):
        raise ValueError(f"org_code_check needs 8 characters, got {len(first8)}")
    total = sum(_gb11714_value(c) * w for c, w in zip(first8, ORG_WEIGHTS, strict=True))
    c = 11 - total % 11
    if c == 10:
        return "X"
    if c == 11:
        return "0"
    return str(c)


def check_char(first17: str) -> str:
    """Final check character (position 18) from the first 17 characters.

    Check = (31 − Σ value × weight mod 31) mod 31, written with the USCC alphabet.
    """
    if len(first17) != len(WEIGHTS):
        raise ValueError(f"check_char needs 17 characters, got {len(first17)}")
    try:
        total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    except KeyError as exc:
        raise ValueError(f"{exc.args[0]!r} is not in the USCC alphabet") from None
    return ALPHABET[(31 - total % 31) % 31]


def _shown(char: str) -> str:
    """Show a character in a message; say so when it is full-width (common from Chinese IMEs)."""
    if unicodedata.east_asian_width(char) == "F":
        return f"“{char}”（全角字符，请使用半角）"
    if char.isspace():
        return "空格"
    return f"“{char}”"


def validate(raw: str, *, field: str = "uscc") -> str:
    """Return the normalised code, or raise :class:`UsccError` for the first error found.

    Order of checks: empty, length, then position by position (alphabet; digits at 3–8), then the
    organisation code check at 17 and the final check at 18.
    """
    code = normalise(raw)

    def fail(reason: str, message: str, position: int | None = None) -> UsccError:
        return UsccError(reason, message, position=position, field=field)

    if not code:
        raise fail("empty", "统一社会信用代码不能为空")
    if len(code) != LENGTH:
        raise fail("length", f"统一社会信用代码应为18位，实际为{len(code)}位")
    for position, char in enumerate(code, start=1):
        if char not in _VALUE:
            raise fail(
                "alphabet",
                f"第{position}位{_shown(char)}不是允许的字符"
                "（只能是数字0–9和大写字母，不使用I、O、Z、S、V）",
                position,
            )
        if position in DIVISION_POSITIONS and char not in _DIGITS:
            raise fail(
                "division",
                f"第{position}位{_shown(char)}应为数字：第3–8位是登记管理机关行政区划码（6位数字）",
                position,
            )
    if org_code_check(code[8:16]) != code[16]:
        raise fail(
            "org_check",
            "第17位校验码不符：第9–17位组织机构代码校验未通过，请核对第9–17位是否录入有误",
            17,
        )
    if check_char(code[:17]) != code[17]:
        raise fail("check", "第18位校验码不符：请核对前17位是否录入有误", 18)
    return code


def is_valid(raw: str) -> bool:
    """True when :func:`validate` would accept ``raw``."""
    try:
        validate(raw)
    except UsccError:
        return False
    return True


def generate(rng: random.Random, division_code: str, authority: str = "9", kind: str = "1") -> str:
    """A valid code for demo data: random organisation code body, both check characters computed.

    Deterministic given the state of ``rng``. ``authority`` 9 (市场监管/工商) and ``kind`` 1
    (企业) by default.
    """
    if len(division_code) != len(DIVISION_POSITIONS) or not set(division_code) <= _DIGITS:
        raise ValueError(f"division_code must be 6 digits, got {division_code!r}")
    for name, value in (("authority", authority), ("kind", kind)):
        if len(value) != 1 or value not in _VALUE:
            raise ValueError(f"{name} must be one USCC alphabet character, got {value!r}")
    body = "".join(rng.choice(ALPHABET) for _ in range(len(ORG_WEIGHTS)))
    first17 = f"{authority}{kind}{division_code}{body}{org_code_check(body)}"
    return first17 + check_char(first17)
