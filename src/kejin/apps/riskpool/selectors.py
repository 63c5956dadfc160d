"""Reads of the risk pool context, always scoped to the actor.

- the city office sees everything;
- a bank sees its own agreements, registrations, claims, recoveries and suspensions;
- an insurer sees the registrations it insures and the claims it shares;
- a district office sees its district's borrowers' registrations (read only);
- everyone, the public included, sees the pools' totals (:mod:`kejin.apps.riskpool.reports`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from kejin.apps.loans import selectors as loan_selectors
from kejin.apps.loans.models import LoanStatus
from kejin.apps.orgs.models import Organisation, OrgKind, OrgStatus
from kejin.apps.riskpool.accounts import BANK_PREFIX, TrialBalance, trial_balance
from kejin.apps.riskpool.balances import account_totals
from kejin.apps.riskpool.models import (
    Agreement,
    AgreementVersion,
    Claim,
    ClaimStatus,
    Journal,
    PoolStatus,
    Recovery,
    Registration,
    RegistrationStatus,
    RiskPool,
    Suspension,
)
from kejin.apps.riskpool.services.common import BANK_KINDS
from kejin.platform.tenancy import Actor, access
from kejin.rules.errors import NotFound, PermissionDenied


def pool_list_for(actor: Actor) -> QuerySet[RiskPool]:
    return RiskPool.objects.visible_to(actor).order_by("opened_on", "pk")


def public_pools() -> QuerySet[RiskPool]:
    """What anyone may know: the pools in operation (their totals come from reports)."""
    return RiskPool.objects.filter(status=PoolStatus.ACTIVE).order_by("opened_on", "pk")


def pool_get(actor: Actor, pool_id: int) -> RiskPool:
    return access(actor, RiskPool.objects.all(), pool_id, what="风险补偿资金池")


def public_pool_get(pool_id: int) -> RiskPool:
    pool = public_pools().filter(pk=pool_id).first()
    if pool is None:
        raise NotFound("风险补偿资金池")
    return pool


def default_pool_for(actor: Actor) -> RiskPool | None:
    return pool_list_for(actor).filter(status=PoolStatus.ACTIVE).first()


def agreements_of(actor: Actor, pool_id: int) -> QuerySet[Agreement]:
    return (
        Agreement.objects.visible_to(actor)
        .filter(pool_id=pool_id)
        .select_related("party", "pool")
        .prefetch_related("versions")
        .order_by("party_kind", "party__name", "pk")
    )


def versions_of(agreement: Agreement) -> list[AgreementVersion]:
    """An agreement's versions, newest first."""
    return list(agreement.versions.order_by("-effective_from"))


def agreement_get(actor: Actor, agreement_id: int) -> Agreement:
    return access(
        actor,
        Agreement.objects.select_related("party", "pool").prefetch_related("versions"),
        agreement_id,
        what="合作协议",
    )


@dataclass(frozen=True)
class RegistrationFilter:
    q: str = ""
    pool_id: int | None = None
    bank_id: int | None = None
    status: str = ""
    district_code: str = ""
    insured: str = ""  # "yes" / "no" / ""


def registration_list_for(
    actor: Actor, f: RegistrationFilter | None = None
) -> QuerySet[Registration]:
    f = f or RegistrationFilter()
    qs = Registration.objects.visible_to(actor).select_related(
        "loan", "bank", "borrower", "insurer", "pool"
    )
    if f.q:
        qs = qs.filter(
            Q(loan__external_id__icontains=f.q)
            | Q(borrower__name__icontains=f.q)
            | Q(borrower__uscc__icontains=f.q.upper())
        )
    if f.pool_id:
        qs = qs.filter(pool_id=f.pool_id)
    if f.bank_id:
        qs = qs.filter(bank_id=f.bank_id)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.district_code:
        qs = qs.filter(district_code=f.district_code)
    if f.insured == "yes":
        qs = qs.filter(insurer__isnull=False)
    elif f.insured == "no":
        qs = qs.filter(insurer__isnull=True)
    return qs.order_by("-registered_on", "-pk")


def registration_get(actor: Actor, registration_id: int) -> Registration:
    return access(
        actor,
        Registration.objects.select_related(
            "loan", "bank", "borrower", "insurer", "pool", "version", "agreement"
        ),
        registration_id,
        what="入池登记",
    )


OPEN = "open"  # a claim filter status: filed or proposed (awaiting the city)


@dataclass(frozen=True)
class ClaimFilter:
    q: str = ""
    pool_id: int | None = None
    bank_id: int | None = None
    status: str = ""
    insured: str = ""


