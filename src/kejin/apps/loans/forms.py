"""Forms of the loans pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kejin.apps.loans.models import (
    Category,
    DayCountChoice,
    ProductKind,
    RateType,
    RepaymentMethodChoice,
)

DATE = forms.DateInput(attrs={"type": "date"})


class LoanForm(forms.Form):
    external_id = forms.CharField(label=_("合同编号"), max_length=64)
    borrower_uscc = forms.CharField(label=_("借款企业统一社会信用代码"), max_length=40)
    product_kind = forms.ChoiceField(label=_("产品类型"), choices=ProductKind.choices)
    amount = forms.DecimalField(label=_("合同金额（元）"), max_digits=18, decimal_places=2)
    contract_date = forms.DateField(label=_("合同日期"), widget=DATE)
    maturity_date = forms.DateField(label=_("到期日"), widget=DATE)
    rate_type = forms.ChoiceField(label=_("利率类型"), choices=RateType.choices)
    contract_rate = forms.DecimalField(label=_("合同年利率（%）"), max_digits=9, decimal_places=4)
    spread = forms.DecimalField(
        label=_("LPR 加点（百分点，浮动利率必填）"), max_digits=9, decimal_places=4, required=False
    )
    repayment_method = forms.ChoiceField(label=_("还款方式"), choices=RepaymentMethodChoice.choices)
    payment_day = forms.IntegerField(label=_("每月还款日"), min_value=1, max_value=31)
    day_count = forms.ChoiceField(label=_("计息基础"), choices=DayCountChoice.choices)
    collateral = forms.CharField(label=_("抵质押物"), max_length=300, required=False)
    guarantor = forms.CharField(label=_("保证人/担保机构"), max_length=200, required=False)
    purpose = forms.CharField(label=_("贷款用途"), max_length=300, required=False)
    reported_category = forms.ChoiceField(
        label=_("五级分类（机构认定）"),
        choices=[("", "——"), *Category.choices],
        required=False,
    )
    first_drawdown_amount = forms.DecimalField(
        label=_("首笔放款金额（元，可选）"), max_digits=18, decimal_places=2, required=False
    )
    first_drawdown_date = forms.DateField(label=_("首笔放款日期"), widget=DATE, required=False)


class RepaymentForm(forms.Form):
    external_id = forms.CharField(label=_("还款流水号"), max_length=64)
    date = forms.DateField(label=_("还款日期"), widget=DATE)
    amount = forms.DecimalField(label=_("还款金额（元）"), max_digits=18, decimal_places=2)
    is_prepayment = forms.BooleanField(
        label=_("提前还款（超出到期应还部分提前归还本金）"), required=False
    )
    prepayment_mode = forms.ChoiceField(
        label=_("提前还款后"),
        choices=[("shorter_term", _("缩短期限")), ("lower_instalment", _("减少月供"))],
    )


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("数据类型"),
        choices=[
            ("loans", _("贷款合同")),
            ("drawdowns", _("放款（借据）")),
            ("repayments", _("还款")),
        ],
    )
    file = forms.FileField(label=_("Excel（.xlsx）或 CSV 文件"))


class RateForm(forms.Form):
    table = forms.ChoiceField(label=_("利率表"), choices=[("lpr", "LPR")])
    tenor = forms.ChoiceField(
        label=_("期限"), choices=[("1Y", _("1年期")), ("5Y+", _("5年期以上"))]
    )
    effective_date = forms.DateField(label=_("公布日期"), widget=DATE)
    rate_percent = forms.DecimalField(label=_("利率（%）"), max_digits=9, decimal_places=4)
    source = forms.CharField(label=_("来源（公告链接或文号）"), max_length=300)
