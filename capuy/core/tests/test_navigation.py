"""The main menu: every capability has its entry, and the current one is marked."""

import pytest
from django.urls import reverse

from capuy.core.testing import sign_in


@pytest.mark.django_db
def test_the_menu_lists_every_capability_in_order(world, client):
    sign_in(client, world.users["office"])
    html = client.get(reverse("core:home")).content.decode()
    labels = [
        "Tổng quan",
        "Tổ chức đảng",
        "Đảng viên",
        "Cấp ủy",
        "Công tác cơ sở",
        "Đánh giá, xếp loại",
        "Hội nghị",
        "Vận động ủng hộ",
        "Tin bài",
        "Báo cáo",
    ]
    positions = [html.index(label) for label in labels]
    assert positions == sorted(positions)
    assert f'href="{reverse("news:manage_list")}"' in html


@pytest.mark.django_db
def test_the_grassroots_entry_stays_marked_on_the_dashboard(world, client):
    sign_in(client, world.users["office"])
    response = client.get(reverse("grassroots:dashboard"))
    sections = {s["key"]: s["active"] for s in response.context["nav_sections"]}
    assert sections["grassroots"] is True and sections["news"] is False


@pytest.mark.django_db
def test_the_reports_page_offers_both_yearly_reports(world, client):
    sign_in(client, world.users["office"])
    html = client.get(reverse("reports:quy_dinh_01"), {"year": 2019}).content.decode()
    tabs = html[html.index('data-testid="reports-tabs"') :]
    assert f'href="{reverse("reports:xep_loai")}"' in tabs
    assert "Kiểm điểm, xếp loại" in tabs
