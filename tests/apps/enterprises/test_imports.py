"""Spreadsheet imports of financials and IP: every row or none; every bad row reported with its row
number, field and reason; a file whose columns do not match is refused with a clear message."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from kejin.apps.enterprises.models import FinancialYear, IpItem
from kejin.platform.audit.models import AuditEntry
from tests.apps.enterprises.conftest import assert_envelope, publish
from tests.conftest import Cast

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YEAR_HEADERS = [
    "年度",
    "职工总数",
    "科技人员数",
    "销售收入",
    "成本费用总额",
    "研发费用",
    "资产总额",
    "净利润",
    "纳税总额",
    "在中国境内（不含港澳台）注册的居民企业",
]
GOOD_YEARS = [
    [2024, 90, 27, "8000000.00", "7200000.00", "450000.00", "20000000.00", "300000.00",
     "250000.00", "是"],
    [2025, 100, 30, 10000000, "9,000,000.00", "600000.00", "25000000.00", "-120000.50",
     "420000.00", "是"],
]  # fmt: skip
IP_HEADERS = [
    "知识产权类型",
    "编号",
    "名称",
    "授权日期",
    "有效期至",
    "存在权属纠纷",
    "与主营产品相关",
]
GOOD_IP = [
    ["发明专利", "ZL202210123456.7", "一种视觉检测方法", "2024-03-15", "2042-05-09", "否", "是"],
    ["software_copyright", "2024SR0123456", "检测控制软件V1.0", "2024-06-01", "2074-12-31", "", ""],
]


def xlsx(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("data.xlsx", buffer.getvalue(), XLSX)


def csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("data.csv", text.encode("utf-8"), "text/csv")


def api(cast: Cast, what: str, upload: SimpleUploadedFile, user: Any = None) -> Any:
    client = cast.client(user or cast.owner)
    return client.post(f"/api/v1/enterprises/{cast.enterprise.pk}/{what}/import", {"file": upload})


def test_a_good_workbook_files_every_year_and_audits_each_row(cast: Cast) -> None:
    response = api(cast, "years", xlsx(GOOD_YEARS, YEAR_HEADERS))
    assert response.status_code == 201, response.content
    assert response.json() == {"imported": 2}
    rows = {r.year: r for r in FinancialYear.objects.filter(enterprise=cast.enterprise)}
    assert str(rows[2025].total_cost_and_expense) == "9000000.00"
    assert str(rows[2025].net_profit) == "-120000.50"
    assert rows[2025].resident_in_mainland is True
    assert rows[2025].on_serious_dishonesty_list is None  # column absent: still to be answered
    assert AuditEntry.objects.filter(content_type__model="financialyear").count() == 2


def test_reimporting_an_unlocked_year_replaces_only_the_columns_in_the_file(
    cast: Cast, file_year: Any
) -> None:
    file_year(cast.enterprise, year=2025)
    response = api(cast, "years", xlsx(GOOD_YEARS[1:], YEAR_HEADERS[:-1]))
    assert response.status_code == 201
    row = FinancialYear.objects.get(year=2025)
    assert str(row.net_profit) == "-120000.50"
    assert row.on_serious_dishonesty_list is False  # kept: not a column of the file


def test_every_bad_row_is_reported_and_nothing_is_imported(cast: Cast) -> None:
    rows = [
        GOOD_YEARS[0],
        [2025, 100, 30, "-1", "9000000", "600000", "25000000", "0", "0", "是"],  # row 3
        [2023, 10, 30, "1", "1", "0", "1", "0", "0", "也许"],  # row 4: tech > staff, bad yes/no
        [3025, 10, 3, "1", "1", "0", "1", "0", "0", "是"],  # row 5: year
        [2024, 90, 27, "1", "1", "0", "1", "0", "0", "是"],  # row 6: duplicate year
    ]
    response = api(cast, "years", xlsx(rows, YEAR_HEADERS))
    error = assert_envelope(response, 422, "import.invalid_rows")
    assert "未导入任何数据" in error["message"]
    fields = error["fields"]
    assert "销售收入不能为负数" in fields["row 3.revenue"]
    assert "科技人员数不能超过职工总数" in fields["row 4.tech_staff"]
    assert "请填“是”或“否”" in fields["row 4.resident_in_mainland"]
    assert "3025" in fields["row 5.year"]
    assert "与第 2 行的年度重复" in fields["row 6.year"]
    assert FinancialYear.objects.count() == 0


def test_a_locked_year_in_the_file_is_a_row_error(cast: Cast, worked_example: Any) -> None:
    publish(cast)
    error = assert_envelope(api(cast, "years", xlsx(GOOD_YEARS, YEAR_HEADERS)), 422)
    assert "已锁定" in error["fields"]["row 3.year"]
    assert FinancialYear.objects.get(year=2025).employees == 100
    assert not FinancialYear.objects.filter(year=2024).exists()


def test_a_csv_whose_columns_do_not_match_is_refused_naming_them(cast: Cast) -> None:
    upload = csv("年度,职工人数,科技人员数,营业收入\n2025,100,30,10000000\n")
    error = assert_envelope(api(cast, "years", upload), 422, "import.columns_mismatch")
    assert "缺少列" in error["message"]
    assert "职工总数" in error["message"]
    assert "无法识别的列：职工人数、营业收入" in error["message"]
    assert FinancialYear.objects.count() == 0


def test_a_gb18030_csv_with_code_headers_imports(cast: Cast) -> None:
    text = "year,employees,tech_staff,revenue,total_cost_and_expense,rd_expense,total_assets,"
    text += "net_profit,tax_paid,in_restricted_catalogue\n2025,50,20,3000000,2800000,300000,"
    text += "5000000,200000,90000,否\n"
    upload = SimpleUploadedFile("data.csv", text.encode("gb18030"), "text/csv")
    assert api(cast, "years", upload).status_code == 201
    assert FinancialYear.objects.get().in_restricted_catalogue is False


def test_ip_items_import_and_each_is_audited(cast: Cast) -> None:
    response = api(cast, "ip", xlsx(GOOD_IP, IP_HEADERS))
    assert response.status_code == 201, response.content
    items = {i.number: i for i in IpItem.objects.filter(enterprise=cast.enterprise)}
    assert items["ZL202210123456.7"].kind == "invention_patent"
    assert items["2024SR0123456"].kind == "software_copyright"
    assert items["2024SR0123456"].related_to_main_products is True  # blank → default
    assert AuditEntry.objects.filter(content_type__model="ipitem").count() == 2


def test_bad_ip_rows_unknown_kind_dates_out_of_order_duplicates_nothing_imported(
    cast: Cast, add_ip: Any
) -> None:
    add_ip(cast.enterprise, "utility_model", number="ZL202320000001.1")
    rows = [
        GOOD_IP[0],
        ["专有技术", "X-1", "配方", "2024-01-01", "2030-01-01", "否", "是"],  # row 3: kind
        ["实用新型专利", "ZL202320000002.1", "夹具", "2024-05-01", "2024-04-30", "否", "是"],
        ["实用新型专利", "ZL202320000001.1", "夹具", "2024-05-01", "2034-04-30", "否", "是"],
        ["发明专利", "ZL202210123456.7", "重复", "2024-03-15", "2042-05-09", "否", "是"],
        ["发明专利", "ZL202410000009.9", "未来", "2099-01-01", "2119-01-01", "否", "是"],
    ]
    error = assert_envelope(api(cast, "ip", xlsx(rows, IP_HEADERS)), 422, "import.invalid_rows")
    fields = error["fields"]
    assert "知识产权类型“专有技术”无效" in fields["row 3.kind"]
    assert "发明专利" in fields["row 3.kind"]  # lists the kinds allowed
    assert "有效期至（2024-04-30）早于授权日期（2024-05-01）" in fields["row 4.expiry_date"]
    assert "已登记" in fields["row 5.number"]
    assert "与第 2 行的类型和编号重复" in fields["row 6.number"]
    assert "不能晚于今天" in fields["row 7.grant_date"]
    assert IpItem.objects.count() == 1


def test_the_import_page_lists_the_bad_rows_and_offers_a_template(cast: Cast) -> None:
    client = cast.client(cast.owner)
    url = f"/enterprises/{cast.enterprise.pk}/ip/import/"
    template = client.get(url + "?template=1")
    assert template.status_code == 200
    headers = next(load_workbook(io.BytesIO(template.content)).active.iter_rows(values_only=True))
    assert list(headers) == IP_HEADERS
    bad = [["商标？", "1", "x", "2024-01-01", "2020-01-01", "否", "是"]]
    page = client.post(url, {"file": xlsx(bad, IP_HEADERS)}).content.decode()
    assert 'id="import-errors"' in page
    assert "知识产权类型" in page
    assert "有效期至" in page
    assert IpItem.objects.count() == 0
    good = client.post(url, {"file": xlsx(GOOD_IP, IP_HEADERS)})
    assert good.status_code == 302
    assert IpItem.objects.count() == 2


def test_only_the_enterprise_itself_imports(cast: Cast) -> None:
    upload = xlsx(GOOD_YEARS, YEAR_HEADERS)
    assert api(cast, "years", upload, cast.district_admin).status_code == 403
    assert (
        api(cast, "years", xlsx(GOOD_YEARS, YEAR_HEADERS), cast.stranger_admin).status_code == 404
    )
    assert api(cast, "years", xlsx(GOOD_YEARS, YEAR_HEADERS), cast.bank_admin).status_code == 404
    assert FinancialYear.objects.count() == 0
