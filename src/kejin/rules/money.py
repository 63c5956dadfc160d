"""Money: ``Decimal`` yuan, rounded half-up to the fen once per rule step, split exactly.

- :func:`yuan` is the only door from input to money: it takes ``Decimal``, ``int`` or ``str`` and
  refuses ``float`` (a float has already lost the fen).
- :func:`round_fen` is the one rounding function (四舍五入 to 0.01).
- :func:`split` divides an amount among weights by the largest-remainder method, so the shares add
  to the amount exactly, to the fen.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from kejin.rules.errors import DomainError

FEN = Decimal("0.01")
ZERO = Decimal("0.00")

Number = Decimal | int | str


def to_decimal(value: Number, *, field: str = "amount") -> Decimal:
    """Convert to an exact ``Decimal``; a ``float`` or a non-number is refused."""
    if isinstance(value, bool | float):
        raise TypeError(f"{field}: float/bool reached money code ({value!r}); use Decimal or str")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip().replace(",", ""))
        except InvalidOperation:
            raise DomainError(
                code="money.not_a_number",
                message=f"“{value}”不是有效的数字",
                fields={field: "请输入数字，例如 12345.67"},
            ) from None
    else:
        raise TypeError(f"{field}: unsupported type {type(value).__name__} for money")
    if not result.is_finite():
        raise DomainError(
            code="money.not_finite", message="金额必须是有限数字", fields={field: "金额无效"}
        )
    return result


def round_fen(value: Decimal) -> Decimal:
    """Round half-up to the fen (0.01 yuan): the one rounding rule of the platform."""
    if isinstance(value, float):
        raise TypeError("float reached round_fen; use Decimal")
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def yuan(value: Number, *, field: str = "amount") -> Decimal:
    """Parse an amount of yuan and round it to the fen (half-up)."""
    return round_fen(to_decimal(value, field=field))


def require_positive(value: Decimal, *, field: str = "amount") -> Decimal:
    """Refuse zero and negative amounts with a field-named error."""
    if value <= 0:
        raise DomainError(
            code="money.not_positive",
            message="金额必须大于零",
            fields={field: f"金额必须大于零（收到 {value}）"},
        )
    return value


def require_non_negative(value: Decimal, *, field: str = "amount") -> Decimal:
    """Refuse negative amounts with a field-named error."""
    if value < 0:
        raise DomainError(
            code="money.negative",
            message="金额不能为负数",
            fields={field: f"金额不能为负数（收到 {value}）"},
        )
    return value


def split(amount: Decimal, weights: Sequence[Number]) -> list[Decimal]:
    """Split ``amount`` (already at the fen) among ``weights`` by the largest-remainder method.

    Each share is first cut down to the fen; the fens left over go one each to the shares with the
    largest remainders (ties to the earlier share). The shares add up to ``amount`` exactly.
    Negative amounts are split by symmetry (the shares of ``-amount``, negated).
    """
    amount = to_decimal(amount)
    if amount != round_fen(amount):
        raise ValueError(f"split expects an amount at the fen, got {amount}")
    ws = [to_decimal(w, field="weight") for w in weights]
    if not ws:
        raise ValueError("split needs at least one weight")
    if any(w < 0 for w in ws):
        raise ValueError("weights must not be negative")
    total_w = sum(ws, Decimal(0))
    if total_w == 0:
        raise ValueError("weights must not all be zero")
    if amount < 0:
        return [-s for s in split(-amount, ws)]
    fens = int(amount / FEN)
    exact = [Decimal(fens) * w / total_w for w in ws]
    floors = [int(e.to_integral_value(rounding=ROUND_DOWN)) for e in exact]
    left = fens - sum(floors)
    order = sorted(range(len(ws)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(f) * FEN for f in floors]


def fmt_yuan(value: Decimal) -> str:
    """Format for display: thousands separators and two decimals (``1,234,567.80``)."""
    return f"{round_fen(value):,.2f}"
