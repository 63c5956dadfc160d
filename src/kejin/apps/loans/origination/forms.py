"""Forms of the tech micro-loan pages (labels in Chinese; the services check the rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kejin.apps.loans.models import ApplicationStatus, ApprovalLevel, RepaymentMethodChoice

DATE = forms.DateInput(attrs={"type": "date"})


class ApplicationForm(forms.Form):
    lender_id = forms.TypedChoiceField(label=_("科技小额贷款公司"), coerce=int)
    amount = forms.DecimalField(label=_("申请金额（元）"), max_digits=18, decimal_places=2)
    term_months = forms.IntegerField(label=_("期限（月）"))
    purpose = forms.CharField(
        label=_("贷款用途"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    repayment_method = forms.ChoiceField(
        label=_("还款方式"),
        choices=RepaymentMethodChoice.choices,
        initial=RepaymentMethodChoice.EQUAL_PRINCIPAL,
    )
    consent = forms.BooleanField(
        label=_("授权该公司查询本企业信用信息（用于贷款申请审查，有效期一年，可随时撤销）"),
        required=False,
    )

    def __init__(self, *args: Any, lenders: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lender_id"].choices = [("", "——请选择——"), *lenders]


class ApproveForm(forms.Form):
    reason = forms.CharField(
        label=_("审批意见"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("拒绝理由"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ContractForm(forms.Form):
    contract_date = forms.DateField(label=_("合同日期（默认今天）"), widget=DATE, required=False)
    payment_day = forms.IntegerField(label=_("每月还款日（默认合同日）"), required=False)


class DisburseForm(forms.Form):
    date = forms.DateField(label=_("放款日期（默认今天）"), widget=DATE, required=False)


class FilterForm(forms.Form):
    """The list's filters (GET)."""

    q = forms.CharField(label=_("企业/用途"), required=False)
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部")), *ApplicationStatus.choices], required=False
    )
    required_level = forms.ChoiceField(
        label=_("审批权限"), choices=[("", _("全部")), *ApprovalLevel.choices], required=False
    )
    todo = forms.BooleanField(label=_("只看待我处理"), required=False)
    sort = forms.ChoiceField(
        label=_("排序"),
        choices=[
            ("-submitted_at", _("提交时间（新→旧）")),
            ("submitted_at", _("提交时间（旧→新）")),
            ("-amount", _("金额（大→小）")),
            ("borrower", _("申请企业")),
        ],
        required=False,
    )
