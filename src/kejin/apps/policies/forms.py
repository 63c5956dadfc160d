"""Forms of the policies pages (labels in Chinese; the rules and checks are the services')."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kejin.apps.orgs.models import OrgKind
from kejin.apps.policies import funding, loanbook
from kejin.apps.policies.codes import MeasureCode, MilestoneKind
from kejin.apps.policies.measures import InputField, Measure
from kejin.apps.policies.models import Milestone, Policy, Program
from kejin.apps.policies.services.programs import LINKAGE_MODES
from kejin.platform.tenancy import Actor
from kejin.rules.money import fmt_yuan

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LINKAGE_LABELS = {
    "grant_investment": "拨投联动",
    "grant_loan": "拨贷联动",
    "investment_subsidy": "投补联动",
    "loan_subsidy": "贷贴联动",
    "loan_award": "贷奖联动",
}


def _loan_choices(actor: Actor) -> list[tuple[str, str]]:
    loans = loanbook.loans_for(actor, borrower_ids=[actor.org_id or 0]).order_by("-contract_date")
    return [
        (
            str(loan.pk),
            f"{loan.external_id} · {loan.lender.name} · {fmt_yuan(loan.amount)} 元 · "
            f"合同利率 {loan.contract_rate:.2f}% / 基准 {loan.benchmark_rate:.2f}% · "
            f"{loan.contract_date}",
        )
        for loan in loans
    ]


def _milestone_choices(actor: Actor, spec: InputField, *, broker: bool) -> list[tuple[str, str]]:
    kinds = [k for k, _ in spec.choices]
    qs = Milestone.objects.visible_to(actor).filter(kind__in=kinds).select_related("enterprise")
    qs = qs.filter(broker_id=actor.org_id) if broker else qs.filter(enterprise_id=actor.org_id)
    return [
        (str(m.pk), f"{m.enterprise.name} · {m.get_kind_display()} · {m.reached_on}") for m in qs
    ]


def measure_field(spec: InputField, actor: Actor) -> forms.Field:
    common: dict[str, Any] = {
        "label": spec.label,
        "required": spec.required,
        "help_text": spec.help,
    }
    if spec.kind == "date":
        return forms.DateField(widget=DATE, **common)
    if spec.kind == "int":
        return forms.IntegerField(**common)
    if spec.kind == "choice":
        return forms.ChoiceField(choices=[("", "——请选择——"), *spec.choices], **common)
    if spec.kind == "loans":
        choices = _loan_choices(actor)
        if not choices:
            common["help_text"] = "贷款台账中暂无本企业的贷款（贷款由放款银行向平台报送）"
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if spec.kind == "milestone":
        choices = _milestone_choices(actor, spec, broker=False)
        return forms.ChoiceField(choices=[("", "——请选择——"), *choices], **common)
    if spec.kind == "milestones":
        return forms.MultipleChoiceField(
            choices=_milestone_choices(actor, spec, broker=True),
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    if spec.kind == "lines":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), **common)
    return forms.CharField(max_length=200, **common)


class ApplicationForm(forms.Form):
    """The measure's own inputs, then the payee and contact (filled before submission)."""

    claimed_amount = forms.DecimalField(
        label=_("申报金额（元）"),
        required=False,
        max_digits=18,
        decimal_places=2,
        help_text=_("可不填：金额由规则计算；如填写，须与规则计算结果一致"),
    )
    payee_name = forms.CharField(label=_("收款户名"), max_length=200, required=False)
    payee_bank = forms.CharField(label=_("开户银行"), max_length=200, required=False)
    payee_account = forms.CharField(label=_("收款账号"), max_length=40, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)

    def __init__(self, *args: Any, measure: Measure, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        inputs = {f"in_{spec.name}": measure_field(spec, actor) for spec in measure.fields}
        self.fields = {**inputs, **self.fields}
        self.measure = measure

    def inputs(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for spec in self.measure.fields:
            value = self.cleaned_data.get(f"in_{spec.name}")
            if hasattr(value, "isoformat"):
                value = value.isoformat()
            out[spec.name] = value
        return out

    def extra(self) -> dict[str, Any]:
        names = (
            "claimed_amount",
            "payee_name",
            "payee_bank",
            "payee_account",
            "contact_name",
            "contact_phone",
        )
        return {n: self.cleaned_data.get(n) for n in names}

    @staticmethod
    def initial_from(application: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {
            n: getattr(application, n)
            for n in (
                "claimed_amount",
                "payee_name",
                "payee_bank",
                "payee_account",
                "contact_name",
                "contact_phone",
            )
        }
        for name, raw in (application.inputs or {}).items():
            value: Any = raw
            if isinstance(raw, list) and raw and isinstance(raw[0], dict):
                value = "\n".join(",".join(str(v) for v in item.values()) for item in raw)
            elif isinstance(raw, list):
                value = [str(v) for v in raw]
            initial[f"in_{name}"] = value
        return initial

    def add_domain_fields(self, fields: dict[str, str], message: str) -> None:
        """Place a service's field errors on the form (input names are prefixed ``in_``)."""
        placed = False
        for name, text in fields.items():
            key = name if name in self.fields else f"in_{name}"
            if key in self.fields:
                self.add_error(key, text)
                placed = True
        if not placed:
            self.add_error(None, message)


class DocumentForm(forms.Form):
    code = forms.ChoiceField(label=_("材料名称"))
    file = forms.FileField(label=_("文件（PDF、PNG 或 JPG）"))

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        docs = [(d["code"], d["label"]) for d in program.required_documents]
        self.fields["code"].choices = [*docs, ("other", "其他材料")]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("审核意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("退回或不予通过时必填"),
    )


class ProgramForm(forms.Form):
    policy_id = forms.ChoiceField(label=_("依据政策"))
    title = forms.CharField(label=_("项目名称"), max_length=200)
    code = forms.CharField(
        label=_("项目编号"), max_length=32, required=False, help_text=_("不填则自动生成")
    )
    year = forms.IntegerField(label=_("年度"))
    measure = forms.ChoiceField(label=_("扶持措施"), choices=MeasureCode.choices)
    description = forms.CharField(
        label=_("申报说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    applicant_kinds = forms.MultipleChoiceField(
        label=_("申报主体类型"),
        choices=OrgKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选则按扶持措施的默认申报主体"),
    )
    requires_tech_sme = forms.BooleanField(label=_("须为科技型中小企业"), required=False)
    requires_hnte = forms.BooleanField(label=_("须为高新技术企业"), required=False)
    opens_on = forms.DateField(label=_("申报开始日期"), widget=DATE)
    closes_on = forms.DateField(label=_("申报截止日期"), widget=DATE)
    coverage_start = forms.DateField(
        label=_("支持事项起始日"),
        widget=DATE,
        required=False,
        help_text=_("贷款贴息：计息期应还日在此期间内"),
    )
    coverage_end = forms.DateField(label=_("支持事项截止日"), widget=DATE, required=False)
    budget_line_id = forms.TypedChoiceField(
        label=_("专项资金预算科目"), coerce=int, required=False, empty_value=None
    )
    linkage_mode = forms.ChoiceField(
        label=_("联动模式"),
        required=False,
        choices=[("", "——无——"), *[(m, LINKAGE_LABELS[m]) for m in LINKAGE_MODES]],
    )
    required_documents = forms.CharField(
        label=_("申报材料"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一项，如：贷款合同复印件"),
    )
    sla_district_days = forms.IntegerField(label=_("区级初审时限（天）"), initial=10)
    sla_city_days = forms.IntegerField(label=_("市级复审时限（天）"), initial=15)
    published = forms.BooleanField(label=_("发布（对外可见）"), required=False, initial=True)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["policy_id"].choices = [
            (str(p.pk), str(p)) for p in Policy.objects.filter(status="published")
        ]
        lines = funding.line_choices(actor)
        self.fields["budget_line_id"].choices = [("", "——暂不关联——")] + [
            (
                str(c.id),
                c.label
                + (f"（可用 {fmt_yuan(c.available)} 元）" if c.available is not None else ""),
            )
            for c in lines
        ]

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["policy_id"] = int(data["policy_id"])
        data["required_documents"] = (data.get("required_documents") or "").splitlines()
        return data

    @staticmethod
    def initial_from(program: Program) -> dict[str, Any]:
        names = [
            "title",
            "code",
            "year",
            "measure",
            "description",
            "applicant_kinds",
            "requires_tech_sme",
            "requires_hnte",
            "opens_on",
            "closes_on",
            "coverage_start",
            "coverage_end",
            "budget_line_id",
            "linkage_mode",
            "sla_district_days",
            "sla_city_days",
            "published",
        ]
        initial = {n: getattr(program, n) for n in names}
        initial["policy_id"] = str(program.policy_id)
        initial["required_documents"] = "\n".join(d["label"] for d in program.required_documents)
        return initial


class ObjectionForm(forms.Form):
    application_id = forms.TypedChoiceField(label=_("对哪一项奖补提出异议"), coerce=int)
    name = forms.CharField(label=_("姓名或单位"), max_length=100)
    phone = forms.CharField(label=_("联系电话"), max_length=32)
    email = forms.EmailField(label=_("电子邮箱（选填，用于告知处理结果）"), required=False)
    content = forms.CharField(label=_("异议内容和理由"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, entries: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["application_id"].choices = [
            (str(a.pk), f"{a.number} {a.applicant.name}（{fmt_yuan(a.award_amount)} 元）")
            for a in entries
        ]


class ResolveForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("处理结论"),
        choices=[("dismissed", "异议不成立，维持奖补"), ("upheld", "异议成立，不予奖补")],
        widget=forms.RadioSelect,
    )
    resolution = forms.CharField(
        label=_("处理意见（书面理由）"), widget=forms.Textarea(attrs={"rows": 4})
    )


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("公示标题"), max_length=200, required=False)
    opens_on = forms.DateField(
        label=_("公示开始日期"),
        widget=DATE,
        required=False,
        help_text=_("不填则为今天；公示期按工作日计算（节假日顺延）"),
    )


class BatchForm(forms.Form):
    title = forms.CharField(label=_("批次说明"), max_length=200, required=False)


class PaidForm(forms.Form):
    bank_reference = forms.CharField(label=_("银行回单号"), max_length=100)
    paid_on = forms.DateField(label=_("拨付日期"), widget=DATE, required=False)


class ParameterForm(forms.Form):
    key = forms.ChoiceField(label=_("参数"))
    effective_from = forms.DateField(label=_("生效日期"), widget=DATE)
    value = forms.CharField(label=_("新取值"), max_length=40)
    source = forms.CharField(label=_("依据（文件名称和条款）"), max_length=300)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)

    def __init__(self, *args: Any, keys: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = keys


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(label=_("里程碑"))
    reached_on = forms.DateField(label=_("达成日期"), widget=DATE)
    enterprise_uscc = forms.CharField(
        label=_("企业统一社会信用代码"),
        max_length=40,
        required=False,
        help_text=_("券商登记所辅导企业的里程碑时填写"),
    )
    evidence = forms.FileField(label=_("证明材料（PDF、PNG 或 JPG）"))
    note = forms.CharField(label=_("材料说明"), max_length=300, required=False)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = MilestoneKind.choices
        if actor.kind != OrgKind.BROKER:
            kinds = [(k, label) for k, label in kinds if k != MilestoneKind.NEEQ_QUOTATION]
            del self.fields["enterprise_uscc"]
        self.fields["kind"].choices = [("", "——请选择——"), *kinds]


class RunForm(forms.Form):
    program_id = forms.TypedChoiceField(label=_("贷款贴息项目"), coerce=int)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program_id"].choices = [
            (str(p.pk), str(p))
            for p in Program.objects.filter(measure=MeasureCode.INTEREST_SUBSIDY)
        ]
