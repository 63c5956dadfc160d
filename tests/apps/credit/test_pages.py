"""Navigation and pages of each party: what each sees, and the small flows not covered elsewhere
(lookup by code, scoring parameters, training from the platform's own data)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kejin.apps.credit.models import ScoringParameter
from kejin.apps.orgs.models import User
from kejin.rules import scoring
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def _nav(cast: Cast, user: User | None) -> str:
    return cast.client(user).get("/").content.decode()


def test_each_party_sees_its_credit_links(cast: Cast, provider_officer: User) -> None:
    owner = _nav(cast, cast.owner)
    for label in ("信用档案", "授权管理", "查询记录", "异议与修复"):
        assert label in owner
    assert "评分模型" not in owner
    bank = _nav(cast, cast.bank_admin)
    assert "企业信用查询" in bank
    assert "信用档案" not in bank
    assert "信用数据报送" in _nav(cast, provider_officer)
    city = _nav(cast, cast.city_admin)
    for label in ("信用数据报送", "评分模型", "异议处理"):
        assert label in city


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("owner", "/credit/consents/"),
        ("owner", "/credit/reads/"),
        ("owner", "/credit/executives/"),
        ("owner", "/credit/disputes/"),
        ("bank_admin", "/credit/lookup/"),
        ("bank_admin", "/credit/reads/"),
        ("bank_admin", "/credit/disputes/"),
        ("city_admin", "/credit/records/"),
        ("city_admin", "/credit/records/new/"),
        ("city_admin", "/credit/records/import/"),
        ("city_admin", "/credit/models/"),
        ("city_admin", "/credit/models/train/"),
        ("city_admin", "/credit/parameters/"),
        ("city_admin", "/credit/disputes/"),
    ],
)
def test_pages_render_with_labels(cast: Cast, who: str, path: str) -> None:
    response = cast.client(getattr(cast, who)).get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>" in html
    if '<form method="post"' in html and 'class="stacked"' in html:
        assert "<label" in html


def test_the_index_sends_each_party_to_its_page(cast: Cast) -> None:
    assert cast.client(cast.owner).get("/credit/")["Location"] == "/credit/mine/"
    assert cast.client(cast.bank_admin).get("/credit/")["Location"] == "/credit/lookup/"
    assert cast.client(cast.city_admin).get("/credit/")["Location"] == "/credit/models/"
    assert cast.client(None).get("/credit/")["Location"].startswith("/accounts/login/")


def test_lookup_by_code_opens_the_report_for_the_purpose(cast: Cast) -> None:
    client = cast.client(cast.bank_admin)
    found = client.get(
        "/credit/lookup/", {"uscc": cast.enterprise.uscc.lower(), "purpose": "loan_application"}
    )
    assert found.status_code == 302
    assert (
        found["Location"] == f"/credit/enterprises/{cast.enterprise.pk}/?purpose=loan_application"
    )
    unknown = client.get(
        "/credit/lookup/", {"uscc": "91220104MA00000000", "purpose": "loan_application"}
    )
    assert unknown.status_code == 200
    assert "统一社会信用代码" in unknown.content.decode()
    api = client.get(f"/api/v1/credit/lookup?uscc={cast.enterprise.uscc}")
    assert api.json()["id"] == cast.enterprise.pk


def test_the_city_admin_adds_a_dated_parameter_value(cast: Cast, city_officer: User) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    client = cast.client(cast.city_admin)
    bad = client.post(
        "/credit/parameters/",
        {"key": "credit.grade.AA", "effective_from": tomorrow, "value": "700", "source": "通知"},
    )
    assert "不低于 AAA" in bad.content.decode()
    past = client.post(
        "/api/v1/credit/parameters",
        {"key": "credit.pdo", "effective_from": "2020-01-01", "value": "40", "source": "通知"},
        content_type="application/json",
    )
    assert past.status_code == 422
    assert ScoringParameter.objects.count() == 0
    ok = client.post(
        "/credit/parameters/",
        {"key": "credit.pdo", "effective_from": tomorrow, "value": "40", "source": "市科技局通知"},
    )
    assert ok.status_code == 302
    assert ScoringParameter.objects.get().value == 40
    assert (
        cast.client(city_officer)
        .post(
            "/api/v1/credit/parameters",
            {"key": "credit.pdo", "effective_from": tomorrow, "value": "30", "source": "x"},
            content_type="application/json",
        )
        .status_code
        == 403
    )
    from kejin.apps.credit.services.ratings import scaling_params_on

    assert scaling_params_on(timezone.localdate() + timedelta(days=1)).pdo == 40
    assert scaling_params_on(timezone.localdate()).pdo == scoring.DEFAULTS[2].value


def test_platform_training_needs_a_full_year_of_outcomes(cast: Cast, city_officer: User) -> None:
    recent = (timezone.localdate() - timedelta(days=100)).isoformat()
    response = cast.client(city_officer).post(
        "/api/v1/credit/models/train-platform",
        {"name": "平台模型", "observation_date": recent},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "observation_date" in response.json()["error"]["fields"]
    old = (timezone.localdate() - timedelta(days=400)).isoformat()
    empty = cast.client(city_officer).post(
        "/api/v1/credit/models/train-platform",
        {"name": "平台模型", "observation_date": old},
        content_type="application/json",
    )
    assert empty.status_code == 422
    assert empty.json()["error"]["code"] == "credit.training_too_few_rows"
