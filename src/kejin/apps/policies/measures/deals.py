"""M&A intermediary fees (实施意见（十五）) and the bond interest subsidy (十七)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from kejin.apps.orgs.models import Organisation
from kejin.apps.policies.codes import MeasureCode
from kejin.apps.policies.measures.base import (
    Computed,
    Context,
    Errors,
    InputField,
    Measure,
    a_date,
    in_coverage,
    lines,
    money,
    norm,
    text,
)
from kejin.apps.policies.models import COMMITTED, Application, Program
from kejin.platform.tenancy import Actor
from kejin.rules.money import ZERO
from kejin.rules.subsidies import bond, mna

BOND_KIND_LABELS = {
    bond.BondKind.PRIVATE_PLACEMENT: "中小企业私募债",
    bond.BondKind.COLLECTIVE_NOTES: "区域集优集合票据",
    bond.BondKind.COMMERCIAL_PAPER: "短期融资券",
    bond.BondKind.MEDIUM_TERM_NOTE: "中期票据",
    bond.BondKind.CONVERTIBLE: "可转换债券",
    bond.BondKind.CORPORATE: "公司债券",
}


class MnaFees(Measure):
    code = MeasureCode.MNA_FEES
    title = mna.TITLE
    clause = mna.CLAUSE
    param_prefixes = ("mna.",)
    fields = (
        InputField("deal_id", "并购项目名称或编号", "text"),
        InputField("completed_on", "并购完成日期", "date"),
        InputField(
            "fees",
            "中介服务费",
            "lines",
            help="每行一项：类别,收款机构,金额（元），如：财务顾问,东北证券,600000.00",
            columns=("类别", "收款机构", "金额"),
        ),
    )

    def clean(
        self, raw: Mapping[str, Any], *, actor: Actor, applicant: Organisation, program: Program
    ) -> dict[str, Any]:
        errors = Errors()
        deal = text(raw, "deal_id", "并购项目名称或编号", errors)
        on = a_date(raw, "completed_on", "并购完成日期", errors)
        in_coverage(program, on, "completed_on", "并购完成日期", errors)
        fees = []
        for i, (kind, payee, amount) in enumerate(lines(raw, "fees", "中介服务费", 3, errors), 1):
            value = money(amount, "fees", f"中介服务费第 {i} 行的金额", errors)
            if not kind or not payee:
                errors.add("fees", f"中介服务费第 {i} 行须填写类别和收款机构")
            fees.append({"kind": kind, "payee": payee, "amount": str(value)})
        errors.raise_if_any()
        assert on is not None
        return {"deal_id": deal, "completed_on": on.isoformat(), "fees": fees}

    def compute(self, ctx: Context) -> Computed:
        deal = ctx.inputs["deal_id"]
        on = date.fromisoformat(ctx.inputs["completed_on"])
        earlier = (
            Application.objects.filter(
                program__measure=self.code,
                applicant=ctx.applicant,
                status__in=COMMITTED,
            )
            .exclude(pk=ctx.application_id)
            .only("inputs", "amount", "proposed_amount")
        )
        already = sum(
            (a.award_amount for a in earlier if norm(a.inputs.get("deal_id", "")) == norm(deal)),
            ZERO,
        )
        fees = [
            mna.IntermediaryFee(f["kind"], f["payee"], Decimal(f["amount"]))
            for f in ctx.inputs["fees"]
        ]
        award = mna.mna_fee_award(
            ctx.applicant.uscc, deal, on, fees, ctx.params, already_awarded_for_deal=already
        )
        return Computed(award=award, claims=[], event_date=on)


class BondInterest(Measure):
    code = MeasureCode.BOND_INTEREST
    title = bond.TITLE
    clause = bond.CLAUSE
    param_prefixes = ("bond.",)
    fields = (
        InputField(
            "coupons",
            "已付票息",
            "lines",
            help=(
                "每行一项：债券代码,品种,付息日,票息金额（元）；品种为中小企业私募债、"
                "区域集优集合票据、短期融资券、中期票据、可转换债券或公司债券"
            ),
            columns=("债券代码", "品种", "付息日", "票息金额"),
        ),
    )

    def clean(
        self, raw: Mapping[str, Any], *, actor: Actor, applicant: Organisation, program: Program
    ) -> dict[str, Any]:
        errors = Errors()
        by_label = {label: k.value for k, label in BOND_KIND_LABELS.items()}
        coupons = []
        for i, (code, kind, paid_on, amount) in enumerate(
            lines(raw, "coupons", "已付票息", 4, errors), 1
        ):
            kind_code = by_label.get(kind, kind)
            if kind_code not in {k.value for k in bond.BondKind}:
                errors.add("coupons", f"已付票息第 {i} 行的品种“{kind_code}”无效")
            day = a_date({"d": paid_on}, "d", f"已付票息第 {i} 行的付息日", errors)
            if "d" in errors.fields:
                errors.add("coupons", errors.fields.pop("d"))
            in_coverage(program, day, "coupons", f"已付票息第 {i} 行的付息日", errors)
            value = money(amount, "coupons", f"已付票息第 {i} 行的票息金额", errors)
            if not code:
                errors.add("coupons", f"已付票息第 {i} 行须填写债券代码")
            coupons.append(
                {
                    "bond_id": code,
                    "kind": kind_code,
                    "paid_on": day.isoformat() if day else "",
                    "coupon_paid": str(value),
                }
            )
        errors.raise_if_any()
        return {"coupons": coupons}

    def compute(self, ctx: Context) -> Computed:
        coupons = [
            bond.CouponPayment(
                c["bond_id"],
                bond.BondKind(c["kind"]),
                date.fromisoformat(c["paid_on"]),
                Decimal(c["coupon_paid"]),
            )
            for c in ctx.inputs["coupons"]
        ]
        earlier = (
            Application.objects.filter(
                program__measure=self.code, applicant=ctx.applicant, status__in=COMMITTED
            )
            .exclude(pk=ctx.application_id)
            .only("year_amounts")
        )
        already: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for a in earlier:
            for year, amount in (a.year_amounts or {}).items():
                already[int(year)] += Decimal(amount)
        award = bond.bond_interest_award(ctx.applicant.uscc, coupons, ctx.params, dict(already))
        years: dict[int, Decimal] = {}
        for year in sorted({c.paid_on.year for c in coupons}):
            part = [c for c in coupons if c.paid_on.year == year]
            years[year] = bond.bond_interest_award(
                ctx.applicant.uscc, part, ctx.params, dict(already)
            ).amount
        claims = [
            f"bond:{ctx.applicant.pk}:{norm(c.bond_id)}:{c.paid_on.isoformat()}" for c in coupons
        ]
        return Computed(
            award=award,
            claims=claims,
            year_amounts=years,
            event_date=max((c.paid_on for c in coupons), default=None),
        )
