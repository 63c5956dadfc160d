"""The risk pool's test world, shared by tests/apps/riskpool and the browser journey: a pool
funded with 10,000,000.00, agreements in force from 2024-01-01 with both banks of the cast and an
insurer (RULES §8 defaults: 10×, 40/40/20 insured, 50/50 uninsured, cap 3,000,000.00, NPL
threshold 5%), and borrowers that hold an HNTE certificate.

Loans are reported through the loans context's services: by default contract 2024-01-15, interest
only (monthly interest from 2024-02-15, principal at maturity), drawn in full, never repaid. On the
contract date they are not overdue (registrations are dated then); on 2024-06-01 they are 107
days past due (first unpaid due date 2024-02-15), so they passed 90 days on 2024-05-16.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from kejin.apps.enterprises.models import HnteCertificate
from kejin.apps.loans.models import Loan
from kejin.apps.loans.services import reporting
from kejin.apps.orgs.models import Organisation, OrgKind, Role, User
from kejin.apps.riskpool.models import Agreement, RiskPool
from kejin.apps.riskpool.services import contributions, pools
from kejin.platform.tenancy import Actor
from tests.conftest import Cast, make_org, make_user

D = Decimal
CONTRACT = date(2024, 1, 15)
FILED = date(2024, 6, 1)
DEFAULT_DATE = date(2024, 5, 16)
EFFECTIVE = date(2024, 1, 1)
POOL_NAME = "长春市科技型中小企业贷款风险补偿资金池"


@dataclass
class World:
    cast: Cast
    pool: RiskPool
    insurer: Organisation
    insurer_admin: User
    city_reviewer: User
    bank_agreement: Agreement
    other_bank_agreement: Agreement
    insurer_agreement: Agreement

    def actor(self, user: User) -> Actor:
        return self.cast.actor(user)

    def loan(
        self,
        ext: str,
        amount: str,
        *,
        borrower: Organisation | None = None,
        bank_user: User | None = None,
        product: str = "credit",
        contract: date = CONTRACT,
        method: str = "interest_only",
    ) -> Loan:
        """Report and draw a loan through the loans context's services."""
        user = bank_user or self.cast.bank_officer
        actor = self.actor(user)
        maturity = date(contract.year + 1, contract.month, contract.day)
        reporting.loans_report(
            actor=actor,
            items=[
                reporting.LoanInput(
                    external_id=ext,
                    borrower_uscc=(borrower or self.cast.enterprise).uscc,
                    product_kind=product,
                    amount=D(amount),
                    contract_date=contract,
                    maturity_date=maturity,
                    contract_rate=D("4.35"),
                    repayment_method=method,
                    payment_day=contract.day,
                )
            ],
        )
        reporting.drawdowns_report(
            actor=actor,
            items=[
                reporting.DrawdownInput(
                    loan_external_id=ext, external_id=f"{ext}-1", date=contract, amount=D(amount)
                )
            ],
        )
        return Loan.objects.get(lender=user.organisation, external_id=ext)

    def api(self, user: User | None) -> Any:
        return Api(self.cast.client(user))


class Api:
    """JSON calls to /api/v1/riskpool/ with a logged-in test client."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1/riskpool/{path}", params)

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(
            f"/api/v1/riskpool/{path}",
            json.dumps(body or {}, default=str),
            content_type="application/json",
        )


def hnte(org: Organisation, number: str) -> None:
    HnteCertificate.objects.create(
        enterprise=org,
        number=number,
        issue_date=date(2023, 1, 1),
        expiry_date=date(2026, 12, 31),
    )


def build_world(cast: Cast) -> World:
    insurer = make_org(OrgKind.INSURER, "中国人民财产保险股份有限公司长春市分公司", "220102")
    insurer_admin = make_user(insurer, "insurer_admin", Role.ADMIN)
    city_reviewer = make_user(cast.city, "city_reviewer", Role.REVIEWER)
    city = cast.actor(cast.city_admin)
    pool = pools.pool_create(
        actor=city, name="长春市科技型中小企业贷款风险补偿资金池", opened_on=EFFECTIVE
    )
    terms = pools.VersionInput(effective_from=EFFECTIVE, source="合作协议第三条")
    bank_agreement = pools.agreement_create(
        actor=city,
        pool_id=pool.pk,
        party_id=cast.bank.pk,
        reference="FX-2024-01",
        signed_on=EFFECTIVE,
        version=terms,
    )
    other = pools.agreement_create(
        actor=city,
        pool_id=pool.pk,
        party_id=cast.other_bank.pk,
        reference="FX-2024-02",
        signed_on=EFFECTIVE,
        version=terms,
    )
    insurer_agreement = pools.agreement_create(
        actor=city,
        pool_id=pool.pk,
        party_id=insurer.pk,
        reference="BX-2024-01",
        signed_on=EFFECTIVE,
        version=pools.VersionInput(effective_from=EFFECTIVE),
    )
    contributions.contribution_record(
        actor=city,
        pool_id=pool.pk,
        source="government",
        amount="10000000.00",
        received_on=date(2024, 1, 2),
        reference="长财教〔2024〕1号",
    )
    for i, org in enumerate((cast.enterprise, cast.stranger, cast.far_enterprise)):
        hnte(org, f"GR20232200{i:04d}")
    return World(
        cast=cast,
        pool=pool,
        insurer=insurer,
        insurer_admin=insurer_admin,
        city_reviewer=city_reviewer,
        bank_agreement=bank_agreement,
        other_bank_agreement=other,
        insurer_agreement=insurer_agreement,
    )
