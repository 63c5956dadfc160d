"""Forms of the risk pool pages: labels in Chinese; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kejin.apps.loans.models import ProductKind
from kejin.apps.riskpool.models import BorrowerKind
from kejin.apps.riskpool.services.pools import DEFAULT_PRODUCTS, VERSION_FIELDS, VersionInput

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 18, "decimal_places": 2}


class PoolForm(forms.Form):
    name = forms.CharField(label=_("资金池名称"), max_length=200)
    opened_on = forms.DateField(label=_("设立日期"), widget=DATE)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea)


class VersionForm(forms.Form):
    """An agreement version's terms; a number left blank takes the city default."""

    effective_from = forms.DateField(label=_("生效日期"), widget=DATE)
    source = forms.CharField(label=_("依据（协议条款）"), max_length=200, required=False)
    leverage = forms.DecimalField(label=_("放大倍数（倍）"), required=False, decimal_places=2)
    pool_share_insured = forms.DecimalField(label=_("有保险：资金池分担（%）"), required=False)
    bank_share_insured = forms.DecimalField(label=_("有保险：银行分担（%）"), required=False)
    insurer_share_insured = forms.DecimalField(label=_("有保险：保险公司分担（%）"), required=False)
    pool_share_uninsured = forms.DecimalField(label=_("无保险：资金池分担（%）"), required=False)
    bank_share_uninsured = forms.DecimalField(label=_("无保险：银行分担（%）"), required=False)
    per_loan_cap = forms.DecimalField(label=_("单笔补偿上限（元）"), required=False, **MONEY)
    npl_threshold = forms.DecimalField(label=_("暂停入池的不良率阈值（%）"), required=False)
    interest_covered = forms.BooleanField(label=_("损失含逾期利息"), required=False)
    eligible_borrowers = forms.MultipleChoiceField(
        label=_("可入池借款人"),
        choices=BorrowerKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    product_kinds = forms.MultipleChoiceField(
        label=_("可入池产品类型"),
        choices=ProductKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, insurer: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"eligible_borrowers": list(BorrowerKind.values), "product_kinds": DEFAULT_PRODUCTS},
        )
        super().__init__(*args, **kwargs)
        for name in ("leverage", "per_loan_cap", "npl_threshold"):
            self.fields[name].help_text = _("留空则取市级默认参数")
        if insurer:
            for name in list(self.fields):
                if name not in ("effective_from", "source", "product_kinds"):
                    del self.fields[name]

    def version_input(self) -> VersionInput:
        d = {k: v for k, v in self.cleaned_data.items() if k in VERSION_FIELDS}
        return VersionInput(
            effective_from=d.pop("effective_from"),
            source=d.pop("source", ""),
            product_kinds=tuple(d.pop("product_kinds", ())),
            eligible_borrowers=tuple(d.pop("eligible_borrowers", ())),
            **d,
        )


class AgreementForm(VersionForm):
    party = forms.ChoiceField(label=_("合作机构（银行或保险公司）"), choices=())
    reference = forms.CharField(label=_("协议编号"), max_length=64)
    signed_on = forms.DateField(label=_("签订日期"), widget=DATE)
    field_order = ["party", "reference", "signed_on", "effective_from"]

    def __init__(self, *args: Any, parties: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [("", "——请选择——"), *parties]
        self.order_fields(self.field_order)


class ContributionForm(forms.Form):
    source = forms.ChoiceField(
        label=_("资金来源"),
        choices=[("government", _("财政专项资金")), ("bank", _("合作银行"))],
    )
    fund_line_id = forms.TypedChoiceField(
        label=_("专项资金预算科目（风险补偿）"),
        choices=(),
        coerce=int,
        required=False,
        empty_value=None,
    )
    bank_id = forms.TypedChoiceField(
        label=_("注资银行"), choices=(), coerce=int, required=False, empty_value=None
    )
    amount = forms.DecimalField(label=_("金额（元）"), **MONEY)
    received_on = forms.DateField(label=_("到账日期"), widget=DATE)
    reference = forms.CharField(label=_("注资凭证（文件或银行流水号）"), max_length=100)

    def __init__(
        self, *args: Any, banks: list[tuple[int, str]], lines: list[tuple[int, str]], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["bank_id"].choices = [("", "——仅银行注资时选择——"), *banks]
        self.fields["fund_line_id"].choices = [("", "——直接财政注资（不经专项资金台账）——"), *lines]


class RegistrationForm(forms.Form):
    pool = forms.TypedChoiceField(label=_("资金池"), choices=(), coerce=int)
    loan_external_id = forms.CharField(
        label=_("贷款合同编号"),
        max_length=64,
        help_text=_("本行已报送的贷款合同编号"),
        widget=forms.TextInput(attrs={"list": "loan-options", "autocomplete": "off"}),
    )
    registered_on = forms.DateField(label=_("登记日期"), widget=DATE)
    insurer_id = forms.TypedChoiceField(
        label=_("履约保证保险公司"), choices=(), coerce=int, required=False, empty_value=None
    )
    policy_number = forms.CharField(label=_("保单号"), max_length=64, required=False)

    def __init__(
        self, *args: Any, pools: list[tuple[int, str]], insurers: list[tuple[int, str]], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["pool"].choices = pools
        self.fields["insurer_id"].choices = [("", "——无履约保证保险——"), *insurers]


class ImportForm(forms.Form):
    pool = forms.TypedChoiceField(label=_("资金池"), choices=(), coerce=int)
    file = forms.FileField(label=_("Excel（.xlsx）或 CSV 文件"))

    def __init__(self, *args: Any, pools: list[tuple[int, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["pool"].choices = pools


class ClaimForm(forms.Form):
    loan_id = forms.TypedChoiceField(label=_("入池贷款"), choices=(), coerce=int)
    filed_on = forms.DateField(label=_("申请日期"), widget=DATE)
    collateral_realised = forms.DecimalField(
        label=_("抵质押物处置回收（元）"), initial=0, min_value=None, **MONEY
    )
    reason = forms.CharField(
        label=_("申请说明"), max_length=500, required=False, widget=forms.Textarea
    )

    def __init__(self, *args: Any, loans: list[tuple[int, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["loan_id"].choices = [("", "——请选择——"), *loans]


class ProposeForm(forms.Form):
    approved_loss = forms.DecimalField(
        label=_("核定损失（元）"), required=False, help_text=_("留空则按申请损失核定"), **MONEY
    )
    note = forms.CharField(label=_("初审意见"), max_length=500, required=False)


class ApproveForm(forms.Form):
    note = forms.CharField(label=_("复核意见"), max_length=500, required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("驳回理由"), max_length=500)


class RecoveryForm(forms.Form):
    amount = forms.DecimalField(label=_("追偿回收金额（元）"), **MONEY)
    received_on = forms.DateField(label=_("回收日期"), widget=DATE)
    reference = forms.CharField(label=_("回收凭证"), max_length=120, required=False)


class LiftForm(forms.Form):
    reason = forms.CharField(label=_("恢复理由"), max_length=500)
