"""An enterprise registers itself; its district office verifies it before it can log in."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from kejin.apps.orgs.errors import OrgError
from kejin.apps.orgs.models import Organisation, OrgKind, OrgStatus, Role, User
from kejin.apps.orgs.services.organisations import OrganisationInput, clean_organisation
from kejin.apps.orgs.services.people import check_password
from kejin.rules.errors import Conflict, DomainError

LICENCE_TYPES = {
    ".pdf": b"%PDF",
    ".png": b"\x89PNG",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
}


@dataclass(frozen=True)
class RegistrationInput:
    name: str
    uscc: str
    district_code: str
    legal_representative: str
    contact_name: str
    contact_phone: str
    contact_email: str
    username: str
    password: str
    address: str = ""
    industry: str = ""


def check_licence(upload: UploadedFile | None, *, field: str = "business_licence") -> None:
    """A PDF, PNG or JPEG scan, at most the configured size, whose content matches its name."""
    if upload is None:
        raise DomainError(
            code=OrgError.LICENCE_REQUIRED,
            message="请上传营业执照",
            fields={field: "营业执照为必传材料"},
        )
    name = (upload.name or "").lower()
    ext = name[name.rfind(".") :] if "." in name else ""
    magic = LICENCE_TYPES.get(ext)
    head = upload.read(8)
    upload.seek(0)
    if magic is None or not head.startswith(magic):
        raise DomainError(
            code=OrgError.LICENCE_TYPE,
            message="营业执照须为 PDF、PNG 或 JPG 文件",
            fields={field: "文件类型不支持（只接受 PDF、PNG、JPG）"},
        )
    if upload.size is not None and upload.size > settings.KEJIN_MAX_UPLOAD_BYTES:
        limit_mb = settings.KEJIN_MAX_UPLOAD_BYTES // (1024 * 1024)
        raise DomainError(
            code=OrgError.LICENCE_SIZE,
            message=f"营业执照文件不能超过 {limit_mb} MB",
            fields={field: "文件过大"},
        )


def enterprise_register(
    *, data: RegistrationInput, licence: UploadedFile | None
) -> tuple[Organisation, User]:
    """Create a pending enterprise and its first admin. Every field error is reported at once."""
    errors: dict[str, str] = {}
    cleaned: dict[str, object] = {}
    conflict = False
    try:
        cleaned = clean_organisation(
            OrganisationInput(
                kind=OrgKind.ENTERPRISE,
                name=data.name,
                uscc=data.uscc,
                district_code=data.district_code,
                legal_representative=data.legal_representative,
                contact_name=data.contact_name,
                contact_phone=data.contact_phone,
                contact_email=data.contact_email,
                address=data.address,
                industry=data.industry,
            )
        )
    except DomainError as exc:
        errors.update(exc.fields)
        conflict = exc.status == 409
    required = {
        "legal_representative": "请填写法定代表人",
        "contact_name": "请填写联系人",
        "contact_phone": "请填写联系电话",
        "username": "请填写登录用户名",
    }
    for key, msg in required.items():
        if not getattr(data, key).strip():
            errors.setdefault(key, msg)
    if data.username.strip() and User.objects.filter(username__iexact=data.username.strip()):
        errors["username"] = "该用户名已被使用"
    try:
        check_password(data.password, User(username=data.username, email=data.contact_email))
    except DomainError as exc:
        errors.update(exc.fields)
    try:
        check_licence(licence)
    except DomainError as exc:
        errors.update(exc.fields)
    if errors:
        if conflict and len(errors) == 1:
            raise Conflict(code=OrgError.USCC_DUPLICATE, message=errors["uscc"], fields=errors)
        raise DomainError(
            code="registration.invalid", message="注册信息有误，请按提示修改", fields=errors
        )
    with transaction.atomic():
        org = Organisation(**cleaned, status=OrgStatus.PENDING)
        org.business_licence.save(licence.name, licence, save=False)  # type: ignore[union-attr]
        org.save()
        user = User(
            username=data.username.strip(),
            display_name=data.contact_name.strip(),
            email=data.contact_email.strip(),
            phone=data.contact_phone.strip(),
            organisation=org,
            roles=[Role.ADMIN],
        )
        user.set_password(data.password)
        user.save()
    return org, user
