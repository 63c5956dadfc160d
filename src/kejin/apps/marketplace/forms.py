"""Forms of the marketplace pages: labels in Chinese; the rules are the services'."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kejin.apps.marketplace.facts import INDUSTRY_LABELS
from kejin.apps.marketplace.models import Audience, Guarantee, ProductKind
from kejin.apps.marketplace.services.granting import REPAYMENT_METHODS
from kejin.apps.marketplace.services.products import city_districts
from kejin.rules.scoring import GRADES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CHECKS = forms.CheckboxSelectMultiple


def money(label: str, *, required: bool = True, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, max_digits=18, decimal_places=2, help_text=help_text
    )


def rate(label: str, *, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, max_digits=6, decimal_places=2, help_text=_("年化，%")
    )


def months(label: str, *, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=required, min_value=0)


class ProductForm(forms.Form):
    name = forms.CharField(label=_("产品名称"), max_length=120)
    kind = forms.ChoiceField(label=_("产品类型"), choices=ProductKind.choices)
    summary = forms.CharField(label=_("产品介绍"), widget=forms.Textarea, required=False)
    amount_min = money(_("最低额度（元）"))
    amount_max = money(_("最高额度（元）"))
    term_min = months(_("最短期限（月）"))
    term_max = months(_("最长期限（月）"))
    rate_min = rate(_("最低年利率（%）"))
    rate_max = rate(_("最高年利率（%）"))
    guarantee = forms.ChoiceField(label=_("担保方式"), choices=Guarantee.choices)
    requires_tech_sme = forms.BooleanField(label=_("仅限科技型中小企业"), required=False)
    requires_hnte = forms.BooleanField(label=_("仅限高新技术企业"), required=False)
    min_years = forms.IntegerField(label=_("最低成立年限（年）"), required=False, min_value=0)
    revenue_min = money(_("营业收入下限（元）"), required=False)
    revenue_max = money(_("营业收入上限（元）"), required=False)
    min_grade = forms.ChoiceField(
        label=_("最低信用等级"),
        choices=[("", _("不限"))] + [(g, g) for g in GRADES],
        required=False,
    )
    districts = forms.MultipleChoiceField(
        label=_("服务区县（不选为全市）"), choices=(), required=False, widget=CHECKS
    )
    industries = forms.MultipleChoiceField(
        label=_("面向行业（不选为不限）"),
        choices=sorted(INDUSTRY_LABELS.items()),
        required=False,
        widget=CHECKS,
    )
    documents = forms.CharField(
        label=_("所需材料"),
        widget=forms.Textarea,
        required=False,
        help_text=_("每行一项"),
    )
    response_days = forms.IntegerField(
        label=_("承诺答复时间（工作日）"), min_value=1, max_value=60, initial=5
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["districts"].choices = sorted(
            (code, f"{name} {code}") for code, name in city_districts().items()
        )


class DemandForm(forms.Form):
    title = forms.CharField(label=_("需求标题"), max_length=120)
    purpose = forms.CharField(label=_("资金用途"), widget=forms.Textarea)
    amount = money(_("融资金额（元）"))
    term_months = months(_("期限（月）"))
    max_rate = rate(_("可接受的最高年利率（%）"))
    needed_by = forms.DateField(label=_("资金需求日期"), widget=DATE)
    guarantees = forms.MultipleChoiceField(
        label=_("可接受的担保方式（信用方式总是可以）"),
        choices=[c for c in Guarantee.choices if c[0] != Guarantee.NONE],
        required=False,
        widget=CHECKS,
    )
    kinds = forms.MultipleChoiceField(
        label=_("融资方式（不选为不限）"),
        choices=ProductKind.choices,
        required=False,
        widget=CHECKS,
    )
    audience = forms.ChoiceField(
        label=_("发布范围"),
        choices=Audience.choices,
        widget=forms.RadioSelect,
        initial=Audience.OPEN,
    )
    targets = forms.MultipleChoiceField(
        label=_("定向发送给（发布范围为定向时选择）"), choices=(), required=False, widget=CHECKS
    )

    def __init__(
        self, *args: Any, institutions: Sequence[tuple[int, str]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["targets"].choices = [(str(pk), name) for pk, name in institutions]


class ApplyForm(forms.Form):
    demand_id = forms.TypedChoiceField(label=_("对应的融资需求"), choices=(), coerce=int)
    amount = money(_("申请金额（元）"))
    term_months = months(_("申请期限（月）"))
    note = forms.CharField(label=_("申请说明"), widget=forms.Textarea, required=False)
    consent = forms.BooleanField(
        label=_("授权该机构查询本企业信用信息（用于贷款申请审查）"), required=False, initial=True
    )
    consent_valid_until = forms.DateField(
        label=_("授权有效期至"),
        widget=DATE,
        required=False,
        help_text=_("最长一年；仅企业管理员可以授权"),
    )

    def __init__(self, *args: Any, demands: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["demand_id"].choices = demands
        if not self.is_bound:
            today = timezone.localdate()
            self.fields["consent_valid_until"].initial = today.replace(
                year=today.year + 1, day=min(today.day, 28)
            )


class GrantForm(forms.Form):
    amount = money(_("批准金额（元）"))
    rate = rate(_("批准年利率/费率（%）"))
    term_months = months(_("批准期限（月）"), required=False)
    contract_no = forms.CharField(label=_("贷款合同编号"), max_length=64, required=False)
    contract_date = forms.DateField(
        label=_("合同日期"), widget=DATE, required=False, help_text=_("不填为今天")
    )
    maturity_date = forms.DateField(
        label=_("到期日"), widget=DATE, required=False, help_text=_("不填按期限计算")
    )
    repayment_method = forms.ChoiceField(
        label=_("还款方式"), choices=list(REPAYMENT_METHODS.items()), required=False
    )
    payment_day = forms.IntegerField(
        label=_("每月还款日"), required=False, min_value=1, max_value=31
    )
    drawdown_date = forms.DateField(
        label=_("放款日期"), widget=DATE, required=False, help_text=_("不填则仅签约、暂不放款")
    )
    equity_share = forms.DecimalField(
        label=_("持股比例（%）"), required=False, max_digits=7, decimal_places=4
    )
    invested_on = forms.DateField(label=_("投资日期"), widget=DATE, required=False)
    note = forms.CharField(label=_("说明"), widget=forms.Textarea, required=False)

    LOAN_ONLY = (
        "contract_no",
        "contract_date",
        "maturity_date",
        "repayment_method",
        "payment_day",
        "drawdown_date",
    )
    EQUITY_ONLY = ("equity_share", "invested_on")

    def __init__(self, *args: Any, kind: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from kejin.apps.marketplace.services.granting import LOAN_KINDS  # noqa: PLC0415

        drop: tuple[str, ...] = ()
        if kind in LOAN_KINDS:
            drop = self.EQUITY_ONLY
            self.fields["contract_no"].required = True
        elif kind == ProductKind.EQUITY_INVESTMENT:
            drop = (*self.LOAN_ONLY, "rate")
        else:
            drop = (*self.LOAN_ONLY, *self.EQUITY_ONLY)
        for name in drop:
            del self.fields[name]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=300, widget=forms.Textarea)


class MessageForm(forms.Form):
    message = forms.CharField(label=_("内容"), widget=forms.Textarea)


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("服务评价"),
        choices=[(str(i), "★" * i) for i in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("评价意见"), max_length=300, required=False)


class LinkageForm(forms.Form):
    enterprise_id = forms.TypedChoiceField(label=_("企业"), choices=(), coerce=int)
    investor_id = forms.TypedChoiceField(label=_("投资机构"), choices=(), coerce=int)
    bank_id = forms.TypedChoiceField(label=_("贷款银行"), choices=(), coerce=int)
    investment_amount = money(_("投资金额（元）"))
    equity_share = forms.DecimalField(
        label=_("持股比例（%）"), required=False, max_digits=7, decimal_places=4
    )
    loan_amount = money(_("贷款金额（元）"))
    loan_rate = rate(_("贷款年利率（%）"))
    loan_term_months = months(_("贷款期限（月）"), required=False)
    terms = forms.CharField(
        label=_("联动条款"),
        widget=forms.Textarea,
        help_text=_("如：投资机构认股权、贷款银行选择权、投资到位与放款的先后约定"),
    )
    signed_on = forms.DateField(label=_("签约日期"), widget=DATE)

    def __init__(
        self,
        *args: Any,
        enterprises: Sequence[tuple[int, str]] = (),
        investors: Sequence[tuple[int, str]] = (),
        banks: Sequence[tuple[int, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise_id"].choices = enterprises
        self.fields["investor_id"].choices = investors
        self.fields["bank_id"].choices = banks


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("项目名称"), max_length=120)
    summary = forms.CharField(label=_("项目介绍"), widget=forms.Textarea)
    kind = forms.ChoiceField(
        label=_("众筹类型"),
        choices=[("reward", _("奖励型众筹")), ("equity", _("股权型众筹"))],
    )
    target_amount = money(_("目标金额（元）"))
    deadline = forms.DateField(label=_("截止日期"), widget=DATE)
    host_id = forms.TypedChoiceField(label=_("众筹平台"), choices=(), coerce=int)
    project_url = forms.URLField(label=_("项目链接"), required=False, assume_scheme="https")

    def __init__(self, *args: Any, hosts: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host_id"].choices = hosts


class ProgressForm(forms.Form):
    raised_amount = forms.DecimalField(
        label=_("累计已筹金额（元）"), max_digits=18, decimal_places=2, min_value=0
    )
    backers = forms.IntegerField(label=_("累计支持人数"), min_value=0)
    reported_on = forms.DateField(label=_("统计日期"), widget=DATE, required=False)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class ModerateForm(forms.Form):
    note = forms.CharField(label=_("审核意见"), max_length=300, required=False)
