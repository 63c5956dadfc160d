"""Banks register eligible loans; every refusal names its reason and writes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kejin.apps.enterprises.models import HnteCertificate
from kejin.apps.riskpool.models import Registration, Suspension
from kejin.apps.riskpool.services import contributions
from tests.apps.riskpool.conftest import CONTRACT, World, assert_error
from tests.apps.riskpool.helpers import register

D = Decimal


def post(world: World, body: dict[str, object], user=None):  # type: ignore[no-untyped-def]
    return world.api(user or world.cast.bank_officer).post(
        f"pools/{world.pool.pk}/registrations", {"registered_on": CONTRACT.isoformat(), **body}
    )


def test_a_bank_registers_an_eligible_loan(world: World) -> None:
    loan = world.loan("JL-1", "1000000.00")
    response = post(world, {"loan_external_id": "JL-1"})
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    assert body["loan_id"] == loan.pk
    assert body["registered_on"] == "2024-01-15"
    assert D(body["principal"]) == D("1000000.00")
    assert body["status"] == "active"
    assert body["eligibility"]["held"] == ["hnte"]
    # 0.00 + 1,000,000.00 ≤ 10,000,000.00 × 10
    assert body["eligibility"]["leverage"]["headroom_before"] == "100000000.00"
    reg = Registration.objects.get()
    assert (reg.bank, reg.borrower, reg.district_code) == (
        world.cast.bank,
        world.cast.enterprise,
        "220104",
    )


def test_registration_by_loan_id_and_with_an_insurer(world: World) -> None:
    loan = world.loan("JL-2", "1000000.00")
    response = post(
        world, {"loan_id": loan.pk, "insurer_id": world.insurer.pk, "policy_number": "PICC-9"}
    )
    assert response.status_code == 201, response.content.decode()
    assert response.json()["insurer_id"] == world.insurer.pk


def test_an_ineligible_borrower_is_refused(world: World) -> None:
    # cast.far_enterprise's HNTE certificate is revoked before the registration date

    HnteCertificate.objects.filter(enterprise=world.cast.far_enterprise).update(
        revoked_on=date(2023, 12, 31)
    )
    world.loan("JL-3", "1000000.00", borrower=world.cast.far_enterprise)
    error = assert_error(
        post(world, {"loan_external_id": "JL-3"}), 422, "registration.borrower_ineligible"
    )
    assert "不是科技型中小企业或高新技术企业" in error["fields"]["loan_external_id"]
    assert Registration.objects.count() == 0


def test_a_loan_of_another_bank_is_refused(world: World) -> None:
    other = world.loan("JL-4", "1000000.00", bank_user=world.cast.other_bank_admin)
    # by id: another bank's loan is invisible (404) ...
    assert_error(post(world, {"loan_id": other.pk}), 404)
    # ... by contract number: this bank has no such loan
    error = assert_error(
        post(world, {"loan_external_id": "JL-4"}), 422, "registration.loan_unknown"
    )
    assert "只能登记本行" in error["fields"]["loan_external_id"]
    assert Registration.objects.count() == 0


def test_a_loan_is_registered_only_once(world: World) -> None:
    register(world, "JL-5", "1000000.00")
    error = assert_error(
        post(world, {"loan_external_id": "JL-5"}), 409, "registration.already_registered"
    )
    assert "不能重复登记" in error["message"]
    assert Registration.objects.count() == 1


def test_registration_beyond_balance_times_leverage_is_refused(world: World) -> None:
    register(world, "JL-6", "60000000.00")
    world.loan("JL-7", "40000000.01")
    # 60,000,000.00 + 40,000,000.01 > 10,000,000.00 × 10 = 100,000,000.00
    error = assert_error(
        post(world, {"loan_external_id": "JL-7"}), 409, "registration.leverage_exceeded"
    )
    assert "尚可登记 40,000,000.00 元" in error["message"]
    assert Registration.objects.count() == 1
    # Exactly at the ceiling is allowed: 60,000,000.00 + 40,000,000.00 = 100,000,000.00
    world.loan("JL-8", "40000000.00")
    assert post(world, {"loan_external_id": "JL-8"}).status_code == 201


def test_money_in_raises_the_ceiling(world: World) -> None:
    register(world, "JL-9", "100000000.00")
    world.loan("JL-10", "1000000.00")
    assert_error(post(world, {"loan_external_id": "JL-10"}), 409, "registration.leverage_exceeded")
    contributions.contribution_record(
        actor=world.actor(world.cast.city_admin),
        pool_id=world.pool.pk,
        source="bank",
        bank_id=world.cast.bank.pk,
        amount="100000.00",
        received_on=date(2024, 1, 10),
        reference="银行注资 2024-01",
    )
    # (10,000,000.00 + 100,000.00) × 10 = 101,000,000.00 ≥ 101,000,000.00
    assert post(world, {"loan_external_id": "JL-10"}).status_code == 201


def test_an_overdue_loan_cannot_be_registered(world: World) -> None:
    world.loan("JL-11", "1000000.00")
    error = assert_error(
        post(world, {"loan_external_id": "JL-11", "registered_on": "2024-03-01"}),
        422,
        "registration.loan_overdue",
    )
    assert "已逾期 15 天" in error["fields"]["loan_external_id"]


def test_a_product_the_agreement_does_not_cover_is_refused(world: World) -> None:
    world.loan("JL-12", "1000000.00", product="leasing")
    error = assert_error(
        post(world, {"loan_external_id": "JL-12"}), 422, "registration.product_not_covered"
    )
    assert "融资租赁" in error["fields"]["loan_external_id"]


def test_no_agreement_in_force_on_the_registration_date(world: World) -> None:
    world.loan("JL-13", "1000000.00", contract=date(2023, 6, 1))
    error = assert_error(
        post(world, {"loan_external_id": "JL-13", "registered_on": "2023-06-01"}),
        422,
        "agreement.not_in_force",
    )
    assert "registered_on" in error["fields"]


def test_an_insurer_needs_a_policy_number_and_an_agreement(world: World) -> None:
    world.loan("JL-14", "1000000.00")
    error = assert_error(
        post(world, {"loan_external_id": "JL-14", "insurer_id": world.insurer.pk}),
        422,
        "registration.insurer_invalid",
    )
    assert "policy_number" in error["fields"]
    error = assert_error(
        post(world, {"loan_external_id": "JL-14", "insurer_id": world.cast.bank.pk}),
        422,
        "registration.insurer_invalid",
    )
    assert "insurer_id" in error["fields"]
    assert Registration.objects.count() == 0


def test_a_future_date_and_a_missing_loan_are_refused(world: World) -> None:
    assert_error(post(world, {"loan_external_id": "X", "registered_on": "2099-01-01"}), 422)
    error = assert_error(post(world, {}), 422, "registration.loan_unknown")
    assert "loan_external_id" in error["fields"]


def test_only_banks_register(world: World) -> None:
    world.loan("JL-15", "1000000.00")
    for user in (world.cast.city_admin, world.insurer_admin, world.cast.owner):
        assert_error(post(world, {"loan_external_id": "JL-15"}, user), 403)
    response = world.cast.client(None).post(
        f"/api/v1/riskpool/pools/{world.pool.pk}/registrations",
        {"loan_external_id": "JL-15"},
        content_type="application/json",
    )
    assert_error(response, 401, "auth.required")
    assert Registration.objects.count() == 0
    assert Suspension.objects.count() == 0


def test_an_agreement_for_tech_smes_only_refuses_an_hnte_borrower(world: World) -> None:
    city = world.api(world.cast.city_admin)
    body = {"effective_from": "2024-01-10", "eligible_borrowers": ["tech_sme"]}
    assert city.post(f"agreements/{world.bank_agreement.pk}/versions", body).status_code == 201
    world.loan("JL-16", "1000000.00")
    error = assert_error(
        post(world, {"loan_external_id": "JL-16"}), 422, "registration.borrower_ineligible"
    )
    assert "不是科技型中小企业，不能登记入池" in error["fields"]["loan_external_id"]
