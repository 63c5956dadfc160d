"""A bank whose registered-loan NPL ratio passes the threshold (5%) is suspended from new
registrations until the city lifts it; the pages show why."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kejin.apps.riskpool.models import Registration, Suspension
from tests.apps.riskpool.conftest import World, assert_error
from tests.apps.riskpool.helpers import file_claim, register

D = Decimal
LATER = date(2024, 4, 15)  # a loan contracted then is only 17 days past due on 2024-06-01


def two_loans(world: World, healthy: str) -> None:
    """A 1,000,000.00 loan that passed 90 days on 2024-05-16 and a younger one of ``healthy``."""
    register(world, "JL-BAD", "1000000.00")
    world.loan("JL-YOUNG", healthy, contract=LATER)
    response = world.api(world.cast.bank_officer).post(
        f"pools/{world.pool.pk}/registrations",
        {"loan_external_id": "JL-YOUNG", "registered_on": LATER.isoformat()},
    )
    assert response.status_code == 201, response.content.decode()


def test_exactly_at_the_threshold_is_not_suspended(world: World) -> None:
    two_loans(world, "19000000.00")
    file_claim(world, "JL-BAD")
    # 1,000,000.00 ÷ (1,000,000.00 + 19,000,000.00) = 5% — not above 5%
    assert not Suspension.objects.exists()


def test_a_claim_that_takes_the_ratio_past_the_threshold_suspends_the_bank(world: World) -> None:
    two_loans(world, "10000000.00")
    file_claim(world, "JL-BAD")
    s = Suspension.objects.get()
    # 1,000,000.00 ÷ 11,000,000.00 = 9.090909…% > 5%
    assert (s.bank, s.suspended_on, s.threshold) == (world.cast.bank, date(2024, 6, 1), D(5))
    assert s.ratio == D("9.090909")
    assert (s.npl_outstanding, s.registered_outstanding) == (D("1000000.00"), D("11000000.00"))
    # New registrations are refused with the reason; nothing is written
    world.loan("JL-NEW", "1000000.00", contract=date(2024, 6, 1))
    body = {"loan_external_id": "JL-NEW", "registered_on": "2024-06-01"}
    response = world.api(world.cast.bank_officer).post(f"pools/{world.pool.pk}/registrations", body)
    error = assert_error(response, 409, "registration.bank_suspended")
    assert "9.090909% 超过协议阈值 5%" in error["message"]
    assert "2024-06-01" in error["message"]
    assert Registration.objects.count() == 2
    # The other bank is not affected
    other = world.loan("JL-OTHER", "1000000.00", bank_user=world.cast.other_bank_admin)
    ok = world.api(world.cast.other_bank_admin).post(
        f"pools/{world.pool.pk}/registrations",
        {"loan_id": other.pk, "registered_on": "2024-01-15"},
    )
    assert ok.status_code == 201, ok.content.decode()
    # The bank's registration page shows why
    page = world.cast.client(world.cast.bank_officer).get("/riskpool/registrations/")
    text = page.content.decode()
    assert "已被暂停新增入池" in text
    assert "9.090909% 超过协议阈值 5%" in text
    # The city lifts it with a reason; then the bank registers again
    city = world.api(world.cast.city_admin)
    assert_error(city.post(f"suspensions/{s.pk}/lift", {"reason": ""}), 422, "reason_required")
    lifted = city.post(f"suspensions/{s.pk}/lift", {"reason": "银行已制定不良处置方案"})
    assert lifted.status_code == 200, lifted.content.decode()
    assert lifted.json()["lifted_on"] is not None
    again = world.api(world.cast.bank_officer).post(f"pools/{world.pool.pk}/registrations", body)
    assert again.status_code == 201, again.content.decode()
    assert_error(city.post(f"suspensions/{s.pk}/lift", {"reason": "再次"}), 409, "suspension.state")


def test_a_suspension_shows_on_the_pool_page_with_the_lift_form(world: World) -> None:
    two_loans(world, "10000000.00")
    file_claim(world, "JL-BAD")
    page = world.cast.client(world.cast.city_admin).get(f"/riskpool/{world.pool.pk}/")
    text = page.content.decode()
    assert "暂停入池记录" in text
    assert "9.0909%" in text
    assert "恢复入池" in text
    s = Suspension.objects.get()
    response = world.cast.client(world.cast.city_admin).post(
        f"/riskpool/suspensions/{s.pk}/lift/", {"reason": "已整改"}
    )
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.lifted_on is not None
    assert s.lift_reason == "已整改"


def test_the_city_reviews_every_bank_on_a_date(world: World) -> None:
    register(world, "JL-B1", "1000000.00")
    city = world.api(world.cast.city_admin)
    # On 2024-05-15 the loan is 90 days past due: substandard needs more than 90
    assert city.post(f"pools/{world.pool.pk}/npl-review", {"on": "2024-05-15"}).json() == []
    created = city.post(f"pools/{world.pool.pk}/npl-review", {"on": "2024-05-16"}).json()
    assert [s["bank_id"] for s in created] == [world.cast.bank.pk]
    assert D(created[0]["ratio"]) == D("100")
    assert_error(
        world.api(world.cast.bank_admin).post(f"pools/{world.pool.pk}/npl-review", {}), 403
    )
    # Only the city lifts
    assert_error(
        world.api(world.cast.bank_admin).post(
            f"suspensions/{created[0]['id']}/lift", {"reason": "x"}
        ),
        403,
    )
