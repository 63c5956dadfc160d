"""Public notice (公示): the city publishes approved awards for N working days; anyone may file
an objection, which holds the award until the city resolves it with a written reason; when the
notice period is over, the awards without a pending objection are approved."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from kejin.apps.policies import clock, funding
from kejin.apps.policies.errors import PolicyError
from kejin.apps.policies.models import (
    Application,
    ApplicationEvent,
    Notice,
    NoticeStatus,
    Objection,
    ObjectionStatus,
    Status,
)
from kejin.apps.policies.paramset import params_in_force, work_calendar
from kejin.apps.policies.services.workflow import (
    APPROVE_ROLES,
    REVIEW_ROLES,
    require_city,
    require_reason,
    tell_applicant,
    tell_city,
    transition,
)
from kejin.platform.tenancy import Actor, access
from kejin.rules.errors import Conflict, DomainError, NotFound

log = logging.getLogger(__name__)
NOTICE_DAYS_KEY = "public_notice.working_days"
PHONE = re.compile(r"^[0-9+\-() ]{7,20}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def notice_period(opens_on: date) -> tuple[int, date]:
    """(working days, last day) of a notice opening on ``opens_on``: the parameter in force that
    day, counted on the working-day calendar (holidays and adjusted weekends)."""
    days = int(params_in_force().decimal_at(NOTICE_DAYS_KEY, opens_on))
    return days, work_calendar().notice_end(opens_on, days)


def notice_open(
    *, actor: Actor, application_ids: Iterable[int], title: str = "", opens_on: date | None = None
) -> Notice:
    """Publish the approved awards (pending notice) on the public portal."""
    require_city(actor, *REVIEW_ROLES, what="发布公示")
    ids = list(dict.fromkeys(application_ids))
    if not ids:
        raise DomainError(
            code=PolicyError.NOTICE_INVALID,
            message="请选择要公示的奖补",
            fields={"application_ids": "至少选择一项"},
        )
    start = opens_on or clock.today()
    if start < clock.today():
        raise DomainError(
            code=PolicyError.NOTICE_INVALID,
            message="公示开始日期不能早于今天",
            fields={"opens_on": "不能早于今天"},
        )
    days, end = notice_period(start)
    with transaction.atomic():
        apps = list(
            Application.objects.select_for_update()
            .filter(pk__in=ids)
            .select_related("program", "applicant")
        )
        found = {a.pk: a for a in apps}
        wrong = [str(pk) for pk in ids if pk not in found]
        wrong += [a.number for a in apps if a.status != Status.PENDING_NOTICE]
        if wrong:
            raise Conflict(
                PolicyError.NOTICE_INVALID,
                "以下申报不是“已审批，待公示”状态，不能公示：" + "、".join(wrong),
                {"application_ids": "只能公示已审批待公示的奖补"},
            )
        notice = Notice.objects.create(
            title=(title or "").strip()[:200] or f"{start:%Y}年科技金融扶持资金拟奖补名单公示",
            opens_on=start,
            closes_on=end,
            working_days=days,
            opened_by=actor.audit_user,
        )
        for application in apps:
            application.notice = notice
            transition(
                application,
                actor=actor,
                action="notice_opened",
                to=Status.NOTICE,
                reason=f"公示 {notice.number}：{start} 至 {end}（{days} 个工作日）",
            )
            tell_applicant(application, f"进入公示，公示期 {start} 至 {end}")
    return notice


def _pending(application: Application) -> bool:
    return application.objections.filter(status=ObjectionStatus.PENDING).exists()


def objection_file(
    *,
    notice_id: int,
    application_id: int,
    name: str,
    phone: str,
    content: str,
    email: str = "",
) -> Objection:
    """Anyone (no login) objects to one award of an open notice, leaving contact details."""
    errors: dict[str, str] = {}
    name, phone, email, content = (
        (name or "").strip(),
        (phone or "").strip(),
        (email or "").strip(),
        (content or "").strip(),
    )
    if not name:
        errors["name"] = "请填写姓名或单位名称"
    if not PHONE.match(phone):
        errors["phone"] = "请填写有效的联系电话"
    if email and not EMAIL.match(email):
        errors["email"] = "电子邮箱格式不正确"
    if len(content) < 10:
        errors["content"] = "请具体说明异议内容和理由（至少 10 个字）"
    if errors:
        raise DomainError(
            code=PolicyError.OBJECTION_INVALID,
            message="异议填写有误：" + "；".join(errors.values()),
            fields=errors,
        )
    with transaction.atomic():
        notice = Notice.objects.select_for_update().filter(pk=notice_id).first()
        if notice is None:
            raise NotFound("公示")
        if notice.status != NoticeStatus.OPEN or clock.today() > notice.closes_on:
            raise Conflict(
                PolicyError.OBJECTION_INVALID,
                f"公示 {notice.number} 已于 {notice.closes_on} 结束，不再受理异议",
            )
        application = notice.applications.filter(pk=application_id, status=Status.NOTICE).first()
        if application is None:
            raise DomainError(
                code=PolicyError.OBJECTION_INVALID,
                message="该奖补不在本公示中",
                fields={"application_id": "请从公示名单中选择"},
            )
        objection = Objection.objects.create(
            notice=notice,
            application=application,
            name=name[:100],
            phone=phone,
            email=email,
            content=content,
        )
        ApplicationEvent.objects.create(
            application=application,
            action="objection_filed",
            from_status=application.status,
            to_status=application.status,
            amount=application.award_amount,
            reason=f"异议 {objection.number}：{content[:200]}",
        )
        tell_city(application, "在公示期收到异议，奖补暂缓，待处理")
        tell_applicant(application, "在公示期收到异议，奖补暂缓批准，待市科技局处理")
    return objection


def _approve(application: Application, actor: Actor, reason: str) -> None:
    application.final_approved_at = timezone.now()
    transition(application, actor=actor, action="approved", to=Status.APPROVED, reason=reason)
    tell_applicant(application, "公示期满，已批准，等待拨付")


def _tell_objector(objection: Objection) -> None:
    if not objection.email:
        return
    body = (
        f"您对公示 {objection.notice.number} 中申报 {objection.application.number} 提出的异议"
        f"已处理：{objection.get_status_display()}。处理意见：{objection.resolution}"
    )

    def send() -> None:
        try:
            send_mail(
                "【科金平台】公示异议处理结果", body, settings.DEFAULT_FROM_EMAIL, [objection.email]
            )
        except Exception:
            log.exception("objection %s: email not sent", objection.pk)

    transaction.on_commit(send)


def objection_resolve(
    *, actor: Actor, objection_id: int, decision: str, resolution: str
) -> Objection:
    """The city resolves an objection in writing: upheld → the award is rejected and its money
    released; dismissed → the award goes on (approved at once if the notice period is over)."""
    require_city(actor, *APPROVE_ROLES, what="处理公示异议")
    if decision not in (ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED):
        raise DomainError(
            code=PolicyError.OBJECTION_INVALID,
            message="请选择处理结论",
            fields={"decision": "异议成立或不成立"},
        )
    text = require_reason(resolution, "处理异议")
    with transaction.atomic():
        objection: Objection = access(
            actor,
            Objection.objects.select_related("notice", "application"),
            objection_id,
            what="异议",
            for_update=True,
        )
        if objection.status != ObjectionStatus.PENDING:
            raise Conflict(
                PolicyError.OBJECTION_RESOLVED,
                f"异议 {objection.number} 已处理（{objection.get_status_display()}）",
            )
        objection.status = decision
        objection.resolution = text
        objection.resolved_by = actor.audit_user
        objection.resolved_at = timezone.now()
        objection.save()
        application = Application.objects.select_for_update().get(pk=objection.application_id)
        ApplicationEvent.objects.create(
            application=application,
            action="objection_resolved",
            from_status=application.status,
            to_status=application.status,
            amount=application.award_amount,
            reason=f"异议 {objection.number}{objection.get_status_display()}：{text}",
            actor=actor.audit_user,
            actor_organisation=actor.organisation,
        )
        if decision == ObjectionStatus.UPHELD and application.status == Status.NOTICE:
            if application.fund_commitment_id:
                funding.release(
                    actor=actor,
                    commitment_id=application.fund_commitment_id,
                    reason=f"公示异议 {objection.number} 成立：{text}",
                )
            transition(
                application,
                actor=actor,
                action="objection_upheld",
                to=Status.REJECTED,
                reason=f"公示异议成立：{text}",
            )
            tell_applicant(application, "因公示异议成立不予奖补", f"处理意见：{text}")
        elif (
            decision == ObjectionStatus.DISMISSED
            and application.status == Status.NOTICE
            and objection.notice.status == NoticeStatus.CLOSED
            and not _pending(application)
        ):
            _approve(application, actor, f"公示异议不成立：{text}")
        _tell_objector(objection)
    return objection


def notice_close(*, actor: Actor, notice_id: int) -> Notice:
    """After the last working day of the notice: approve every award without a pending objection
    (those with one stay held until it is resolved)."""
    require_city(actor, *REVIEW_ROLES, what="办结公示")
    with transaction.atomic():
        notice = Notice.objects.select_for_update().filter(pk=notice_id).first()
        if notice is None:
            raise NotFound("公示")
        if notice.status != NoticeStatus.OPEN:
            raise Conflict(PolicyError.NOTICE_INVALID, f"公示 {notice.number} 已办结")
        if clock.today() <= notice.closes_on:
            raise Conflict(
                PolicyError.NOTICE_NOT_DUE,
                f"公示 {notice.number} 至 {notice.closes_on} 结束，公示期满后方可办结",
            )
        for application in notice.applications.select_for_update().filter(status=Status.NOTICE):
            if not _pending(application):
                _approve(application, actor, f"公示 {notice.number} 期满无异议")
        notice.status = NoticeStatus.CLOSED
        notice.closed_by = actor.audit_user
        notice.closed_at = timezone.now()
        notice.save()
    return notice


def notices_close_due(*, actor: Actor) -> list[Notice]:
    """Close every open notice whose period is over (the scheduler runs this each morning)."""
    due = Notice.objects.filter(status=NoticeStatus.OPEN, closes_on__lt=clock.today())
    return [notice_close(actor=actor, notice_id=pk) for pk in due.values_list("pk", flat=True)]