def claim_list_for(actor: Actor, f: ClaimFilter | None = None) -> QuerySet[Claim]:
    f = f or ClaimFilter()
    qs = Claim.objects.visible_to(actor).select_related(
        "registration__loan", "bank", "insurer", "borrower", "pool"
    )
    if f.q:
        qs = qs.filter(
            Q(registration__loan__external_id__icontains=f.q) | Q(borrower__name__icontains=f.q)
        )
    if f.pool_id:
        qs = qs.filter(pool_id=f.pool_id)
    if f.bank_id:
        qs = qs.filter(bank_id=f.bank_id)
    if f.status == OPEN:
        qs = qs.filter(status__in=[ClaimStatus.FILED, ClaimStatus.PROPOSED])
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.insured == "yes":
        qs = qs.filter(insured=True)
    elif f.insured == "no":
        qs = qs.filter(insured=False)
    return qs.order_by("-filed_on", "-pk")


def claim_get(actor: Actor, claim_id: int) -> Claim:
    return access(
        actor,
        Claim.objects.select_related(
            "registration__loan",
            "bank",
            "insurer",
            "borrower",
            "pool",
            "version__agreement",
            "filed_by",
            "proposed_by",
            "decided_by",
            "payout",
        ),
        claim_id,
        what="代偿申请",
    )


def recoveries_of(claim: Claim) -> QuerySet[Recovery]:
    return claim.recoveries.select_related("journal").order_by("received_on", "pk")


def recovery_list_for(actor: Actor, pool_id: int | None = None) -> QuerySet[Recovery]:
    qs = Recovery.objects.visible_to(actor).select_related("claim__registration__loan", "bank")
    if pool_id:
        qs = qs.filter(pool_id=pool_id)
    return qs.order_by("-received_on", "-pk")


def require_city_reader(actor: Actor) -> None:
    if not actor.is_city:
        raise PermissionDenied("资金池账簿和试算平衡由市科技局查看")


@dataclass(frozen=True)
class JournalFilter:
    kind: str = ""
    date_from: date | None = None
    date_to: date | None = None


def journals_for(actor: Actor, pool_id: int, f: JournalFilter | None = None) -> QuerySet[Journal]:
    """The pool's ledger (the city's), newest first, with its lines."""
    require_city_reader(actor)
    f = f or JournalFilter()
    qs = (
        Journal.objects.visible_to(actor)
        .filter(pool_id=pool_id)
        .select_related("party", "created_by")
        .prefetch_related("lines")
    )
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.date_from:
        qs = qs.filter(date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(date__lte=f.date_to)
    return qs.order_by("-number")


def trial_balance_for(actor: Actor, pool_id: int) -> TrialBalance:
    require_city_reader(actor)
    pool_get(actor, pool_id)
    totals = account_totals(pool_id)
    bank_ids = [int(a.rsplit(":", 1)[1]) for a, _, _ in totals if a.startswith(BANK_PREFIX)]
    names = dict(Organisation.objects.filter(pk__in=bank_ids).values_list("pk", "name"))
    return trial_balance(totals, names)


def suspensions_for(
    actor: Actor, pool_id: int | None = None, *, active_only: bool = False
) -> QuerySet[Suspension]:
    qs = Suspension.objects.visible_to(actor).select_related("bank", "pool", "lifted_by")
    if pool_id:
        qs = qs.filter(pool_id=pool_id)
    if active_only:
        qs = qs.filter(lifted_on__isnull=True)
    return qs.order_by("-suspended_on", "-pk")


def suspension_get(actor: Actor, suspension_id: int) -> Suspension:
    return access(actor, Suspension.objects.select_related("bank", "pool"), suspension_id)


def cooperating_parties(pool_id: int, kind: str) -> QuerySet[Organisation]:
    """Banks or insurers with an agreement with the pool (names are public information)."""
    ids = Agreement.objects.filter(pool_id=pool_id, party_kind=kind).values("party_id")
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def agreement_candidates() -> QuerySet[Organisation]:
    """Active banks and insurers the city may sign an agreement with."""
    kinds = {*BANK_KINDS, OrgKind.INSURER}
    return Organisation.objects.filter(kind__in=kinds, status=OrgStatus.ACTIVE).order_by(
        "kind", "name"
    )


def insurers() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrgKind.INSURER, status=OrgStatus.ACTIVE).order_by(
        "name"
    )


def registrable_loans_for(actor: Actor, limit: int = 200) -> list[tuple[str, str]]:
    """The bank's live loans not yet in any pool: (contract number, description), for a datalist."""
    qs = (
        loan_selectors.loan_list_for(actor)
        .filter(lender_id=actor.org_id, status=LoanStatus.ACTIVE, pool_entry__isnull=True)
        .select_related("borrower")
        .order_by("-contract_date", "pk")[:limit]
    )
    return [(loan.external_id, f"{loan.borrower.name} {loan.amount} 元") for loan in qs]


def claimable_registrations_for(actor: Actor) -> QuerySet[Registration]:
    """The bank's registered loans without an open or paid claim."""
    return (
        Registration.objects.visible_to(actor)
        .filter(bank_id=actor.org_id, status=RegistrationStatus.ACTIVE)
        .select_related("loan", "borrower")
        .order_by("loan__external_id")
    )


def claims_of(registration: Registration) -> list[Claim]:
    return list(registration.claims.order_by("-filed_on", "-pk"))
