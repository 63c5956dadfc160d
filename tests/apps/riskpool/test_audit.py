"""Every change of the pool is in the audit history, with the person and organisation acting."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from kejin.apps.riskpool.models import Claim, Journal, Registration
from kejin.platform.audit.models import AuditEntry
from tests.apps.riskpool.conftest import World
from tests.apps.riskpool.helpers import file_claim, register, review


def entries(model: type, pk: int) -> list[AuditEntry]:
    ct = ContentType.objects.get_for_model(model)
    return list(AuditEntry.objects.filter(content_type=ct, object_pk=str(pk)).order_by("pk"))


def test_registration_claim_review_and_payout_are_audited(world: World) -> None:
    reg = register(world, "AU-1", "1000000.00")
    claim_id = review(world, file_claim(world, "AU-1")["id"])["id"]
    [created] = [e for e in entries(Registration, reg.pk) if e.action == AuditEntry.Action.CREATE]
    assert created.actor == world.cast.bank_officer
    assert created.actor_organisation == world.cast.bank
    assert created.organisation_id_of_object == world.cast.bank.pk
    assert created.district_code == "220104"
    claim_log = entries(Claim, claim_id)
    assert {e.actor for e in claim_log} == {
        world.cast.bank_officer,
        world.cast.city_admin,
        world.city_reviewer,
    }
    payout = Journal.objects.get(kind="compensation")
    assert entries(Journal, payout.pk)[0].actor == world.city_reviewer
