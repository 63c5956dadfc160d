"""The applicant's side: create an application (a draft with its estimate), edit it, upload its
documents, submit it, withdraw it. Every write is one transaction; a refusal writes nothing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from kejin.apps.enterprises.selectors import hnte_valid, tech_sme_status
from kejin.apps.orgs.models import Organisation, OrgKind
from kejin.apps.policies import clock, funding
from kejin.apps.policies.codes import CLAUSE_OF
from kejin.apps.policies.errors import PolicyError
from kejin.apps.policies.measures import measure_of
from kejin.apps.policies.models import (
    OPEN,
    WITHDRAWABLE,
    Application,
    ApplicationDocument,
    Program,
    Status,
)
from kejin.apps.policies.services import compute as computing
from kejin.apps.policies.services.workflow import (
    application_for,
    check_repeat_claims,
    needs_district_review,
    require_applicant,
    require_status,
    tell_applicant,
    tell_city,
    tell_district,
    transition,
)
from kejin.platform.tenancy import Actor
from kejin.rules.errors import DomainError, NotFound
from kejin.rules.money import fmt_yuan, round_fen, to_decimal
from kejin.rules.subsidies.trace import Award, clause

DOCUMENT_TYPES = {
    ".pdf": b"%PDF",
    ".png": b"\x89PNG",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
}
PAYEE_FIELDS = {
    "payee_name": "收款户名",
    "payee_bank": "开户银行",
    "payee_account": "收款账号",
}


@dataclass(frozen=True)
class ApplicationInput:
    program_id: int
    inputs: Mapping[str, Any] = field(default_factory=dict)
    claimed_amount: Decimal | str | None = None
    payee_name: str = ""
    payee_bank: str = ""
    payee_account: str = ""
    contact_name: str = ""
    contact_phone: str = ""


def program_visible(program_id: int) -> Program:
    program = Program.objects.select_related("policy").filter(pk=program_id, published=True)
    found = program.first()
    if found is None:
        raise NotFound("扶持项目")
    return found


def check_open(program: Program, on: date) -> None:
    if not program.is_open_on(on):
        raise DomainError(
            code=PolicyError.PROGRAM_NOT_OPEN,
            message=(
                f"项目“{program.title}”的申报期为 {program.opens_on} 至 {program.closes_on}，"
                f"{on} 不在申报期内"
            ),
            fields={"program_id": f"申报期 {program.opens_on} 至 {program.closes_on}"},
        )


def check_eligible(program: Program, applicant: Organisation, on: date) -> None:
    """Who may apply: the organisation kinds of the program, tech SME and HNTE status on ``on``."""
    basis = clause(CLAUSE_OF[program.measure])
    kinds = program.applicant_kinds or list(measure_of(program.measure).applicant_kinds)
    problems: list[str] = []
    if applicant.kind not in kinds:
        labels = dict(OrgKind.choices)
        allowed = "、".join(str(labels.get(k, k)) for k in kinds)
        problems.append(f"本项目的申报主体为{allowed}，{applicant.get_kind_display()}不能申报")
    elif program.requires_tech_sme and not tech_sme_status([applicant.pk], on)[applicant.pk]:
        problems.append(f"本项目仅限科技型中小企业申报，贵单位在 {on} 没有有效的科技型中小企业评价")
    if not problems and program.requires_hnte and not hnte_valid([applicant.pk], on)[applicant.pk]:
        problems.append(f"本项目仅限高新技术企业申报，贵单位在 {on} 没有有效的高新技术企业证书")
    if problems:
        raise DomainError(
            code=PolicyError.APPLICANT_INELIGIBLE,
            message="；".join(problems) + f"（依据：{basis}及项目申报条件）",
            fields={"program_id": problems[0]},
            status=403,
        )


def _claimed(value: Decimal | str | None) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = to_decimal(value if not isinstance(value, float) else repr(value))
    except DomainError:
        amount = Decimal(-1)
    if amount < 0 or amount != round_fen(amount):
        raise DomainError(
            code=PolicyError.INPUT_INVALID,
            message="申报金额须为非负数并精确到分",
            fields={"claimed_amount": f"申报金额无效（收到 {value}）"},
        )
    return amount


def _contact(data: ApplicationInput | Mapping[str, Any], name: str) -> str:
    value = data.get(name, "") if isinstance(data, Mapping) else getattr(data, name)
    text = str(value or "").strip()
    if name == "payee_account":
        return "".join(text.split())[:40]
    return text[:200]


def application_estimate(*, actor: Actor, program_id: int, inputs: Mapping[str, Any]) -> Award:
    """What the rule gives for these inputs now (nothing is written)."""
    program = program_visible(program_id)
    applicant = actor.organisation
    if applicant is None:
        raise NotFound("扶持项目")
    measure = measure_of(program.measure)
    cleaned = measure.clean(inputs, actor=actor, applicant=applicant, program=program)
    draft = Application(program=program, applicant=applicant, inputs=cleaned)
    return computing.compute(draft, actor=actor).award


def application_create(*, actor: Actor, data: ApplicationInput) -> Application:
    """A draft application with its estimate: checked for dates, eligibility and inputs."""
    applicant = actor.organisation
    if applicant is None:
        raise NotFound("扶持项目")
    actor.require_role("admin", "officer", message="申报须由本单位管理员或经办人办理")
    program = program_visible(data.program_id)
    today = clock.today()
    check_open(program, today)
    check_eligible(program, applicant, today)
    measure = measure_of(program.measure)
    cleaned = measure.clean(data.inputs, actor=actor, applicant=applicant, program=program)
    claimed = _claimed(data.claimed_amount)
    with transaction.atomic():
        application = Application.objects.create(
            program=program,
            applicant=applicant,
            district_code=applicant.district_code,
            inputs=cleaned,
            claimed_amount=claimed,
            payee_name=_contact(data, "payee_name") or applicant.name,
            payee_bank=_contact(data, "payee_bank"),
            payee_account=_contact(data, "payee_account"),
            contact_name=_contact(data, "contact_name") or applicant.contact_name,
            contact_phone=_contact(data, "contact_phone") or applicant.contact_phone,
            created_by=actor.audit_user,
        )
        computed = computing.compute(application, actor=actor)
        check_repeat_claims(application, computed.claims)
        computing.store(application, computed)
        transition(application, actor=actor, action="created", to=Status.DRAFT)
    return application


EDITABLE = ("inputs", "claimed_amount", *PAYEE_FIELDS, "contact_name", "contact_phone")


def application_update(
    *, actor: Actor, application_id: int, changes: Mapping[str, Any]
) -> Application:
    """Edit a draft or a returned application; the estimate is recomputed."""
    with transaction.atomic():
        application = application_for(actor, application_id, for_update=True)
        require_applicant(actor, application)
        require_status(application, Status.DRAFT, Status.RETURNED, doing="修改")
        unknown = [k for k in changes if k not in EDITABLE]
        if unknown:
            raise DomainError(
                code=PolicyError.INPUT_INVALID,
                message="以下内容不能修改：" + "、".join(unknown),
                fields=dict.fromkeys(unknown, "不能修改"),
            )
        if "inputs" in changes:
            application.inputs = measure_of(application.program.measure).clean(
                changes["inputs"] or {},
                actor=actor,
                applicant=application.applicant,
                program=application.program,
            )
        if "claimed_amount" in changes:
            application.claimed_amount = _claimed(changes["claimed_amount"])
        for name in (*PAYEE_FIELDS, "contact_name", "contact_phone"):
            if name in changes:
                setattr(application, name, _contact(changes, name))
        computed = computing.compute(application, actor=actor)
        check_repeat_claims(application, computed.claims)
        computing.store(application, computed)
    return application


def check_document(upload: UploadedFile) -> None:
    name = (upload.name or "").lower()
    ext = name[name.rfind(".") :] if "." in name else ""
    magic = DOCUMENT_TYPES.get(ext)
    head = upload.read(8)
    upload.seek(0)
    if magic is None or not head.startswith(magic):
        raise DomainError(
            code=PolicyError.DOCUMENT_INVALID,
            message="申报材料须为 PDF、PNG 或 JPG 文件",
            fields={"file": "文件类型不支持（只接受 PDF、PNG、JPG）"},
        )
    if upload.size is not None and upload.size > settings.KEJIN_MAX_UPLOAD_BYTES:
        limit = settings.KEJIN_MAX_UPLOAD_BYTES // (1024 * 1024)
        raise DomainError(
            code=PolicyError.DOCUMENT_INVALID,
            message=f"文件超过 {limit} MB",
            fields={"file": f"文件不能超过 {limit} MB"},
        )


def application_document_add(
    *, actor: Actor, application_id: int, code: str, upload: UploadedFile | None
) -> ApplicationDocument:
    """Upload one required document (a newer upload of the same document replaces it in use)."""
    with transaction.atomic():
        application = application_for(actor, application_id, for_update=True)
        require_applicant(actor, application)
        require_status(application, Status.DRAFT, Status.RETURNED, doing="上传材料")
        codes = {d["code"] for d in application.program.required_documents} | {"other"}
        if code not in codes:
            raise DomainError(
                code=PolicyError.DOCUMENT_INVALID,
                message=f"本项目没有“{code}”这项申报材料",
                fields={"code": "请选择本项目要求的材料"},
            )
        if upload is None:
            raise DomainError(
                code=PolicyError.DOCUMENT_INVALID,
                message="请选择要上传的文件",
                fields={"file": "请选择文件"},
            )
        check_document(upload)
        label = "其他材料" if code == "other" else application.program.document_label(code)
        return ApplicationDocument.objects.create(
            application=application,
            code=code,
            label=label,
            file=upload,
            original_name=(upload.name or "")[-200:],
            size=upload.size or 0,
            uploaded_by=actor.audit_user,
        )


def missing_documents(application: Application) -> list[str]:
    have = set(application.documents.values_list("code", flat=True))
    return [d["label"] for d in application.program.required_documents if d["code"] not in have]


def application_submit(*, actor: Actor, application_id: int) -> Application:
    """Submit (or resubmit after a return): everything checked, the amount computed by the rule,
    the application sent to the district office (or to the city when there is none)."""
    with transaction.atomic():
        application = application_for(actor, application_id, for_update=True)
        require_applicant(actor, application)
        require_status(application, Status.DRAFT, Status.RETURNED, doing="提交")
        program = application.program
        today = clock.today()
        if application.status == Status.DRAFT:
            check_open(program, today)
        check_eligible(program, application.applicant, today)
        problems: dict[str, str] = {}
        missing = missing_documents(application)
        if missing:
            problems["documents"] = "缺少申报材料：" + "、".join(missing)
        for name, label in PAYEE_FIELDS.items():
            if not getattr(application, name).strip():
                problems[name] = f"请填写{label}"
        if problems:
            first = "documents" if "documents" in problems else next(iter(problems))
            raise DomainError(
                code=PolicyError.DOCUMENTS_MISSING if missing else PolicyError.PAYEE_MISSING,
                message="申报不完整：" + "；".join(problems.values()),
                fields={first: problems[first], **problems},
            )
        computed = computing.compute(application, actor=actor)
        check_repeat_claims(application, computed.claims)
        award = computed.award
        basis = award.trace.clause
        if award.amount <= 0:
            why = "；".join(award.reasons) or "不符合计算条件"
            raise DomainError(
                code=PolicyError.ZERO_AMOUNT,
                message=f"按{basis}计算的金额为 0.00 元：{why}",
                fields={"inputs": why},
            )
        claimed = application.claimed_amount
        if claimed is not None and claimed != award.amount:
            raise DomainError(
                code=PolicyError.CLAIM_MISMATCH,
                message=(
                    f"申报金额 {fmt_yuan(claimed)} 元与按{basis}计算的金额 "
                    f"{fmt_yuan(award.amount)} 元不符"
                ),
                fields={"claimed_amount": f"按规则应为 {fmt_yuan(award.amount)} 元"},
            )
        computing.store(application, computed)
        first_time = application.submitted_at is None
        application.submitted_at = application.submitted_at or timezone.now()
        if needs_district_review(application):
            transition(
                application,
                actor=actor,
                action="submitted" if first_time else "resubmitted",
                to=Status.SUBMITTED,
                sla_days=program.sla_district_days,
            )
            tell_district(application, "已提交，待区级初审")
        else:
            transition(
                application,
                actor=actor,
                action="submitted" if first_time else "resubmitted",
                to=Status.CITY_REVIEW,
                sla_days=program.sla_city_days,
            )
            tell_city(application, "已提交，待市级复审")
        tell_applicant(application, f"已提交，测算金额 {fmt_yuan(application.amount)} 元")
    return application


def application_withdraw(*, actor: Actor, application_id: int, reason: str = "") -> Application:
    """The applicant withdraws before approval; money already committed is released."""
    with transaction.atomic():
        application = application_for(actor, application_id, for_update=True)
        require_applicant(actor, application)
        require_status(application, *WITHDRAWABLE, doing="撤回")
        text = (reason or "").strip() or "申报单位主动撤回"
        if application.fund_commitment_id:
            funding.release(
                actor=actor,
                commitment_id=application.fund_commitment_id,
                reason=f"申报 {application.number} 撤回：{text}",
            )
        was_open = application.status in OPEN
        transition(application, actor=actor, action="withdrawn", to=Status.WITHDRAWN, reason=text)
        if not was_open:
            tell_city(application, "已由申报单位撤回")
    return application
