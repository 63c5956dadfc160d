"""Payment (拨付): approved awards grouped into a batch, exported as the bank transfer file
(xlsx or CSV: payee name, bank, account, amount, reference), then marked paid with the bank's
reference. Each award is paid once: it belongs to one batch and ``fund_pay`` settles its
commitment."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from kejin.apps.policies import clock, funding
from kejin.apps.policies.errors import PolicyError
from kejin.apps.policies.models import Application, BatchStatus, PaymentBatch, Status
from kejin.apps.policies.services.workflow import (
    APPROVE_ROLES,
    REVIEW_ROLES,
    require_city,
    tell_applicant,
    transition,
)
from kejin.platform.tenancy import Actor, access
from kejin.rules.errors import Conflict, DomainError
from kejin.rules.money import ZERO, fmt_yuan

TRANSFER_COLUMNS = [
    ("seq", "序号"),
    ("payee_name", "收款户名"),
    ("payee_bank", "开户银行"),
    ("payee_account", "收款账号"),
    ("amount", "金额（元）"),
    ("reference", "附言（申报编号）"),
    ("purpose", "用途"),
]


def payment_batch_create(
    *, actor: Actor, application_ids: Iterable[int], title: str = ""
) -> PaymentBatch:
    """Group approved, unpaid awards into a new batch."""
    require_city(actor, *REVIEW_ROLES, what="编制拨付批次")
    ids = list(dict.fromkeys(application_ids))
    if not ids:
        raise DomainError(
            code=PolicyError.PAYMENT_INVALID,
            message="请选择要拨付的奖补",
            fields={"application_ids": "至少选择一项"},
        )
    with transaction.atomic():
        apps = list(
            Application.objects.select_for_update().filter(pk__in=ids).select_related("program")
        )
        found = {a.pk for a in apps}
        wrong = [str(pk) for pk in ids if pk not in found]
        wrong += [
            a.number for a in apps if a.status != Status.APPROVED or a.payment_batch_id is not None
        ]
        if wrong:
            raise Conflict(
                PolicyError.PAYMENT_INVALID,
                "以下申报不是“已批准、未编入拨付批次”的奖补：" + "、".join(wrong),
                {"application_ids": "只能选择已批准且未拨付的奖补"},
            )
        no_account = [a.number for a in apps if not a.payee_account.strip()]
        if no_account:
            raise DomainError(
                code=PolicyError.PAYMENT_INVALID,
                message="以下申报缺少收款账号：" + "、".join(no_account),
                fields={"application_ids": "缺少收款账号"},
            )
        total = sum((a.award_amount for a in apps), ZERO)
        batch = PaymentBatch.objects.create(
            title=(title or "").strip()[:200] or f"{clock.today():%Y年%m月}扶持资金拨付",
            total=total,
            count=len(apps),
            created_by=actor.audit_user,
        )
        for application in apps:
            application.payment_batch = batch
            application.save(update_fields=["payment_batch", "updated_at"])
    return batch


def transfer_rows(batch: PaymentBatch) -> list[dict[str, Any]]:
    rows = []
    apps = batch.applications.select_related("program").order_by("pk")
    for i, application in enumerate(apps, start=1):
        rows.append(
            {
                "seq": i,
                "payee_name": application.payee_name,
                "payee_bank": application.payee_bank,
                "payee_account": application.payee_account,
                "amount": application.award_amount,
                "reference": application.number,
                "purpose": application.program.title[:40],
            }
        )
    return rows


def payment_batch_export(
    *, actor: Actor, batch_id: int
) -> tuple[PaymentBatch, list[dict[str, Any]]]:
    """The transfer file's rows; the first export moves the batch to "exported"."""
    require_city(actor, *REVIEW_ROLES, what="导出拨付文件")
    with transaction.atomic():
        batch: PaymentBatch = access(
            actor, PaymentBatch.objects.all(), batch_id, what="拨付批次", for_update=True
        )
        if batch.status == BatchStatus.DRAFT:
            batch.status = BatchStatus.EXPORTED
            batch.exported_at = timezone.now()
            batch.save()
    return batch, transfer_rows(batch)


def transfer_csv(rows: list[dict[str, Any]]) -> bytes:
    """The CSV the bank imports: UTF-8 with BOM (opens in Excel), amounts with two decimals."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([label for _, label in TRANSFER_COLUMNS])
    for row in rows:
        out = []
        for key, _ in TRANSFER_COLUMNS:
            value = row[key]
            out.append(f"{value:.2f}" if isinstance(value, Decimal) else str(value))
        writer.writerow(out)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def payment_batch_mark_paid(
    *, actor: Actor, batch_id: int, bank_reference: str, paid_on: date | None = None
) -> PaymentBatch:
    """Record the bank's reference: every award of the batch is paid from its commitment."""
    require_city(actor, *APPROVE_ROLES, what="登记拨付")
    reference = (bank_reference or "").strip()
    if not reference:
        raise DomainError(
            code=PolicyError.PAYMENT_INVALID,
            message="请填写银行回单号",
            fields={"bank_reference": "请填写银行回单号或流水号"},
        )
    day = paid_on or clock.today()
    if day > clock.today():
        raise DomainError(
            code=PolicyError.PAYMENT_INVALID,
            message="拨付日期不能晚于今天",
            fields={"paid_on": "不能晚于今天"},
        )
    with transaction.atomic():
        batch: PaymentBatch = access(
            actor, PaymentBatch.objects.all(), batch_id, what="拨付批次", for_update=True
        )
        if batch.status == BatchStatus.PAID:
            raise Conflict(
                PolicyError.PAYMENT_DONE,
                f"拨付批次 {batch.number} 已于 {batch.paid_on} 登记拨付"
                f"（回单 {batch.bank_reference}）",
            )
        if batch.status == BatchStatus.DRAFT:
            raise Conflict(PolicyError.PAYMENT_INVALID, "请先导出拨付文件并完成银行转账")
        for application in batch.applications.select_for_update().select_related("program"):
            if application.status != Status.APPROVED:
                raise Conflict(
                    PolicyError.PAYMENT_DONE,
                    f"申报 {application.number} 当前为“{application.get_status_display()}”"
                    "，不能拨付",
                )
            if application.fund_commitment_id is None:
                raise Conflict(
                    PolicyError.PAYMENT_INVALID, f"申报 {application.number} 没有资金承诺，不能拨付"
                )
            funding.pay(
                actor=actor,
                commitment_id=application.fund_commitment_id,
                amount=application.award_amount,
                bank_reference=reference,
            )
            application.paid_at = timezone.now()
            application.bank_reference = reference
            transition(
                application,
                actor=actor,
                action="paid",
                to=Status.PAID,
                reason=f"拨付批次 {batch.number}，银行回单 {reference}，{day}",
            )
            tell_applicant(
                application,
                f"已拨付 {fmt_yuan(application.award_amount)} 元",
                f"扶持资金 {fmt_yuan(application.award_amount)} 元已于 {day} 拨付至 "
                f"{application.payee_bank} {application.payee_account}，银行回单 {reference}。",
            )
        batch.status = BatchStatus.PAID
        batch.bank_reference = reference
        batch.paid_on = day
        batch.paid_by = actor.audit_user
        batch.paid_at = timezone.now()
        batch.save()
    return batch
