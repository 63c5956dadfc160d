"""Background tasks of the credit context (django-tasks): training a scoring model and rating the
whole population. Each stores its progress on its own row; the pages poll it."""

from __future__ import annotations

from django_tasks import task

from kejin.apps.credit.services import models as model_services
from kejin.apps.credit.services import ratings


@task()
def train_scoring_model(model_id: int) -> None:
    model_services.scoring_model_run(model_id)


@task()
def run_rating_batch(batch_id: int) -> None:
    ratings.rating_batch_run(batch_id)
