"""Loan interest subsidy (实施意见（十三）) from the loan book: the one-by-one path.

The applicant picks its loans; the periods are those of the loan book due within the program's
coverage, less the periods another live application already claims. Amounts already approved
for the enterprise count against the annual cap (approved = the city has approved the award:
pending notice, in notice, approved or paid).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from kejin.apps.orgs.models import Organisation
from kejin.apps.policies import loanbook
from kejin.apps.policies.codes import MeasureCode
from kejin.apps.policies.measures.base import Computed, Context, Errors, InputField, Measure, ids
from kejin.apps.policies.models import COMMITTED, InterestLine, Program
from kejin.platform.tenancy import Actor
from kejin.rules.money import ZERO
from kejin.rules.subsidies.interest import (
    CLAUSE,
    REASON_TEXT,
    apply_annual_cap,
    award_from_proposals,
    period_proposals,
)

NO_PERIODS = "所选贷款在本项目支持期间内没有已付利息的计息期（或均已在其他申报中申报）"


def approved_by_enterprise_year(
    applicant_ids: list[int] | None = None, *, exclude_application: int | None = None
) -> dict[tuple[str, int], Decimal]:
    """Interest subsidy already approved, by (enterprise USCC, year of the period end)."""
    qs = InterestLine.objects.filter(application__status__in=COMMITTED)
    if applicant_ids is not None:
        qs = qs.filter(application__applicant_id__in=applicant_ids)
    if exclude_application is not None:
        qs = qs.exclude(application_id=exclude_application)
    rows = qs.values("application__applicant__uscc", "year").annotate(total=Sum("amount"))
    return {
        (r["application__applicant__uscc"], int(r["year"])): r["total"] or ZERO
        for r in rows.order_by()
    }


class InterestSubsidy(Measure):
    code = MeasureCode.INTEREST_SUBSIDY
    title = "科技型中小企业贷款贴息"
    clause = CLAUSE
    param_prefixes = ("interest_subsidy.",)
    needs_coverage = True
    fields = (
        InputField(
            "loan_ids",
            "申请贴息的贷款",
            "loans",
            help="平台贷款台账中本企业的贷款；按支持期间内到期并已付息的各期计算",
        ),
    )

    def clean(
        self, raw: Mapping[str, Any], *, actor: Actor, applicant: Organisation, program: Program
    ) -> dict[str, Any]:
        errors = Errors()
        chosen = ids(raw, "loan_ids", "申请贴息的贷款", errors)
        if chosen:
            found = set(
                loanbook.loans_for(actor, borrower_ids=[applicant.pk], loan_ids=chosen).values_list(
                    "pk", flat=True
                )
            )
            missing = [str(i) for i in chosen if i not in found]
            if missing:
                errors.add("loan_ids", f"贷款 {'、'.join(missing)} 不存在或不是本企业的借款")
        errors.raise_if_any()
        return {"loan_ids": chosen}

    def compute(self, ctx: Context) -> Computed:
        program = ctx.program
        assert program.coverage_start is not None
        assert program.coverage_end is not None
        taken = _live_interest_claims(ctx.applicant.pk, ctx.application_id)
        loans_qs = loanbook.loans_for(
            ctx.actor, borrower_ids=[ctx.applicant.pk], loan_ids=ctx.inputs.get("loan_ids", [])
        )
        book_loans, periods = loanbook.book_rows(
            loans_qs, program.coverage_start, program.coverage_end, exclude_claims=taken
        )
        return compute_for_enterprise(ctx, book_loans, periods)


def _live_interest_claims(applicant_id: int, application_id: int | None) -> set[str]:
    from kejin.apps.policies.models import CLOSED, ClaimKey  # noqa: PLC0415

    qs = ClaimKey.objects.filter(
        key__startswith="interest:", application__applicant_id=applicant_id
    ).exclude(application__status__in=CLOSED)
    if application_id is not None:
        qs = qs.exclude(application_id=application_id)
    return set(qs.values_list("key", flat=True))


def compute_for_enterprise(
    ctx: Context, book_loans: list[loanbook.BookLoan], periods: list[loanbook.BookPeriod]
) -> Computed:
    """The rule for one enterprise's periods (the batch's drafts use it too, for the trace)."""
    uscc = ctx.applicant.uscc
    already = approved_by_enterprise_year(
        [ctx.applicant.pk], exclude_application=ctx.application_id
    )
    loans = loanbook.rule_inputs(book_loans, periods)
    proposals = [p for loan, recs in loans for p in period_proposals(loan, recs, ctx.params)]
    capped = apply_annual_cap(proposals, already, ctx.params)
    award = award_from_proposals(uscc, loans, capped, already, ctx.params)
    if not proposals:
        award = replace(award, reasons=(*award.reasons, NO_PERIODS))
    by_key = {loan.key: loan for loan in book_loans}
    paid = {(p.key, p.period_start): p.interest_paid for p in periods}
    lines = []
    years: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for p in capped:
        loan = by_key[p.loan_id]
        lines.append(
            {
                "loan_ref": loan.loan_pk,
                "drawdown_ref": loan.drawdown_pk,
                "loan_key": p.loan_id,
                "period_start": p.period_start,
                "period_end": p.period_end,
                "year": p.year,
                "interest_paid": paid[(p.loan_id, p.period_start)],
                "proposed": p.proposed,
                "amount": p.amount,
                "reason": "" if p.reason.value == "ok" else p.reason.value,
            }
        )
        years[p.year] += p.amount
    return Computed(
        award=award,
        claims=[p.claim for p in periods],
        year_amounts=dict(years),
        interest_lines=lines,
        event_date=award.reference_date if proposals else None,
    )


REASON_LABELS = {r.value: text for r, text in REASON_TEXT.items() if text}
