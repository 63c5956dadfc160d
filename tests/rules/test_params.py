"""Dated parameters: YAML defaults, the city's dated changes, value in force on a date, locking."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from kejin.rules.errors import DomainError
from kejin.rules.params import (
    ORIGIN_CITY,
    ParameterSet,
    ParamValue,
    Unit,
    check_new_value,
    load_yaml,
)

DEFAULTS = ParameterSet.defaults()
D = Decimal

# RULES §7 and §8 defaults, each effective 2016-01-01.
EXPECTED = {
    "interest_subsidy.proportion": (Unit.PERCENT, "50"),
    "interest_subsidy.window_months": (Unit.MONTHS, "24"),
    "interest_subsidy.annual_cap_per_enterprise": (Unit.YUAN, "1000000"),
    "neeq.share_reform": (Unit.YUAN, "200000"),
    "neeq.broker_tutoring": (Unit.YUAN, "500000"),
    "neeq.local_broker_award": (Unit.YUAN, "200000"),
    "regional_equity.quotation": (Unit.YUAN, "100000"),
    "listing.stage.share_reform": (Unit.YUAN, "200000"),
    "listing.stage.tutoring": (Unit.YUAN, "300000"),
    "listing.stage.filing_accepted": (Unit.YUAN, "500000"),
    "listing.stage.listing": (Unit.YUAN, "2000000"),
    "mna.fee_proportion": (Unit.PERCENT, "50"),
    "mna.cap_per_deal": (Unit.YUAN, "1000000"),
    "bond.interest_proportion": (Unit.PERCENT, "30"),
    "bond.annual_cap_per_enterprise": (Unit.YUAN, "1000000"),
    "maker_space.grant": (Unit.YUAN, "300000"),
    "competition.award.first": (Unit.YUAN, "500000"),
    "competition.award.second": (Unit.YUAN, "300000"),
    "competition.award.third": (Unit.YUAN, "200000"),
    "competition.award.excellence": (Unit.YUAN, "50000"),
    "park.award": (Unit.YUAN, "1000000"),
    "talent.per_person_per_year": (Unit.YUAN, "100000"),
    "risk_pool.leverage": (Unit.MULTIPLE, "10"),
    "risk_pool.share_with_insurance.pool": (Unit.PERCENT, "40"),
    "risk_pool.share_with_insurance.bank": (Unit.PERCENT, "40"),
    "risk_pool.share_with_insurance.insurer": (Unit.PERCENT, "20"),
    "risk_pool.share_without_insurance.pool": (Unit.PERCENT, "50"),
    "risk_pool.share_without_insurance.bank": (Unit.PERCENT, "50"),
    "risk_pool.per_loan_cap": (Unit.YUAN, "3000000"),
    "risk_pool.npl_suspension_ratio": (Unit.PERCENT, "5"),
    "public_notice.working_days": (Unit.WORKING_DAYS, "7"),
    "loan.penalty_interest_markup": (Unit.PERCENT, "50"),
    "microloan.term_min_months": (Unit.MONTHS, "1"),
    "microloan.term_max_months": (Unit.MONTHS, "36"),
    "microloan.spread.AAA": (Unit.PERCENT, "1.00"),
    "microloan.spread.AA": (Unit.PERCENT, "1.50"),
    "microloan.spread.A": (Unit.PERCENT, "2.00"),
    "microloan.spread.BBB": (Unit.PERCENT, "3.00"),
    "microloan.spread.BB": (Unit.PERCENT, "4.00"),
    "microloan.spread.B": (Unit.PERCENT, "5.50"),
    "microloan.spread.CCC": (Unit.PERCENT, "7.50"),
    "microloan.spread.CC": (Unit.PERCENT, "9.50"),
    "microloan.spread.C": (Unit.PERCENT, "12.00"),
    "microloan.spread.unrated": (Unit.PERCENT, "6.00"),
    "microloan.authority.officer_max": (Unit.YUAN, "500000"),
    "microloan.authority.manager_max": (Unit.YUAN, "3000000"),
    "microloan.limit.per_borrower": (Unit.YUAN, "5000000"),
    "microloan.limit.industry_share": (Unit.PERCENT, "30"),
    "microloan.limit.industry_min_book": (Unit.YUAN, "10000000"),
}


def city(key: str, on: date, value: str, unit: Unit = Unit.PERCENT) -> ParamValue:
    return ParamValue(key, on, D(value), unit, "市科技局通知〔2024〕5号", ORIGIN_CITY)


@pytest.mark.parametrize(("key", "expected"), EXPECTED.items())
def test_default_values_follow_rules_sections_7_and_8(key: str, expected: tuple[Unit, str]) -> None:
    unit, value = expected
    record = DEFAULTS.value_at(key, date(2024, 6, 30))
    assert (record.unit, record.value, record.effective_from) == (unit, D(value), date(2016, 1, 1))


def test_every_default_cites_its_source_and_seed_numbers_cite_the_clause() -> None:
    # every measure of RULES §7/§8 (and the micro-loan tables) is there; other modules may add more
    assert set(EXPECTED) <= set(DEFAULTS.keys())
    for key in sorted(DEFAULTS.keys()):
        for v in DEFAULTS.history(key):
            assert v.source.strip(), key
    # The seed fixes these numbers itself: their source quotes the clause, not a city default.
    assert (
        "十三"
        in DEFAULTS.value_at("interest_subsidy.annual_cap_per_enterprise", date(2020, 1, 1)).source
    )
    share_reform = DEFAULTS.value_at("neeq.share_reform", date(2020, 1, 1)).source
    assert "十六" in share_reform
    assert "市级默认值" not in share_reform
    assert "市级默认值" in DEFAULTS.value_at("listing.stage.listing", date(2020, 1, 1)).source


def test_a_date_before_the_first_value_is_not_in_force() -> None:
    with pytest.raises(DomainError) as err:
        DEFAULTS.value_at("interest_subsidy.proportion", date(2015, 12, 31))
    assert err.value.code == "params.not_in_force"
    assert "2016-01-01" in err.value.message


def test_first_day_of_a_value_is_in_force() -> None:
    assert DEFAULTS.decimal_at("interest_subsidy.proportion", date(2016, 1, 1)) == D(50)


def test_a_city_change_applies_from_its_effective_date_and_the_old_value_stays_before() -> None:
    params = ParameterSet.defaults([city("interest_subsidy.proportion", date(2024, 7, 1), "60")])
    before = params.value_at("interest_subsidy.proportion", date(2024, 6, 30))
    after = params.value_at("interest_subsidy.proportion", date(2024, 7, 1))
    assert (before.value, before.origin) == (D(50), "default")
    assert (after.value, after.origin, after.source) == (D(60), "city", "市科技局通知〔2024〕5号")
    assert [v.value for v in params.history("interest_subsidy.proportion")] == [D(50), D(60)]
    # The defaults themselves are untouched (a ParameterSet is immutable).
    assert DEFAULTS.decimal_at("interest_subsidy.proportion", date(2024, 7, 1)) == D(50)


def test_values_added_out_of_order_are_kept_in_date_order() -> None:
    params = DEFAULTS.with_values(
        [
            city("bond.interest_proportion", date(2025, 1, 1), "40"),
            city("bond.interest_proportion", date(2023, 1, 1), "35"),
        ]
    )
    assert params.decimal_at("bond.interest_proportion", date(2022, 12, 31)) == D(30)
    assert params.decimal_at("bond.interest_proportion", date(2024, 12, 31)) == D(35)
    assert params.decimal_at("bond.interest_proportion", date(2030, 1, 1)) == D(40)


def test_a_city_value_on_the_default_date_supersedes_the_default() -> None:
    params = DEFAULTS.with_values(
        [city("maker_space.grant", date(2016, 1, 1), "250000", Unit.YUAN)]
    )
    assert params.value_at("maker_space.grant", date(2020, 1, 1)).origin == "city"
    assert len(params.history("maker_space.grant")) == 1


def test_two_city_values_on_one_date_are_refused() -> None:
    with pytest.raises(DomainError) as err:
        DEFAULTS.with_values(
            [
                city("mna.fee_proportion", date(2024, 1, 1), "40"),
                city("mna.fee_proportion", date(2024, 1, 1), "45"),
            ]
        )
    assert (err.value.code, err.value.status) == ("params.duplicate_date", 409)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (ParamValue("no.such.key", date(2024, 1, 1), D(1), Unit.YUAN, "x"), "params.unknown_key"),
        (
            ParamValue("park.award", date(2024, 1, 1), D(1), Unit.PERCENT, "x"),
            "params.wrong_unit",
        ),
        (ParamValue("park.award", date(2024, 1, 1), D(-1), Unit.YUAN, "x"), "params.negative"),
        (
            ParamValue(
                "bond.interest_proportion", date(2024, 1, 1), D("100.01"), Unit.PERCENT, "x"
            ),
            "params.percent_over_100",
        ),
        (
            ParamValue(
                "public_notice.working_days", date(2024, 1, 1), D("7.5"), Unit.WORKING_DAYS, "x"
            ),
            "params.not_whole",
        ),
        (ParamValue("park.award", date(2024, 1, 1), D(1), Unit.YUAN, "  "), "params.no_source"),
    ],
)
def test_bad_city_values_are_refused(value: ParamValue, code: str) -> None:
    with pytest.raises(DomainError) as err:
        DEFAULTS.with_values([value])
    assert err.value.code == code


def test_a_new_value_on_or_before_a_locked_date_is_refused() -> None:
    # An award approved with the proportion in force on 2024-06-21 locks every date up to it.
    with pytest.raises(DomainError) as err:
        check_new_value("interest_subsidy.proportion", date(2024, 6, 21), date(2024, 6, 21))
    assert (err.value.code, err.value.status) == ("params.locked", 409)
    assert "effective_from" in err.value.fields
    with pytest.raises(DomainError):
        check_new_value("interest_subsidy.proportion", date(2024, 1, 1), date(2024, 6, 21))


def test_a_new_value_after_the_locked_date_or_with_nothing_locked_is_accepted() -> None:
    assert (
        check_new_value("interest_subsidy.proportion", date(2024, 6, 22), date(2024, 6, 21)) is None
    )
    assert check_new_value("interest_subsidy.proportion", date(2016, 1, 1), None) is None


def test_yaml_values_must_be_exact_not_floats() -> None:
    text = """
