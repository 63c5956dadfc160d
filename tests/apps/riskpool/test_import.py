"""A bank registers loans from a spreadsheet: all rows or none, every bad row named."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from kejin.apps.enterprises.models import HnteCertificate
from kejin.apps.riskpool.models import Registration
from tests.apps.riskpool.conftest import World, assert_error

HEADER = "贷款合同编号,登记日期,保险公司统一社会信用代码,保单号\n"


def csv_file(rows: list[str]) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "入池.csv", (HEADER + "\n".join(rows) + "\n").encode(), content_type="text/csv"
    )


def upload(world: World, file: SimpleUploadedFile):  # type: ignore[no-untyped-def]
    return world.cast.client(world.cast.bank_officer).post(
        f"/api/v1/riskpool/pools/{world.pool.pk}/registrations/import", {"file": file}
    )


def test_every_bad_row_is_reported_and_nothing_is_registered(world: World) -> None:
    world.loan("IM-1", "1000000.00")
    world.loan("IM-2", "1000000.00", borrower=world.cast.far_enterprise)
    HnteCertificate.objects.filter(enterprise=world.cast.far_enterprise).delete()
    rows = [
        "IM-1,2024-01-15,,",  # row 2: fine on its own
        "IM-2,2024-01-15,,",  # row 3: borrower neither tech SME nor HNTE
        "IM-9,2024-01-15,,",  # row 4: no such loan
        "IM-1,2024-01-15,,",  # row 5: same loan as row 2
        "IM-1,15/01/2024,,",  # row 6: not a date
        f"IM-1,2024-01-15,{world.cast.bank.uscc},P1",  # row 7: not an insurer
    ]
    error = assert_error(upload(world, csv_file(rows)), 422, "import.invalid_rows")
    fields = error["fields"]
    assert "不是科技型中小企业或高新技术企业" in fields["row 3.loan_external_id"]
    assert "本行没有合同编号为 IM-9" in fields["row 4.loan_external_id"]
    assert fields["row 5.loan_external_id"] == "与第 2 行重复"
    assert "不是日期" in fields["row 6.registered_on"]
    assert "insurer_uscc" in next(k for k in fields if k.startswith("row 7"))
    assert "row 2.loan_external_id" not in fields
    assert Registration.objects.count() == 0


def test_leverage_counts_the_rows_of_the_file_together(world: World) -> None:
    world.loan("IM-3", "60000000.00")
    world.loan("IM-4", "60000000.00")
    error = assert_error(upload(world, csv_file(["IM-3,2024-01-15,,", "IM-4,2024-01-15,,"])), 422)
    # 60,000,000.00 + 60,000,000.00 > 10,000,000.00 × 10: the second row is refused
    assert "超出资金池放大倍数" in error["fields"]["row 3.loan_external_id"]
    assert Registration.objects.count() == 0


def test_a_good_xlsx_registers_every_row_with_its_insurer(world: World) -> None:
    world.loan("IM-5", "1000000.00")
    world.loan("IM-6", "2000000.00")
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["贷款合同编号", "登记日期", "保险公司统一社会信用代码", "保单号"])
    ws.append(["IM-5", "2024-01-15", world.insurer.uscc, "PICC-5"])
    ws.append(["IM-6", "2024-01-15", "", ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    file = SimpleUploadedFile("入池.xlsx", buffer.getvalue())
    response = upload(world, file)
    assert response.status_code == 201, response.content.decode()
    assert response.json() == {"created": 2}
    assert Registration.objects.get(loan__external_id="IM-5").insurer == world.insurer
    assert Registration.objects.get(loan__external_id="IM-6").insurer is None


def test_the_import_page_lists_row_errors_and_offers_a_template(world: World) -> None:
    client = world.cast.client(world.cast.bank_officer)
    template = client.get("/riskpool/registrations/import/?template=1")
    header = next(load_workbook(io.BytesIO(template.content)).active.iter_rows(values_only=True))
    assert list(header) == ["贷款合同编号", "登记日期", "保险公司统一社会信用代码", "保单号"]
    page = client.post(
        "/riskpool/registrations/import/",
        {"pool": world.pool.pk, "file": csv_file(["NOPE,2024-01-15,,"])},
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert 'id="import-errors"' in text
    assert "本行没有合同编号为 NOPE" in text
    world.loan("IM-7", "1000000.00")
    done = client.post(
        "/riskpool/registrations/import/",
        {"pool": world.pool.pk, "file": csv_file(["IM-7,2024-01-15,,"])},
    )
    assert done.status_code == 302
    assert Registration.objects.filter(loan__external_id="IM-7").exists()


def test_a_file_with_wrong_columns_is_refused(world: World) -> None:
    bad = SimpleUploadedFile("x.csv", "合同,日期\nA,B\n".encode())
    error = assert_error(upload(world, bad), 422, "import.columns_mismatch")
    assert "贷款合同编号" in error["message"]
