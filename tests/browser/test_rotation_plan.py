"""Journey 4 on a desk (journeys.md §4): the office plans a rotation for six months, marks a
member away, runs the plan (progress, "tối ưu", loads highest first, the reasons), pins two
visits and re-plans (only what had to move moves), then adopts it."""

import re

from django.urls import get_resolver
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from capuy.meetings.models import Attendance
from capuy.rotation.models import RotationPlan
from capuy.rotation.testing import rotation_world


def test_the_office_plans_runs_pins_and_adopts_a_rotation(
    browser_world, live_server, desktop, log_in, shot
):
    get_resolver().url_patterns  # noqa: B018  (import ortools before the first request)
    rotation_world(browser_world, cells=6)
    office = browser_world.users["office"]
    TOTPDevice.objects.create(user=office, name="app", confirmed=True)
    page = desktop
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, "office", user=office)

    # 1. the plan: the next six months (here January–June 2026), the province's committee
    page.goto(f"{live_server.url}/luan-phien/")
    page.get_by_test_id("plan-create-link").click()
    page.fill("#id_name", "Luân phiên 6 tháng đầu năm 2026")
    page.fill("#id_period_start", "01/01/2026")
    page.fill("#id_period_end", "30/06/2026")
    page.fill("#id_time_limit", "20")
    shot(page, "rotation-01-create")
    page.get_by_test_id("submit").click()
    page.wait_for_url(re.compile(r".*/luan-phien/\d+/$"))
    plan = RotationPlan.objects.get()
    expect(page.get_by_test_id("not-solved")).to_be_visible()

    # 2. Mr. X is away in March
    page.get_by_test_id("tab-leaders").click()
    away = page.get_by_test_id("away-form")
    leader = plan.leaders.select_related("member").order_by("member__sort_key").first()
    away.locator("select[name='leader']").select_option(str(leader.pk))
    away.locator("input[name='start_on']").fill("01/03/2026")
    away.locator("input[name='end_on']").fill("31/03/2026")
    away.locator("input[name='reason']").fill("Học lớp bồi dưỡng")
    page.get_by_test_id("away-submit").click()
    expect(page.get_by_test_id("leaders")).to_contain_text("01/03/2026 – 31/03/2026")
    shot(page, "rotation-02-away")

    # 3. run: it finishes in seconds and says "tối ưu", loads highest first, with reasons
    page.get_by_test_id("run").click()
    page.wait_for_url(re.compile(r".*tab=ket-qua$"))
    expect(page.get_by_test_id("result-label")).to_have_text("tối ưu")
    loads = [int(x) for x in page.get_by_test_id("load").all_inner_texts()]
    assert loads == sorted(loads, reverse=True) and max(loads) - min(loads) <= 1
    shot(page, "rotation-03-result")
    plan.refresh_from_db()
    assert plan.proven_optimal and plan.wall_time < 20
    assert not plan.assignments.filter(leader=leader, date__month=3).exists()

    page.get_by_test_id("tab-assignments").click()
    expect(page.get_by_test_id("explanation").first).to_contain_text("vì:")
    shot(page, "rotation-04-assignments")

    # 4. the secretary insists on two visits: the office pins them and re-plans
    before = set(plan.assignments.values_list("leader_id", "meeting_id"))
    first, second = plan.assignments.order_by("date", "id")[:2]
    for row in (first, second):
        page.get_by_test_id(f"pin-{row.pk}").click()
        expect(page.get_by_test_id(f"pin-{row.pk}")).to_have_text("Bỏ ghim")
    expect(page.get_by_test_id("needs-replan")).to_be_visible()
    shot(page, "rotation-05-pinned")
    page.get_by_test_id("run").click()
    expect(page.get_by_test_id("result-label")).to_have_text("tối ưu")
    after = set(plan.assignments.values_list("leader_id", "meeting_id"))
    assert after == before  # nothing had to move
    assert plan.assignments.filter(pinned=True).count() == 2
    shot(page, "rotation-06-replanned")

    # 5. adopt: scheduled attendances appear
    page.get_by_test_id("adopt").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("Đã áp dụng")
    assert Attendance.objects.filter(status="planned").count() == len(after)
    shot(page, "rotation-07-adopted")
    page.get_by_test_id("tab-leaders").click()
    ics = page.get_by_test_id(f"ics-{leader.pk}")
    with page.expect_download() as download:
        ics.click()
    assert download.value.suggested_filename.endswith(".ics")
