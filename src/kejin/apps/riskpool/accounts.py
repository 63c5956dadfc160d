"""The pool's chart of accounts and the double-entry check (plain Python, no database).

Every movement of a pool is a journal whose lines debit and credit these accounts; the debits of a
journal equal its credits. Balances are never stored: they are sums of lines.

- ``pool_cash`` (asset, debit): the pool's money in its account;
- ``contributions:government`` (capital, credit): paid in from the special fund;
- ``contributions:bank:<id>`` (capital, credit): paid in by a cooperating bank;
- ``compensation_paid`` (expense, debit): the pool's shares of losses paid to banks;
- ``recoveries`` (income, credit): the pool's part of money recovered later.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from kejin.rules.errors import DomainError
from kejin.rules.money import ZERO, fmt_yuan, round_fen

POOL_CASH = "pool_cash"
GOVERNMENT = "contributions:government"
BANK_PREFIX = "contributions:bank:"
COMPENSATION_PAID = "compensation_paid"
RECOVERIES = "recoveries"

ASSET, CAPITAL, EXPENSE, INCOME = "asset", "capital", "expense", "income"
DEBIT_NORMAL = frozenset({ASSET, EXPENSE})
KIND_LABELS = {ASSET: "资产", CAPITAL: "资金来源", EXPENSE: "支出", INCOME: "收入"}
FIXED = {
    POOL_CASH: (ASSET, "资金池存款"),
    GOVERNMENT: (CAPITAL, "财政专项资金注资"),
    COMPENSATION_PAID: (EXPENSE, "已付代偿（资金池分担部分）"),
    RECOVERIES: (INCOME, "追偿返还（资金池部分）"),
}


def bank_contributions(bank_id: int) -> str:
    """The capital account of one cooperating bank's contributions."""
    return f"{BANK_PREFIX}{bank_id}"


def account_kind(code: str) -> str:
    if code in FIXED:
        return FIXED[code][0]
    if code.startswith(BANK_PREFIX) and code[len(BANK_PREFIX) :].isdigit():
        return CAPITAL
    raise ValueError(f"unknown account {code!r}")


def account_label(code: str, names: Mapping[int, str] | None = None) -> str:
    """Chinese label; a bank's account shows the bank's name when ``names`` knows it."""
    if code in FIXED:
        return FIXED[code][1]
    bank_id = int(code[len(BANK_PREFIX) :])
    return f"合作银行注资：{(names or {}).get(bank_id, f'银行 #{bank_id}')}"


def is_debit_normal(code: str) -> bool:
    return account_kind(code) in DEBIT_NORMAL


@dataclass(frozen=True)
class Posting:
    """One line of a journal: a positive amount on exactly one side."""

    account: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    party_id: int | None = None


def debit(account: str, amount: Decimal, party_id: int | None = None) -> Posting:
    return Posting(account, debit=amount, party_id=party_id)


def credit(account: str, amount: Decimal, party_id: int | None = None) -> Posting:
    return Posting(account, credit=amount, party_id=party_id)


def check_postings(postings: Iterable[Posting]) -> list[Posting]:
    """Refuse an empty journal, a line with no or two sides, amounts off the fen, an unknown
    account, and debits that do not equal credits."""
    lines = list(postings)
    if not lines:
        raise DomainError(code="ledger.empty", message="凭证没有分录", status=422)
    for p in lines:
        account_kind(p.account)
        for amount in (p.debit, p.credit):
            if amount < 0 or amount != round_fen(amount):
                raise DomainError(
                    code="ledger.line_invalid",
                    message=f"分录金额须为非负数且精确到分（{p.account}：{amount}）",
                )
        if (p.debit > 0) == (p.credit > 0):
            raise DomainError(
                code="ledger.line_invalid",
                message=f"每条分录须且只能在借方或贷方之一记正数金额（{p.account}）",
            )
    debits = sum((p.debit for p in lines), ZERO)
    credits = sum((p.credit for p in lines), ZERO)
    if debits != credits:
        raise DomainError(
            code="ledger.unbalanced",
            message=f"借贷不平衡：借方 {fmt_yuan(debits)}，贷方 {fmt_yuan(credits)}",
        )
    return lines


@dataclass(frozen=True)
class TrialBalanceRow:
    account: str
    label: str
    kind: str
    debit_total: Decimal
    credit_total: Decimal

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def debit_balance(self) -> Decimal:
        net = self.debit_total - self.credit_total
        return net if net > 0 else ZERO

    @property
    def credit_balance(self) -> Decimal:
        net = self.credit_total - self.debit_total
        return net if net > 0 else ZERO


@dataclass(frozen=True)
class TrialBalance:
    rows: list[TrialBalanceRow]

    @property
    def debit_total(self) -> Decimal:
        return sum((r.debit_total for r in self.rows), ZERO)

    @property
    def credit_total(self) -> Decimal:
        return sum((r.credit_total for r in self.rows), ZERO)

    @property
    def debit_balances(self) -> Decimal:
        return sum((r.debit_balance for r in self.rows), ZERO)

    @property
    def credit_balances(self) -> Decimal:
        return sum((r.credit_balance for r in self.rows), ZERO)

    @property
    def balanced(self) -> bool:
        return self.debit_total == self.credit_total and self.debit_balances == self.credit_balances


ORDER = {POOL_CASH: 0, GOVERNMENT: 1, COMPENSATION_PAID: 3, RECOVERIES: 4}


def trial_balance(
    totals: Iterable[tuple[str, Decimal, Decimal]], names: Mapping[int, str] | None = None
) -> TrialBalance:
    """Build the trial balance from (account, debit total, credit total) sums."""
    rows = [
        TrialBalanceRow(code, account_label(code, names), account_kind(code), d, c)
        for code, d, c in totals
    ]
    rows.sort(key=lambda r: (ORDER.get(r.account, 2), r.account))
    return TrialBalance(rows)
