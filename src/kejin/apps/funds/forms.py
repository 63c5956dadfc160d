"""Forms of the special fund pages (labels in Chinese; the rules are the services')."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kejin.apps.funds.models import EntryKind, LinkageMode, Purpose


def _blank(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", "全部"), *choices]


class BudgetLineForm(forms.Form):
    year = forms.IntegerField(label=_("预算年度"), min_value=2000, max_value=2100)
    purpose = forms.ChoiceField(label=_("用途"), choices=Purpose.choices)
    name = forms.CharField(
        label=_("预算科目名称"), max_length=200, help_text=_("如：2026年科技型企业贷款贴息资金")
    )
    amount = forms.DecimalField(
        label=_("年度预算（元）"), max_digits=18, decimal_places=2, help_text=_("精确到分")
    )
    note = forms.CharField(
        label=_("预算依据"), max_length=500, required=False, help_text=_("如预算批复文号")
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["year"].initial = timezone.localdate().year


class TopupForm(forms.Form):
    direction = forms.ChoiceField(
        label=_("调整方向"),
        choices=[("increase", _("追加预算")), ("reduce", _("调减预算"))],
        widget=forms.RadioSelect,
        initial="increase",
    )
    amount = forms.DecimalField(
        label=_("调整金额（元）"),
        max_digits=18,
        decimal_places=2,
        help_text=_("填写正数；调减不能超过可用余额"),
    )
    note = forms.CharField(label=_("调整依据"), max_length=500, help_text=_("如预算调整文件文号"))

    def signed_amount(self) -> Decimal:
        amount: Decimal = self.cleaned_data["amount"]
        return -amount if self.cleaned_data["direction"] == "reduce" else amount


class LedgerFilterForm(forms.Form):
    """Filters of a ledger list (every field optional; a bad value is ignored with a message)."""

    kind = forms.ChoiceField(label=_("类型"), choices=_blank(EntryKind.choices), required=False)
    linkage_mode = forms.ChoiceField(
        label=_("联动模式"), choices=_blank(LinkageMode.choices), required=False
    )
    date_from = forms.DateField(
        label=_("业务日期起"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("业务日期止"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q = forms.CharField(label=_("关键词"), required=False, max_length=100)
