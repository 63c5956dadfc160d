"""Scoring models: training from a CSV in the background (progress on the row), refusals with
nothing saved, the model card, four-eyes approval."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kejin.apps.credit.models import ScoringModel
from kejin.apps.orgs.models import User
from tests.conftest import Cast

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("memory_storage")]


def training_csv(
    rows: int = 400, seed: int = 3, *, header: list[str] | None = None, outcome: object = None
) -> bytes:
    """Latent risk z drives the default and, with noise, three features."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=rows)
    y = (rng.random(rows) < 1 / (1 + np.exp(-(-2.2 + 1.6 * z)))).astype(int)
    dpd = np.clip(np.round(20 * (z + rng.normal(size=rows))), 0, 180)
    grade = np.clip(np.round(3 - z + rng.normal(scale=0.8, size=rows)), 1, 5)
    cases = rng.poisson(np.exp(-1 + 0.8 * z))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header or ["max_dpd_12m", "纳税信用等级", "court_cases_36m", "default"])
    for i in range(rows):
        grade_cell = "" if i % 10 == 0 else int(grade[i])  # some missing values
        writer.writerow(
            [int(dpd[i]), grade_cell, int(cases[i]), y[i] if outcome is None else outcome]
        )
    return buffer.getvalue().encode()


def _train(cast: Cast, user: User, content: bytes, name: str = "train.csv") -> object:
    upload = SimpleUploadedFile(name, content, "text/csv")
    return cast.client(user).post(
        "/api/v1/credit/models/train-csv", {"name": "2026 评分卡", "file": upload}
    )


def test_training_runs_in_the_background_and_the_card_is_validated(
    cast: Cast, city_officer: User
) -> None:
    response = _train(cast, city_officer, training_csv())
    assert response.status_code == 201, response.content
    body = response.json()
    # the test settings run tasks at once: it is trained when the answer comes back
    assert (body["status"], body["progress"]) == ("trained", 100)
    model = ScoringModel.objects.get(pk=body["id"])
    assert model.trained_by == city_officer
    assert model.metrics["holdout"]["rows"] == 120  # 30% of 400, stratified
    assert model.metrics["train"]["rows"] == 280
    assert 0.6 < model.metrics["holdout"]["auc"] <= 1
    assert model.metrics["holdout"]["gini"] == pytest.approx(
        2 * model.metrics["holdout"]["auc"] - 1, abs=1e-3
    )
    card = model.card
    assert {"max_dpd_12m", "tax_grade"} <= set(card.codes)
    assert sum(model.distribution["grades"].values()) == 400
    assert [v["key"] for v in model.scale][:3] == [
        "credit.base_score",
        "credit.base_odds",
        "credit.pdo",
    ]
    # the model card page shows bins, WoE, points, metrics and who trained it
    page = cast.client(cast.city_admin).get(f"/credit/models/{model.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "近12个月平台贷款最长逾期天数" in html
    assert "WoE" in html
    assert "city_officer" in html
    progress = cast.client(cast.city_admin).get(f"/credit/models/{model.pk}/progress/")
    assert progress["HX-Refresh"] == "true"


@pytest.mark.parametrize(
    ("content", "code", "text"),
    [
        (training_csv(outcome=0), "credit.training_one_class", "只有一种结果"),
        (training_csv(rows=150), "credit.training_too_few_rows", "至少需要 200 行"),
        (
            training_csv(header=["max_dpd_12m", "颜色", "court_cases_36m", "default"]),
            "credit.training_columns",
            "无法识别的列：颜色",
        ),
        (training_csv().replace(b"\n3,", b"\nabc,", 1), "credit.training_not_numeric", "非数字"),
    ],
)
def test_bad_training_data_is_refused_and_nothing_is_saved(
    cast: Cast, city_officer: User, content: bytes, code: str, text: str
) -> None:
    response = _train(cast, city_officer, content)
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == code
    assert text in error["message"]
    assert ScoringModel.objects.count() == 0


def test_too_few_defaults_are_refused(cast: Cast, city_officer: User) -> None:
    rows = ["max_dpd_12m,default", *[f"{i % 7},{1 if i < 12 else 0}" for i in range(300)]]
    response = _train(cast, city_officer, "\n".join(rows).encode())
    assert response.json()["error"]["code"] == "credit.training_too_few_minority"
    assert "违约样本只有 12 个，至少需要 20 个" in response.json()["error"]["message"]
    assert ScoringModel.objects.count() == 0


def test_the_training_page_shows_the_refusal_beside_the_field(
    cast: Cast, city_officer: User
) -> None:
    upload = SimpleUploadedFile("t.csv", training_csv(outcome=1), "text/csv")
    page = cast.client(city_officer).post(
        "/credit/models/train/", {"name": "x", "source": "csv", "file": upload}
    )
    assert page.status_code == 200
    assert "只有一种结果" in page.content.decode()
    assert ScoringModel.objects.count() == 0


def test_four_eyes_the_trainer_cannot_approve_a_second_city_person_can(
    cast: Cast, city_officer: User, city_reviewer: User
) -> None:
    model_id = _train(cast, city_officer, training_csv()).json()["id"]
    own = cast.client(city_officer).post(
        f"/api/v1/credit/models/{model_id}/approve", {"note": ""}, content_type="application/json"
    )
    assert own.status_code == 403
    assert (
        cast.client(cast.bank_admin)
        .post(f"/api/v1/credit/models/{model_id}/approve", {}, content_type="application/json")
        .status_code
        == 403
    )
    assert ScoringModel.objects.get(pk=model_id).status == "trained"
    page = cast.client(city_officer).get(f"/credit/models/{model_id}/")
    assert "您是该模型的训练人" in page.content.decode()
    ok = cast.client(city_reviewer).post(
        f"/credit/models/{model_id}/decide/", {"decision": "approve", "note": "同意"}
    )
    assert ok.status_code == 302
    model = ScoringModel.objects.get(pk=model_id)
    assert (model.status, model.approved_by) == ("approved", city_reviewer)
    # a newer approved model retires it
    second = _train(cast, city_officer, training_csv(seed=4)).json()["id"]
    cast.client(cast.city_admin).post(
        f"/api/v1/credit/models/{second}/approve", {}, content_type="application/json"
    )
    assert ScoringModel.objects.get(pk=model_id).status == "retired"
    assert ScoringModel.objects.get(pk=second).status == "approved"


def test_models_are_the_city_offices_only(cast: Cast, city_officer: User) -> None:
    model_id = _train(cast, city_officer, training_csv()).json()["id"]
    assert cast.client(cast.bank_admin).get(f"/api/v1/credit/models/{model_id}").status_code == 404
    assert cast.client(cast.bank_admin).get("/api/v1/credit/models").json() == []
    assert cast.client(cast.owner).get(f"/credit/models/{model_id}/").status_code == 403
    assert (
        cast.client(cast.bank_admin)
        .post(
            "/api/v1/credit/models/train-csv",
            {"name": "x", "file": SimpleUploadedFile("t.csv", training_csv())},
        )
        .status_code
        == 403
    )
