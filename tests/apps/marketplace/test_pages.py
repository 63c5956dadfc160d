"""Every marketplace page renders for the people who use it, in Chinese, and the public sees only
the public ones (the rest redirect to the login page)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kejin.apps.marketplace.models import CrowdfundingProject, LinkageDeal
from kejin.apps.marketplace.services import applications, crowdfunding, linkage
from tests.apps.marketplace.conftest import Market

PUBLIC_PAGES = ["/market/products/", "/market/crowdfunding/", "/market/search/?q=知识产权"]


@pytest.fixture
def scene(market: Market) -> dict[str, int]:
    cast = market.cast
    product = market.product()
    demand = market.demand()
    app = applications.application_submit(
        actor=cast.actor(cast.owner),
        data=applications.ApplyInput(demand_id=demand.pk, product_id=product.pk),
    )
    deal = linkage.linkage_propose(
        actor=cast.actor(market.investor_admin),
        data=linkage.LinkageInput(
            enterprise_id=cast.enterprise.pk,
            investor_id=market.investor.pk,
            bank_id=cast.bank.pk,
            investment_amount="3000000",
            loan_amount="5000000",
            terms="投资到位后银行放款",
            signed_on=timezone.localdate(),
        ),
    )
    project = crowdfunding.project_create(
        actor=cast.actor(cast.owner),
        data=crowdfunding.ProjectInput(
            title="智能手环众筹",
            summary="面向老年人的健康监测手环",
            kind="reward",
            target_amount="500000",
            deadline=timezone.localdate().replace(year=2027),
            host_id=market.investor.pk,
        ),
    )
    return {
        "product": product.pk,
        "demand": demand.pk,
        "application": app.pk,
        "deal": deal.pk,
        "project": project.pk,
    }


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_the_public_pages_open_without_login(market: Market, path: str) -> None:
    market.product()
    response = market.cast.client(None).get(path)
    assert response.status_code == 200
    assert 'lang="zh-CN"' in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/market/demands/",
        "/market/matches/",
        "/market/applications/",
        "/market/leads/",
        "/market/received/",
        "/market/review/",
        "/market/stats/",
        "/market/linkage/",
        "/market/products/mine/",
        "/market/demands/new/",
        "/market/crowdfunding/mine/",
    ],
)
def test_the_working_pages_send_the_public_to_the_login_page(market: Market, path: str) -> None:
    response = market.cast.client(None).get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_enterprise_pages(market: Market, scene: dict[str, int]) -> None:
    client = market.cast.client(market.cast.owner)
    for path in [
        "/market/",
        "/market/demands/",
        "/market/demands/new/",
        f"/market/demands/{scene['demand']}/",
        f"/market/demands/{scene['demand']}/edit/",
        "/market/matches/",
        "/market/applications/",
        f"/market/applications/{scene['application']}/",
        f"/market/products/{scene['product']}/",
        f"/market/products/{scene['product']}/apply/",
        "/market/crowdfunding/mine/",
        "/market/crowdfunding/new/",
        f"/market/crowdfunding/{scene['project']}/",
        f"/market/linkage/{scene['deal']}/",
        "/market/linkage/",
    ]:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path


def test_the_institution_pages(market: Market, scene: dict[str, int]) -> None:
    client = market.cast.client(market.cast.bank_admin)
    for path in [
        "/market/",
        "/market/leads/",
        f"/market/leads/{scene['demand']}/",
        "/market/received/",
        f"/market/received/{scene['application']}/",
        f"/market/applications/{scene['application']}/grant/",
        "/market/products/mine/",
        "/market/products/new/",
        f"/market/products/{scene['product']}/edit/",
        "/market/linkage/",
        "/market/linkage/new/",
        f"/market/linkage/{scene['deal']}/",
        "/market/stats/",
        "/market/overdue/",
    ]:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path


def test_the_city_pages(market: Market, scene: dict[str, int]) -> None:
    client = market.cast.client(market.cast.city_admin)
    for path in [
        "/market/",
        "/market/review/",
        "/market/stats/",
        "/market/stats/?by=kind",
        "/market/stats/?by=district",
        "/market/overdue/",
        "/market/products/mine/",
        "/market/applications/",
        f"/market/applications/{scene['application']}/",
        "/market/demands/",
        f"/market/demands/{scene['demand']}/",
        "/market/linkage/",
        f"/market/crowdfunding/{scene['project']}/",
        "/market/crowdfunding/mine/",
    ]:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path


def test_the_district_reads_its_district(market: Market, scene: dict[str, int]) -> None:
    client = market.cast.client(market.cast.district_admin)
    for path in [
        "/market/stats/",
        "/market/demands/",
        f"/market/demands/{scene['demand']}/",
        f"/market/applications/{scene['application']}/",
    ]:
        assert client.get(path).status_code == 200, path
    other = market.cast.client(market.cast.other_district_admin)
    assert other.get(f"/market/demands/{scene['demand']}/").status_code == 404
    assert other.get(f"/market/applications/{scene['application']}/").status_code == 404


def test_the_navigation_lists_the_marketplace_by_role(market: Market) -> None:
    cast = market.cast
    page = cast.client(cast.owner).get("/market/demands/").content.decode()
    for label in ("融资需求", "匹配产品", "我的申请"):
        assert label in page
    page = cast.client(cast.bank_admin).get("/market/leads/").content.decode()
    for label in ("我的产品", "需求对接", "收到的申请"):
        assert label in page
    page = cast.client(cast.city_admin).get("/market/stats/").content.decode()
    for label in ("产品审核", "对接统计"):
        assert label in page


def test_the_nav_offers_everyone_the_shelf_and_the_board(market: Market) -> None:
    from kejin.apps.marketplace.nav import items
    from kejin.platform.tenancy import Actor

    assert [(g, i.label) for g, i in items(Actor.public())] == [
        ("public", "金融产品"),
        ("public", "众筹项目"),
    ]
    page = market.cast.client(None).get("/market/products/").content.decode()
    assert 'href="/market/crowdfunding/"' in page


def test_counts_are_unchanged_by_reading(market: Market, scene: dict[str, int]) -> None:
    before = (LinkageDeal.objects.count(), CrowdfundingProject.objects.count())
    market.cast.client(market.cast.city_admin).get("/market/stats/")
    assert (LinkageDeal.objects.count(), CrowdfundingProject.objects.count()) == before


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("owner", "/market/demands/"),
        ("owner", "/market/matches/"),
        ("owner", "/market/applications/"),
        ("owner", "/market/crowdfunding/mine/"),
        ("bank_admin", "/market/leads/"),
        ("bank_admin", "/market/received/"),
        ("bank_admin", "/market/products/mine/"),
        ("city_admin", "/market/linkage/"),
        ("city_admin", "/market/stats/?by=district"),
        (None, "/market/crowdfunding/"),
        (None, "/market/products/"),
    ],
)
def test_every_list_exports_to_xlsx(
    market: Market, scene: dict[str, int], who: str | None, path: str
) -> None:
    user = getattr(market.cast, who) if who else None
    sep = "&" if "?" in path else "?"
    response = market.cast.client(user).get(f"{path}{sep}export=xlsx")
    assert response.status_code == 200, path
    assert response["Content-Type"].startswith("application/vnd.openxmlformats"), path
