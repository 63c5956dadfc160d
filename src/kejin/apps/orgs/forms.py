"""Forms of the parties pages (labels in Chinese; validation is the services')."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from kejin.apps.orgs.models import OrgKind, OrgStatus, Role
from kejin.rules import divisions, uscc
from kejin.rules.errors import DomainError


def district_choices(*, include_city: bool = False, blank: bool = True) -> list[tuple[str, str]]:
    city = settings.KEJIN_CITY_DIVISION_CODE
    choices = [("", "——请选择——")] if blank else []
    if include_city:
        choices.append((city, f"{divisions.name(city)}（市本级） {city}"))
    choices += [(d.code, f"{d.name} {d.code}") for d in divisions.children(city)]
    return choices


INDENT = {"prefecture": "　", "county": "　　"}


def all_division_choices() -> list[tuple[str, str]]:
    return [("", "——请选择——")] + [
        (d.code, f"{INDENT.get(d.level, '')}{d.name} {d.code}") for d in divisions.all_divisions()
    ]


class LoginForm(AuthenticationForm):
    """Login; an organisation not yet verified (or suspended) cannot log in, and is told why."""

    error_messages = {
        "invalid_login": _("用户名或密码错误。连续失败多次后账号将被临时锁定。"),
        "inactive": _("该账号已停用，请联系本机构管理员。"),
    }

    def confirm_login_allowed(self, user: object) -> None:
        super().confirm_login_allowed(user)
        org = getattr(user, "organisation", None)
        if org is None:
            raise forms.ValidationError(_("该账号不属于任何机构，无法登录。"), code="no_org")
        if org.status == OrgStatus.PENDING:
            raise forms.ValidationError(
                _("您的企业注册正在等待所在区科技局审核，审核通过后即可登录。"), code="pending"
            )
        if org.status in (OrgStatus.SUSPENDED, OrgStatus.REJECTED):
            reason = f"（{org.status_reason}）" if org.status_reason else ""
            raise forms.ValidationError(
                _("您所在的机构状态为“%(s)s”，无法登录") % {"s": org.get_status_display()} + reason,
                code="org_inactive",
            )


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("企业名称"), max_length=200)
    uscc = forms.CharField(
        label=_("统一社会信用代码"), max_length=40, help_text=_("18位，见营业执照")
    )
    district_code = forms.ChoiceField(label=_("注册地所在区县"), choices=())
    address = forms.CharField(label=_("注册地址"), max_length=300, required=False)
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=100)
    contact_name = forms.CharField(label=_("联系人"), max_length=100)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=32)
    contact_email = forms.EmailField(label=_("联系邮箱"), required=False)
    business_licence = forms.FileField(
        label=_("营业执照扫描件"), help_text=_("PDF、PNG 或 JPG，不超过 10 MB")
    )
    username = forms.CharField(label=_("登录用户名"), max_length=150)
    password = forms.CharField(
        label=_("密码"),
        widget=forms.PasswordInput,
        help_text=_("至少10位，包含大写字母、小写字母、数字、符号中的三类"),
    )
    password2 = forms.CharField(label=_("确认密码"), widget=forms.PasswordInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["district_code"].choices = district_choices()

    def clean_uscc(self) -> str:
        """The code's own check (GB 32100) here too, so that a bad code is reported together with
        the form's errors (e.g. mismatched passwords); uniqueness stays the service's."""
        try:
            return uscc.validate(self.cleaned_data["uscc"])
        except DomainError as exc:
            raise forms.ValidationError(exc.message, code="uscc_invalid") from None

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致"))
        return data


class OrganisationForm(forms.Form):
    kind = forms.ChoiceField(label=_("机构类型"), choices=OrgKind.choices)
    name = forms.CharField(label=_("名称"), max_length=200)
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=40)
    district_code = forms.ChoiceField(label=_("所属行政区划"), choices=())
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=100, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)
    contact_email = forms.EmailField(label=_("联系邮箱"), required=False)
    address = forms.CharField(label=_("地址"), max_length=300, required=False)
    industry = forms.CharField(label=_("行业"), max_length=64, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["district_code"].choices = all_division_choices()


class OrganisationEditForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=200)
    district_code = forms.ChoiceField(label=_("所属行政区划"), choices=())
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=100, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)
    contact_email = forms.EmailField(label=_("联系邮箱"), required=False)
    address = forms.CharField(label=_("地址"), max_length=300, required=False)
    industry = forms.CharField(label=_("行业"), max_length=64, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["district_code"].choices = all_division_choices()


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel（.xlsx）或 CSV 文件"))


class PersonForm(forms.Form):
    username = forms.CharField(label=_("登录用户名"), max_length=150)
    display_name = forms.CharField(label=_("姓名"), max_length=100)
    email = forms.EmailField(label=_("邮箱"), required=False)
    phone = forms.CharField(label=_("手机号"), max_length=32, required=False)
    roles = forms.MultipleChoiceField(
        label=_("角色"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    password = forms.CharField(
        label=_("初始密码"),
        widget=forms.PasswordInput,
        help_text=_("至少10位，包含大写字母、小写字母、数字、符号中的三类"),
    )


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("角色"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("用途说明"), max_length=100, help_text=_("如：信贷系统报送"))
    roles = forms.MultipleChoiceField(
        label=_("权限"),
        choices=[(Role.OFFICER.value, Role.OFFICER.label), (Role.VIEWER.value, Role.VIEWER.label)],
        widget=forms.CheckboxSelectMultiple,
        initial=[Role.OFFICER.value],
    )
    expires_at = forms.DateTimeField(
        label=_("有效期至"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=300, required=False)
