"""Caps shared by several measures: cut amounts in a fixed order so a total never exceeds a ceiling.

An annual cap per enterprise (loan interest subsidy, bond interest subsidy) reads the cap in force
on 31 December of the calendar year: the value that governs the year as a whole, so one year has one
cap even if the city changes it mid-year (and :func:`kejin.rules.params.check_new_value` stops a
change that would reopen a year with approved awards).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from kejin.rules.money import ZERO
from kejin.rules.params import ParameterSet, ParamValue


def cap_in_order(amounts: Sequence[Decimal], remaining: Decimal) -> list[Decimal]:
    """Cut ``amounts`` (taken in the given order) so that their sum never exceeds ``remaining``.

    Each amount keeps what is left of ``remaining`` after the amounts before it, and no more than
    itself; a negative ``remaining`` counts as zero. All amounts are at the fen, so are the results.
    """
    left = max(remaining, ZERO)
    out: list[Decimal] = []
    for amount in amounts:
        kept = min(amount, left)
        out.append(kept)
        left -= kept
    return out


def annual_cap(params: ParameterSet, key: str, year: int) -> ParamValue:
    """The annual cap for ``year``: the value of ``key`` in force on 31 December of that year."""
    return params.value_at(key, date(year, 12, 31))
