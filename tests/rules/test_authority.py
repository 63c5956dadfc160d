"""Approval by authority level (with four eyes) and the risk limits of a tech micro-loan."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kejin.rules import authority
from kejin.rules.authority import Book, Level
from kejin.rules.errors import DomainError
from kejin.rules.params import ParameterSet

D = Decimal
P = ParameterSet.defaults()
ON = date(2025, 6, 10)
MAKER, OFFICER2, MANAGER, MEMBER1, MEMBER2 = 1, 2, 3, 4, 5


@pytest.mark.parametrize(
    ("amount", "level", "needed"),
    [
        ("1.00", Level.OFFICER, 1),
        ("500000.00", Level.OFFICER, 1),  # ≤ 500,000: the bound is inclusive
        ("500000.01", Level.MANAGER, 1),  # one fen above → manager
        ("3000000.00", Level.MANAGER, 1),  # ≤ 3,000,000 inclusive
        ("3000000.01", Level.CREDIT_COMMITTEE, 2),  # above → two committee members
    ],
)
def test_amount_thresholds_decide_the_level(amount: str, level: Level, needed: int) -> None:
    result = authority.required_level(D(amount), ON, P)
    assert (result.level, result.approvals_needed) == (level, needed)
    assert [p.key for p in result.parameters] == [
        "microloan.authority.officer_max",
        "microloan.authority.manager_max",
    ]
    assert result.trace()["level"] == level.value


def test_the_highest_role_gives_the_level() -> None:
    assert authority.level_of(["officer"]) is Level.OFFICER
    assert authority.level_of(["officer", "manager"]) is Level.MANAGER
    assert authority.level_of(["admin", "credit_committee"]) is Level.CREDIT_COMMITTEE
    assert authority.level_of(["admin", "viewer"]) is None


def test_the_maker_never_approves_their_own_case() -> None:
    with pytest.raises(DomainError) as exc:
        authority.check_approver(
            approver_id=MAKER, roles=["manager"], maker_id=MAKER, required=Level.OFFICER
        )
    assert (exc.value.code, exc.value.status) == ("microloan.four_eyes", 403)


def test_an_officer_cannot_approve_a_manager_level_case() -> None:
    with pytest.raises(DomainError) as exc:
        authority.check_approver(
            approver_id=OFFICER2, roles=["officer"], maker_id=MAKER, required=Level.MANAGER
        )
    assert exc.value.code == "microloan.above_authority"
    assert "审批经理" in exc.value.message


def test_a_higher_level_may_approve_a_lower_case() -> None:
    level = authority.check_approver(
        approver_id=MEMBER1, roles=["credit_committee"], maker_id=MAKER, required=Level.OFFICER
    )
    assert level is Level.CREDIT_COMMITTEE


def test_a_person_without_an_approval_role_is_refused() -> None:
    with pytest.raises(DomainError) as exc:
        authority.check_approver(
            approver_id=9, roles=["admin"], maker_id=MAKER, required=Level.OFFICER
        )
    assert exc.value.code == "microloan.above_authority"


def test_the_committee_needs_two_different_members() -> None:
    first = authority.check_approver(
        approver_id=MEMBER1,
        roles=["credit_committee"],
        maker_id=MAKER,
        required=Level.CREDIT_COMMITTEE,
    )
    assert first is Level.CREDIT_COMMITTEE
    assert not authority.is_approved(Level.CREDIT_COMMITTEE, [MEMBER1])
    with pytest.raises(DomainError) as exc:
        authority.check_approver(
            approver_id=MEMBER1,
            roles=["credit_committee"],
            maker_id=MAKER,
            required=Level.CREDIT_COMMITTEE,
            approved_by=[MEMBER1],
        )
    assert exc.value.code == "microloan.already_approved"
    assert authority.is_approved(Level.CREDIT_COMMITTEE, [MEMBER1, MEMBER2])
    assert authority.is_approved(Level.MANAGER, [MANAGER])


# --- limits ---------------------------------------------------------------------------------------


def book(borrower: str = "0", industry_exposure: str = "0", total: str = "0") -> Book:
    return Book(D(borrower), "高端装备制造", D(industry_exposure), D(total))


def test_per_borrower_limit_counts_outstanding_and_approved() -> None:
    # 4,800,000 outstanding + approved, + 200,000 = 5,000,000 ≤ 5,000,000: passes
    check = authority.check_limits(D("200000"), book("4800000"), ON, P)
    assert "5,000,000.00 元" in check.steps[0]
    # + 200,000.01 = 5,000,000.01 > 5,000,000: refused, naming the limit
    with pytest.raises(DomainError) as exc:
        authority.check_limits(D("200000.01"), book("4800000"), ON, P)
    assert exc.value.code == "microloan.limit_per_borrower"
    assert "microloan.limit.per_borrower" in exc.value.message
    assert "5,000,000.01 元" in exc.value.fields["amount"]


def test_industry_share_limit_once_the_book_is_big_enough() -> None:
    # book 17,000,000 + 3,000,000 = 20,000,000; industry 3,000,000 + 3,000,000 = 6,000,000
    # 6,000,000 / 20,000,000 = 30.00% ≤ 30%: passes
    check = authority.check_limits(D("3000000"), book("0", "3000000", "17000000"), ON, P)
    assert "30.00%" in check.steps[1]
    # industry 3,000,001 + 3,000,000 = 6,000,001 / 20,000,001 = 30.0000...% > 30%: refused
    with pytest.raises(DomainError) as exc:
        authority.check_limits(D("3000000"), book("0", "3000001", "17000001"), ON, P)
    assert exc.value.code == "microloan.limit_industry"
    assert "microloan.limit.industry_share" in exc.value.message
    assert "高端装备制造" in exc.value.message


def test_industry_share_is_not_checked_below_the_minimum_book() -> None:
    # whole book 2,000,000 + 1,000,000 = 3,000,000 < 10,000,000: the first loans of a new lender
    # are all in one industry (100%) and still pass
    check = authority.check_limits(D("1000000"), book("0", "2000000", "2000000"), ON, P)
    assert "未达起算规模" in check.steps[1]


def test_headroom_is_what_is_left_under_the_per_borrower_limit() -> None:
    assert authority.headroom(book("4200000"), ON, P) == D("800000")
    assert authority.headroom(book("6000000"), ON, P) == D("0")


@given(
    amount=st.decimals(min_value=D("0.01"), max_value=D("10000000"), places=2),
    existing=st.decimals(min_value=D("0"), max_value=D("10000000"), places=2),
)
def test_per_borrower_limit_passes_exactly_when_the_sum_is_within(
    amount: Decimal, existing: Decimal
) -> None:
    within = existing + amount <= D("5000000")
    if within:
        authority.check_limits(amount, book(str(existing)), ON, P)
    else:
        with pytest.raises(DomainError, match=r"microloan\.limit\.per_borrower"):
            authority.check_limits(amount, book(str(existing)), ON, P)
