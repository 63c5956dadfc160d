"""Forms of the enterprises pages: built from the services' field specs (labels in Chinese; the
services validate and their messages are shown beside the fields)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kejin.apps.enterprises.services.fields import FieldSpec
from kejin.apps.enterprises.services.financials import PROFILE_FIELDS, YEAR_FIELDS
from kejin.apps.enterprises.services.runs import DEFAULT_NOTICE_DAYS, MAX_NOTICE_DAYS

YES_NO = [("", "——请选择——"), ("yes", "是"), ("no", "否")]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def form_field(spec: FieldSpec, *, required: bool | None = None) -> forms.Field:
    """The form field of a spec (amounts are text: the service parses ``1,234.56`` too)."""
    field = _form_field(spec, spec.required if required is None else required)
    field.help_text = spec.help
    return field


def _form_field(spec: FieldSpec, needed: bool) -> forms.Field:
    label = spec.label
    if spec.kind in ("amount", "signed"):
        return forms.CharField(
            label=f"{label}（元）",
            required=needed,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "0.00"}),
        )
    if spec.kind in ("count", "rank"):
        return forms.IntegerField(label=label, required=needed)
    if spec.kind in ("date", "past_date"):
        return forms.DateField(label=label, required=needed, widget=DateInput())
    if spec.kind == "bool":
        return forms.ChoiceField(label=label, required=needed, choices=YES_NO)
    if spec.kind == "choice":
        blank = [("", "——请选择——")]
        return forms.ChoiceField(label=label, required=needed, choices=blank + list(spec.choices))
    return forms.CharField(label=label, required=needed, max_length=spec.max_length)


def form_class(name: str, specs: Iterable[FieldSpec], **extra: forms.Field) -> type[forms.Form]:
    fields: dict[str, Any] = {s.name: form_field(s) for s in specs}
    fields.update(extra)
    return type(name, (forms.Form,), fields)


def initial_of(obj: Any, specs: Iterable[FieldSpec]) -> dict[str, Any]:
    """A record's values as the form shows them (yes/no for the declarations)."""
    initial: dict[str, Any] = {}
    for s in specs:
        value = getattr(obj, s.name, None)
        if s.kind == "bool" and value is not None:
            value = "yes" if value else "no"
        initial[s.name] = value
    return initial


class ProfileForm(forms.Form):
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for spec in PROFILE_FIELDS:
            self.fields[spec.name] = form_field(spec)


class FinancialYearForm(forms.Form):
    """A year's filing; on the page every declaration must be answered."""

    def __init__(self, *args: Any, with_year: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if with_year:
            self.fields["year"] = forms.IntegerField(
                label=_("年度"), initial=timezone.localdate().year - 1
            )
        for spec in YEAR_FIELDS:
            self.fields[spec.name] = form_field(
                spec, required=True if spec.kind == "bool" else None
            )


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label=_("更正理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for spec in YEAR_FIELDS:
            self.fields[spec.name] = form_field(spec, required=False)
        self.fields["reason"] = self.fields.pop("reason")  # last, after the values


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("审核意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class SelfEvaluationForm(forms.Form):
    year = forms.TypedChoiceField(label=_("评价年度"), coerce=int, choices=())
    reference_date = forms.DateField(
        label=_("参照日"),
        widget=DateInput(),
        help_text=_("有效期、近五年等按此日期判断，默认今天"),
    )

    def __init__(self, *args: Any, years: Iterable[int] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, f"{y} 年度") for y in years]  # type: ignore[attr-defined]
        self.fields["reference_date"].initial = timezone.localdate()


class RunForm(forms.Form):
    year = forms.IntegerField(label=_("评价年度"), initial=lambda: timezone.localdate().year - 1)
    reference_date = forms.DateField(
        label=_("参照日"), widget=DateInput(), initial=timezone.localdate
    )


class PublishForm(forms.Form):
    notice_days = forms.IntegerField(
        label=_("公示期（工作日）"),
        initial=DEFAULT_NOTICE_DAYS,
        min_value=1,
        max_value=MAX_NOTICE_DAYS,
    )
    opens_on = forms.DateField(
        label=_("公示开始日期"), widget=DateInput(), initial=timezone.localdate
    )


class HntePrecheckForm(forms.Form):
    innovation_ip = forms.IntegerField(label=_("知识产权（≤30分）"), min_value=0)
    innovation_transformation = forms.IntegerField(
        label=_("科技成果转化能力（≤30分）"), min_value=0
    )
    innovation_rd_management = forms.IntegerField(
        label=_("研究开发组织管理水平（≤20分）"), min_value=0
    )
    innovation_growth = forms.IntegerField(label=_("企业成长性（≤20分）"), min_value=0)
    owns_core_ip = forms.ChoiceField(label=_("拥有核心自主知识产权"), choices=(), required=False)
    in_supported_field = forms.ChoiceField(
        label=_("属于《国家重点支持的高新技术领域》"), choices=(), required=False
    )
    had_major_incident_prior_year = forms.ChoiceField(
        label=_("申请前一年内发生重大安全、质量事故或严重环境违法行为"),
        choices=(),
        required=False,
    )
    reference_date = forms.DateField(
        label=_("参照日"), widget=DateInput(), required=False, help_text=_("留空为今天")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unchecked = [("", "未核查"), ("yes", "是"), ("no", "否")]
        for name in ("owns_core_ip", "in_supported_field", "had_major_incident_prior_year"):
            self.fields[name].choices = unchecked  # type: ignore[attr-defined]

    def answers(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in ("owns_core_ip", "in_supported_field", "had_major_incident_prior_year"):
            data[name] = {"yes": True, "no": False}.get(data[name])
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel（.xlsx）或 CSV 文件"))


def today() -> date:
    return timezone.localdate()
