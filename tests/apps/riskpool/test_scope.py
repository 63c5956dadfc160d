"""Who sees what: a bank its own registrations and claims and the pool's public totals; an insurer
the claims it shares; a district its borrowers' registrations (read only); the city everything;
the public only the totals. Invisible is 404, over the API and on pages."""

from __future__ import annotations

import pytest

from kejin.apps.riskpool.models import Claim, Registration
from tests.apps.riskpool.conftest import World, assert_error
from tests.apps.riskpool.helpers import file_claim, register


@pytest.fixture
def book(world: World) -> World:
    """Bank: an insured claim (enterprise, 220104) and an uninsured registration (stranger,
    220104). Other bank: a registration for far_enterprise (220102)."""
    register(world, "JL-S1", "1000000.00", insured=True)
    register(world, "JL-S2", "2000000.00", borrower=world.cast.stranger)
    register(
        world,
        "JL-S3",
        "3000000.00",
        borrower=world.cast.far_enterprise,
        bank_user=world.cast.other_bank_admin,
    )
    file_claim(world, "JL-S1")
    return world


def ids(response) -> set[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content.decode()
    return {
        item.get("loan_external_id") or item["loan_external_id"]
        for item in response.json()["items"]
    }


def test_each_bank_sees_its_own_registrations(book: World) -> None:
    assert ids(book.api(book.cast.bank_officer).get("registrations")) == {"JL-S1", "JL-S2"}
    assert ids(book.api(book.cast.other_bank_admin).get("registrations")) == {"JL-S3"}
    assert ids(book.api(book.cast.city_admin).get("registrations")) == {"JL-S1", "JL-S2", "JL-S3"}


def test_another_bank_gets_404_on_registrations_and_claims(book: World) -> None:
    reg = Registration.objects.get(loan__external_id="JL-S1")
    claim = Claim.objects.get()
    other = book.api(book.cast.other_bank_admin)
    assert_error(other.get(f"registrations/{reg.pk}"), 404)
    assert_error(other.get(f"claims/{claim.pk}"), 404)
    assert other.get("claims").json()["items"] == []
    client = book.cast.client(book.cast.other_bank_admin)
    assert client.get(f"/riskpool/registrations/{reg.pk}/").status_code == 404
    assert client.get(f"/riskpool/claims/{claim.pk}/").status_code == 404


def test_the_insurer_sees_the_claims_it_shares_only(book: World) -> None:
    insurer = book.api(book.insurer_admin)
    claims = insurer.get("claims").json()["items"]
    assert [c["loan_external_id"] for c in claims] == ["JL-S1"]
    assert ids(insurer.get("registrations")) == {"JL-S1"}
    uninsured = Registration.objects.get(loan__external_id="JL-S2")
    assert_error(insurer.get(f"registrations/{uninsured.pk}"), 404)
    page = book.cast.client(book.insurer_admin).get(f"/riskpool/claims/{Claim.objects.get().pk}/")
    assert page.status_code == 200
    assert "保险公司" in page.content.decode()


def test_a_district_reads_its_borrowers_registrations_and_cannot_act(book: World) -> None:
    district = book.api(book.cast.district_admin)
    assert ids(district.get("registrations")) == {"JL-S1", "JL-S2"}
    far = Registration.objects.get(loan__external_id="JL-S3")
    assert_error(district.get(f"registrations/{far.pk}"), 404)
    assert ids(book.api(book.cast.other_district_admin).get("registrations")) == {"JL-S3"}
    assert district.get("claims").json()["items"] == []
    book.loan("JL-S4", "1000000.00")
    refused = district.post(f"pools/{book.pool.pk}/registrations", {"loan_external_id": "JL-S4"})
    assert_error(refused, 403)
    page = book.cast.client(book.cast.district_admin).get("/riskpool/registrations/")
    assert page.status_code == 200
    assert "JL-S1" in page.content.decode()
    assert "登记贷款入池" not in page.content.decode()


def test_the_public_sees_only_the_pool_totals(book: World) -> None:
    anonymous = book.api(None)
    pools = anonymous.get("pools")
    assert pools.status_code == 200
    [totals] = pools.json()
    assert totals["name"] == book.pool.name
    assert totals["registered_count"] == 3
    assert totals["balance"] == "10000000.00"
    assert anonymous.get(f"pools/{book.pool.pk}/totals").status_code == 200
    for path in ("registrations", "claims", f"pools/{book.pool.pk}/report"):
        assert_error(anonymous.get(path), 401, "auth.required")
    client = book.cast.client(None)
    assert client.get("/riskpool/public/").status_code == 200
    assert "10,000,000.00" in client.get("/riskpool/public/").content.decode()
    for path in ("/riskpool/", "/riskpool/registrations/", "/riskpool/claims/"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_the_ledger_and_trial_balance_are_the_citys(book: World) -> None:
    bank = book.api(book.cast.bank_admin)
    assert_error(bank.get(f"pools/{book.pool.pk}/journals"), 403)
    assert_error(bank.get(f"pools/{book.pool.pk}/trial-balance"), 403)
    client = book.cast.client(book.cast.bank_admin)
    assert client.get(f"/riskpool/{book.pool.pk}/ledger/").status_code == 403
    assert client.get(f"/riskpool/trial-balance/?pool={book.pool.pk}").status_code == 403


def test_a_bank_sees_the_public_totals_and_its_own_row_of_the_report(book: World) -> None:
    body = book.api(book.cast.bank_admin).get(f"pools/{book.pool.pk}/report").json()
    assert body["totals"]["registered_count"] == 3
    assert [b["bank_id"] for b in body["banks"]] == [book.cast.bank.pk]
    city = book.api(book.cast.city_admin).get(f"pools/{book.pool.pk}/report").json()
    assert {b["bank_id"] for b in city["banks"]} == {book.cast.bank.pk, book.cast.other_bank.pk}
    insurer = book.api(book.insurer_admin).get(f"pools/{book.pool.pk}/report").json()
    assert insurer["banks"] == []
