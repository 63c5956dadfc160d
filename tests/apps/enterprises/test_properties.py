"""Properties of the pure helpers: amount cleaning is exact to the fen whatever the spelling, and
the HNTE pre-check always takes consecutive years, oldest first, before the reference year."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from kejin.apps.enterprises.errors import EnterpriseError
from kejin.apps.enterprises.hnte_check import last_years
from kejin.apps.enterprises.services.fields import FieldErrors, FieldSpec, clean_fields

AMOUNT = FieldSpec("revenue", "销售收入", "amount")
FEN = st.integers(min_value=0, max_value=10**16)


def clean(value: Any) -> tuple[dict[str, Any], FieldErrors]:
    errors = FieldErrors()
    return clean_fields([AMOUNT], {"revenue": value}, errors), errors


@given(fen=FEN)
def test_an_amount_at_the_fen_comes_back_exactly_however_it_is_written(fen: int) -> None:
    amount = Decimal(fen).scaleb(-2)
    for spelling in (amount, str(amount), f"{amount:,}", f" {amount} "):
        cleaned, errors = clean(spelling)
        assert not errors
        assert cleaned["revenue"] == amount


@given(fen=st.integers(min_value=1, max_value=10**16))
def test_a_negative_amount_is_always_refused_naming_the_field(fen: int) -> None:
    _, errors = clean(str(-Decimal(fen).scaleb(-2)))
    assert errors.codes == [EnterpriseError.NEGATIVE]
    assert "销售收入不能为负数" in errors.messages["revenue"]


@given(
    fen=st.integers(min_value=0, max_value=10**16 - 1), tenth=st.integers(min_value=1, max_value=9)
)
def test_an_amount_below_the_fen_is_refused_not_rounded(fen: int, tenth: int) -> None:
    _, errors = clean(f"{Decimal(fen).scaleb(-2)}{tenth}")
    assert errors.codes == [EnterpriseError.PRECISION]


@given(
    years=st.sets(st.integers(min_value=2000, max_value=2030), max_size=12),
    before=st.integers(min_value=2000, max_value=2031),
)
def test_the_precheck_years_are_the_latest_consecutive_run_before_the_reference_year(
    years: set[int], before: int
) -> None:
    rows = [SimpleNamespace(year=y) for y in years]
    chosen = [r.year for r in last_years(rows, before)]  # type: ignore[arg-type]
    earlier = [y for y in years if y < before]
    if not earlier:
        assert chosen == []
        return
    assert 1 <= len(chosen) <= 3
    assert chosen[-1] == max(earlier)
    assert chosen == list(range(chosen[0], chosen[0] + len(chosen)))
    if len(chosen) < 3:
        assert chosen[0] - 1 not in years  # stopped at a gap
