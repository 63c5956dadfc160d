"""Applications: an enterprise applies to a product for one of its demands (attaching its consent
to a credit inquiry by that institution); the institution accepts, asks for more information, or
declines with a reason (granting is :mod:`.granting`). The promised response time is counted in
working days; an application not answered in time is flagged to the institution and the city."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from kejin.apps.credit.selectors import consents_for
from kejin.apps.credit.services.consent import consent_grant
from kejin.apps.marketplace.errors import MarketError
from kejin.apps.marketplace.facts import work_calendar
from kejin.apps.marketplace.models import (
    Application,
    ApplicationStatus,
    Demand,
    DemandStatus,
    Product,
    ProductStatus,
)
from kejin.apps.marketplace.services.common import (
    FieldErrors,
    clean_int,
    clean_money,
    clean_text,
    log_event,
    require_enterprise,
    require_institution,
)
from kejin.apps.policies.notifications import city_office, notify
from kejin.platform.tenancy import Actor, access
from kejin.rules.errors import Conflict, DomainError, NotFound, PermissionDenied

CONSENT_PURPOSE = "loan_application"
UNPUBLISHED = (ProductStatus.DRAFT, ProductStatus.PENDING, ProductStatus.REJECTED)


@dataclass(frozen=True)
class ApplyInput:
    demand_id: int
    product_id: int
    amount: Any = None
    term_months: Any = None
    note: str = ""
    consent_valid_until: date | None = None


def due_date(submitted_on: date, response_days: int) -> date | None:
    """The promised answer date: ``response_days`` working days after submission (None while
    the holiday schedule of that year is not known)."""
    try:
        return work_calendar().add_working_days(submitted_on, response_days)
    except DomainError:
        return None


def response_days_taken(submitted_on: date, answered_on: date) -> int | None:
    try:
        return work_calendar().working_days_between(submitted_on, answered_on)
    except DomainError:
        return None


def _attach_consent(actor: Actor, institution_id: int, until: date) -> int:
    """A valid consent for the institution covering ``until``: the one in force, or a new one."""
    today = timezone.localdate()
    current = (
        consents_for(actor)
        .filter(
            enterprise_id=actor.org_id,
            institution_id=institution_id,
            purpose=CONSENT_PURPOSE,
            revoked_at__isnull=True,
            valid_from__lte=today,
            valid_until__gte=until,
        )
        .order_by("-valid_until")
        .first()
    )
    if current is not None:
        return current.pk
    try:
        consent = consent_grant(
            actor=actor, institution_id=institution_id, purpose=CONSENT_PURPOSE, valid_until=until
        )
    except DomainError as exc:
        detail = "；".join(exc.fields.values()) if exc.fields else exc.message
        raise DomainError(
            exc.code, exc.message, {"consent_valid_until": detail}, exc.status
        ) from None
    return consent.pk


def application_submit(*, actor: Actor, data: ApplyInput) -> Application:
    """The enterprise applies to a listed product for one of its open demands."""
    enterprise = require_enterprise(actor)
    with transaction.atomic():
        demand: Demand = access(actor, Demand.objects.all(), data.demand_id, what="融资需求")
        if demand.enterprise_id != enterprise.pk:
            raise PermissionDenied("只能为本企业的融资需求提交申请")
        product = (
            Product.objects.select_related("institution")
            .exclude(status__in=UNPUBLISHED)
            .filter(pk=data.product_id)
            .first()
        )
        if product is None:
            raise NotFound("产品")
        e = FieldErrors()
        if demand.status != DemandStatus.OPEN:
            e.add(
                "demand_id",
                f"需求“{demand.title}”已{demand.get_status_display()}，不能再申请",
                MarketError.DEMAND_STATUS,
            )
        if product.status != ProductStatus.LISTED:
            e.add(
                "product_id",
                f"产品“{product.name}”当前{product.get_status_display()}，不接受申请",
                MarketError.PRODUCT_NOT_LISTED,
            )
        amount = clean_money(
            data.amount if data.amount not in (None, "") else demand.amount, "amount", "申请金额", e
        )
        term = clean_int(
            data.term_months if data.term_months not in (None, "") else demand.term_months,
            "term_months",
            "申请期限（月）",
            e,
        )
        if amount is not None and not product.amount_min <= amount <= product.amount_max:
            e.add(
                "amount",
                f"申请金额须在产品额度 {product.amount_min}–{product.amount_max} 元之内",
                MarketError.OUTSIDE_PRODUCT,
            )
        if term is not None and not product.term_min <= term <= product.term_max:
            e.add(
                "term_months",
                f"申请期限须在产品期限 {product.term_min}–{product.term_max} 个月之内",
                MarketError.OUTSIDE_PRODUCT,
            )
        note = clean_text(data.note, "note", "申请说明", e, max_length=2000, required=False)
        e.raise_if_any()
        previous = (
            Application.objects.filter(demand=demand, product=product)
            .exclude(status=ApplicationStatus.WITHDRAWN)
            .first()
        )
        if previous is not None:
            raise Conflict(
                MarketError.DUPLICATE_APPLICATION,
                f"已就需求“{demand.title}”向产品“{product.name}”提交过申请"
                f"（申请 #{previous.pk}，{previous.get_status_display()}），不能重复申请",
                {"product_id": "不能重复申请同一产品"},
            )
        consent_id = None
        if data.consent_valid_until is not None:
            consent_id = _attach_consent(actor, product.institution_id, data.consent_valid_until)
        now = timezone.now()
        today = timezone.localdate()
        try:
            with transaction.atomic():
                application = Application.objects.create(
                    demand=demand,
                    product=product,
                    enterprise=enterprise,
                    institution=product.institution,
                    amount=amount,
                    term_months=term,
                    note=note,
                    consent_id=consent_id,
                    submitted_at=now,
                    submitted_on=today,
                    due_on=due_date(today, product.response_days),
                    created_by=actor.audit_user,
                )
        except IntegrityError:
            raise Conflict(
                MarketError.DUPLICATE_APPLICATION,
                "已提交过相同的申请，不能重复申请",
                {"product_id": "不能重复申请同一产品"},
            ) from None
        log_event(application, actor, "submitted", note)
        due = application.due_on.isoformat() if application.due_on else "待节假日安排录入后确定"
        notify(
            [product.institution],
            subject=f"收到{enterprise.name}对“{product.name}”的申请",
            body=f"申请金额 {amount} 元，期限 {term} 个月。承诺答复日期：{due}。",
            url=reverse("marketplace:received_detail", args=[application.pk]),
            topic="market.application",
        )
    return application


# --- the institution answers ------------------------------------------------------------------


def institution_application(actor: Actor, application_id: int) -> Application:
    require_institution(actor)
    application: Application = access(
        actor,
        Application.objects.select_related("product", "enterprise", "institution", "demand"),
        application_id,
        what="申请",
        for_update=True,
    )
    if application.institution_id != actor.org_id:
        raise PermissionDenied("只有受理机构可以处理该申请")
    return application


def require_status(application: Application, allowed: tuple[str, ...], verb: str) -> None:
    if application.status not in allowed:
        raise Conflict(
            MarketError.APPLICATION_STATUS,
            f"申请当前状态为“{application.get_status_display()}”，不能{verb}",
        )


def mark_first_response(application: Application, *, on: date | None = None) -> None:
    if application.first_response_at is None:
        today = on or timezone.localdate()
        application.first_response_at = timezone.now()
        application.first_response_on = today
        application.response_working_days = response_days_taken(application.submitted_on, today)


def tell_enterprise(application: Application, subject: str, body: str = "") -> None:
    notify(
        [application.enterprise],
        subject=subject,
        body=body,
        url=reverse("marketplace:application", args=[application.pk]),
        topic="market.application",
    )


def application_accept(*, actor: Actor, application_id: int, note: str = "") -> Application:
    with transaction.atomic():
        app = institution_application(actor, application_id)
        require_status(app, (ApplicationStatus.SUBMITTED,), "受理")
        app.status = ApplicationStatus.ACCEPTED
        mark_first_response(app)
        app.save()
        log_event(app, actor, "accepted", note.strip())
        tell_enterprise(app, f"您对“{app.product.name}”的申请已受理", note.strip())
    return app


def application_request_info(*, actor: Actor, application_id: int, message: str) -> Application:
    e = FieldErrors()
    text = clean_text(message, "message", "需补充的材料", e, max_length=2000)
    e.raise_if_any()
    with transaction.atomic():
        app = institution_application(actor, application_id)
        require_status(
            app, (ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED), "要求补充材料"
        )
        app.status = ApplicationStatus.INFO_REQUESTED
        app.info_request = text
        mark_first_response(app)
        app.save()
        log_event(app, actor, "info_requested", text)
        tell_enterprise(app, f"“{app.product.name}”的申请需要补充材料", text)
    return app


def application_decline(*, actor: Actor, application_id: int, reason: str) -> Application:
    e = FieldErrors()
    text = clean_text(reason, "reason", "未获批原因", e, max_length=300)
    e.raise_if_any()
    with transaction.atomic():
        app = institution_application(actor, application_id)
        require_status(app, ApplicationStatus.pending(), "拒绝")
        app.status = ApplicationStatus.DECLINED
        app.decline_reason = text
        app.decided_at = timezone.now()
        app.decided_by = actor.audit_user
        mark_first_response(app)
        app.save()
        log_event(app, actor, "declined", text)
        tell_enterprise(app, f"您对“{app.product.name}”的申请未获批", f"原因：{text}")
    return app


# --- the enterprise ------------------------------------------------------------------------


def enterprise_application(actor: Actor, application_id: int) -> Application:
    require_enterprise(actor)
    application: Application = access(
        actor,
        Application.objects.select_related("product", "enterprise", "institution"),
        application_id,
        what="申请",
        for_update=True,
    )
    if application.enterprise_id != actor.org_id:
        raise PermissionDenied("只有申请企业可以办理此项")
    return application


def application_provide_info(*, actor: Actor, application_id: int, message: str) -> Application:
    e = FieldErrors()
    text = clean_text(message, "message", "补充说明", e, max_length=2000)
    e.raise_if_any()
    with transaction.atomic():
        app = enterprise_application(actor, application_id)
        require_status(app, (ApplicationStatus.INFO_REQUESTED,), "补充材料")
        app.status = ApplicationStatus.ACCEPTED
        app.info_response = text
        app.save()
        log_event(app, actor, "info_provided", text)
        notify(
            [app.institution],
            subject=f"{app.enterprise.name}已补充“{app.product.name}”申请的材料",
            body=text,
            url=reverse("marketplace:received_detail", args=[app.pk]),
            topic="market.application",
        )
    return app


def application_withdraw(*, actor: Actor, application_id: int) -> Application:
    with transaction.atomic():
        app = enterprise_application(actor, application_id)
        require_status(app, ApplicationStatus.pending(), "撤回")
        app.status = ApplicationStatus.WITHDRAWN
        app.save()
        log_event(app, actor, "withdrawn")
        notify(
            [app.institution],
            subject=f"{app.enterprise.name}撤回了对“{app.product.name}”的申请",
            url=reverse("marketplace:received_detail", args=[app.pk]),
            topic="market.application",
        )
    return app


def application_rate(
    *, actor: Actor, application_id: int, rating: Any, comment: str = ""
) -> Application:
    """After the institution decided, the enterprise rates its service (1–5 stars), once."""
    e = FieldErrors()
    stars = clean_int(rating, "rating", "服务评价", e, low=1, high=5)
    text = clean_text(comment, "comment", "评价意见", e, max_length=300, required=False)
    e.raise_if_any()
    with transaction.atomic():
        app = enterprise_application(actor, application_id)
        require_status(app, ApplicationStatus.completed(), "评价（机构作出决定后才能评价）")
        if app.rating is not None:
            raise Conflict(MarketError.RATING_INVALID, "该申请已经评价过")
        app.rating = stars
        app.rating_comment = text
        app.rated_at = timezone.now()
        app.save()
        log_event(app, actor, "rated", f"{stars} 星 {text}".strip())
    return app


# --- overdue responses -------------------------------------------------------------------------


def applications_flag_overdue(*, today: date | None = None) -> int:
    """Flag every application still unanswered after its promised date, once, to its institution
    and to the city office; fill in due dates that became computable."""
    today = today or timezone.localdate()
    flagged = 0
    office = city_office()
    with transaction.atomic():
        for app in (
            Application.objects.select_for_update()
            .filter(status=ApplicationStatus.SUBMITTED, due_on__isnull=True)
            .select_related("product")
        ):
            app.due_on = due_date(app.submitted_on, app.product.response_days)
            if app.due_on is not None:
                app.save(update_fields=["due_on", "updated_at"])
        late = (
            Application.objects.select_for_update()
            .filter(
                status=ApplicationStatus.SUBMITTED,
                first_response_at__isnull=True,
                overdue_flagged_at__isnull=True,
                due_on__lt=today,
            )
            .select_related("product", "enterprise", "institution")
        )
        for app in late:
            app.overdue_flagged_at = timezone.now()
            app.save(update_fields=["overdue_flagged_at", "updated_at"])
            log_event(app, None, "overdue", f"承诺于 {app.due_on} 前答复，逾期未答复")
            subject = (
                f"申请逾期未答复：{app.enterprise.name}对“{app.product.name}”的申请"
                f"（承诺 {app.due_on} 前答复）"
            )
            notify(
                [app.institution],
                subject=subject,
                url=reverse("marketplace:received_detail", args=[app.pk]),
                topic="market.overdue",
            )
            if office is not None:
                notify(
                    [office],
                    subject=f"{app.institution.name} {subject}",
                    url=reverse("marketplace:overdue"),
                    topic="market.overdue",
                )
            flagged += 1
    return flagged
