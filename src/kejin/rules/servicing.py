"""Servicing a loan: allocating a repayment, penalty interest, days past due (RULES §3, §4).

- A repayment pays penalty interest first, then interest, then principal (罚息 → 利息 → 本金).
  Paying more than is due is refused (``repayment.exceeds_due``) unless the payment is flagged as
  a prepayment, in which case the excess is returned as ``remainder`` for the prepayment step.
- Penalty interest on an overdue amount: ``amount × contract rate × (1 + markup) / 360 × days``
  (markup 50% by default: the penalty rate is the contract rate plus 50%), rounded half-up to the
  fen once.
- Days past due count from the earliest unpaid due date: on the due date itself the loan is not
  yet overdue (0 days); the next day it is 1 day past due.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kejin.rules.daycount import (
    DEFAULT_DAY_COUNT,
    DayCount,
    interest_for_days,
    require_date,
)
from kejin.rules.errors import DomainError
from kejin.rules.money import ZERO, Number, round_fen, to_decimal

#: Default penalty markup over the contract rate (罚息利率 = 合同利率 × (1 + 50%)).
DEFAULT_PENALTY_MARKUP = Decimal("0.5")

#: The order in which a repayment is applied.
ALLOCATION_ORDER = ("penalty", "interest", "principal")


@dataclass(frozen=True)
class Due:
    """What the borrower owes now, by component (yuan at the fen, none negative)."""

    penalty: Decimal = ZERO
    interest: Decimal = ZERO
    principal: Decimal = ZERO

    def __post_init__(self) -> None:
        for name in ALLOCATION_ORDER:
            value = _fen(getattr(self, name), name)
            if value < 0:
                raise DomainError(
                    code="repayment.negative_due",
                    message="应还金额不能为负数",
                    fields={name: f"应还金额不能为负数（收到 {value}）"},
                )
            object.__setattr__(self, name, value)

    @property
    def total(self) -> Decimal:
        """Everything due."""
        return self.penalty + self.interest + self.principal


@dataclass(frozen=True)
class Allocation:
    """How a payment was applied, and what is left over (only with a prepayment flag)."""

    penalty: Decimal
    interest: Decimal
    principal: Decimal
    remainder: Decimal

    @property
    def applied(self) -> Decimal:
        """The part of the payment applied to what was due."""
        return self.penalty + self.interest + self.principal


def _fen(value: Number, field: str) -> Decimal:
    amount = to_decimal(value, field=field)
    if amount != round_fen(amount):
        raise DomainError(
            code="repayment.amount_not_fen",
            message=f"金额 {amount} 须精确到分",
            fields={field: "金额须精确到分"},
        )
    return round_fen(amount)


def allocate(
    payment: Number,
    due: Due | Mapping[str, Number],
    *,
    prepayment: bool = False,
) -> Allocation:
    """Apply ``payment`` to ``due`` in the order penalty → interest → principal.

    Example: paying 1,000.00 against penalty 12.50, interest 300.00, principal 5,000.00 gives
    penalty 12.50, interest 300.00 and principal ``1000 − 12.50 − 300 = 687.50``.
    """
    owed = due if isinstance(due, Due) else Due(**{k: to_decimal(v) for k, v in due.items()})
    amount = _fen(payment, "payment")
    if amount <= 0:
        raise DomainError(
            code="repayment.not_positive",
            message="还款金额必须大于零",
            fields={"payment": "还款金额必须大于零"},
        )
    if amount > owed.total and not prepayment:
        raise DomainError(
            code="repayment.exceeds_due",
            message=f"还款 {amount} 元超过应还 {owed.total} 元；多出部分须作为提前还款申请",
            fields={"payment": f"最多应还 {owed.total} 元"},
        )
    left = amount
    parts: dict[str, Decimal] = {}
    for name in ALLOCATION_ORDER:
        take = min(left, getattr(owed, name))
        parts[name] = take
        left -= take
    return Allocation(
        penalty=parts["penalty"],
        interest=parts["interest"],
        principal=parts["principal"],
        remainder=left,
    )


def penalty_interest(
    overdue_amount: Number,
    contract_rate: Number,
    days_overdue: int,
    *,
    markup: Number = DEFAULT_PENALTY_MARKUP,
    convention: DayCount | str = DEFAULT_DAY_COUNT,
) -> Decimal:
    """Penalty interest, rounded half-up to the fen.

    ``overdue × rate% × (1 + markup) / 360 × days`` (the basis follows ``convention``).
    Example: 10,000.00 overdue 10 days at 4.35%, markup 50%:
    ``10000 × 0.0435 × 1.5 / 360 × 10 = 18.125`` → 18.13.
    """
    amount = to_decimal(overdue_amount, field="overdue_amount")
    rate = to_decimal(contract_rate, field="contract_rate")
    extra = to_decimal(markup, field="markup")
    if isinstance(days_overdue, bool) or not isinstance(days_overdue, int):
        raise TypeError("days_overdue must be an int")
    if amount < 0 or rate < 0 or extra < 0 or days_overdue < 0:
        raise DomainError(
            code="repayment.penalty_input_negative",
            message="罚息计算的金额、利率、上浮比例和天数都不能为负",
            fields={"overdue_amount": "输入不能为负"},
        )
    return round_fen(interest_for_days(amount, rate * (1 + extra), days_overdue, convention))


def days_past_due(as_of: date, earliest_unpaid_due: date | None) -> int:
    """Days past due on ``as_of``: ``as_of − earliest unpaid due date``, at least 0.

    ``None`` (nothing unpaid) is 0 days.
    """
    require_date(as_of, "as_of")
    if earliest_unpaid_due is None:
        return 0
    require_date(earliest_unpaid_due, "earliest_unpaid_due")
    return max(0, (as_of - earliest_unpaid_due).days)
