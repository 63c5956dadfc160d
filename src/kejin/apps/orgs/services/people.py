"""Writes on people: an organisation's admin manages its own people; the city's security
administrator unlocks accounts. Roles are separated: in the city office the system administrator,
the security administrator and the auditor are three different people (三员分立)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from kejin.apps.orgs.errors import OrgError
from kejin.apps.orgs.models import Organisation, Role, User
from kejin.platform.audit.events import record_security_event
from kejin.platform.tenancy import Actor, access
from kejin.rules.errors import Conflict, DomainError, PermissionDenied

SEPARATED_ROLES = frozenset({Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR})


@dataclass(frozen=True)
class PersonInput:
    username: str
    display_name: str
    roles: tuple[str, ...]
    email: str = ""
    phone: str = ""
    password: str = ""


def check_password(password: str, user: User | None = None, *, field: str = "password") -> None:
    """Django's validators plus ours (length ≥ 10, three character classes), in Chinese."""
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        message = "；".join(str(m) for m in exc.messages)
        raise DomainError(
            code=OrgError.PASSWORD_WEAK, message=message, fields={field: message}
        ) from None


def clean_roles(roles: tuple[str, ...] | list[str], org: Organisation) -> list[str]:
    """Known roles only; city-only roles only in the city office; separated roles never combined."""
    valid = {r.value for r in Role}
    result = sorted({r.strip() for r in roles if r.strip()})
    if not result:
        raise DomainError(
            code=OrgError.ROLE_INVALID, message="至少选择一个角色", fields={"roles": "请选择角色"}
        )
    unknown = [r for r in result if r not in valid]
    if unknown:
        raise DomainError(
            code=OrgError.ROLE_INVALID,
            message=f"未知角色：{', '.join(unknown)}",
            fields={"roles": "角色无效"},
        )
    if not org.is_city and Role.city_only().intersection(result):
        raise DomainError(
            code=OrgError.ROLE_INVALID,
            message="安全管理员、安全审计员只设在市科技局",
            fields={"roles": "本机构不能设置该角色"},
        )
    if len(SEPARATED_ROLES.intersection(result)) > 1 and org.is_city:
        raise DomainError(
            code=OrgError.ROLE_CONFLICT,
            message="系统管理员、安全管理员、安全审计员须由不同人员担任",
            fields={"roles": "三员分立：这些角色不能兼任"},
        )
    return result


def _require_people_manager(actor: Actor, org: Organisation) -> None:
    if org.pk != actor.org_id or not actor.has_role(Role.ADMIN):
        raise PermissionDenied("只有本机构管理员可以管理本机构人员")


def person_create(*, actor: Actor, data: PersonInput) -> User:
    """An organisation's admin adds a person to its own organisation."""
    org = actor.organisation
    if org is None:
        raise PermissionDenied()
    _require_people_manager(actor, org)
    username = data.username.strip()
    if not username:
        raise DomainError(
            code="user.username_required", message="用户名不能为空", fields={"username": "请填写"}
        )
    roles = clean_roles(data.roles, org)
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise Conflict(
                code=OrgError.USERNAME_TAKEN,
                message=f"用户名 {username} 已被使用",
                fields={"username": "该用户名已存在"},
            )
        user = User(
            username=username,
            display_name=data.display_name.strip(),
            email=data.email.strip(),
            phone=data.phone.strip(),
            organisation=org,
            roles=roles,
        )
        check_password(data.password, user)
        user.set_password(data.password)
        user.save()
    return user


def person_update_roles(*, actor: Actor, user_id: int, roles: list[str]) -> User:
    """Change a colleague's roles; the organisation always keeps at least one active admin."""
    with transaction.atomic():
        user: User = access(actor, User.objects.all(), user_id, what="用户", for_update=True)
        org = user.organisation
        assert org is not None
        _require_people_manager(actor, org)
        cleaned = clean_roles(roles, org)
        if Role.ADMIN in user.roles and Role.ADMIN not in cleaned:
            _keep_an_admin(org, leaving=user)
        user.roles = cleaned
        user.save()
    return user


def person_set_active(*, actor: Actor, user_id: int, active: bool) -> User:
    """Deactivate or reactivate a person (their organisation's admin or the city security admin)."""
    with transaction.atomic():
        user: User = access(actor, User.objects.all(), user_id, what="用户", for_update=True)
        org = user.organisation
        assert org is not None
        is_security = actor.is_city and actor.has_role(Role.SECURITY_ADMIN)
        if not is_security:
            _require_people_manager(actor, org)
        if user.pk == getattr(actor.user, "pk", None):
            raise PermissionDenied("不能停用自己的账号")
        if not active and Role.ADMIN in user.roles:
            _keep_an_admin(org, leaving=user)
        user.is_active = active
        user.save()
    return user


def person_unlock(*, actor: Actor, user_id: int) -> User:
    """The city's security administrator (or the person's own admin) lifts a login lockout."""
    from axes.utils import reset  # noqa: PLC0415

    user: User = access(actor, User.objects.all(), user_id, what="用户")
    org = user.organisation
    assert org is not None
    if not (actor.is_city and actor.has_role(Role.SECURITY_ADMIN)):
        _require_people_manager(actor, org)
    reset(username=user.username)
    record_security_event(user, "login_lockout", "locked", "unlocked")
    return user


def _keep_an_admin(org: Organisation, *, leaving: User) -> None:
    others = User.objects.filter(organisation=org, is_active=True).exclude(pk=leaving.pk)
    if not any(Role.ADMIN in u.roles for u in others):
        raise Conflict(code=OrgError.LAST_ADMIN, message="机构须至少保留一名在职管理员")
