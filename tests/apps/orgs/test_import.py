"""Spreadsheet import of organisations by the city office: every row or none, each bad row
reported with its row number and field."""

from __future__ import annotations

import io
import random
from collections.abc import Sequence
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from kejin.apps.orgs.models import Organisation, OrgStatus
from kejin.rules import uscc
from tests.conftest import Cast

HEADERS = ["名称", "统一社会信用代码", "机构类型", "行政区划代码", "联系人", "联系电话"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def code(n: int, district: str = "220104") -> str:
    return uscc.generate(random.Random(n), district)


def wrong_check_character(valid: str) -> str:
    return valid[:17] + ("1" if valid[17] == "0" else "0")


def xlsx(rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


GOOD_ROWS = [
    ["长春发展农商银行科技支行", code(301), "科技支行", "220104", "陈静", "0431-80000001"],
    ["吉林省科技融资担保有限公司", code(302, "220102"), "guarantee_company", "220102", "", ""],
    ["长春科创天使投资基金", code(303), "创业投资机构", 220104, "周涛", ""],
]


def upload(content: bytes, name: str = "orgs.xlsx", kind: str = XLSX) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, kind)


def api_import(cast: Cast, file: SimpleUploadedFile, user: Any = None) -> Any:
    return cast.client(user or cast.city_admin).post("/api/v1/organisations/import", {"file": file})


def page_import(cast: Cast, file: SimpleUploadedFile) -> Any:
    return cast.client(cast.city_admin).post("/orgs/import/", {"file": file})


# --- all rows --------------------------------------------------------------------------------


def test_a_valid_workbook_imports_every_row_over_the_api(cast: Cast) -> None:
    before = Organisation.objects.count()
    response = api_import(cast, upload(xlsx(GOOD_ROWS)))
    assert response.status_code == 201
    assert response.json() == {"created": 3}
    assert Organisation.objects.count() == before + 3
    sub_branch = Organisation.objects.get(uscc=GOOD_ROWS[0][1])
    assert sub_branch.kind == "tech_sub_branch"
    assert sub_branch.status == OrgStatus.ACTIVE
    assert sub_branch.contact_phone == "0431-80000001"
    assert sub_branch.verified_by == cast.city_admin
    assert Organisation.objects.get(uscc=GOOD_ROWS[2][1]).district_code == "220104"


def test_a_valid_workbook_imports_on_the_page(cast: Cast) -> None:
    response = page_import(cast, upload(xlsx(GOOD_ROWS)))
    assert response.status_code == 302
    assert response["Location"] == "/orgs/"
    assert Organisation.objects.filter(uscc__in=[r[1] for r in GOOD_ROWS]).count() == 3


def test_a_gb18030_csv_imports(cast: Cast) -> None:
    text = "名称,统一社会信用代码,机构类型,行政区划代码\n" + "\n".join(
        f"{r[0]},{r[1]},{r[2]},{r[3]}" for r in GOOD_ROWS
    )
    response = api_import(cast, upload(text.encode("gb18030"), "orgs.csv", "text/csv"))
    assert response.status_code == 201
    assert Organisation.objects.get(uscc=GOOD_ROWS[1][1]).name == "吉林省科技融资担保有限公司"


def test_a_utf8_csv_with_field_codes_as_headers_imports(cast: Cast) -> None:
    text = (
        "name,uscc,kind,district_code\n"
        + f"长春科技小贷公司,{code(304)},tech_micro_lender,220104\n"
    )
    response = api_import(cast, upload(text.encode("utf-8-sig"), "orgs.csv", "text/csv"))
    assert response.status_code == 201
    assert Organisation.objects.filter(name="长春科技小贷公司").exists()


def test_the_template_can_be_downloaded(cast: Cast) -> None:
    response = cast.client(cast.city_admin).get("/orgs/import/?template=1")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    header = next(sheet.iter_rows(values_only=True))
    assert header[:4] == ("名称", "统一社会信用代码", "机构类型", "行政区划代码")


# --- or none ---------------------------------------------------------------------------------

BAD_ROWS = [
    GOOD_ROWS[0],  # row 2
    ["坏代码银行", wrong_check_character(code(307)), "银行", "220104", "", ""],  # row 3
    ["未知类型公司", code(305), "宇宙飞船公司", "220104", "", ""],  # row 4
    GOOD_ROWS[2],  # row 5
    ["重复代码银行", GOOD_ROWS[0][1], "银行", "220104", "", ""],  # row 6
]


def test_three_bad_rows_among_five_import_nothing_and_each_is_reported(cast: Cast) -> None:
    before = Organisation.objects.count()
    response = api_import(cast, upload(xlsx(BAD_ROWS)))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "import.invalid_rows"
    assert set(error["fields"]) == {"row 3.uscc", "row 4.kind", "row 6.uscc"}
    assert "第18位" in error["fields"]["row 3.uscc"]
    assert "第 2 行" in error["fields"]["row 6.uscc"]
    assert "未导入任何数据" in error["message"]
    assert Organisation.objects.count() == before


def test_the_page_lists_the_bad_rows_in_a_table(cast: Cast) -> None:
    before = Organisation.objects.count()
    response = page_import(cast, upload(xlsx(BAD_ROWS)))
    assert response.status_code == 200
    errors = [(e["row"], e["field"], e["label"]) for e in response.context["row_errors"]]
    assert errors == [
        (3, "uscc", "统一社会信用代码"),
        (4, "kind", "机构类型"),
        (6, "uscc", "统一社会信用代码"),
    ]
    body = response.content.decode()
    assert 'id="import-errors"' in body
    assert "与第 2 行的代码重复" in body
    assert Organisation.objects.count() == before


def test_a_row_clashing_with_a_registered_organisation_is_reported(cast: Cast) -> None:
    rows = [GOOD_ROWS[0], ["重复银行", cast.bank.uscc, "银行", "220104", "", ""]]
    response = api_import(cast, upload(xlsx(rows)))
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"row 3.uscc"}
    assert not Organisation.objects.filter(uscc=GOOD_ROWS[0][1]).exists()


