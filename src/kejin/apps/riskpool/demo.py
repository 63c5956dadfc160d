"""Demo data of the risk pool: one pool (长春市科技型中小企业贷款风险补偿资金池) with
50,000,000.00 from the special fund's risk compensation line (or, without one, a direct government
contribution), agreements with the two demo banks and an insurer, the demo loans of those banks
registered on their contract dates when eligible, one claim paid and one recovery.

Everything goes through the services (the same checks as for a person); loans refused by the
rules (ineligible borrower, leverage, suspension) are simply not registered.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from kejin.apps.loans import selectors as loan_selectors
from kejin.apps.loans.services import reporting
from kejin.apps.orgs.models import Organisation, OrgKind, OrgStatus, User
from kejin.apps.riskpool import eligibility, funding
from kejin.apps.riskpool.models import Registration, RiskPool
from kejin.apps.riskpool.services import claims, contributions, pools, recoveries, registrations
from kejin.apps.riskpool.services.common import today
from kejin.platform.tenancy import Actor
from kejin.rules.errors import DomainError

POOL_NAME = "长春市科技型中小企业贷款风险补偿资金池"
OPENED = date(2023, 9, 1)
CAPITAL = Decimal("50000000.00")


def _actor(org: Organisation, *roles: str) -> Actor:
    people = User.objects.filter(organisation=org, is_active=True).order_by("pk")
    user = next((u for u in people if set(roles) & set(u.roles)), None)
    if user is None:
        raise RuntimeError(f"demo: {org.name} has no person with a role in {roles}")
    return Actor.for_user(user)


def _fund(city: Actor, pool: RiskPool, rng: random.Random) -> None:
    on = today()
    for line in sorted(funding.risk_compensation_lines(city), key=lambda x: -x.id):
        year = int(line.label[:4])
        day = min(date(year, 1, 20), on)
        if line.available >= CAPITAL and day.year == year:
            contributions.contribution_record(
                actor=city,
                pool_id=pool.pk,
                source="government",
                amount=CAPITAL,
                received_on=day,
                reference=f"长财教〔{year}〕{rng.randint(10, 99)}号",
                fund_line_id=line.id,
            )
            return
    contributions.contribution_record(
        actor=city,
        pool_id=pool.pk,
        source="government",
        amount=CAPITAL,
        received_on=OPENED,
        reference="长财教〔2023〕58号（财政直接注资）",
    )


def _default_loan(pool: RiskPool, bank: Organisation, rng: random.Random) -> int | None:
    """A loan of ``bank`` that stopped paying, to an eligible borrower (created when the demo
    loan book has none): contract 200 days ago, interest only, never repaid."""
    contract = today() - timedelta(days=200)
    enterprises = list(
        Organisation.objects.filter(kind=OrgKind.ENTERPRISE, status=OrgStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)[:400]
    )
    held = eligibility.borrower_statuses(enterprises, contract)
    borrower_id = next((i for i in enterprises if held[i]), None)
    if borrower_id is None:
        return None
    borrower = Organisation.objects.get(pk=borrower_id)
    actor = _actor(bank, "officer", "admin")
    ext = f"RP-DEMO-{rng.randint(1000, 9999)}"
    maturity = contract + timedelta(days=365)
    reporting.loans_report(
        actor=actor,
        items=[
            reporting.LoanInput(
                external_id=ext,
                borrower_uscc=borrower.uscc,
                product_kind="credit",
                amount=Decimal("3000000.00"),
                contract_date=contract,
                maturity_date=maturity,
                contract_rate=Decimal("4.35"),
                repayment_method="interest_only",
                payment_day=min(contract.day, 28),
                purpose="研发投入",
            )
        ],
    )
    reporting.drawdowns_report(
        actor=actor,
        items=[
            reporting.DrawdownInput(
                loan_external_id=ext,
                external_id=f"{ext}-1",
                date=contract,
                amount=Decimal("3000000.00"),
            )
        ],
    )
    loan = loan_selectors.loan_list_for(actor).get(lender=bank, external_id=ext)
    try:
        with transaction.atomic():
            registrations.registration_create(
                actor=actor,
                pool_id=pool.pk,
                data=registrations.RegistrationInput(loan_id=loan.pk, registered_on=contract),
            )
    except DomainError:
        return None  # e.g. the bank is suspended: try another
    return loan.pk


def load_demo(*, seed: int = 20261125) -> None:
    if RiskPool.objects.exists():
        raise RuntimeError("the risk pool already has data; the demo loads once")
    rng = random.Random(seed + 14)
    city_org = Organisation.objects.filter(kind=OrgKind.CITY_OFFICE).order_by("pk").first()
    if city_org is None:
        raise RuntimeError("load the demo city first")
    city = _actor(city_org, "admin")
    reviewer_people = User.objects.filter(organisation=city_org).exclude(pk=city.user.pk)
    second = next((u for u in reviewer_people if {"reviewer", "manager"} & set(u.roles)), None)
    banks = list(Organisation.objects.filter(kind=OrgKind.BANK, status=OrgStatus.ACTIVE)[:2])
    insurer = Organisation.objects.filter(kind=OrgKind.INSURER, status=OrgStatus.ACTIVE).first()
    with transaction.atomic():
        pool = pools.pool_create(
            actor=city,
            name=POOL_NAME,
            opened_on=OPENED,
            description="依据实施意见（十四）（二十）设立，由财政、合作银行、保险公司共同分担科技贷款损失。",
        )
        for n, bank in enumerate(banks, start=1):
            pools.agreement_create(
                actor=city,
                pool_id=pool.pk,
                party_id=bank.pk,
                reference=f"CCFX-2023-{n:02d}",
                signed_on=OPENED,
                version=pools.VersionInput(
                    effective_from=OPENED, source="风险补偿合作协议（2023版）"
                ),
            )
        if insurer is not None:
            pools.agreement_create(
                actor=city,
                pool_id=pool.pk,
                party_id=insurer.pk,
                reference="CCBX-2023-01",
                signed_on=OPENED,
                version=pools.VersionInput(effective_from=OPENED),
            )
        _fund(city, pool, rng)
        _register_book(pool, banks, insurer, rng)
        _claim_and_recover(pool, banks, city, second, rng)


def _register_book(
    pool: RiskPool, banks: list[Organisation], insurer: Organisation | None, rng: random.Random
) -> None:
    for bank in banks:
        actor = _actor(bank, "officer", "admin")
        loans = (
            loan_selectors.loan_list_for(actor)
            .filter(lender=bank, status="active", contract_date__gte=OPENED)
            .order_by("contract_date", "pk")
        )
        for loan in loans[:80]:
            insured = insurer is not None and (
                loan.product_kind == "insurance_backed" or rng.random() < 0.3
            )
            data = registrations.RegistrationInput(
                loan_id=loan.pk,
                registered_on=loan.contract_date,
                insurer_id=insurer.pk if insured and insurer else None,
                policy_number=f"PICC{rng.randint(10**9, 10**10 - 1)}" if insured else "",
            )
            try:
                with transaction.atomic():
                    registrations.registration_create(actor=actor, pool_id=pool.pk, data=data)
            except DomainError:
                continue


def _claim_and_recover(
    pool: RiskPool,
    banks: list[Organisation],
    city: Actor,
    second: User | None,
    rng: random.Random,
) -> None:
    on = today()
    regs = Registration.objects.filter(pool=pool, status="active").select_related("loan")
    target = next(
        (r for r in regs if loan_selectors.position_of(r.loan, on).days_past_due > 90), None
    )
    for bank in banks if target is None else []:
        loan_id = _default_loan(pool, bank, rng)
        if loan_id is not None:
            target = Registration.objects.get(loan_id=loan_id)
            break
    if target is None or second is None:
        return
    bank_actor = _actor(target.bank, "officer", "admin")
    claim = claims.claim_file(
        actor=bank_actor,
        data=claims.ClaimInput(
            loan_id=target.loan_id,
            filed_on=on,
            collateral_realised="0",
            reason="借款企业经营困难，逾期超过90天，已启动追偿程序",
        ),
    )
    claims.claim_propose(actor=city, claim_id=claim.pk, note="材料齐全，损失核定无误")
    claims.claim_approve(actor=Actor.for_user(second), claim_id=claim.pk, note="同意代偿")
    recovered = (claim.loss * Decimal("0.3")).quantize(Decimal("0.01"))
    recoveries.recovery_record(
        actor=bank_actor,
        registration_id=target.pk,
        amount=recovered,
        received_on=on,
        reference="法院执行回款",
    )
