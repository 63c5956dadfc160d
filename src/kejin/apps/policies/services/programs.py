"""The city office's side of policies and programs: a policy version from its text (split into
its clauses), a program (call for applications) under a policy."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction

from kejin.apps.orgs.models import OrgKind
from kejin.apps.policies import funding
from kejin.apps.policies.codes import MeasureCode
from kejin.apps.policies.errors import PolicyError
from kejin.apps.policies.measures import measure_of
from kejin.apps.policies.models import Clause, Policy, PolicyStatus, Program
from kejin.apps.policies.services.workflow import require_city
from kejin.platform.tenancy import Actor
from kejin.rules.errors import Conflict, DomainError, NotFound

NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
SECTION = re.compile(r"^([一二三四五六七八九十]+)、(.+)$")
CLAUSE = re.compile(r"^[（(]([一二三四五六七八九十]+)[）)]\s*(.*)$")
LINKAGE_MODES = (
    "grant_investment",
    "grant_loan",
    "investment_subsidy",
    "loan_subsidy",
    "loan_award",
)


def chinese_number(text: str) -> int:
    """``十三`` → 13, ``二十九`` → 29, ``九`` → 9 (up to 99)."""
    if text == "十":
        return 10
    if "十" in text:
        tens, _, units = text.partition("十")
        return (NUMERALS[tens] if tens else 1) * 10 + (NUMERALS[units] if units else 0)
    return NUMERALS[text]


@dataclass(frozen=True)
class ParsedClause:
    number: str
    ordinal: int
    section: str
    heading: str
    text: str


@dataclass(frozen=True)
class ParsedPolicy:
    title: str
    preamble: str
    clauses: list[ParsedClause] = field(default_factory=list)


def parse_policy(text: str) -> ParsedPolicy:
    """Split a policy's text: the first line is the title; ``一、…`` lines open sections;
    ``（十三）…`` lines open clauses (the rest of the line is the heading)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise DomainError(
            code=PolicyError.POLICY_INVALID, message="政策正文为空", fields={"text": "请粘贴正文"}
        )
    title, body = lines[0], lines[1:]
    preamble: list[str] = []
    clauses: list[ParsedClause] = []
    section = ""
    current: dict[str, Any] | None = None

    def close() -> None:
        if current is not None:
            clauses.append(
                ParsedClause(
                    number=current["number"],
                    ordinal=chinese_number(current["number"]),
                    section=current["section"],
                    heading=current["heading"],
                    text="\n".join(current["lines"]),
                )
            )

    for line in body:
        if m := CLAUSE.match(line):
            close()
            current = {
                "number": m.group(1),
                "section": section,
                "heading": m.group(2).rstrip("。").strip(),
                "lines": [],
            }
        elif m := SECTION.match(line):
            section = line
        elif current is None:
            preamble.append(line)
        else:
            current["lines"].append(line)
    close()
    numbers = [c.number for c in clauses]
    if len(set(numbers)) != len(numbers):
        dup = next(n for n in numbers if numbers.count(n) > 1)
        raise DomainError(
            code=PolicyError.POLICY_INVALID,
            message=f"条款（{dup}）出现了两次",
            fields={"text": f"条款（{dup}）重复"},
        )
    return ParsedPolicy(title=title, preamble="\n".join(preamble), clauses=clauses)


def policy_create(
    *,
    actor: Actor,
    code: str,
    text: str,
    effective_from: date,
    issuer: str = "",
    document_number: str = "",
    change_note: str = "",
) -> Policy:
    """A policy version from its text. A code already used gets the next version, and the
    version in force before it is marked superseded (and kept)."""
    require_city(actor, "admin", "officer", what="发布政策")
    code = (code or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9_-]{2,64}", code):
        raise DomainError(
            code=PolicyError.POLICY_INVALID,
            message="政策编码须为 2–64 位字母、数字、下划线或连字符",
            fields={"code": "如 kjjr-2016"},
        )
    parsed = parse_policy(text)
    if not parsed.clauses:
        raise DomainError(
            code=PolicyError.POLICY_INVALID,
            message="未识别到任何条款（条款须以“（一）”形式编号）",
            fields={"text": "未识别到条款"},
        )
    with transaction.atomic():
        previous = Policy.objects.select_for_update().filter(code=code).order_by("-version").first()
        policy = Policy.objects.create(
            code=code,
            version=(previous.version + 1) if previous else 1,
            title=parsed.title[:300],
            issuer=issuer.strip(),
            document_number=document_number.strip(),
            effective_from=effective_from,
            preamble=parsed.preamble,
            change_note=change_note.strip()[:500],
            previous=previous,
            created_by=actor.audit_user,
        )
        Clause.objects.bulk_create(
            [
                Clause(
                    policy=policy,
                    number=c.number,
                    ordinal=c.ordinal,
                    section=c.section[:200],
                    heading=c.heading[:300],
                    text=c.text,
                )
                for c in parsed.clauses
            ]
        )
        for old in Policy.objects.filter(code=code, status=PolicyStatus.PUBLISHED).exclude(
            pk=policy.pk
        ):
            old.status = PolicyStatus.SUPERSEDED
            old.save()
    return policy


