"""Unified social credit code (GB 32100-2015): check characters, validation, generation."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kejin.rules import divisions, uscc
from kejin.rules.errors import DomainError

# Codes as published (business licences quoted in public repositories and documentation). Several
# have letters from J on in positions 9–16, where GB 11714 values (J=19 … Y=34) differ from the
# USCC alphabet's indices (J=18 … Y=30): they verify only with the GB 11714 values.
PUBLISHED = [
    "91350100M000100Y43",
    "91110000802100433B",
    "91110108551385082Q",
    "91440300708461136T",
    "11610923MB2900168E",
    "91341000MA2N0ABGXX",
    "92510100MA61WJ3204",
    "52610500MJU60350X1",
    "51140200MJ1693047P",
    "91460600MA5RC30P9Y",
    "52440111MJK9980480",
    "52120000MJ0529018E",
    "1134082855783407XL",
]


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_validate(code: str) -> None:
    assert uscc.validate(code) == code
    assert uscc.is_valid(code)


def test_final_check_of_the_common_example_worked_by_hand() -> None:
    # 9 1 3 5 0 1 0 0 M 0 0 0 1 0 0 Y 4, values (M=21, Y=30) × weights:
    # 9·1 + 1·3 + 3·9 + 5·27 + 1·26 + 21·20 + 1·8 + 30·30 + 4·28
    # = 9 + 3 + 27 + 135 + 26 + 420 + 8 + 900 + 112 = 1640; 1640 mod 31 = 28; 31 − 28 = 3
    assert uscc.check_char("91350100M000100Y4") == "3"


def test_org_code_check_uses_gb11714_letter_values() -> None:
    # MA2N0ABG with M=22, A=10, N=23, B=11, G=16 and weights 3 7 9 10 5 8 4 2:
    # 66 + 70 + 18 + 230 + 0 + 80 + 44 + 32 = 540; 540 mod 11 = 1; 11 − 1 = 10 → "X"
    assert uscc.org_code_check("MA2N0ABG") == "X"
    # (with USCC indices M=21, N=22 the sum would be 527 → 527 mod 11 = 10 → "1": wrong)
    # M000100Y: 22·3 + 1·5 + 34·2 = 139; 139 mod 11 = 7; 11 − 7 = 4
    assert uscc.org_code_check("M000100Y") == "4"


def test_org_code_check_writes_eleven_as_zero() -> None:
    # all zeros: Σ = 0, 11 − 0 = 11 → "0"
    assert uscc.org_code_check("00000000") == "0"


def test_final_check_of_a_multiple_of_31_is_zero() -> None:
    # Σ = 0 → (31 − 0) mod 31 = 0 → "0"
    assert uscc.check_char("0" * 17) == "0"


def test_check_helpers_refuse_wrong_lengths() -> None:
    with pytest.raises(ValueError, match="17"):
        uscc.check_char("123")
    with pytest.raises(ValueError, match="8"):
        uscc.org_code_check("123")


def test_lower_case_and_surrounding_whitespace_are_forgiven() -> None:
    assert uscc.normalise("  91350100m000100y43\t") == "91350100M000100Y43"
    assert uscc.validate(" 91341000ma2n0abgxx\n") == "91341000MA2N0ABGXX"


def _error(raw: str) -> uscc.UsccError:
    with pytest.raises(uscc.UsccError) as info:
        uscc.validate(raw)
    return info.value


def test_error_is_a_domain_error_with_field_and_code() -> None:
    err = _error("91350100M000100Y44")
    assert isinstance(err, DomainError)
    assert err.code == "uscc.invalid"
    assert err.status == 422
    assert err.fields == {"uscc": err.message}


def test_error_field_name_can_be_chosen() -> None:
    with pytest.raises(uscc.UsccError) as info:
        uscc.validate("", field="credit_code")
    assert set(info.value.fields) == {"credit_code"}


@pytest.mark.parametrize(
    ("raw", "reason", "position", "words"),
    [
        ("", "empty", None, "不能为空"),
        ("   ", "empty", None, "不能为空"),
        ("91350100M000100Y4", "length", None, "应为18位，实际为17位"),
        ("91350100M000100Y433", "length", None, "实际为19位"),
        ("913501OOM000100Y43", "alphabet", 7, "第7位“O”"),
        ("91350100M0I0100Y43", "alphabet", 11, "第11位“I”"),
        ("91350100M000100Y4S", "alphabet", 18, "第18位“S”"),
        ("9135 100M000100Y43", "alphabet", 5, "第5位空格"),
        ("９1350100M000100Y43", "alphabet", 1, "全角"),
        ("9135A100M000100Y43", "division", 5, "第5位“A”应为数字"),
        ("91350100M000100Y53", "org_check", 17, "第17位校验码"),
        ("91350100M000100Y44", "check", 18, "第18位校验码"),
        ("123456789012345678", "org_check", 17, "第17位"),
    ],
)
def test_each_error_names_position_and_reason(
    raw: str, reason: str, position: int | None, words: str
) -> None:
    err = _error(raw)
    assert (err.reason, err.position) == (reason, position)
    assert words in err.message


def test_the_first_error_by_position_is_reported() -> None:
    # a letter in the division code (position 4) comes before an I at position 12
    err = _error("913A0100M00I100Y43")
    assert (err.reason, err.position) == ("division", 4)


def test_message_does_not_reveal_the_expected_check_character() -> None:
    err = _error("91350100M000100Y44")
    assert "3" not in err.message.replace("第18位", "")


@pytest.mark.parametrize("code", ["91350200M000000510", "91350128M00000019A"])
def test_codes_with_a_wrong_final_check_are_rejected(code: str) -> None:
    # quoted online as examples, but their 18th character does not verify
    assert _error(code).reason == "check"


def test_generate_is_deterministic_and_valid() -> None:
    first = uscc.generate(random.Random(7), "220102")
    again = uscc.generate(random.Random(7), "220102")
    assert first == again
    assert uscc.validate(first) == first
    assert first.startswith("91220102")


def test_generate_takes_authority_and_kind() -> None:
    code = uscc.generate(random.Random(1), "220184", authority="5", kind="2")
    assert code[:8] == "52220184"
    assert uscc.is_valid(code)


@pytest.mark.parametrize(
    ("division", "authority", "kind"),
    [("22010", "9", "1"), ("22010A", "9", "1"), ("220102", "I", "1"), ("220102", "9", "12")],
)
def test_generate_refuses_bad_parts(division: str, authority: str, kind: str) -> None:
    with pytest.raises(ValueError, match="must be"):
        uscc.generate(random.Random(0), division, authority=authority, kind=kind)


division_codes = st.sampled_from([d.code for d in divisions.all_divisions()])


@given(seed=st.integers(min_value=0, max_value=2**64), division=division_codes)
def test_generated_codes_validate(seed: int, division: str) -> None:
    code = uscc.generate(random.Random(seed), division)
    assert uscc.validate(code) == code
    assert divisions.require_known(code[2:8]).code == division


@given(
    seed=st.integers(min_value=0, max_value=2**64),
    position=st.integers(min_value=0, max_value=17),
    replacement=st.characters(codec="utf-8"),
)
def test_any_single_character_change_is_rejected(
    seed: int, position: int, replacement: str
) -> None:
    code = uscc.generate(random.Random(seed), "220102")
    changed = code[:position] + replacement + code[position + 1 :]
    # changing only the case of a letter is not a change after normalisation
    if uscc.normalise(changed) == code:
        assert replacement.upper() == code[position]
        return
    assert not uscc.is_valid(changed)


@given(seed=st.integers(min_value=0, max_value=2**64), position=st.integers(0, 17))
def test_any_single_substitution_within_the_alphabet_fails_a_check(
    seed: int, position: int
) -> None:
    code = uscc.generate(random.Random(seed), "220581")
    rng = random.Random(seed)
    symbols = "0123456789" if 2 <= position <= 7 else uscc.ALPHABET
    replacement = rng.choice([c for c in symbols if c != code[position]])
    err = _error(code[:position] + replacement + code[position + 1 :])
    assert err.reason in {"org_check", "check"}