def test_empty_required_cells_are_reported(cast: Cast) -> None:
    rows = [["", code(306), "银行", ""]]
    response = api_import(cast, upload(xlsx(rows, HEADERS[:4])))
    assert set(response.json()["error"]["fields"]) == {"row 2.name", "row 2.district_code"}


# --- bad files -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("orgs.txt", b"name,uscc\n", "只接受 .xlsx 或 .csv 文件"),
        ("orgs.xlsx", b"this is not a workbook", "不是 Excel 工作簿"),
        ("orgs.csv", "名称,代码\n甲,乙\n".encode(), "表头与模板不符"),
        ("orgs.csv", b"", "文件是空的"),
        ("orgs.csv", "名称,统一社会信用代码,机构类型,行政区划代码\n".encode(), "没有数据行"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message(
    cast: Cast, name: str, content: bytes, message: str
) -> None:
    before = Organisation.objects.count()
    response = api_import(cast, upload(content, name, "application/octet-stream"))
    assert response.status_code == 422
    error = response.json()["error"]
    assert message in error["message"]
    assert "file" in error["fields"]
    assert Organisation.objects.count() == before


def test_wrong_columns_name_the_missing_and_unknown_ones(cast: Cast) -> None:
    content = "名称,代码\n甲,乙\n".encode()
    response = api_import(cast, upload(content, "orgs.csv", "text/csv"))
    message = response.json()["error"]["message"]
    assert "缺少列" in message
    assert "统一社会信用代码" in message
    assert "无法识别的列：代码" in message


def test_a_bad_file_on_the_page_shows_the_message_beside_the_field(cast: Cast) -> None:
    response = page_import(cast, upload(b"hello", "orgs.txt", "text/plain"))
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["只接受 .xlsx 或 .csv 文件"]


# --- who may import --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["district_admin", "bank_admin", "city_auditor"])
def test_only_the_city_admin_imports(cast: Cast, who: str) -> None:
    before = Organisation.objects.count()
    response = api_import(cast, upload(xlsx(GOOD_ROWS)), getattr(cast, who))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert Organisation.objects.count() == before