x.rate:
  unit: percent
  values:
    - {effective_from: 2016-01-01, value: 0.1, source: test}
"""
    with pytest.raises(TypeError, match="float"):
        load_yaml(text)


def test_yaml_loads_strings_and_integers_as_exact_decimals() -> None:
    text = """
x.rate:
  unit: percent
  label: 测试
  values:
    - {effective_from: 2020-01-01, value: "33.3333", source: b}
    - {effective_from: 2016-01-01, value: 30, source: a}
"""
    (param,) = load_yaml(text)
    assert [(v.effective_from, v.value) for v in param.values] == [
        (date(2016, 1, 1), D(30)),
        (date(2020, 1, 1), D("33.3333")),
    ]


def test_a_value_record_serialises_and_describes_itself_in_chinese() -> None:
    record = DEFAULTS.value_at("interest_subsidy.annual_cap_per_enterprise", date(2024, 1, 1))
    data = json.loads(json.dumps(record.to_dict(), ensure_ascii=False))
    assert data["value"] == "1000000"
    assert data["effective_from"] == "2016-01-01"
    assert record.describe().startswith(
        "interest_subsidy.annual_cap_per_enterprise = 1,000,000元（自 2016-01-01 起施行"
    )
    assert DEFAULTS.value_at("interest_subsidy.proportion", date(2024, 1, 1)).fraction == D("0.5")
    with pytest.raises(ValueError, match="not percent"):
        _ = record.fraction
