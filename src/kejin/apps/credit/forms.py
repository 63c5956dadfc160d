"""Forms of the credit pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kejin.apps.credit.models import ExecutiveRole, Purpose, RecordKind
from kejin.apps.credit.services.disputes import CORRECTABLE
from kejin.rules import scoring

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LookupForm(forms.Form):
    uscc = forms.CharField(label=_("企业统一社会信用代码"), max_length=30)
    purpose = forms.ChoiceField(label=_("查询用途"), choices=Purpose.choices)


class ConsentForm(forms.Form):
    institution = forms.TypedChoiceField(label=_("被授权金融机构"), coerce=int)
    purpose = forms.ChoiceField(label=_("授权用途"), choices=Purpose.choices)
    valid_until = forms.DateField(label=_("有效期至"), widget=DATE, help_text=_("自今日起最长一年"))

    def __init__(self, *args: Any, institutions: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].choices = [("", "—— 请选择 ——")] + [
            (o.pk, f"{o.name}（{o.get_kind_display()}）") for o in institutions
        ]


class ExecutiveForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    role = forms.ChoiceField(label=_("职务"), choices=ExecutiveRole.choices)
    id_number = forms.CharField(
        label=_("身份证号"), max_length=18, help_text=_("仅以脱敏形式保存（前6位和后4位）")
    )


class ExecutiveConsentForm(forms.Form):
    executive = forms.TypedChoiceField(label=_("高管"), coerce=int)
    purpose = forms.ChoiceField(label=_("授权用途"), choices=Purpose.choices)
    signed_on = forms.DateField(label=_("签署日期"), widget=DATE)
    valid_until = forms.DateField(
        label=_("有效期至"), widget=DATE, help_text=_("自签署日起最长一年")
    )
    document = forms.FileField(
        label=_("本人签署的授权书"), help_text=_("PDF、PNG 或 JPG，须有本人签名")
    )

    def __init__(self, *args: Any, executives: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["executive"].choices = [("", "—— 请选择 ——")] + [
            (e.pk, f"{e.name}（{e.get_role_display()}，{e.id_masked}）") for e in executives
        ]


def _optional(field: forms.Field) -> forms.Field:
    field.required = False
    return field


class RecordForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("记录类型"),
        choices=[(k, v) for k, v in RecordKind.choices if k != RecordKind.REPAYMENT],
    )
    uscc = forms.CharField(label=_("企业统一社会信用代码"), max_length=30)
    record_date = _optional(forms.DateField(label=_("记录日期"), widget=DATE))
    year = _optional(forms.IntegerField(label=_("年度（纳税等级、社保）")))
    month = _optional(forms.IntegerField(label=_("月份（社保）")))
    grade = _optional(
        forms.ChoiceField(label=_("纳税信用等级"), choices=[("", "—")] + [(g, g) for g in "ABMCD"])
    )
    headcount = _optional(forms.IntegerField(label=_("社保缴纳人数")))
    amount = _optional(forms.DecimalField(label=_("金额（元）"), decimal_places=2, max_digits=18))
    reference = _optional(forms.CharField(label=_("文号/案号"), max_length=100))
    authority = _optional(forms.CharField(label=_("决定机关/法院"), max_length=200))
    description = _optional(forms.CharField(label=_("说明"), max_length=500))
    ended_on = _optional(forms.DateField(label=_("结束/移出日期"), widget=DATE))
    person_name = _optional(forms.CharField(label=_("个人姓名（涉及高管个人时）"), max_length=50))
    person_id = _optional(forms.CharField(label=_("个人身份证号（涉及高管个人时）"), max_length=18))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("数据文件（.xlsx 或 .csv）"))


class DisputeForm(forms.Form):
    reason = forms.CharField(label=_("异议理由"), widget=forms.Textarea, max_length=2000)
    attachment = forms.FileField(
        label=_("证明材料（可选）"), required=False, help_text=_("PDF、PNG 或 JPG")
    )


class ResolveForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("处理结论"),
        choices=[("upheld", _("异议成立")), ("rejected", _("异议不成立"))],
        widget=forms.RadioSelect,
    )
    resolution = forms.ChoiceField(
        label=_("异议成立时的处理方式"),
        choices=[("withdraw", _("撤销该记录")), ("correct", _("更正该记录"))],
        required=False,
    )
    note = forms.CharField(label=_("处理意见"), widget=forms.Textarea)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in CORRECTABLE.items():
            widget = DATE if key == "ended_on" else None
            self.fields[f"correction_{key}"] = forms.CharField(
                label=f"更正：{label}", required=False, widget=widget
            )

    def correction(self) -> dict[str, Any]:
        return {
            key: self.cleaned_data.get(f"correction_{key}")
            for key in CORRECTABLE
            if self.cleaned_data.get(f"correction_{key}")
        }


class TrainForm(forms.Form):
    name = forms.CharField(label=_("模型名称"), max_length=100)
    source = forms.ChoiceField(
        label=_("训练数据"),
        choices=[("csv", _("上传 CSV 文件")), ("platform", _("平台数据（观察日起12个月表现期）"))],
        widget=forms.RadioSelect,
        initial="platform",
    )
    file = forms.FileField(label=_("CSV 文件"), required=False)
    observation_date = forms.DateField(label=_("观察日"), required=False, widget=DATE)


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("审批意见"), widget=forms.Textarea, required=False)


class ParameterForm(forms.Form):
    key = forms.ChoiceField(label=_("参数"), choices=list(scoring.PARAMETER_LABELS.items()))
    effective_from = forms.DateField(label=_("生效日期"), widget=DATE)
    value = forms.DecimalField(label=_("取值"), max_digits=12, decimal_places=4)
    source = forms.CharField(label=_("依据（文件名称和条款）"), max_length=300)
