"""The internal selectors other contexts use for their batch work (no actor, no access control:
the caller applies its own, e.g. the enterprise's consent in the credit context)."""

from __future__ import annotations

from datetime import date
from typing import Any

from kejin.apps.enterprises.selectors import financials_of, profile_of, tech_sme_status
from tests.apps.enterprises.conftest import publish
from tests.conftest import Cast


def test_financials_of_gives_the_latest_year_up_to_the_one_asked(
    cast: Cast, file_year: Any
) -> None:
    for year in (2022, 2023, 2025):
        file_year(cast.enterprise, year=year, employees=year - 1900)
    file_year(cast.stranger, year=2024)
    ids = [cast.enterprise.pk, cast.stranger.pk, cast.far_enterprise.pk]
    latest = financials_of(ids)
    assert {k: v.year for k, v in latest.items()} == {
        cast.enterprise.pk: 2025,
        cast.stranger.pk: 2024,
    }
    assert latest[cast.enterprise.pk].employees == 125
    upto = financials_of(ids, 2024)
    assert {k: v.year for k, v in upto.items()} == {
        cast.enterprise.pk: 2023,
        cast.stranger.pk: 2024,
    }
    assert financials_of(ids, 2021) == {}
    assert financials_of([]) == {}


def test_profile_of_is_the_profile_or_none(cast: Cast, profile: Any) -> None:
    made = profile(cast.enterprise, main_products="数控机床")
    assert profile_of(cast.enterprise.pk) == made
    assert profile_of(cast.stranger.pk) is None


def test_tech_sme_status_answers_for_every_id_asked(cast: Cast, worked_example: Any) -> None:
    ids = [cast.enterprise.pk, cast.stranger.pk, 987654]
    assert tech_sme_status(ids, date(2026, 6, 1)) == dict.fromkeys(ids, False)
    publish(cast)
    status = tech_sme_status(ids, date(2026, 6, 1))
    assert status == {cast.enterprise.pk: True, cast.stranger.pk: False, 987654: False}
