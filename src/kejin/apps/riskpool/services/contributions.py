"""Money into a pool: from the special fund (through its ledger) and from cooperating banks."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from kejin.apps.orgs.models import Organisation
from kejin.apps.riskpool.accounts import GOVERNMENT, POOL_CASH, bank_contributions, credit, debit
from kejin.apps.riskpool.errors import PoolError
from kejin.apps.riskpool.funding import transfer_from_special_fund
from kejin.apps.riskpool.models import Agreement, Journal, JournalKind, PartyKind
from kejin.apps.riskpool.services.common import (
    lock_pool,
    money,
    not_future,
    require_city,
    yuan_text,
)
from kejin.apps.riskpool.services.ledger import journal_post
from kejin.platform.tenancy import Actor
from kejin.rules.errors import DomainError
from kejin.rules.money import Number

GOVERNMENT_SOURCE = "government"
BANK_SOURCE = "bank"


def contribution_record(
    *,
    actor: Actor,
    pool_id: int,
    source: str,
    amount: Number,
    received_on: date | None = None,
    reference: str,
    bank_id: int | None = None,
    fund_line_id: int | None = None,
) -> Journal:
    """Record money paid into the pool: Dr ``pool_cash`` / Cr ``contributions:government`` or
    ``contributions:bank:<id>``.

    A government contribution with ``fund_line_id`` is taken out of that risk compensation budget
    line of the special fund in the same transaction (``fund_transfer_out``); without it, it is a
    direct contribution (e.g. a budget allocation outside the platform's special fund).
    """
    require_city(actor)
    value = money(amount, field="amount")
    day = not_future(received_on, field="received_on")
    ref = (reference or "").strip()
    if not ref:
        raise DomainError(
            code=PoolError.AMOUNT_INVALID,
            message="请填写注资凭证（文件或银行流水号）",
            fields={"reference": "请填写注资凭证"},
        )
    if source not in (GOVERNMENT_SOURCE, BANK_SOURCE):
        raise DomainError(
            code=PoolError.SOURCE_INVALID,
            message="资金来源须为财政专项资金或合作银行",
            fields={"source": "请选择资金来源"},
        )
    with transaction.atomic():
        pool = lock_pool(pool_id)
        if source == BANK_SOURCE:
            agreement = Agreement.objects.filter(
                pool=pool, party_id=bank_id, party_kind=PartyKind.BANK
            ).first()
            if agreement is None:
                raise DomainError(
                    code=PoolError.NO_AGREEMENT,
                    message="只有与资金池签订合作协议的银行可以注资",
                    fields={"bank_id": "请选择合作银行"},
                )
            bank = Organisation.objects.get(pk=agreement.party_id)
            return journal_post(
                actor=actor,
                pool=pool,
                on=day,
                kind=JournalKind.CONTRIBUTION_BANK,
                memo=f"{bank.name}注资 {yuan_text(value)}",
                reference=ref,
                party_id=bank.pk,
                postings=[
                    debit(POOL_CASH, value, bank.pk),
                    credit(bank_contributions(bank.pk), value, bank.pk),
                ],
            )
        memo = f"财政注资 {yuan_text(value)}"
        if fund_line_id is not None:
            fund_ref = transfer_from_special_fund(
                actor=actor,
                line_id=fund_line_id,
                amount=value,
                reference=f"风险补偿资金池注资：{pool.name}（{ref}）",
                counterparty=pool.name,
                on=day,
            )
            memo = f"专项资金风险补偿科目划入 {yuan_text(value)}"
            ref = f"{ref} {fund_ref}"
        return journal_post(
            actor=actor,
            pool=pool,
            on=day,
            kind=JournalKind.CONTRIBUTION_GOVERNMENT,
            memo=memo,
            reference=ref,
            postings=[debit(POOL_CASH, value), credit(GOVERNMENT, value)],
        )
