"""The crowdfunding board (众筹汇集): enterprises present projects hosted by a crowdfunding
platform; the city office moderates what the public sees; the hosting platform reports progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kejin.apps.marketplace.errors import MarketError
from kejin.apps.marketplace.models import (
    CrowdfundingKind,
    CrowdfundingProgress,
    CrowdfundingProject,
    ProjectStatus,
)
from kejin.apps.marketplace.search import search_terms
from kejin.apps.marketplace.services.common import (
    FieldErrors,
    clean_date,
    clean_int,
    clean_money,
    clean_text,
    require_city,
    require_enterprise,
    require_institution,
)
from kejin.apps.orgs.models import Organisation, OrgKind, OrgStatus
from kejin.apps.policies.notifications import city_office, notify
from kejin.platform.tenancy import Actor, access
from kejin.rules.errors import Conflict, DomainError, PermissionDenied

DECISIONS = {
    "publish": (ProjectStatus.PENDING, ProjectStatus.HIDDEN),
    "reject": (ProjectStatus.PENDING,),
    "hide": (ProjectStatus.PUBLISHED,),
}


@dataclass(frozen=True)
class ProjectInput:
    title: str
    summary: str
    kind: str
    target_amount: Any
    deadline: Any
    host_id: Any
    project_url: str = ""


def project_create(*, actor: Actor, data: ProjectInput) -> CrowdfundingProject:
    """The enterprise presents a project; it waits for the city office's moderation."""
    enterprise = require_enterprise(actor)
    e = FieldErrors()
    title = clean_text(data.title, "title", "项目名称", e, max_length=120)
    summary = clean_text(data.summary, "summary", "项目介绍", e, max_length=4000)
    if data.kind not in CrowdfundingKind.values:
        e.add("kind", "请选择众筹类型", MarketError.PROJECT_INVALID)
    target = clean_money(data.target_amount, "target_amount", "目标金额", e)
    deadline = clean_date(data.deadline, "deadline", "截止日期", e)
    if deadline is not None and deadline <= timezone.localdate():
        e.add("deadline", "截止日期须晚于今天")
    host = None
    if str(data.host_id or "").isdigit():
        host = Organisation.objects.filter(
            pk=int(data.host_id), kind__in=OrgKind.institutions(), status=OrgStatus.ACTIVE
        ).first()
    if host is None:
        e.add("host_id", "请选择平台上正常经营的众筹平台机构", MarketError.PROJECT_INVALID)
    url = clean_text(data.project_url, "project_url", "项目链接", e, max_length=200, required=False)
    if url and not url.startswith(("https://", "http://")):
        e.add("project_url", "项目链接须以 http:// 或 https:// 开头")
    e.raise_if_any()
    with transaction.atomic():
        project = CrowdfundingProject.objects.create(
            enterprise=enterprise,
            host=host,
            title=title,
            summary=summary,
            kind=data.kind,
            target_amount=target,
            deadline=deadline,
            project_url=url,
            search_terms=search_terms(title, summary, enterprise.name),
            created_by=actor.audit_user,
        )
        office = city_office()
        if office is not None:
            notify(
                [office],
                subject=f"待审核众筹项目：{enterprise.name}“{title}”",
                url=reverse("marketplace:review") + "#crowdfunding",
                topic="market.crowdfunding",
            )
    return project


def project_moderate(
    *, actor: Actor, project_id: int, decision: str, note: str = ""
) -> CrowdfundingProject:
    """The city office publishes, rejects (with a reason) or hides (with a reason) a project."""
    require_city(actor, "admin", "reviewer")
    if decision not in DECISIONS:
        raise DomainError(
            MarketError.PROJECT_INVALID, "审核决定无效", {"decision": "须为发布、退回或屏蔽"}
        )
    note = (note or "").strip()
    if decision != "publish" and not note:
        raise DomainError(
            MarketError.PROJECT_INVALID, "退回或屏蔽须填写理由", {"note": "请填写理由"}
        )
    with transaction.atomic():
        project: CrowdfundingProject = access(
            actor,
            CrowdfundingProject.objects.select_related("enterprise"),
            project_id,
            what="众筹项目",
            for_update=True,
        )
        if project.status not in DECISIONS[decision]:
            raise Conflict(
                MarketError.PROJECT_STATUS,
                f"项目当前状态为“{project.get_status_display()}”，不能执行该操作",
            )
        project.status = {
            "publish": ProjectStatus.PUBLISHED,
            "reject": ProjectStatus.REJECTED,
            "hide": ProjectStatus.HIDDEN,
        }[decision]
        project.moderation_note = note[:300]
        project.moderated_at = timezone.now()
        project.moderated_by = actor.audit_user
        project.save()
        notify(
            [project.enterprise],
            subject=f"众筹项目“{project.title}”{project.get_status_display()}"
            + (f"：{note}" if note else ""),
            url=reverse("marketplace:project", args=[project.pk]),
            topic="market.crowdfunding",
        )
    return project


def project_report_progress(
    *,
    actor: Actor,
    project_id: int,
    raised_amount: Any,
    backers: Any,
    reported_on: date | None = None,
    note: str = "",
) -> CrowdfundingProgress:
    """The hosting platform reports the cumulative amount raised and backers of its project; a
    lower amount than before (refunds) needs a note."""
    require_institution(actor)
    e = FieldErrors()
    raised = clean_money(raised_amount, "raised_amount", "累计已筹金额", e, allow_zero=True)
    count = clean_int(backers, "backers", "累计支持人数", e, low=0, high=100_000_000)
    text = clean_text(note, "note", "说明", e, max_length=300, required=False)
    e.raise_if_any()
    with transaction.atomic():
        project: CrowdfundingProject = access(
            actor, CrowdfundingProject.objects.all(), project_id, what="众筹项目", for_update=True
        )
        if project.host_id != actor.org_id:
            raise PermissionDenied("只有托管该项目的众筹平台可以报送进度")
        if project.status != ProjectStatus.PUBLISHED:
            raise Conflict(
                MarketError.PROJECT_STATUS,
                f"项目当前状态为“{project.get_status_display()}”，不能报送进度",
            )
        amount = raised
        assert amount is not None
        assert count is not None
        if amount < project.raised_amount and not text:
            raise DomainError(
                MarketError.PROJECT_INVALID,
                f"累计已筹金额低于上次报送的 {project.raised_amount} 元，须说明原因（如退款）",
                {"note": "金额减少须说明原因"},
            )
        report = CrowdfundingProgress.objects.create(
            project=project,
            reported_on=reported_on or timezone.localdate(),
            raised_amount=amount,
            backers=count,
            note=text,
            reported_by=actor.audit_user,
        )
        project.raised_amount = amount
        project.backers = count
        project.progress_updated_at = timezone.now()
        project.save()
    return report


def projects_close_expired(*, today: date | None = None) -> int:
    today = today or timezone.localdate()
    return CrowdfundingProject.objects.filter(
        status=ProjectStatus.PUBLISHED, deadline__lt=today
    ).update(status=ProjectStatus.CLOSED)