@dataclass(frozen=True)
class ProgramInput:
    policy_id: int
    title: str
    year: int
    measure: str
    opens_on: date
    closes_on: date
    code: str = ""
    description: str = ""
    applicant_kinds: list[str] = field(default_factory=list)
    requires_tech_sme: bool = False
    requires_hnte: bool = False
    coverage_start: date | None = None
    coverage_end: date | None = None
    budget_line_id: int | None = None
    linkage_mode: str = ""
    required_documents: list[str] = field(default_factory=list)
    sla_district_days: int = 10
    sla_city_days: int = 15
    published: bool = True


def _clean_program(actor: Actor, data: ProgramInput, *, exclude_pk: int | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    policy = Policy.objects.filter(pk=data.policy_id).first()
    if policy is None:
        errors["policy_id"] = "请选择依据的政策"
    title = (data.title or "").strip()
    if not title:
        errors["title"] = "请填写项目名称"
    if data.measure not in MeasureCode.values:
        errors["measure"] = "请选择扶持措施"
    if not 2000 <= int(data.year or 0) <= 2100:
        errors["year"] = "年度无效"
    if data.closes_on < data.opens_on:
        errors["closes_on"] = "申报截止日期不能早于开始日期"
    kinds = [k for k in (data.applicant_kinds or []) if k]
    bad = [k for k in kinds if k not in OrgKind.values]
    if bad:
        errors["applicant_kinds"] = f"未知的机构类型：{'、'.join(bad)}"
    if data.measure in MeasureCode.values:
        measure = measure_of(data.measure)
        kinds = kinds or list(measure.applicant_kinds)
        if measure.needs_coverage and not (data.coverage_start and data.coverage_end):
            errors["coverage_start"] = "贷款贴息项目须填写支持期间（计息期应还日的起止日期）"
    if data.coverage_start and data.coverage_end and data.coverage_end < data.coverage_start:
        errors["coverage_end"] = "支持期间截止日不能早于起始日"
    label = ""
    if data.budget_line_id is not None:
        label = funding.line_label(actor, data.budget_line_id) or ""
        if not label:
            errors["budget_line_id"] = "预算科目不存在或不可用"
    if data.linkage_mode and data.linkage_mode not in LINKAGE_MODES:
        errors["linkage_mode"] = "联动模式无效"
    for name, label_text in (
        ("sla_district_days", "区级初审时限"),
        ("sla_city_days", "市级复审时限"),
    ):
        if not 1 <= int(getattr(data, name)) <= 90:
            errors[name] = f"{label_text}须为 1–90 天"
    code = (data.code or "").strip() or f"{data.year}-{data.measure}"
    clash = Program.objects.filter(code=code).exclude(pk=exclude_pk)
    if clash.exists():
        if data.code:
            errors["code"] = f"项目编号 {code} 已存在"
        else:
            code = f"{code}-{Program.objects.filter(code__startswith=code).count() + 1}"
    if errors:
        raise DomainError(
            code=PolicyError.PROGRAM_INVALID,
            message="项目设置有误：" + "；".join(errors.values()),
            fields=errors,
        )
    documents = []
    for i, label_text in enumerate(
        (d.strip() for d in data.required_documents if d and d.strip()), start=1
    ):
        documents.append({"code": f"d{i}", "label": label_text[:100]})
    return {
        "policy": policy,
        "code": code[:32],
        "title": title[:200],
        "year": int(data.year),
        "measure": data.measure,
        "description": (data.description or "").strip(),
        "applicant_kinds": kinds,
        "requires_tech_sme": bool(data.requires_tech_sme),
        "requires_hnte": bool(data.requires_hnte),
        "opens_on": data.opens_on,
        "closes_on": data.closes_on,
        "coverage_start": data.coverage_start,
        "coverage_end": data.coverage_end,
        "budget_line_id": data.budget_line_id,
        "budget_line_label": label,
        "linkage_mode": data.linkage_mode or "",
        "required_documents": documents,
        "sla_district_days": int(data.sla_district_days),
        "sla_city_days": int(data.sla_city_days),
        "published": bool(data.published),
    }


def program_create(*, actor: Actor, data: ProgramInput) -> Program:
    require_city(actor, "admin", "officer", what="设立扶持项目")
    cleaned = _clean_program(actor, data, exclude_pk=None)
    with transaction.atomic():
        return Program.objects.create(**cleaned, created_by=actor.audit_user)


def program_update(*, actor: Actor, program_id: int, data: ProgramInput) -> Program:
    """Edit a program; its measure cannot change once applications exist."""
    require_city(actor, "admin", "officer", what="修改扶持项目")
    with transaction.atomic():
        program = Program.objects.select_for_update().filter(pk=program_id).first()
        if program is None:
            raise NotFound("扶持项目")
        cleaned = _clean_program(actor, data, exclude_pk=program.pk)
        if cleaned["measure"] != program.measure and program.applications.exists():
            raise Conflict(
                PolicyError.PROGRAM_INVALID,
                "项目已有申报，不能更换扶持措施",
                {"measure": "已有申报，不能更换"},
            )
        for name, value in cleaned.items():
            setattr(program, name, value)
        program.save()
    return program


def program_input(raw: Mapping[str, Any]) -> ProgramInput:
    """A ProgramInput from a mapping (form or API), documents given as a list or as lines."""
    docs = raw.get("required_documents") or []
    if isinstance(docs, str):
        docs = docs.splitlines()
    return ProgramInput(**{**dict(raw), "required_documents": list(docs)})
