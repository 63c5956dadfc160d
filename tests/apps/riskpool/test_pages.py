"""The pages: the same services as the API, errors beside the field, nothing written on error."""

from __future__ import annotations

from decimal import Decimal

from kejin.apps.riskpool.models import (
    Agreement,
    AgreementVersion,
    Claim,
    Journal,
    Recovery,
    Registration,
    RiskPool,
)
from kejin.platform.navigation import nav_for
from tests.apps.riskpool.conftest import World
from tests.apps.riskpool.helpers import file_claim, register

D = Decimal


def labels(world: World, user, path: str) -> str:  # type: ignore[no-untyped-def]
    response = world.cast.client(user).get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def test_the_city_sets_up_a_pool_on_pages(world: World) -> None:
    client = world.cast.client(world.cast.city_admin)
    text = labels(world, world.cast.city_admin, "/riskpool/new/")
    assert '<label for="id_name">资金池名称' in text
    duplicate = client.post("/riskpool/new/", {"name": world.pool.name, "opened_on": "2024-01-01"})
    assert "名称已存在" in duplicate.content.decode()
    created = client.post("/riskpool/new/", {"name": "二期资金池", "opened_on": "2025-01-01"})
    pool = RiskPool.objects.get(name="二期资金池")
    assert created["Location"] == f"/riskpool/{pool.pk}/"
    # An agreement whose shares do not add to 100: the message sits beside the field
    form = {
        "party": world.cast.bank.pk,
        "reference": "FX-2025-01",
        "signed_on": "2025-01-01",
        "effective_from": "2025-01-01",
        "pool_share_insured": "50",
        "bank_share_insured": "40",
        "insurer_share_insured": "20",
        "eligible_borrowers": ["tech_sme", "hnte"],
        "product_kinds": ["credit"],
    }
    bad = client.post(f"/riskpool/{pool.pk}/agreements/new/", form)
    assert bad.status_code == 200
    assert "各方分担比例之和须为 100%（现为 110%）" in bad.content.decode()
    assert not Agreement.objects.filter(pool=pool).exists()
    good = client.post(f"/riskpool/{pool.pk}/agreements/new/", form | {"pool_share_insured": "40"})
    agreement = Agreement.objects.get(pool=pool)
    assert good["Location"] == f"/riskpool/agreements/{agreement.pk}/"
    page = labels(world, world.cast.city_admin, good["Location"])
    assert "新增协议版本" in page
    version = client.post(
        good["Location"],
        {
            "effective_from": "2025-07-01",
            "eligible_borrowers": ["hnte"],
            "product_kinds": ["credit"],
        },
    )
    assert version.status_code == 302
    assert AgreementVersion.objects.filter(agreement=agreement).count() == 2


def test_contributions_on_the_page(world: World) -> None:
    client = world.cast.client(world.cast.city_admin)
    path = f"/riskpool/{world.pool.pk}/contribute/"
    text = labels(world, world.cast.city_admin, path)
    assert '<label for="id_amount">金额（元）' in text
    journals = Journal.objects.count()
    bad = client.post(
        path,
        {"source": "government", "amount": "-5", "received_on": "2024-02-01", "reference": "R"},
    )
    assert "金额必须大于零" in bad.content.decode()
    assert Journal.objects.count() == journals
    good = client.post(
        path,
        {
            "source": "bank",
            "bank_id": world.cast.bank.pk,
            "amount": "1000000.00",
            "received_on": "2024-02-01",
            "reference": "转账 01",
        },
    )
    assert good.status_code == 302
    assert Journal.objects.count() == journals + 1
    assert world.cast.client(world.cast.bank_admin).get(path).status_code == 403


