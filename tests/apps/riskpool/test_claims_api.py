"""Claims through the API, with the hand-worked examples of docs/rules/risk-pool.md.

Every loan here: contract 2024-01-15, interest only, never repaid; registered on 2024-01-15;
claimed on 2024-06-01 (107 days past due; passed 90 days on 2024-05-16, when the principal
outstanding was the whole amount).
"""

from __future__ import annotations

from decimal import Decimal

from kejin.apps.riskpool.balances import pool_balance
from kejin.apps.riskpool.models import Claim, ClaimStatus, Journal, JournalLine, Registration
from tests.apps.riskpool.conftest import DEFAULT_DATE, FILED, World, assert_error
from tests.apps.riskpool.helpers import file_claim, register, review

D = Decimal


def test_insured_loss_is_shared_40_40_20_exactly_to_the_fen(world: World) -> None:
    register(world, "JL-A", "2500000.00", insured=True)
    claim = file_claim(world, "JL-A", collateral="154321.09")
    # loss = principal on 2024-05-16 2,500,000.00 − collateral 154,321.09 = 2,345,678.91
    assert claim["default_date"] == DEFAULT_DATE.isoformat()
    assert claim["days_past_due"] == 107
    assert D(claim["loss"]) == D("2345678.91")
    assert claim["status"] == "filed"
    paid = review(world, claim["id"])
    # 234,567,891 fen × 40% = 93,827,156.4 → 93,827,156 (+1 to the pool: remainder .4, tied with
    # the bank, listed first); bank 93,827,156; insurer × 20% = 46,913,578.2 → 46,913,578
    assert D(paid["pool_share"]) == D("938271.57")
    assert D(paid["bank_share"]) == D("938271.56")
    assert D(paid["insurer_share"]) == D("469135.78")
    assert D(paid["pool_share"]) + D(paid["bank_share"]) + D(paid["insurer_share"]) == D(
        "2345678.91"
    )
    assert paid["status"] == "paid"
    # The pool paid its share: 10,000,000.00 − 938,271.57 = 9,061,728.43
    assert pool_balance(world.pool.pk) == D("9061728.43")
    journal = Journal.objects.get(kind="compensation")
    lines = {(line.account, line.debit, line.credit) for line in journal.lines.all()}
    assert lines == {
        ("compensation_paid", D("938271.57"), D("0.00")),
        ("pool_cash", D("0.00"), D("938271.57")),
    }
    assert Registration.objects.get(loan__external_id="JL-A").status == "compensated"


def test_uninsured_loss_is_shared_50_50(world: World) -> None:
    register(world, "JL-B", "1300000.00")
    claim = file_claim(world, "JL-B", collateral="65432.11")
    # 1,300,000.00 − 65,432.11 = 1,234,567.89; half is 61,728,394.5 fen each → the pool (listed
    # first) takes the odd fen: 617,283.95 / 617,283.94
    assert D(claim["loss"]) == D("1234567.89")
    paid = review(world, claim["id"])
    assert (D(paid["pool_share"]), D(paid["bank_share"])) == (D("617283.95"), D("617283.94"))
    assert paid["insurer_share"] is None
    assert paid["share_percents"] == {"pool": "50", "bank": "50"}


def test_the_per_loan_cap_binds_and_the_excess_goes_to_the_bank(world: World) -> None:
    register(world, "JL-C", "8000000.00", insured=True)
    claim = file_claim(world, "JL-C")
    paid = review(world, claim["id"])
    # 8,000,000.00 × 40% = 3,200,000.00 > cap 3,000,000.00 → pool 3,000,000.00;
    # bank 3,200,000.00 + 200,000.00 = 3,400,000.00; insurer 1,600,000.00
    assert D(paid["pool_share"]) == D("3000000.00")
    assert D(paid["bank_share"]) == D("3400000.00")
    assert D(paid["insurer_share"]) == D("1600000.00")
    assert D(paid["pool_excess"]) == D("200000.00")
    steps = [s["label"] for s in paid["trace"]["steps"]]
    assert "单笔补偿上限" in steps
    assert pool_balance(world.pool.pk) == D("7000000.00")


def test_the_city_may_reduce_the_loss_and_the_shares_follow(world: World) -> None:
    register(world, "JL-D", "1000000.00")
    claim = file_claim(world, "JL-D")
    paid = review(world, claim["id"], approved_loss="900000.01", note="抵押物估值核减")
    # 90,000,001 fen / 2 = 45,000,000.5 → pool 450,000.01, bank 450,000.00
    assert D(paid["approved_loss"]) == D("900000.01")
    assert (D(paid["pool_share"]), D(paid["bank_share"])) == (D("450000.01"), D("450000.00"))


def test_the_proposer_cannot_approve_four_eyes(world: World) -> None:
    register(world, "JL-E", "1000000.00")
    claim = file_claim(world, "JL-E")
    admin = world.api(world.cast.city_admin)
    assert admin.post(f"claims/{claim['id']}/propose", {}).status_code == 200
    error = assert_error(admin.post(f"claims/{claim['id']}/approve", {}), 403, "claim.four_eyes")
    assert "四眼" in error["message"]
    assert Claim.objects.get().status == ClaimStatus.PROPOSED
    assert not Journal.objects.filter(kind="compensation").exists()


def test_a_claim_cannot_be_approved_before_the_first_review(world: World) -> None:
    register(world, "JL-F", "1000000.00")
    claim = file_claim(world, "JL-F")
    response = world.api(world.city_reviewer).post(f"claims/{claim['id']}/approve", {})
    assert_error(response, 409, "claim.state")


