"""Full-text search in Chinese without a segmenter: character bigrams in a ``search_terms``
column, indexed by SQLite FTS5 or PostgreSQL full-text; one selector hides the difference. These
tests run on whichever backend DATABASE_URL names (``make test`` runs both)."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from kejin.apps.marketplace.models import Product
from kejin.apps.marketplace.search import query_terms, search_filter, search_terms, tokens
from kejin.apps.marketplace.services import crowdfunding
from tests.apps.marketplace.conftest import Market


def test_chinese_runs_become_bigrams_and_ascii_words_lower_case() -> None:
    assert tokens("知识产权质押") == ["知识", "识产", "产权", "权质", "质押"]
    assert tokens("IP 质押、5G 基站") == ["ip", "质押", "5g", "基站"]
    assert tokens("贷") == ["贷"]  # a lone character stays a unigram
    assert tokens("ＡＩ芯片") == ["ai", "芯片"]  # full-width letters are normalised (NFKC)
    assert search_terms("科技贷", "科技贷款") == "科技 技贷 贷款"  # distinct, in order
    assert query_terms("  ，。！") == []


def test_a_query_finds_products_by_any_part_of_a_chinese_word(market: Market) -> None:
    ip = market.product(name="知识产权质押贷")
    credit = market.product(
        name="科创信用贷",
        kind="credit_loan",
        guarantee="none",
        summary="纯信用、免抵押，面向高新技术企业",
    )
    qs = Product.objects.all()
    assert list(search_filter(qs, "产权质押")) == [ip]
    assert list(search_filter(qs, "免抵押")) == [credit]
    assert set(search_filter(qs, "贷")) == {ip, credit}  # one character: by substring
    assert list(search_filter(qs, "质押 信用")) == []  # every term must occur
    assert list(search_filter(qs, "")) == []


def test_ascii_words_match_by_prefix(market: Market) -> None:
    p = market.product(name="IPO 前股权融资", kind="equity_pledge", guarantee="equity_pledge")
    assert list(search_filter(Product.objects.all(), "ipo")) == [p]
    assert list(search_filter(Product.objects.all(), "IP")) == [p]


def test_the_index_follows_updates_and_deletes(market: Market) -> None:
    p = market.product(name="知识产权质押贷")
    Product.objects.filter(pk=p.pk).update(search_terms=search_terms("设备融资租赁"))
    assert list(search_filter(Product.objects.all(), "知识产权")) == []
    assert list(search_filter(Product.objects.all(), "融资租赁")) == [p]
    p.matches.all().delete()
    p.delete()
    assert list(search_filter(Product.objects.all(), "融资租赁")) == []


def test_the_backend_index_exists(db: None) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE name LIKE 'marketplace_%_fts%' ORDER BY name"
            )
            names = {row[0] for row in cursor.fetchall()}
            assert "marketplace_product_fts" in names
            assert "marketplace_product_fts_au" in names  # the trigger that keeps it in sync
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE indexname LIKE 'marketplace_%_terms_gin'"
            )
            assert len(cursor.fetchall()) == 3


def test_search_over_http_respects_who_may_see_what(market: Market) -> None:
    cast = market.cast
    market.product(name="知识产权质押贷")
    market.product(name="草稿中的质押产品", listed=False)
    demand = market.demand(title="传感器产线知识产权融资")
    project = crowdfunding.project_create(
        actor=cast.actor(cast.owner),
        data=crowdfunding.ProjectInput(
            title="知识产权运营众筹",
            summary="专利池运营",
            kind="equity",
            target_amount="800000",
            deadline=timezone.localdate().replace(year=2027),
            host_id=market.investor.pk,
        ),
    )
    public = cast.client(None).get("/api/v1/market/search", {"q": "知识产权"}).json()
    assert [p["name"] for p in public["products"]] == ["知识产权质押贷"]
    assert public["demands"] == []
    assert public["projects"] == []  # not yet published
    crowdfunding.project_moderate(
        actor=cast.actor(cast.city_admin), project_id=project.pk, decision="publish"
    )
    owner = cast.client(cast.owner).get("/api/v1/market/search", {"q": "知识产权"}).json()
    assert [d["id"] for d in owner["demands"]] == [demand.pk]
    assert [p["id"] for p in owner["projects"]] == [project.pk]
    bank = cast.client(cast.bank_admin).get("/api/v1/market/search", {"q": "质押"}).json()
    assert {p["name"] for p in bank["products"]} == {"知识产权质押贷", "草稿中的质押产品"}
    other = cast.client(cast.other_bank_admin).get("/api/v1/market/search", {"q": "质押"}).json()
    assert {p["name"] for p in other["products"]} == {"知识产权质押贷"}
    stranger = cast.client(cast.stranger_admin).get("/api/v1/market/search", {"q": "传感器"}).json()
    assert stranger["demands"] == []
    page = cast.client(None).get("/market/search/", {"q": "知识产权"}).content.decode()
    assert "知识产权质押贷" in page