def test_a_bank_registers_and_claims_on_pages(world: World) -> None:
    client = world.cast.client(world.cast.bank_officer)
    world.loan("PG-1", "1000000.00")
    form = labels(world, world.cast.bank_officer, "/riskpool/registrations/new/")
    assert '<option value="PG-1">' in form
    assert '<label for="id_loan_external_id">贷款合同编号' in form
    body = {"pool": world.pool.pk, "loan_external_id": "PG-1", "registered_on": "2024-03-01"}
    overdue = client.post("/riskpool/registrations/new/", body)
    assert "已逾期 15 天" in overdue.content.decode()
    assert Registration.objects.count() == 0
    done = client.post("/riskpool/registrations/new/", body | {"registered_on": "2024-01-15"})
    reg = Registration.objects.get()
    assert done["Location"] == f"/riskpool/registrations/{reg.pk}/"
    detail = labels(world, world.cast.bank_officer, done["Location"])
    assert "1,000,000.00 + 0.00" not in detail
    assert "0.00 + 1,000,000.00 ≤ 10,000,000.00 × 10" in detail
    claim_form = labels(world, world.cast.bank_officer, "/riskpool/claims/new/")
    assert "PG-1" in claim_form
    early = client.post(
        "/riskpool/claims/new/",
        {"loan_id": reg.loan_id, "filed_on": "2024-05-01", "collateral_realised": "0"},
    )
    assert "逾期超过 90 天方可申请代偿" in early.content.decode()
    assert Claim.objects.count() == 0
    filed = client.post(
        "/riskpool/claims/new/",
        {"loan_id": reg.loan_id, "filed_on": "2024-06-01", "collateral_realised": "0"},
    )
    claim = Claim.objects.get()
    assert filed["Location"] == f"/riskpool/claims/{claim.pk}/"
    page = labels(world, world.cast.bank_officer, filed["Location"])
    assert "逾期超过90天之日" in page
    assert "2024-02-15 + 91 天 = 2024-05-16" in page
    assert "初审通过" not in page  # banks do not review


def test_the_city_reviews_on_pages_with_four_eyes(world: World) -> None:
    register(world, "PG-2", "1000000.00")
    claim_id = file_claim(world, "PG-2")["id"]
    admin = world.cast.client(world.cast.city_admin)
    review_list = labels(world, world.cast.city_admin, "/riskpool/claims/review/")
    assert f"/riskpool/claims/{claim_id}/" in review_list
    admin.post(f"/riskpool/claims/{claim_id}/propose/", {"approved_loss": "", "note": "材料齐全"})
    assert Claim.objects.get().status == "proposed"
    mine = labels(world, world.cast.city_admin, f"/riskpool/claims/{claim_id}/")
    assert "须由另一名工作人员复核" in mine
    refused = admin.post(f"/riskpool/claims/{claim_id}/approve/", {"note": ""}, follow=True)
    assert "四眼原则" in refused.content.decode()
    assert Claim.objects.get().status == "proposed"
    reviewer = world.cast.client(world.city_reviewer)
    assert "复核通过并支付" in labels(world, world.city_reviewer, f"/riskpool/claims/{claim_id}/")
    reviewer.post(f"/riskpool/claims/{claim_id}/approve/", {"note": "同意"})
    claim = Claim.objects.get()
    assert claim.status == "paid"
    assert claim.pool_share == D("500000.00")
    # The bank reports a recovery on the loan's page
    bank = world.cast.client(world.cast.bank_officer)
    path = f"/riskpool/registrations/{claim.registration_id}/"
    assert '<label for="id_amount">追偿回收金额（元）' in labels(
        world, world.cast.bank_officer, path
    )
    too_much = bank.post(path, {"amount": "1000000.01", "received_on": "2024-09-01"})
    assert "超过尚未收回的损失" in too_much.content.decode()
    bank.post(path, {"amount": "100000.01", "received_on": "2024-09-01", "reference": "执行款"})
    recovery = Recovery.objects.get()
    # 10,000,001 fen / 2 = 5,000,000.5 → pool 50,000.01 (listed first), bank 50,000.00
    assert (recovery.pool_part, recovery.bank_part) == (D("50000.01"), D("50000.00"))


def test_the_navigation_by_organisation(world: World) -> None:
    def links(user):  # type: ignore[no-untyped-def]
        return {item.label for _, items in nav_for(world.actor(user)) for item in items}

    assert {"风险补偿登记", "代偿申请"} <= links(world.cast.bank_officer)
    assert "代偿分担" in links(world.insurer_admin)
    assert {"风险补偿资金池", "代偿审核", "试算平衡"} <= links(world.cast.city_admin)
    assert "风险补偿入池贷款" in links(world.cast.district_admin)
    assert "风险补偿资金池" not in links(world.cast.city_auditor)
    assert "风险补偿登记" not in links(world.cast.owner)
    page = labels(world, world.cast.city_admin, "/riskpool/")
    assert world.pool.name in page


def test_a_bank_opening_the_pool_list_lands_on_the_pool_totals(world: World) -> None:
    response = world.cast.client(world.cast.bank_admin).get("/riskpool/")
    assert response["Location"] == f"/riskpool/{world.pool.pk}/"
    page = labels(world, world.cast.bank_admin, response["Location"])
    assert "10,000,000.00" in page
    assert "登记注资" not in page
