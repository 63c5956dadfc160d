"""High-tech enterprise (HNTE): certificate validity and the pre-check of art. 11 criteria."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from kejin.rules.errors import DomainError
from kejin.rules.hnte import (
    HnteCertificate,
    HnteFacts,
    HnteYear,
    add_years,
    certificate_expiry,
    expiring_within,
    is_valid_on,
    precheck_hnte,
    rd_intensity_threshold,
)

D = Decimal


# --- certificates ---------------------------------------------------------------------------


def test_certificate_runs_three_years_to_the_same_calendar_day() -> None:
    assert certificate_expiry(date(2022, 12, 1)) == date(2025, 12, 1)


def test_certificate_issued_on_29_february_ends_on_28_february() -> None:
    assert certificate_expiry(date(2024, 2, 29)) == date(2027, 2, 28)
    assert add_years(date(2024, 2, 29), -5) == date(2019, 2, 28)
    assert add_years(date(2023, 2, 28), 1) == date(2024, 2, 28)


CERT = HnteCertificate("GR202222000123", date(2022, 12, 1))


@pytest.mark.parametrize(
    ("on", "valid"),
    [
        (date(2022, 11, 30), False),  # before issue
        (date(2022, 12, 1), True),  # issue day
        (date(2025, 12, 1), True),  # last day (expiry inclusive)
        (date(2025, 12, 2), False),  # the day after
    ],
)
def test_certificate_validity_window(on: date, valid: bool) -> None:
    assert is_valid_on(CERT, on) is valid


def test_recorded_expiry_overrides_the_computed_one() -> None:
    cert = HnteCertificate("GR1", date(2022, 12, 1), expiry_date=date(2025, 11, 30))
    assert cert.expiry == date(2025, 11, 30)
    assert not is_valid_on(cert, date(2025, 12, 1))


def test_a_revoked_certificate_is_invalid_from_the_revocation_day() -> None:
    cert = dataclasses.replace(CERT, revoked_on=date(2024, 3, 1))
    assert is_valid_on(cert, date(2024, 2, 29))
    assert not is_valid_on(cert, date(2024, 3, 1))


@pytest.mark.parametrize(
    ("on", "expiring"),
    [
        (date(2025, 9, 2), True),  # 90 days before 2025-12-01
        (date(2025, 9, 1), False),  # 91 days before
        (date(2025, 12, 1), True),  # last day
        (date(2025, 12, 2), False),  # already expired: not "expiring"
    ],
)
def test_expiring_within_ninety_days(on: date, expiring: bool) -> None:
    assert expiring_within(CERT, on) is expiring


def test_expiring_within_takes_the_number_of_days() -> None:
    assert expiring_within(CERT, date(2025, 11, 1), days=30)
    assert not expiring_within(CERT, date(2025, 10, 31), days=30)


# --- R&D intensity bands ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("revenue", "percent"),
    [
        ("0", 5),
        ("50000000.00", 5),  # ≤ 50 million (含)
        ("50000000.01", 4),
        ("200000000.00", 4),  # ≤ 200 million (含)
        ("200000000.01", 3),
    ],
)
def test_rd_intensity_threshold_by_latest_revenue(revenue: str, percent: int) -> None:
    assert rd_intensity_threshold(D(revenue)) == percent


# --- pre-check -------------------------------------------------------------------------------

# Worked example, every ratio exactly on its threshold:
#   revenue 30 + 40 + 48 = 118 million; R&D 1.5 + 2.0 + 2.4 = 5.9 million;
#   5.9 / 118 = 5% exactly, latest revenue 48 million ≤ 50 million → threshold 5% → pass;
#   domestic R&D 0.9 + 1.2 + 1.44 = 3.54 million; 3.54 / 5.9 = 60% → pass;
#   tech staff 10 / 100 = 10% → pass; high-tech revenue 30 / 50 million = 60% → pass;
#   innovation 30 + 20 + 12 + 9 = 71 → pass.
YEARS = (
    HnteYear(2022, D(30_000_000), D(1_500_000), D(900_000)),
    HnteYear(2023, D(40_000_000), D(2_000_000), D(1_200_000)),
    HnteYear(2024, D(48_000_000), D(2_400_000), D(1_440_000)),
)
BASE = HnteFacts(
    reference_date=date(2025, 6, 30),
    registration_date=date(2018, 3, 1),
    employees=100,
    tech_staff=10,
    years=YEARS,
    latest_total_income=D(50_000_000),
    latest_hightech_revenue=D(30_000_000),
    innovation_ip=30,
    innovation_transformation=20,
    innovation_rd_management=12,
    innovation_growth=9,
    owns_core_ip=True,
    in_supported_field=True,
    had_major_incident_prior_year=False,
)


def _criterion(result: object, key: str) -> bool | None:
    return next(c.passed for c in result.criteria if c.key == key)  # type: ignore[attr-defined]


def test_worked_example_passes_on_every_threshold() -> None:
    result = precheck_hnte(BASE)
    assert result.passed
    assert result.complete
    assert all(c.passed for c in result.criteria)
    rd = next(c for c in result.criteria if c.key == "rd_intensity")
    assert "不低于5%" in rd.label
    assert rd.detail == (
        "2022–2024年研发费用 5,900,000.00 元 ÷ 销售收入 118,000,000.00 元 = 5.00% ≥ 5%"
    )
    assert result.trace[-1] == "预审结论：各项均符合"


def test_rd_intensity_one_fen_short_fails() -> None:
    years = (*YEARS[:2], dataclasses.replace(YEARS[2], rd_expense=D("2399999.99")))
    result = precheck_hnte(dataclasses.replace(BASE, years=years))
    # 5,899,999.99 / 118,000,000 = 4.99999…% < 5%
    assert _criterion(result, "rd_intensity") is False
    assert not result.passed


def test_latest_revenue_above_50_million_lowers_the_threshold_to_4_percent() -> None:
    # revenue 30 + 40 + 60 = 130 million; R&D 1.5 + 2.0 + 1.7 = 5.2 million = 4% exactly
    years = (*YEARS[:2], HnteYear(2024, D(60_000_000), D(1_700_000), D(1_700_000)))
    result = precheck_hnte(dataclasses.replace(BASE, years=years))
    assert _criterion(result, "rd_intensity") is True
    assert "不低于4%" in next(c.label for c in result.criteria if c.key == "rd_intensity")


def test_a_young_enterprise_uses_its_actual_years() -> None:
    years = (HnteYear(2024, D(10_000_000), D(500_000), D(500_000)),)
    result = precheck_hnte(dataclasses.replace(BASE, years=years))
    assert _criterion(result, "rd_intensity") is True  # 0.5 / 10 = 5%


@pytest.mark.parametrize(
    ("registered", "passed"),
    [(date(2024, 6, 30), True), (date(2024, 7, 1), False)],
)
def test_registered_one_year_including_the_anniversary(registered: date, passed: bool) -> None:
    result = precheck_hnte(dataclasses.replace(BASE, registration_date=registered))
    assert _criterion(result, "registered_one_year") is passed


def test_tech_staff_below_ten_percent_fails() -> None:
    result = precheck_hnte(dataclasses.replace(BASE, tech_staff=9))
    assert _criterion(result, "tech_staff") is False


def test_domestic_rd_below_sixty_percent_fails() -> None:
    years = (*YEARS[:2], dataclasses.replace(YEARS[2], rd_domestic=D("1439999.99")))
    assert _criterion(precheck_hnte(dataclasses.replace(BASE, years=years)), "domestic_rd") is False


def test_hightech_revenue_below_sixty_percent_fails() -> None:
    facts = dataclasses.replace(BASE, latest_hightech_revenue=D("29999999.99"))
    assert _criterion(precheck_hnte(facts), "hightech_revenue") is False


def test_innovation_score_of_seventy_fails() -> None:
    result = precheck_hnte(dataclasses.replace(BASE, innovation_growth=8))
    criterion = next(c for c in result.criteria if c.key == "innovation_score")
    assert criterion.passed is False
    assert criterion.detail.endswith("= 70 分（< 71）")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("innovation_ip", 31),
        ("innovation_transformation", 31),
        ("innovation_rd_management", 21),
        ("innovation_growth", 21),
    ],
)
def test_an_innovation_part_above_its_cap_is_refused(field: str, value: int) -> None:
    with pytest.raises(DomainError) as info:
        precheck_hnte(dataclasses.replace(BASE, **{field: value}))
    assert info.value.code == "hnte.over_cap"
    assert field in info.value.fields


def test_zero_denominators_fail_without_dividing() -> None:
    years = (HnteYear(2024, D(0), D(0), D(0)),)
    facts = dataclasses.replace(
        BASE,
        years=years,
        employees=0,
        tech_staff=0,
        latest_total_income=D(0),
        latest_hightech_revenue=D(0),
    )
    result = precheck_hnte(facts)
    for key in ("tech_staff", "rd_intensity", "domestic_rd", "hightech_revenue"):
        assert _criterion(result, key) is False
    assert "无法计算" in next(c.detail for c in result.criteria if c.key == "rd_intensity")


def test_unchecked_qualitative_items_leave_the_result_incomplete() -> None:
    facts = dataclasses.replace(BASE, owns_core_ip=None, had_major_incident_prior_year=None)
    result = precheck_hnte(facts)
    assert result.passed
    assert not result.complete
    assert _criterion(result, "core_ip") is None
    assert result.trace[-1] == "预审结论：有未核查项"


def test_a_major_incident_fails() -> None:
    result = precheck_hnte(dataclasses.replace(BASE, had_major_incident_prior_year=True))
    assert _criterion(result, "no_major_incident") is False
    assert not result.passed


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"employees": -1}, "hnte.negative", "employees"),
        ({"latest_total_income": D(-1)}, "hnte.negative", "latest_total_income"),
        ({"tech_staff": 101}, "hnte.inconsistent", "tech_staff"),
        (
            {"latest_hightech_revenue": D(50_000_001)},
            "hnte.inconsistent",
            "latest_hightech_revenue",
        ),
        ({"years": ()}, "hnte.years", "years"),
        ({"years": (*YEARS, HnteYear(2025, D(1), D(0), D(0)))}, "hnte.years", "years"),
        ({"years": (YEARS[0], YEARS[2])}, "hnte.years", "years"),
        ({"years": (HnteYear(2024, D(-1), D(0), D(0)),)}, "hnte.negative", "revenue"),
        ({"years": (HnteYear(2024, D(9), D(1), D(2)),)}, "hnte.inconsistent", "rd_domestic"),
    ],
)
def test_bad_input_is_refused_naming_the_field(change: dict, code: str, field: str) -> None:
    with pytest.raises(DomainError) as info:
        precheck_hnte(dataclasses.replace(BASE, **change))
    assert info.value.code == code
    assert field in info.value.fields
