"""The audit history: every change names who, which organisation, before and after; the city's
auditor reads everything, an organisation's admin its own; nobody changes an entry."""

from __future__ import annotations

import io
import json
import random

import pytest
from openpyxl import load_workbook

from kejin.apps.orgs.models import Organisation
from kejin.platform.audit.models import AuditEntry
from kejin.rules import uscc
from tests.conftest import Cast

NEW_PHONE = "0431-81234567"


def edit_bank(cast: Cast) -> AuditEntry:
    """The bank's admin changes the bank's phone; return the audit entry it wrote."""
    response = cast.client(cast.bank_admin).patch(
        f"/api/v1/organisations/{cast.bank.pk}",
        json.dumps({"contact_phone": NEW_PHONE}),
        content_type="application/json",
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 200
    return AuditEntry.objects.filter(
        content_type__model="organisation", object_pk=str(cast.bank.pk)
    ).latest("pk")


def edit_other_bank(cast: Cast) -> None:
    response = cast.client(cast.other_bank_admin).patch(
        f"/api/v1/organisations/{cast.other_bank.pk}",
        json.dumps({"industry": "金融业"}),
        content_type="application/json",
    )
    assert response.status_code == 200


def test_an_update_writes_an_entry_with_actor_organisation_and_before_after(cast: Cast) -> None:
    entry = edit_bank(cast)
    assert entry.action == AuditEntry.Action.UPDATE
    assert entry.actor == cast.bank_admin
    assert entry.actor_organisation == cast.bank
    assert entry.organisation_id_of_object == cast.bank.pk
    assert entry.district_code == "220104"
    assert entry.via_token == ""
    assert entry.remote_addr == "10.1.2.3"
    assert entry.changes == {"contact_phone": ["", NEW_PHONE]}


def test_a_person_change_is_audited_without_the_password(cast: Cast) -> None:
    response = cast.client(cast.owner).put(
        f"/api/v1/people/{cast.colleague.pk}/roles",
        json.dumps({"roles": ["officer", "viewer"]}),
        content_type="application/json",
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.filter(
        content_type__model="user", object_pk=str(cast.colleague.pk)
    ).latest("pk")
    assert entry.actor == cast.owner
    assert entry.organisation_id_of_object == cast.enterprise.pk
    assert "roles" in entry.changes
    assert "password" not in json.dumps(entry.changes)


# --- the city's auditor ----------------------------------------------------------------------


def test_the_city_auditor_finds_the_entry_over_the_api(cast: Cast) -> None:
    entry = edit_bank(cast)
    edit_other_bank(cast)
    response = cast.client(cast.city_auditor).get("/api/v1/audit?page_size=100&model=organisation")
    assert response.status_code == 200
    items = {i["id"]: i for i in response.json()["items"]}
    item = items[entry.pk]
    assert item["actor_username"] == "bank_admin"
    assert item["actor_organisation_id"] == cast.bank.pk
    assert item["model"] == "organisation"
    assert item["changes"] == {"contact_phone": ["", NEW_PHONE]}
    assert any(i["actor_organisation_id"] == cast.other_bank.pk for i in items.values())


def test_the_city_auditor_finds_the_entry_on_the_page(cast: Cast) -> None:
    edit_bank(cast)
    response = cast.client(cast.city_auditor).get("/audit/", {"actor_name": "bank_admin"})
    assert response.status_code == 200
    body = response.content.decode()
    assert NEW_PHONE in body
    assert cast.bank.name in body
    rows = response.context["rows"]
    assert len(rows) == 1
    assert rows[0][0]["actor"] == "bank_admin"


def test_the_city_auditor_exports_the_log_as_xlsx(cast: Cast) -> None:
    entry = edit_bank(cast)
    response = cast.client(cast.city_auditor).get("/audit/?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:5] == ("时间", "操作", "数据类型", "对象", "操作人")
    wanted = f"{entry.object_repr} (#{entry.object_pk})"
    found = [r for r in rows[1:] if r[3] == wanted and r[1] == "修改"]
    assert len(found) == 1
    row = dict(zip(header, found[0], strict=True))
    assert row["操作人"] == "bank_admin"
    assert row["操作机构"] == cast.bank.name
    assert NEW_PHONE in row["变更（前 → 后）"]


# --- an organisation's admin -----------------------------------------------------------------


def test_a_bank_admin_sees_only_entries_about_its_own_organisation(cast: Cast) -> None:
    mine = edit_bank(cast)
    edit_other_bank(cast)
    response = cast.client(cast.bank_admin).get("/api/v1/audit?page_size=100")
    assert response.status_code == 200
    items = response.json()["items"]
    assert mine.pk in {i["id"] for i in items}
    visible = AuditEntry.objects.filter(pk__in=[i["id"] for i in items])
    for entry in visible:
        assert cast.bank.pk in (entry.organisation_id_of_object, entry.actor_organisation_id)
    other_bank_entries = AuditEntry.objects.filter(organisation_id_of_object=cast.other_bank.pk)
    assert other_bank_entries.exists()
    assert not visible.filter(pk__in=other_bank_entries).exists()
    page = cast.client(cast.bank_admin).get("/audit/").content.decode()
    assert cast.other_bank.name not in page


@pytest.mark.parametrize("who", ["colleague", "bank_officer", "city_security"])
def test_people_without_the_admin_or_auditor_role_are_refused(cast: Cast, who: str) -> None:
    edit_bank(cast)
    client = cast.client(getattr(cast, who))
    api = client.get("/api/v1/audit")
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "permission_denied"
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/?export=xlsx").status_code == 403


def test_the_public_cannot_read_the_audit_log(cast: Cast) -> None:
    assert cast.client(None).get("/api/v1/audit").status_code == 401
    assert cast.client(None).get("/audit/").status_code == 302


# --- append-only -----------------------------------------------------------------------------


def test_an_entry_cannot_be_updated(cast: Cast) -> None:
    entry = edit_bank(cast)
    entry.changes = {"contact_phone": ["", "forged"]}
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(object_repr="forged")
    entry.refresh_from_db()
    assert entry.changes == {"contact_phone": ["", NEW_PHONE]}


def test_an_entry_cannot_be_deleted(cast: Cast) -> None:
    entry = edit_bank(cast)
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_audit_page_and_export_show_a_creation_with_an_empty_before(cast: Cast) -> None:
    response = cast.client(cast.city_admin).post(
        "/api/v1/organisations",
        {
            "kind": "insurer",
            "name": "长春科技保险公司",
            "uscc": uscc.generate(random.Random(401), "220104"),
            "district_code": "220104",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    org = Organisation.objects.get(name="长春科技保险公司")
    entry = AuditEntry.objects.get(
        content_type__model="organisation", object_pk=str(org.pk), action=AuditEntry.Action.CREATE
    )
    assert entry.changes["name"] == [None, "长春科技保险公司"]
    auditor = cast.client(cast.city_auditor)
    page = auditor.get("/audit/", {"q": "长春科技保险公司"})
    assert page.status_code == 200
    assert "名称: — → 长春科技保险公司" in page.content.decode()
    export = auditor.get("/audit/?export=xlsx&q=长春科技保险公司")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == ["新增"]
    assert "名称: — → 长春科技保险公司" in rows[0][8]
