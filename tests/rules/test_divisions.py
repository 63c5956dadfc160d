"""Administrative divisions of Jilin (GB/T 2260), loaded from the reference CSV."""

from __future__ import annotations

import pytest

from kejin.rules import divisions
from kejin.rules.errors import DomainError


def test_table_has_the_province_nine_prefectures_and_sixty_counties() -> None:
    levels = [d.level for d in divisions.all_divisions()]
    assert levels.count("province") == 1
    assert levels.count("prefecture") == 9
    assert levels.count("county") == 60


def test_get_returns_the_division_or_none() -> None:
    nanguan = divisions.get("220102")
    assert nanguan == divisions.Division("220102", "南关区", "220100", "county")
    assert divisions.get("110101") is None


def test_require_known_raises_division_unknown_on_the_field() -> None:
    with pytest.raises(DomainError) as info:
        divisions.require_known("220199", "district_code")
    assert info.value.code == "division.unknown"
    assert "220199" in info.value.fields["district_code"]


def test_children_of_the_province_are_the_nine_prefectures() -> None:
    names = [d.name for d in divisions.children("220000")]
    assert names == [
        "长春市",
        "吉林市",
        "四平市",
        "辽源市",
        "通化市",
        "白山市",
        "松原市",
        "白城市",
        "延边朝鲜族自治州",
    ]
    assert divisions.prefectures() == divisions.children("220000")


def test_districts_of_changchun_include_gongzhuling() -> None:
    districts = divisions.districts_of("220100")
    assert len(districts) == 11
    assert ("220184", "公主岭市") in [(d.code, d.name) for d in districts]
    assert all(d.level == "county" for d in districts)


def test_districts_of_yanbian() -> None:
    codes = [d.code for d in divisions.districts_of("222400")]
    assert codes == ["222401", "222402", "222403", "222404", "222405", "222406", "222424", "222426"]


@pytest.mark.parametrize("code", ["220000", "220102"])
def test_districts_of_refuses_a_non_prefecture(code: str) -> None:
    with pytest.raises(DomainError) as info:
        divisions.districts_of(code)
    assert info.value.code == "division.not_prefecture"


def test_districts_of_refuses_an_unknown_code() -> None:
    with pytest.raises(DomainError) as info:
        divisions.districts_of("229900")
    assert info.value.code == "division.unknown"
    assert "prefecture_code" in info.value.fields


def test_a_county_has_no_children() -> None:
    assert divisions.children("222426") == ()


def test_names_levels_and_ancestry() -> None:
    assert divisions.name("220581") == "梅河口市"
    assert divisions.level("220500") == "prefecture"
    assert divisions.parent("220581") == divisions.get("220500")
    assert divisions.parent("220000") is None
    assert divisions.full_name("220184") == "吉林省长春市公主岭市"
    assert [d.code for d in divisions.ancestors("222401")] == ["220000", "222400", "222401"]
    assert divisions.prefecture_of("222401") == divisions.get("222400")
    assert divisions.prefecture_of("220200") == divisions.get("220200")
    assert divisions.prefecture_of("220000") is None


def test_county_codes_share_their_prefectures_first_four_digits() -> None:
    for county in (d for d in divisions.all_divisions() if d.level == "county"):
        assert county.parent_code is not None
        assert county.code[:4] == county.parent_code[:4]
        assert divisions.level(county.parent_code) == "prefecture"


def test_table_is_loaded_once() -> None:
    assert divisions.all_divisions() is divisions.all_divisions()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("code,name,parent_code,level\n22000,吉林省,,province\n", "bad code"),
        ("code,name,parent_code,level\n220000,吉林省,,state\n", "bad level"),
        ("code,name,parent_code,level\n220000,吉林省,,province\n220000,x,,province\n", "duplicate"),
        ("code,name,parent_code,level\n220100,长春市,220000,prefecture\n", "unknown parent"),
        (
            "code,name,parent_code,level\n220000,吉林省,,province\n220102,x,220000,county\n",
            "one level",
        ),
        ("code,name,parent_code,level\n220100,长春市,,prefecture\n", "no parent"),
    ],
)
def test_a_malformed_table_is_refused(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        divisions._parse(text)
