"""Steps through the API shared by the risk pool tests (each asserts it succeeded)."""

from __future__ import annotations

from typing import Any

from kejin.apps.orgs.models import User
from kejin.apps.riskpool.models import Registration
from tests.apps.riskpool.conftest import CONTRACT, FILED, World


def register(
    world: World,
    ext: str,
    amount: str,
    *,
    bank_user: User | None = None,
    insured: bool = False,
    **loan: Any,
) -> Registration:
    """Report a loan and register it into the pool on its contract date."""
    user = bank_user or world.cast.bank_officer
    world.loan(ext, amount, bank_user=user, **loan)
    body: dict[str, Any] = {"loan_external_id": ext, "registered_on": CONTRACT.isoformat()}
    if insured:
        body |= {"insurer_id": world.insurer.pk, "policy_number": f"PICC-{ext}"}
    response = world.api(user).post(f"pools/{world.pool.pk}/registrations", body)
    assert response.status_code == 201, response.content.decode()
    return Registration.objects.get(loan__external_id=ext, bank=user.organisation)


def file_claim(
    world: World, ext: str, collateral: str = "0", *, bank_user: User | None = None
) -> dict[str, Any]:
    response = world.api(bank_user or world.cast.bank_officer).post(
        "claims",
        {"loan_external_id": ext, "filed_on": FILED.isoformat(), "collateral_realised": collateral},
    )
    assert response.status_code == 201, response.content.decode()
    return response.json()


def review(world: World, claim_id: int, **propose: Any) -> dict[str, Any]:
    """First review by the city admin, approval by the city reviewer (four eyes)."""
    proposed = world.api(world.cast.city_admin).post(f"claims/{claim_id}/propose", propose)
    assert proposed.status_code == 200, proposed.content.decode()
    approved = world.api(world.city_reviewer).post(f"claims/{claim_id}/approve", {"note": "同意"})
    assert approved.status_code == 200, approved.content.decode()
    return approved.json()


def compensated(world: World, ext: str, amount: str, **kw: Any) -> dict[str, Any]:
    """A registered loan, claimed and paid."""
    register(world, ext, amount, **kw)
    return review(world, file_claim(world, ext, bank_user=kw.get("bank_user"))["id"])
