"""Consent to credit inquiries and the read log.

An enterprise's admin authorises a named financial institution, for a purpose, until a date at
most one year away, and may revoke it. :func:`require_consent` is the one door to an enterprise's
credit data for every context: it answers for the enterprise itself, for the city office
(supervision) and for an institution holding a valid consent, and refuses everyone else with
``credit.no_consent`` (403). Every answer and every refusal is written to the read log, which the
enterprise reads on its page 查询记录.

Call :func:`require_consent` outside any ``transaction.atomic`` block of your own: a refusal raises,
and the refused attempt must stay in the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from kejin.apps.credit.errors import CreditError
from kejin.apps.credit.models import (
    Consent,
    ExecutiveConsent,
    Purpose,
    ReadLog,
    ReadOutcome,
    ReadWhat,
)
from kejin.apps.orgs.models import Organisation, OrgKind, OrgStatus
from kejin.platform.tenancy import Actor, access
from kejin.rules.errors import Conflict, DomainError, NotFound, PermissionDenied

PERSONAL_WHATS = (ReadWhat.PROFILE, ReadWhat.REPORT, ReadWhat.REPORT_PDF)


def one_year_after(day: date) -> date:
    """The same date next year (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def clean_purpose(purpose: Any, *, field: str = "purpose") -> str:
    if purpose not in Purpose.values:
        allowed = "、".join(f"{v}（{label}）" for v, label in Purpose.choices)
        raise DomainError(
            CreditError.PURPOSE_INVALID, f"查询用途无效，须为：{allowed}", {field: "用途无效"}
        )
    return str(purpose)


def _require_enterprise_admin(actor: Actor) -> None:
    actor.require_kind(OrgKind.ENTERPRISE, message="只有企业可以管理信用查询授权")
    actor.require_role("admin", message="只有企业管理员可以管理信用查询授权")


def consent_grant(*, actor: Actor, institution_id: int, purpose: str, valid_until: date) -> Consent:
    """The enterprise's admin authorises ``institution_id`` for ``purpose`` until ``valid_until``
    (from today, at most one year)."""
    _require_enterprise_admin(actor)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    institution = Organisation.objects.filter(pk=institution_id).first()
    if (
        institution is None
        or institution.kind not in OrgKind.institutions()
        or institution.status != OrgStatus.ACTIVE
    ):
        errors["institution_id"] = "请选择平台上正常经营的金融机构"
    try:
        clean_purpose(purpose)
    except DomainError as exc:
        errors.update(exc.fields)
    latest = one_year_after(today)
    if not isinstance(valid_until, date):
        errors["valid_until"] = "须为日期（YYYY-MM-DD）"
    elif valid_until < today:
        errors["valid_until"] = "有效期不能早于今天"
    elif valid_until > latest:
        errors["valid_until"] = f"授权期限最长一年，有效期最晚为 {latest.isoformat()}"
    if errors:
        code = (
            CreditError.CONSENT_TOO_LONG
            if "最长一年" in errors.get("valid_until", "")
            else CreditError.INSTITUTION_INVALID
            if "institution_id" in errors
            else CreditError.CONSENT_DATES
        )
        raise DomainError(code, "；".join(errors.values()), errors)
    with transaction.atomic():
        return Consent.objects.create(
            enterprise=actor.organisation,
            institution=institution,
            purpose=purpose,
            valid_from=today,
            valid_until=valid_until,
            granted_by=actor.audit_user,
        )


def consent_revoke(*, actor: Actor, consent_id: int) -> Consent:
    """The enterprise's admin revokes a consent: it stops at once."""
    with transaction.atomic():
        consent: Consent = access(
            actor, Consent.objects.all(), consent_id, what="授权", for_update=True
        )
        if consent.enterprise_id != actor.org_id:
            raise PermissionDenied("只有授权企业可以撤销授权")
        _require_enterprise_admin(actor)
        if consent.revoked_at is not None:
            raise Conflict(CreditError.CONSENT_REVOKED, "该授权已经撤销")
        consent.revoked_at = timezone.now()
        consent.revoked_by = actor.audit_user
        consent.save()
    return consent


@dataclass(frozen=True)
class ReadGrant:
    """What :func:`authorise_read` decided: how the actor may read, under which consent, whether
    executives' personal data may be shown (and whose), and the log entry."""

    enterprise: Organisation
    mode: str  # a ReadOutcome other than refused
    consent: Consent | None
    purpose: str
    personal_executive_ids: frozenset[int]
    log: ReadLog

    @property
    def is_city(self) -> bool:
        return self.mode == ReadOutcome.SUPERVISION

    def shows_personal(self, executive_id: int) -> bool:
        """The city sees every executive's personal data; others only under that person's
        consent."""
        return self.is_city or executive_id in self.personal_executive_ids


def personal_consents(enterprise_id: int, purpose: str | None, on: date) -> frozenset[int]:
    """Executives of the enterprise whose own consent covers ``purpose`` on ``on`` (any purpose
    when ``purpose`` is None)."""
    qs = ExecutiveConsent.objects.filter(
        executive__enterprise_id=enterprise_id,
        executive__active=True,
        revoked_at__isnull=True,
        signed_on__lte=on,
        valid_until__gte=on,
    )
    if purpose:
        qs = qs.filter(purpose=purpose)
    return frozenset(qs.values_list("executive_id", flat=True))


def _refusal(enterprise: Organisation, actor: Actor, purpose: str | None, on: date) -> str:
    if actor.kind not in OrgKind.institutions():
        return "只有经企业授权的金融机构可以查询企业信用信息"
    consents = list(
        Consent.objects.filter(enterprise=enterprise, institution_id=actor.org_id).order_by(
            "-granted_at"
        )
    )
    if purpose:
        consents = [c for c in consents if c.purpose == purpose]
    label = dict(Purpose.choices).get(purpose or "", "")
    what = f"用于“{label}”的" if label else ""
    if not consents:
        return f"{enterprise.name}未授权贵机构{what}信用查询"
    latest = consents[0]
    state = latest.state_on(on)
    if state == "revoked":
        when = timezone.localtime(latest.revoked_at).date().isoformat()  # type: ignore[arg-type]
        return f"{enterprise.name}对贵机构{what}查询授权已于 {when} 撤销"
    if state == "expired":
        return f"{enterprise.name}对贵机构{what}查询授权已于 {latest.valid_until.isoformat()} 到期"
    return f"{enterprise.name}对贵机构{what}查询授权尚未生效"


def _log(
    *,
    actor: Actor,
    enterprise: Organisation,
    what: str,
    purpose: str,
    outcome: str,
    consent: Consent | None = None,
    reason: str = "",
    personal: bool = False,
) -> ReadLog:
    return ReadLog.objects.create(
        enterprise=enterprise,
        reader=actor.organisation,
        reader_user=actor.audit_user,
        via_token=actor.token.prefix if actor.token else "",
        what=what,
        purpose=purpose,
        consent=consent,
        outcome=outcome,
        reason=reason[:300],
        personal_included=personal,
    )


def authorise_read(
    *, actor: Actor, enterprise_id: int, purpose: str | None, what: str
) -> ReadGrant:
    """Decide and log one read of an enterprise's credit data (see the module docstring)."""
    if actor.is_public:
        raise NotFound("企业")
    enterprise = Organisation.objects.filter(pk=enterprise_id, kind=OrgKind.ENTERPRISE).first()
    if enterprise is None:
        raise NotFound("企业")
    if purpose:
        clean_purpose(purpose)
    if what not in ReadWhat.values:
        raise ValueError(what)
    today = timezone.localdate()
    consent: Consent | None = None
    if actor.org_id == enterprise.pk:
        mode, personal_ids = ReadOutcome.SELF, personal_consents(enterprise.pk, None, today)
    elif actor.is_city:
        mode, personal_ids = ReadOutcome.SUPERVISION, frozenset()
    else:
        candidates = Consent.objects.filter(
            enterprise=enterprise,
            institution_id=actor.org_id,
            revoked_at__isnull=True,
            valid_from__lte=today,
            valid_until__gte=today,
        )
        if purpose:
            candidates = candidates.filter(purpose=purpose)
        consent = (
            candidates.order_by("-valid_until", "-pk").first()
            if actor.kind in OrgKind.institutions()
            else None
        )
        if consent is None:
            reason = _refusal(enterprise, actor, purpose, today)
            _log(
                actor=actor,
                enterprise=enterprise,
                what=what,
                purpose=purpose or "",
                outcome=ReadOutcome.REFUSED,
                reason=reason,
            )
            raise DomainError(
                CreditError.NO_CONSENT,
                f"{reason}，不能查询其信用信息。请先取得企业授权。",
                {"consent": reason},
                status=403,
            )
        purpose = consent.purpose
        mode, personal_ids = ReadOutcome.ALLOWED, personal_consents(enterprise.pk, purpose, today)
    personal = what in PERSONAL_WHATS and (mode == ReadOutcome.SUPERVISION or bool(personal_ids))
    log = _log(
        actor=actor,
        enterprise=enterprise,
        what=what,
        purpose=purpose or "",
        outcome=mode,
        consent=consent,
        personal=personal,
    )
    return ReadGrant(enterprise, mode, consent, purpose or "", personal_ids, log)


def require_consent(
    *, actor: Actor, enterprise_id: int, purpose: str | None = None, what: str = ReadWhat.PROFILE
) -> Consent | None:
    """The consent under which ``actor`` may read ``what`` of the enterprise for ``purpose``
    (None: the enterprise itself, or the city office's supervision); logs the read. Refuses with
    ``DomainError("credit.no_consent", status=403)`` and logs the refused attempt."""
    return authorise_read(
        actor=actor, enterprise_id=enterprise_id, purpose=purpose, what=what
    ).consent
