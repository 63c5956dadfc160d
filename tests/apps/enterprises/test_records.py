"""IP items, HNTE certificates, awards, standards, R&D institutions and executives: created,
changed and deleted through the API and the pages, audited, bad dates and kinds refused."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from kejin.apps.enterprises.models import (
    Executive,
    HnteCertificate,
    IpItem,
    NationalAward,
    RdInstitution,
    StandardLed,
)
from kejin.platform.audit.models import AuditEntry
from tests.apps.enterprises.conftest import assert_envelope, post_json
from tests.conftest import Cast

IP = {
    "kind": "invention_patent",
    "number": "ZL202210123456.7",
    "title": "一种视觉检测方法",
    "grant_date": "2024-03-15",
    "expiry_date": "2042-05-09",
}


def url(cast: Cast, path: str) -> str:
    return f"/api/v1/enterprises/{cast.enterprise.pk}/{path}"


def test_an_ip_item_is_created_changed_and_deleted_with_its_history(cast: Cast) -> None:
    client = cast.client(cast.owner)
    created = post_json(client, url(cast, "ip"), IP)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["ip_class"], body["counted_today"]) == ("I", True)
    pk = body["id"]
    changed = client.put(
        url(cast, f"ip/{pk}"), json.dumps({**IP, "disputed": True}), content_type="application/json"
    )
    assert changed.status_code == 200
    assert changed.json()["counted_today"] is False
    assert "存在权属纠纷" in changed.json()["standing"]
    assert client.delete(url(cast, f"ip/{pk}")).status_code == 204
    assert IpItem.objects.count() == 0
    actions = AuditEntry.objects.filter(content_type__model="ipitem").values_list(
        "action", flat=True
    )
    assert sorted(actions) == [0, 1, 2]  # created, updated, deleted


@pytest.mark.parametrize(
    ("changes", "code", "field", "words"),
    [
        ({"kind": "patent"}, "enterprise.ip_kind_unknown", "kind", "知识产权类型“patent”无效"),
        (
            {"expiry_date": "2024-03-14"},
            "enterprise.dates_out_of_order",
            "expiry_date",
            "有效期至（2024-03-14）早于授权日期（2024-03-15）",
        ),
        (
            {"grant_date": "2099-01-01", "expiry_date": "2119-01-01"},
            None,
            "grant_date",
            "不能晚于今天",
        ),
        ({"number": " "}, None, "number", "编号为必填项"),
    ],
)
def test_bad_ip_is_refused_naming_the_field(
    cast: Cast, changes: dict[str, Any], code: str | None, field: str, words: str
) -> None:
    response = post_json(cast.client(cast.owner), url(cast, "ip"), {**IP, **changes})
    error = assert_envelope(response, 422, code)
    assert words in error["fields"][field]
    assert IpItem.objects.count() == 0


def test_the_same_kind_and_number_twice_is_a_conflict(cast: Cast) -> None:
    client = cast.client(cast.owner)
    post_json(client, url(cast, "ip"), IP)
    assert_envelope(post_json(client, url(cast, "ip"), IP), 409, "enterprise.duplicate")
    assert IpItem.objects.count() == 1


def test_a_certificate_gets_its_three_year_expiry_when_none_is_given(cast: Cast) -> None:
    response = post_json(
        cast.client(cast.owner),
        url(cast, "hnte-certificates"),
        {"number": "GR202422001234", "issue_date": "2024-02-29"},
    )
    assert response.status_code == 201, response.content
    # 2024-02-29 + 3 years → 2027-02-28 (the day does not exist: the last day of the month)
    assert response.json()["expiry_date"] == "2027-02-28"
    assert HnteCertificate.objects.get().expiry_date == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"issue_date": "2024-06-01", "expiry_date": "2024-05-31"}, "issue_date", "晚于有效期至"),
        ({"issue_date": "2024-06-01", "expiry_date": "2027-06-02"}, "expiry_date", "三年"),
        ({"issue_date": "2024-06-01", "revoked_on": "2024-05-01"}, "revoked_on", "早于发证日期"),
    ],
)
def test_certificate_dates_out_of_order_are_refused(
    cast: Cast, data: dict[str, str], field: str, words: str
) -> None:
    body = {"number": "GR202422001234", **data}
    response = post_json(cast.client(cast.owner), url(cast, "hnte-certificates"), body)
    error = assert_envelope(response, 422, "enterprise.dates_out_of_order")
    assert words in error["fields"][field]
    assert HnteCertificate.objects.count() == 0


def test_a_certificate_number_belongs_to_one_enterprise_only(
    cast: Cast, add_certificate: Any
) -> None:
    cert = add_certificate(cast.stranger, issue=date(2024, 1, 1))
    body = {"number": cert.number, "issue_date": "2024-01-01"}
    response = post_json(cast.client(cast.owner), url(cast, "hnte-certificates"), body)
    assert_envelope(response, 409, "enterprise.duplicate")


@pytest.mark.parametrize(
    ("path", "body", "model"),
    [
        (
            "awards",
            {"name": "汽车视觉检测关键技术", "category": "国家科学技术进步奖", "grade": "二等奖",
             "award_date": "2022-12-10", "rank": 2},
            NationalAward,
        ),
        (
            "standards",
            {"code": "GB/T 43210-2023", "title": "机器视觉检测系统通用要求", "level": "national",
             "published_date": "2023-09-07"},
            StandardLed,
        ),
        (
            "institutions",
            {"name": "吉林省机器视觉工程技术研究中心", "level": "provincial",
             "recognised_by": "吉林省科学技术厅", "recognised_date": "2021-11-01"},
            RdInstitution,
        ),
        ("executives", {"name": "赵敏", "position": "技术总监", "appointed_on": "2020-01-06"},
         Executive),
    ],
)  # fmt: skip
def test_the_other_records_are_created_over_the_api(
    cast: Cast, path: str, body: dict[str, Any], model: Any
) -> None:
    client = cast.client(cast.owner)
    response = post_json(client, url(cast, path), body)
    assert response.status_code == 201, response.content
    assert model.objects.filter(enterprise=cast.enterprise).count() == 1
    listed = client.get(url(cast, path)).json()
    assert listed["count"] == 1


def test_an_award_rank_below_one_and_an_unknown_standard_level_are_refused(cast: Cast) -> None:
    client = cast.client(cast.owner)
    award = {"name": "x", "category": "natural_science", "award_date": "2022-01-01", "rank": 0}
    error = assert_envelope(post_json(client, url(cast, "awards"), award), 422)
    assert "获奖单位排名不能小于 1" in error["fields"]["rank"]
    standard = {"code": "T/X 1", "title": "y", "level": "企业标准", "published_date": "2022-01-01"}
    error = assert_envelope(post_json(client, url(cast, "standards"), standard), 422)
    assert "标准级别“企业标准”无效" in error["fields"]["level"]


def test_records_are_added_and_edited_on_the_pages(cast: Cast) -> None:
    client = cast.client(cast.owner)
    base = f"/enterprises/{cast.enterprise.pk}/records/"
    response = client.post(
        base + "standards/",
        {"code": "JB/T 14567-2023", "title": "数控机床 精度检验", "level": "industry",
         "published_date": "2023-04-01"},
    )  # fmt: skip
    assert response.status_code == 302
    standard = StandardLed.objects.get()
    page = client.get(base + "standards/").content.decode()
    assert "JB/T 14567-2023" in page
    assert "行业标准" in page
    edit = client.post(
        f"{base}standards/{standard.pk}/edit/",
        {"code": "JB/T 14567-2023", "title": "数控机床 精度检验方法", "level": "industry",
         "published_date": "2023-04-01"},
    )  # fmt: skip
    assert edit.status_code == 302
    standard.refresh_from_db()
    assert standard.title == "数控机床 精度检验方法"
    gone = client.post(f"{base}standards/{standard.pk}/delete/", {"next": base + "standards/"})
    assert gone.status_code == 302
    assert gone["Location"] == base + "standards/"
    assert StandardLed.objects.count() == 0


def test_the_ip_page_adds_an_item_and_flags_what_is_not_counted(cast: Cast, add_ip: Any) -> None:
    add_ip(cast.enterprise, "design_patent", expiry_date=date(2024, 1, 1))
    client = cast.client(cast.owner)
    page_url = f"/enterprises/{cast.enterprise.pk}/ip/"
    response = client.post(page_url, {**IP, "disputed": "no", "related_to_main_products": "yes"})
    assert response.status_code == 302
    page = client.get(page_url).content.decode()
    assert "ZL202210123456.7" in page
    assert "已于 2024-01-01 到期" in page
    expired = client.get(page_url + "?status=expired").content.decode()
    assert "ZL202210123456.7" not in expired
    bad = client.post(page_url, {**IP, "number": "X", "expiry_date": "2020-01-01"})
    assert bad.status_code == 200
    assert "早于授权日期" in bad.content.decode()
    assert IpItem.objects.count() == 2


def test_the_ip_list_exports(cast: Cast, add_ip: Any) -> None:
    add_ip(cast.enterprise, "trademark")
    response = cast.client(cast.owner).get(f"/enterprises/{cast.enterprise.pk}/ip/?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_record_of_another_enterprise_is_not_found_through_this_one(
    cast: Cast, add_ip: Any
) -> None:
    foreign = add_ip(cast.stranger)
    client = cast.client(cast.owner)
    response = client.put(
        url(cast, f"ip/{foreign.pk}"), json.dumps(IP), content_type="application/json"
    )
    assert_envelope(response, 404, "not_found")
    assert client.delete(url(cast, f"ip/{foreign.pk}")).status_code == 404
    page = client.get(f"/enterprises/{cast.enterprise.pk}/records/ip/{foreign.pk}/edit/")
    assert page.status_code == 404
    assert IpItem.objects.filter(pk=foreign.pk).exists()


def test_a_viewer_and_the_district_read_but_do_not_write(
    cast: Cast, viewer: Any, add_ip: Any
) -> None:
    item = add_ip(cast.enterprise)
    for user in (viewer, cast.district_admin, cast.city_admin):
        client = cast.client(user)
        assert client.get(url(cast, "ip")).json()["count"] == 1
        assert_envelope(post_json(client, url(cast, "ip"), IP), 403, "permission_denied")
        assert client.delete(url(cast, f"ip/{item.pk}")).status_code == 403
    assert IpItem.objects.count() == 1
