"""API tokens for institutions' systems: created and revoked by the organisation's admin,
stored as a SHA-256 hash, scoped to the organisation."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from kejin.apps.orgs.errors import OrgError
from kejin.apps.orgs.models import ApiToken, OrgStatus, Role
from kejin.platform.tenancy import Actor, access
from kejin.rules.errors import Conflict, DomainError, PermissionDenied

TOKEN_PREFIX = "kj_"  # noqa: S105 - a public prefix, not a secret


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    plaintext: str  # shown once, never stored


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(
    *, actor: Actor, name: str, roles: list[str] | None = None, expires_at: datetime | None = None
) -> IssuedToken:
    """Issue a token for the actor's organisation; the plaintext is returned once."""
    org = actor.organisation
    if org is None or not actor.has_role(Role.ADMIN) or actor.token is not None:
        raise PermissionDenied("只有本机构管理员可以在页面上创建接口令牌")
    if not name.strip():
        raise DomainError(
            code="token.name_required", message="请填写令牌用途", fields={"name": "请填写用途"}
        )
    token_roles = sorted(set(roles or [Role.OFFICER]))
    if not set(token_roles) <= {Role.OFFICER, Role.VIEWER}:
        raise DomainError(
            code=OrgError.ROLE_INVALID,
            message="接口令牌只能授予经办或只读权限",
            fields={"roles": "只能选择经办人或只读用户"},
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError(
            code="token.expiry_past",
            message="有效期须晚于当前时间",
            fields={"expires_at": "请选择将来的时间"},
        )
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    plaintext = f"{TOKEN_PREFIX}{prefix}_{secret}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            organisation=org,
            name=name.strip(),
            prefix=prefix,
            token_hash=_hash(plaintext),
            roles=token_roles,
            created_by=actor.audit_user,
            expires_at=expires_at,
        )
    return IssuedToken(token=token, plaintext=plaintext)


def token_revoke(*, actor: Actor, token_id: int) -> ApiToken:
    """Revoke a token of the actor's organisation; it stops working at once."""
    if not actor.has_role(Role.ADMIN) or actor.token is not None:
        raise PermissionDenied("只有本机构管理员可以吊销接口令牌")
    with transaction.atomic():
        own_tokens = ApiToken.objects.filter(organisation_id=actor.org_id)
        token: ApiToken = access(actor, own_tokens, token_id, what="接口令牌", for_update=True)
        if token.revoked_at is not None:
            raise Conflict(code=OrgError.TOKEN_ALREADY_REVOKED, message="该令牌已被吊销")
        token.revoked_at = timezone.now()
        token.revoked_by = actor.audit_user
        token.save()
    return token


def actor_for_bearer(raw: str) -> tuple[Actor, str | None]:
    """Resolve a bearer token to an actor, or the public actor and the reason it was refused."""
    parts = raw.split("_")
    if not raw.startswith(TOKEN_PREFIX) or len(parts) < 3:
        return Actor.public(), "接口令牌格式无效"
    prefix = parts[1]
    token = (
        ApiToken.objects.select_related("organisation", "created_by").filter(prefix=prefix).first()
    )
    if token is None or not hmac.compare_digest(token.token_hash, _hash(raw)):
        return Actor.public(), "接口令牌无效"
    if token.revoked_at is not None:
        return Actor.public(), "接口令牌已被吊销"
    now = timezone.now()
    if token.expires_at is not None and token.expires_at <= now:
        return Actor.public(), "接口令牌已过期"
    if token.organisation.status != OrgStatus.ACTIVE:
        return Actor.public(), "令牌所属机构已停用"
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    actor = Actor(organisation=token.organisation, roles=frozenset(token.roles), token=token)
    return actor, None