def test_claim_on_an_unregistered_loan_is_refused_and_nothing_written(world: World) -> None:
    world.loan("JL-G", "1000000.00")
    response = world.api(world.cast.bank_officer).post(
        "claims", {"loan_external_id": "JL-G", "filed_on": FILED.isoformat()}
    )
    error = assert_error(response, 422, "claim.not_registered")
    assert "未登记入池" in error["fields"]["loan_external_id"]
    assert Claim.objects.count() == 0


def test_claim_before_90_days_past_due_is_refused(world: World) -> None:
    register(world, "JL-H", "1000000.00")
    # On 2024-05-15 the first unpaid due date 2024-02-15 is 90 days behind: not yet "over 90"
    response = world.api(world.cast.bank_officer).post(
        "claims", {"loan_external_id": "JL-H", "filed_on": "2024-05-15"}
    )
    error = assert_error(response, 422, "claim.not_90_days_past_due")
    assert "逾期 90 天" in error["fields"]["filed_on"]
    assert Claim.objects.count() == 0
    assert Registration.objects.get().status == "active"


def test_a_duplicate_claim_is_refused(world: World) -> None:
    register(world, "JL-I", "1000000.00")
    file_claim(world, "JL-I")
    response = world.api(world.cast.bank_officer).post(
        "claims", {"loan_external_id": "JL-I", "filed_on": FILED.isoformat()}
    )
    assert_error(response, 409, "claim.duplicate")
    assert Claim.objects.count() == 1


def test_negative_collateral_is_refused_with_the_field_named(world: World) -> None:
    register(world, "JL-J", "1000000.00")
    response = world.api(world.cast.bank_officer).post(
        "claims",
        {"loan_external_id": "JL-J", "filed_on": FILED.isoformat(), "collateral_realised": "-1"},
    )
    error = assert_error(response, 422, "money.invalid")
    assert "不能为负数" in error["fields"]["collateral_realised"]
    assert Claim.objects.count() == 0


def test_collateral_larger_than_the_debt_leaves_no_loss(world: World) -> None:
    register(world, "JL-K", "1000000.00")
    response = world.api(world.cast.bank_officer).post(
        "claims",
        {
            "loan_external_id": "JL-K",
            "filed_on": FILED.isoformat(),
            "collateral_realised": "1000000.01",
        },
    )
    assert_error(response, 422, "claim.collateral_exceeds")
    assert Claim.objects.count() == 0


def test_an_approved_loss_above_the_claimed_loss_is_refused(world: World) -> None:
    register(world, "JL-L", "1000000.00")
    claim = file_claim(world, "JL-L")
    response = world.api(world.cast.city_admin).post(
        f"claims/{claim['id']}/propose", {"approved_loss": "1000000.01"}
    )
    error = assert_error(response, 422, "claim.approved_loss_invalid")
    assert "approved_loss" in error["fields"]
    assert Claim.objects.get().status == "filed"


def test_rejection_needs_a_reason_and_returns_the_loan_to_the_pool(world: World) -> None:
    register(world, "JL-M", "1000000.00")
    claim = file_claim(world, "JL-M")
    city = world.api(world.cast.city_admin)
    assert_error(city.post(f"claims/{claim['id']}/reject", {"reason": " "}), 422, "reason_required")
    rejected = city.post(f"claims/{claim['id']}/reject", {"reason": "贷后管理不到位"})
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    assert Registration.objects.get().status == "active"
    # A rejected claim does not block a new one
    assert file_claim(world, "JL-M")["status"] == "filed"


def test_the_pool_never_pays_more_than_its_balance(world: World) -> None:
    for i in range(4):
        register(world, f"JL-CAP{i}", "8000000.00")
    # Three capped claims of 3,000,000.00 each: 10,000,000.00 − 9,000,000.00 = 1,000,000.00 left
    for i in range(3):
        review(world, file_claim(world, f"JL-CAP{i}")["id"])
    assert pool_balance(world.pool.pk) == D("1000000.00")
    last = file_claim(world, "JL-CAP3")
    assert world.api(world.cast.city_admin).post(f"claims/{last['id']}/propose").status_code == 200
    lines_before = JournalLine.objects.count()
    response = world.api(world.city_reviewer).post(f"claims/{last['id']}/approve")
    error = assert_error(response, 409, "claim.pool_insufficient")
    assert "1,000,000.00" in error["message"]
    assert JournalLine.objects.count() == lines_before
    assert Claim.objects.get(pk=last["id"]).status == ClaimStatus.PROPOSED
    assert pool_balance(world.pool.pk) == D("1000000.00")


def test_when_the_agreement_covers_interest_the_unpaid_interest_counts(world: World) -> None:
    body = {"effective_from": "2024-05-01", "interest_covered": True}
    city = world.api(world.cast.city_admin)
    assert city.post(f"agreements/{world.bank_agreement.pk}/versions", body).status_code == 201
    register(world, "JL-INT", "1000000.00")
    claim = file_claim(world, "JL-INT")
    # Interest only at 4.35%, ACT/360, on 1,000,000.00 — unpaid on 2024-05-16:
    #   due 02-15: × 31/360 = 3,745.83; 03-15: × 29/360 = 3,504.17; 04-15: × 31/360 = 3,745.83;
    #   05-15: × 30/360 = 3,625.00 → overdue 14,620.83
    #   accrued 05-15 → 05-16: 3,745.83 (the 31-day period to 06-15) × 1/31 = 120.83
    # loss = 1,000,000.00 + 14,620.83 + 120.83 = 1,014,741.66; half each: 507,370.83
    assert D(claim["interest"]) == D("14741.66")
    assert D(claim["loss"]) == D("1014741.66")
    assert (D(claim["pool_share"]), D(claim["bank_share"])) == (D("507370.83"), D("507370.83"))
