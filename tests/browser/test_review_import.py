"""Journey 6, review season at the office: a district sends its results up as a spreadsheet;
the office downloads the prefilled template, fills it, sees a wrong row refused by row and
column with nothing saved, fixes it, saves, and reads the xếp loại report (journeys.md §6)."""

import io

from django.urls import get_resolver
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook
from playwright.sync_api import expect

from capuy.reviews.models import Review
from capuy.reviews.testing import ensure_shipped, open_cycle


def fill(template: bytes, levels: dict[str, str]) -> bytes:
    """The downloaded template with, for each member name, a self level, a manifestation and
    the cell's proposal."""
    book = load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    header_row, columns = None, {}
    for row in sheet.iter_rows(min_row=1, max_row=10):
        names = [str(c.value or "").strip() for c in row]
        if "Họ và tên" in names:
            header_row = row[0].row
            columns = {name: index + 1 for index, name in enumerate(names) if name}
            break
    assert header_row, "the template has a header row"
    for (row,) in sheet.iter_rows(
        min_row=header_row + 1, max_col=columns["Họ và tên"], min_col=columns["Họ và tên"]
    ):
        level = levels.get(str(row.value or ""))
        if level:
            sheet.cell(row.row, columns["Mức tự xếp loại"], level)
            sheet.cell(row.row, columns["Biểu hiện liên hệ"], "A1")
            sheet.cell(row.row, columns["Mức đề xuất"], level)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_office_round_trips_the_results_spreadsheet(
    browser_world, live_server, desktop, log_in, shot, tmp_path
):
    world = browser_world
    get_resolver().url_patterns  # noqa: B018 — import every URL module before the first request
    ensure_shipped()
    cycle = open_cycle(world)
    hung, lan = world.members["hung"], world.members["lan"]

    # 1. from the cycle, the import page and its prefilled template (office staff use 2FA)
    office = world.users["office"]
    TOTPDevice.objects.create(user=office, name="test", confirmed=True)
    log_in(desktop, "office", user=office)
    desktop.goto(f"{live_server.url}/danh-gia/{cycle.pk}/")
    desktop.get_by_test_id("import-link").click()
    with desktop.expect_download() as download:
        desktop.get_by_test_id("template-link").click()
    template = download.value.path().read_bytes()
    assert template[:2] == b"PK"

    # 2. a row with a level nobody writes is refused, naming row and column; nothing is saved
    bad = tmp_path / "ket-qua-sai.xlsx"
    bad.write_bytes(fill(template, {hung.full_name: "HTTNV", lan.full_name: "rất tốt"}))
    desktop.locator("input[type=file]").set_input_files(str(bad))
    desktop.get_by_test_id("import-check").click()
    errors = desktop.get_by_test_id("import-errors")
    expect(errors).to_contain_text("rất tốt")
    expect(errors).to_contain_text("Mức tự xếp loại")
    expect(desktop.get_by_test_id("import-commit")).to_have_count(0)
    shot(desktop, "review-import-01-refused")
    assert not Review.objects.filter(cycle=cycle, self_level__gt="").exists()

    # 3. fixed, checked, saved
    good = tmp_path / "ket-qua.xlsx"
    good.write_bytes(fill(template, {hung.full_name: "HTTNV", lan.full_name: "Xuất sắc"}))
    desktop.locator("input[type=file]").set_input_files(str(good))
    desktop.get_by_test_id("import-check").click()
    expect(desktop.get_by_test_id("import-preview")).to_be_visible()
    shot(desktop, "review-import-02-preview")
    desktop.get_by_test_id("import-commit").click()
    expect(desktop.get_by_role("alert")).to_contain_text(
        "Đã nhập kết quả xếp loại của 2 đảng viên từ tệp ket-qua.xlsx"
    )
    shot(desktop, "review-import-03-saved")
    levels = dict(
        Review.objects.filter(cycle=cycle, member__in=[hung, lan]).values_list(
            "member_id", "proposed_level"
        )
    )
    assert levels == {hung.pk: "HTTNV", lan.pk: "HTXSNV"}

    # 4. back on the cycle page, the xếp loại report
    desktop.get_by_test_id("xep-loai-link").click()
    expect(desktop.get_by_test_id("report-title")).to_contain_text("2019")
    shot(desktop, "review-import-04-report")
