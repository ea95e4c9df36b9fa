"""The grassroots dashboard (journey 3): figures for one organization and year, each with the
link to the rows behind it, and the charts drawn from the same figures."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from capuy.concerns.selectors import OPEN

from . import grassroots as figures
from .charts import LEVEL_COLORS, STATUS_COLORS, Bar, Chart, Segment, horizontal, vertical
from .compliance import BEHIND, MET, ON_TRACK, compliance_by_committee, summary_from
from .periods import UPPER_LEVELS, level_label, levels_of_year
from .selectors import below_quota_by_committee
from .tuning import analytic_reads


@lru_cache(maxsize=64)
def _path(name: str) -> str:
    return reverse(name)


def link(name: str, params: dict, **extra) -> str:
    query = {**params, **extra}
    query = {k: v for k, v in query.items() if v not in ("", None, False)}
    return _path(name) + ("?" + urlencode(query) if query else "")


def concern_link(params: dict, **extra) -> str:
    """The concern list for the same locality and year."""
    base = {"year": params.get("year"), "org": params.get("org")}
    return link("concerns:list", base, **extra)


def dashboard(user, form) -> dict:
    with analytic_reads():
        return _dashboard(user, form)


def _dashboard(user, form) -> dict:
    period, org, confirmed = form.period, form.organization, form.confirmed_only
    params = form.params()
    breakdown = figures.attendance_breakdown(user, period, org=org)
    by_level = figures.attendances_by_level(
        user, period, confirmed_only=confirmed, breakdown=breakdown
    )
    by_committee = compliance_by_committee(user, period, org=org, confirmed_only=confirmed)
    compliance = summary_from(by_committee)
    shown = levels_of_year(period.year) + [
        lvl
        for lvl in UPPER_LEVELS
        if lvl not in levels_of_year(period.year)
        and (by_level.get(lvl, {}).get("attendances") or compliance[lvl]["members"])
    ]
    levels = []
    for lvl in UPPER_LEVELS:
        if lvl not in shown:
            continue
        counted = by_level.get(lvl, {})
        members = compliance[lvl]
        levels.append(
            {
                "level": lvl,
                "label": level_label(lvl),
                "color": LEVEL_COLORS[lvl],
                "attendances": counted.get("attendances", 0),
                "planned": counted.get("planned", 0),
                "members": members["members"],
                "quota": members["quota"],
                "met": members["met"],
                "on_track": members["on_track"],
                "behind": members["behind"],
                "attendances_url": link("grassroots:attendances", params, level=lvl),
                "planned_url": link("grassroots:attendances", params, level=lvl, planned="on"),
                "members_url": link("grassroots:compliance", params, level=lvl),
                "met_url": link("grassroots:compliance", params, level=lvl, status=MET),
                "on_track_url": link("grassroots:compliance", params, level=lvl, status=ON_TRACK),
                "behind_url": link("grassroots:compliance", params, level=lvl, status=BEHIND),
            }
        )
    coverage = figures.visit_coverage(user, period, org=org, confirmed_only=confirmed)
    cells, flagged = coverage["cells"], coverage["flagged"]
    flagged["share_pct"] = 100 * flagged["share"] if flagged["share"] is not None else None
    concerns = figures.concern_figures(user, period, org=org)

    months = figures.attendances_by_month(
        user, period, confirmed_only=confirmed, breakdown=breakdown
    )
    month_chart = vertical(
        Chart(
            title=_("Lượt dự sinh hoạt theo tháng"),
            testid="chart-months",
            legend=[(item["label"], item["color"]) for item in levels],
            bars=[
                Bar(
                    label=f"{row['month']}",
                    url=link("grassroots:attendances", params, month=row["month"]),
                    segments=[
                        Segment(
                            row.get(item["level"], 0),
                            _("%(level)s, tháng %(month)s")
                            % {"level": item["label"], "month": row["month"]},
                            item["color"],
                            link(
                                "grassroots:attendances",
                                params,
                                month=row["month"],
                                level=item["level"],
                            ),
                        )
                        for item in levels
                    ],
                )
                for row in months
            ],
        )
    )
    unit_chart = None
    units = []
    if org is not None:
        units = figures.attendances_by_unit(
            user, period, org, confirmed_only=confirmed, with_cells=False
        )
        unit_chart = horizontal(
            Chart(
                title=_("Lượt dự sinh hoạt theo đơn vị"),
                width=900,
                testid="chart-units",
                legend=[(item["label"], item["color"]) for item in levels],
                bars=[
                    Bar(
                        label=group.organization.name,
                        url=link("grassroots:dashboard", params, org=group.organization.pk),
                        segments=[
                            Segment(
                                group.counts.get(item["level"], 0),
                                f"{item['label']}, {group.organization.name}",
                                item["color"],
                                link(
                                    "grassroots:attendances",
                                    params,
                                    org=group.organization.pk,
                                    level=item["level"],
                                ),
                            )
                            for item in levels
                        ],
                    )
                    for group in units
                ],
            )
        )
    status_chart = horizontal(
        Chart(
            title=_("Kiến nghị theo tình trạng"),
            width=460,
            testid="chart-concerns",
            bars=[
                Bar(
                    label=row["label"],
                    url=concern_link(params, status=row["status"]),
                    segments=[
                        Segment(
                            row["count"],
                            row["label"],
                            STATUS_COLORS.get(row["status"], "#6c757d"),
                            concern_link(params, status=row["status"]),
                        )
                    ],
                )
                for row in concerns["by_status"]
            ],
        ),
        label_width=170,
    )
    return {
        "period": period,
        "org": org,
        "params": params,
        "levels": levels,
        "total_attendances": sum(item["attendances"] for item in levels),
        "cells": cells,
        "cells_url": link("grassroots:cells", params),
        "flagged": flagged,
        "flagged_url": link("grassroots:flagged", params),
        "concerns": concerns,
        "concern_urls": {
            "raised": concern_link(params),
            "on_spot": concern_link(params, on_spot="on"),
            "open": concern_link(params, status=OPEN),
            "overdue": concern_link(params, overdue="on"),
        },
        "month_chart": month_chart,
        "unit_chart": unit_chart,
        "status_chart": status_chart,
        "below": [
            {
                **row,
                "label": level_label(row["level"]),
                "url": link(
                    "grassroots:compliance",
                    params,
                    org=row["organization"].pk,
                    level=row["level"],
                    status=BEHIND,
                ),
            }
            for row in below_quota_by_committee(by_committee)
        ],
        "export_url": link("grassroots:compliance_export", params, status=BEHIND),
        "report_url": link("reports:quy_dinh_01", params),
    }
