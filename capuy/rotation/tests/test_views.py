"""Pages, files and the calendar feed."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from icalendar import Calendar
from openpyxl import load_workbook

from capuy.rotation import services
from capuy.rotation.choices import PlanStatus
from capuy.rotation.models import RotationFeedToken, RotationPlan


@pytest.fixture
def solved(rw, make_plan):
    plan = make_plan()
    services.plan_run(acting_user=rw.world.users["office"], plan=plan)
    plan.refresh_from_db()
    return plan


def test_the_office_creates_a_plan_from_the_form(rw, as_user):
    client = as_user("office")
    page = client.get(reverse("rotation:create"))
    assert page.status_code == 200 and "Lập kế hoạch luân phiên" in page.content.decode()
    response = client.post(
        reverse("rotation:create"),
        {
            "organization": rw.world.province.pk,
            "name": "Luân phiên thử",
            "period_start": "01/01/2026",
            "period_end": "30/06/2026",
            "max_per_month": 2,
            "min_months_between": 3,
            "cover_priority": "on",
            "balance_weight": 10,
            "time_limit": 10,
        },
    )
    plan = RotationPlan.objects.get(name="Luân phiên thử")
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert plan.leaders.count() == 5 and plan.cells.count() == 4


def test_a_bad_period_is_answered_on_the_field(rw, as_user):
    response = as_user("office").post(
        reverse("rotation:create"),
        {
            "organization": rw.world.province.pk,
            "name": "Sai kỳ",
            "period_start": "01/07/2026",
            "period_end": "01/01/2026",
            "max_per_month": 2,
            "min_months_between": 3,
            "balance_weight": 10,
            "time_limit": 10,
        },
    )
    assert response.status_code == 422
    assert "Ngày kết thúc kỳ phải sau ngày bắt đầu." in response.content.decode()
    assert not RotationPlan.objects.exists()


def test_running_shows_the_result_as_optimal_with_loads_highest_first(rw, make_plan, as_user):
    plan = make_plan()
    client = as_user("office")
    response = client.post(reverse("rotation:run", args=[plan.pk]))
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="result-label"' in html and "tối ưu" in html
    loads = [int(x) for x in __import__("re").findall(r'data-testid="load">(\d+)<', html)]
    assert loads == sorted(loads, reverse=True) and sum(loads) == plan.assignments.count()


def test_the_progress_bar_polls_while_solving_and_refreshes_when_done(rw, make_plan, as_user):
    plan = make_plan()
    RotationPlan.objects.filter(pk=plan.pk).update(
        status=PlanStatus.SOLVING, progress=40, progress_message="Đang giải"
    )
    client = as_user("office")
    html = client.get(reverse("rotation:detail", args=[plan.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html and 'aria-valuenow="40"' in html
    RotationPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.SOLVED)
    response = client.get(reverse("rotation:progress", args=[plan.pk]), HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"


@pytest.mark.parametrize("tab", ["ket-qua", "phan-cong", "dong-chi", "chi-bo"])
def test_every_tab_renders_for_the_office_and_the_inspector(solved, as_user, tab):
    for persona in ("office", "inspector"):
        response = as_user(persona).get(reverse("rotation:detail", args=[solved.pk]), {"tab": tab})
        assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="run"' not in html  # the inspector only reads


def test_assignments_show_their_reasons_and_can_be_pinned(solved, as_user):
    client = as_user("office")
    html = client.get(
        reverse("rotation:detail", args=[solved.pk]), {"tab": "phan-cong"}
    ).content.decode()
    row = solved.assignments.first()
    assert row.explanation in html.replace("&#x27;", "'")
    client.post(reverse("rotation:assignment_pin", args=[row.pk]))
    row.refresh_from_db()
    assert row.pinned
    solved.refresh_from_db()
    assert solved.needs_replan
    html = client.get(reverse("rotation:detail", args=[solved.pk])).content.decode()
    assert 'data-testid="needs-replan"' in html and 'data-testid="adopt"' not in html


def test_a_new_pin_is_added_from_the_form(solved, rw, as_user):
    leader = solved.leaders.exclude(member__cell=rw.cells[2]).first()
    response = as_user("office").post(
        reverse("rotation:assignment_add", args=[solved.pk]),
        {"leader": leader.pk, "cell": rw.cells[2].pk, "date": "10/05/2026"},
    )
    assert response.status_code == 302
    assert solved.assignments.filter(leader=leader, date=date(2026, 5, 10), pinned=True).exists()


def test_unavailability_is_entered_on_the_plan(rw, make_plan, as_user):
    plan = make_plan()
    leader = plan.leaders.first()
    as_user("office").post(
        reverse("rotation:unavailability_add", args=[plan.pk]),
        {"leader": leader.pk, "start_on": "01/03/2026", "end_on": "15/03/2026", "reason": "Đi học"},
    )
    away = leader.unavailabilities.get()
    assert (away.start_on, away.end_on, away.reason) == (
        date(2026, 3, 1),
        date(2026, 3, 15),
        "Đi học",
    )


def test_adopt_from_the_page(solved, as_user):
    response = as_user("office").post(reverse("rotation:adopt", args=[solved.pk]))
    assert response.status_code == 302
    solved.refresh_from_db()
    assert solved.status == PlanStatus.ADOPTED


def test_the_excel_export_opens_with_every_assignment(solved, as_user):
    response = as_user("inspector").get(reverse("rotation:export", args=[solved.pk]))
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["Phân công", "Tải theo đồng chí", "Chi bộ", "Thông tin"]
    rows = list(book["Phân công"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == solved.assignments.count()
    assert all(row[7].startswith("Đ/c ") for row in rows)
    info = dict(book["Thông tin"].iter_rows(min_row=2, values_only=True))
    assert info["Kết quả giải"] == "Tối ưu"


def test_a_leaders_ics_has_his_events(solved, as_user):
    leader = solved.leaders.first()
    response = as_user("office").get(reverse("rotation:leader_calendar", args=[leader.pk]))
    assert response["Content-Type"] == "text/calendar"
    cal = Calendar.from_ical(response.content)
    events = list(cal.walk("VEVENT"))
    expected = list(leader.assignments.order_by("date"))
    assert [e.decoded("dtstart") for e in events] == [a.date for a in expected]
    assert all(str(e["summary"]).startswith("Dự sinh hoạt ") for e in events)
    assert all(str(e["status"]) == "TENTATIVE" for e in events)


def test_the_calendar_feed_needs_only_its_token_and_can_be_revoked(solved, client, as_user):
    office = as_user("office")
    services.plan_adopt(acting_user=solved.created_by, plan=solved)
    leader = solved.leaders.first()
    page = office.post(reverse("rotation:feed_issue", args=[leader.pk]))
    url = page.context["url"]
    path = url.split("testserver", 1)[1]
    office.logout()
    response = client.get(path)
    assert response.status_code == 200
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == leader.assignments.count()
    assert all(str(e["status"]) == "CONFIRMED" for e in events)
    token = RotationFeedToken.objects.get()
    assert token.token_hash not in path and token.last_used_at is not None
    services.feed_token_revoke(acting_user=solved.created_by, token=token)
    assert client.get(path).status_code == 404
    assert client.get(reverse("rotation:feed", args=["lich_sai"])).status_code == 404


def test_a_plan_outside_scope_is_404(solved, as_user):
    for name in ("detail", "export", "progress"):
        response = as_user("outsider").get(reverse(f"rotation:{name}", args=[solved.pk]))
        assert response.status_code == 404
    response = as_user("outsider").post(reverse("rotation:run", args=[solved.pk]))
    assert response.status_code == 404
