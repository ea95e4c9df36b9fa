"""The yearly report "Báo cáo kết quả thực hiện Quy định 01-QĐ/TU năm YYYY".

``build_report`` computes every figure from rows (the same functions as the dashboard) with
the structure and seats valid in that year, and returns a JSON-ready dict; ``report_document``
turns it into a ``PartyDocument`` (DOCX and PDF in the party's format) and ``report_xlsx``
into statistics tables. Nothing is typed in: the numbers in every format come from the dict.
The dict's labels are in the active language (the page and the JSON follow the reader); the
document and the workbook are official Vietnamese texts, so the views and the command build
the dict and render them under ``documents.party_language()``.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from capuy.committees.choices import SeatRole
from capuy.committees.models import Seat
from capuy.core.vntext import format_date, format_number, format_percent
from capuy.organizations.choices import OrgKind

from . import grassroots as figures
from .compliance import QuotaRule, compliance_summary, rule_covering, rules_for
from .documents import Paragraph, PartyDocument, Table
from .grouping import single_top_node
from .periods import UPPER_LEVELS, Period, level_label, levels_of_year, period_for
from .tuning import analytic_reads

DEFAULT_NUMBER = "01-QĐ/TU"
# How the document's running text names the members of each level (always Vietnamese).
LEVEL_PHRASES = {
    "tinh": "các đồng chí Tỉnh ủy viên",
    "huyen": "các đồng chí cấp ủy cấp huyện và tương đương",
    "xa": "các đồng chí cấp ủy cấp xã",
}
COUNT_ALL = gettext_lazy(
    "Tính tất cả các lượt dự đã ghi nhận, kể cả lượt chưa được chi bộ xác nhận."
)
COUNT_CONFIRMED = gettext_lazy("Chỉ tính các lượt dự đã được chi bộ xác nhận.")


def regulation_for(org, period: Period, user=None, rules=None) -> QuotaRule | None:
    """The regulation the report is about: the deepest one covering ``org`` in force at the
    period's reference date. For the user's whole scope, the one covering it when the scope is
    one subtree (several provinces may each have their own: then none is named)."""
    if org is None:
        nodes = single_top_node(user) if user is not None else None
        if nodes is None:
            return None
        org = nodes
        rules = None
    rules = rules_for(org, period) if rules is None else rules
    return rule_covering(rules, org.path)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def build_report(
    user, *, year: int, org=None, confirmed_only: bool = False, today: date | None = None
) -> dict:
    """Every figure of the report for ``org`` (``None``: the user's whole scope) and ``year``."""
    with analytic_reads():
        return _build_report(user, year=year, org=org, confirmed_only=confirmed_only, today=today)


def _build_report(user, *, year: int, org, confirmed_only: bool, today: date | None) -> dict:
    period = period_for(year, today)
    breakdown = figures.attendance_breakdown(user, period, org=org)
    by_level = figures.attendances_by_level(
        user, period, confirmed_only=confirmed_only, breakdown=breakdown
    )
    rules = rules_for(org, period)
    compliance = compliance_summary(
        user, period, org=org, confirmed_only=confirmed_only, rules=rules
    )
    visits = figures.field_visit_figures(user, period, org=org)
    shown = levels_of_year(year)
    shown += [
        level
        for level in UPPER_LEVELS
        if level not in shown
        and (by_level.get(level, {}).get("attendances") or compliance[level]["members"])
    ]
    rule = regulation_for(org, period, user, rules)
    rule_quotas = rule.quotas if rule else {}
    levels = []
    for level in UPPER_LEVELS:
        if level not in shown:
            continue
        counted = by_level.get(level, {})
        members = compliance[level]
        levels.append(
            {
                "level": level,
                "label": level_label(level),
                "attendances": counted.get("attendances", 0),
                "confirmed": counted.get("confirmed", 0),
                "planned": counted.get("planned", 0),
                "members": members["members"],
                "quota": members["quota"]
                if members["quota"] is not None
                else rule_quotas.get(level),
                "members_met": members["met"],
                "members_on_track": members["on_track"],
                "members_below": members["behind"],
                "members_no_quota": members["no_quota"],
                "field_visits": visits.get(level, {}).get("visits", 0),
                "field_days": float(visits.get(level, {}).get("days", 0)),
            }
        )
    units = []
    if org is not None:
        for group in figures.attendances_by_unit(user, period, org, confirmed_only=confirmed_only):
            counts = group.counts
            units.append(
                {
                    "id": group.organization.pk,
                    "code": group.organization.code,
                    "name": group.organization.name,
                    "attendances": {level: counts.get(level, 0) for level in UPPER_LEVELS},
                    "total": counts.get("total", 0),
                    "cells_visited": counts.get("cells", 0),
                }
            )
    coverage = figures.visit_coverage(user, period, org=org, confirmed_only=confirmed_only)
    cells = coverage["cells"]
    cells["share"] = _share(cells["visited"], cells["cells"])
    flagged = coverage["flagged"]
    concerns = figures.concern_figures(user, period, org=org)
    number = rule.number if rule else DEFAULT_NUMBER
    return {
        "title": _("Báo cáo kết quả thực hiện Quy định %(number)s năm %(year)s")
        % {"number": number, "year": year},
        "year": year,
        "organization": (
            {"id": org.pk, "code": org.code, "name": org.name, "kind": org.kind}
            if org is not None
            else None
        ),
        "regulation": (
            {
                "number": rule.number,
                "title": rule.title,
                "issued_on": rule.issued_on.isoformat() if rule.issued_on else None,
                "issuing_body": rule.issuing_body,
            }
            if rule
            else None
        ),
        "confirmed_only": confirmed_only,
        "counting": str(COUNT_CONFIRMED if confirmed_only else COUNT_ALL),
        "as_of": period.today.isoformat(),
        "levels": levels,
        "total_attendances": sum(item["attendances"] for item in levels),
        "by_month": figures.attendances_by_month(
            user, period, confirmed_only=confirmed_only, breakdown=breakdown
        ),
        "units": units,
        "cells": cells,
        "flagged": flagged,
        "concerns": concerns,
        "rotation": {
            "planned": sum(item["planned"] for item in levels),
            "actual": sum(item["attendances"] for item in levels),
            "by_level": [
                {
                    "level": item["level"],
                    "label": item["label"],
                    "planned": item["planned"],
                    "actual": item["attendances"],
                }
                for item in levels
            ],
        },
    }


# --- the document ---------------------------------------------------------------------------


def _place(name: str) -> str:
    for prefix in ("Đảng bộ tỉnh ", "Đảng bộ thành phố ", "Đảng bộ "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def issuer_of(org) -> dict:
    """Header block of the report: parent body, issuing committee, symbol suffix, place."""
    if org is None:
        return {
            "parent_body": "Ban Chấp hành Trung ương",
            "issuer": "Ban Tổ chức Trung ương",
            "suffix": "BTCTW",
            "place": "Hà Nội",
            "authority": "T/L Ban Bí thư",
        }
    root = org if org.depth == 1 else org.get_root()
    place = _place(root.name)
    if org.depth == 1:
        return {
            "parent_body": org.name,
            "issuer": "Tỉnh ủy" if org.kind == OrgKind.DANG_BO_TINH else "Ban Chấp hành",
            "suffix": "TU",
            "place": place,
            "authority": "T/M Ban Thường vụ",
        }
    parent = type(org).objects.get_parent(org)
    local = _place(org.name)
    if org.kind == OrgKind.DANG_BO_HUYEN and org.name.startswith("Đảng bộ thành phố"):
        issuer, suffix = f"Thành ủy {local[len('thành phố ') :]}", "TU"
    elif org.kind == OrgKind.DANG_BO_HUYEN and org.name.startswith("Đảng bộ thị xã"):
        issuer, suffix = f"Thị ủy {local[len('thị xã ') :]}", "TU"
    elif org.kind == OrgKind.DANG_BO_HUYEN and org.name.startswith("Đảng bộ huyện"):
        issuer, suffix = f"Huyện ủy {local[len('huyện ') :]}", "HU"
    elif org.name.startswith("Chi bộ"):
        issuer, suffix = f"Chi ủy {org.name}", "CB"
    else:
        issuer, suffix = f"Đảng ủy {local}", "ĐU"
    return {
        "parent_body": parent.name if parent else root.name,
        "issuer": issuer,
        "suffix": suffix,
        "place": place,
        "authority": "T/M Ban Thường vụ",
    }


def signer_of(org, day: date) -> tuple[str, str]:
    """(title, name) of the standing deputy secretary (or the secretary) on ``day``."""
    if org is None:
        return "", ""
    for role in (SeatRole.PHO_BI_THU_THUONG_TRUC, SeatRole.BI_THU):
        seat = (
            Seat.objects.held_on(day)
            .filter(committee__term__organization=org, role=role)
            .select_related("member")
            .order_by("pk")
            .first()
        )
        if seat is not None:
            return seat.get_role_display(), seat.member.full_name
    return "Phó Bí thư", ""


def yearly_report(
    org, day: date, header: dict, *, summary: str, blocks: list, landscape: bool = False
) -> PartyDocument:
    """A yearly report (báo cáo) of ``org``'s committee (``header`` = ``issuer_of(org)``): its
    number, signer and recipients around ``blocks``. ``org`` None: the whole scope."""
    title, name = signer_of(org, day)
    recipients = (
        ["Ban Tổ chức Trung ương", "Các đồng chí Ủy viên Ban Chấp hành", "Các đảng bộ trực thuộc"]
        if org is not None
        else []
    )
    recipients.append("Lưu Văn phòng")
    return PartyDocument(
        parent_body=header["parent_body"],
        issuer=header["issuer"],
        number=f"Số       -BC/{header['suffix']}",
        place=header["place"],
        day=day,
        kind="Báo cáo",
        summary=summary,
        blocks=blocks,
        signer_authority=header["authority"],
        signer_title=title,
        signer_name=name,
        recipients=recipients,
        landscape=landscape,
    )


def _n(value) -> str:
    return format_number(value or 0)


def _pct(part, whole) -> str:
    return format_percent(100 * part / whole) if whole else "—"


def report_document(data: dict, org=None, *, day: date | None = None) -> PartyDocument:
    day = day or timezone.localdate()
    header = issuer_of(org)
    year = data["year"]
    levels = data["levels"]
    rule = data["regulation"]
    number = rule["number"] if rule else DEFAULT_NUMBER
    blocks: list = []
    if rule:
        issued = date.fromisoformat(rule["issued_on"]) if rule["issued_on"] else None
        when = f" ngày {issued.day}/{issued.month}/{issued.year}" if issued else ""
        intro = (
            f"Thực hiện Quy định số {rule['number']}{when} của "
            f"{rule['issuing_body']} {rule['title']}, {header['issuer']} báo cáo kết quả "
            f"thực hiện năm {year} như sau:"
        )
    else:
        intro = (
            f"{header['issuer']} báo cáo kết quả cấp ủy viên đi công tác cơ sở và dự sinh hoạt "
            f"chi bộ năm {year} như sau:"
        )
    blocks.append(Paragraph(intro))
    blocks.append(Paragraph("I. KẾT QUẢ THỰC HIỆN", heading=True))

    blocks.append(Paragraph("1. Cấp ủy viên dự sinh hoạt chi bộ", heading=True))
    parts = [
        f"{LEVEL_PHRASES.get(item['level'], item['label'])} "
        f"{'đã có' if index == 0 else 'có'} {_n(item['attendances'])} lượt"
        + (" đi dự sinh hoạt chi bộ" if index == 0 else "")
        for index, item in enumerate(levels)
    ]
    cells = data["cells"]
    sentence = "; ".join(parts)
    blocks.append(
        Paragraph(
            f"Năm {year}, {sentence[0].lower() + sentence[1:]}; đã dự sinh hoạt tại "
            f"{_n(cells['visited'])}/{_n(cells['cells'])} chi bộ "
            f"({_pct(cells['visited'], cells['cells'])}); "
            f"{_n(cells['never_visited'])} chi bộ chưa có cấp ủy viên cấp trên dự."
        )
    )
    blocks.append(
        Table(
            title=f"Biểu 1. Số lượt dự sinh hoạt chi bộ theo cấp năm {year}",
            header_rows=[
                [
                    "STT",
                    "Cấp ủy viên",
                    "Số đồng chí",
                    "Số lượt dự",
                    "Trong đó đã xác nhận",
                    "Định mức (lượt/năm)",
                    "Số đồng chí đạt định mức",
                    "Tỷ lệ đạt",
                ]
            ],
            rows=[
                [
                    index,
                    item["label"],
                    _n(item["members"]),
                    _n(item["attendances"]),
                    _n(item["confirmed"]),
                    _n(item["quota"]) if item["quota"] is not None else "—",
                    _n(item["members_met"]),
                    _pct(item["members_met"], item["members"]),
                ]
                for index, item in enumerate(levels, start=1)
            ]
            + [
                [
                    "",
                    "Tổng cộng",
                    _n(sum(i["members"] for i in levels)),
                    _n(data["total_attendances"]),
                    _n(sum(i["confirmed"] for i in levels)),
                    "",
                    _n(sum(i["members_met"] for i in levels)),
                    "",
                ]
            ],
            col_widths=[0.6, 3.4, 1.1, 1.1, 1.2, 1.2, 1.3, 1.0],
            numeric_cols={2, 3, 4, 5, 6, 7},
            bold_rows={len(levels)},
            font_size=10,
        )
    )

    blocks.append(Paragraph("2. Thực hiện định mức", heading=True))
    for item in levels:
        if item["quota"] is None:
            blocks.append(Paragraph(f"{item['label']}: quy định chưa đặt định mức cho cấp này."))
            continue
        blocks.append(
            Paragraph(
                f"{item['label']}: {_n(item['members_met'])}/{_n(item['members'])} đồng chí đạt "
                f"định mức tối thiểu {_n(item['quota'])} lượt/năm; "
                f"{_n(item['members_below'])} đồng chí chưa đạt."
            )
        )
    if data["units"]:
        level_cols = [item["level"] for item in levels]
        blocks.append(
            Table(
                title="Biểu 2. Số lượt dự sinh hoạt chi bộ theo đơn vị",
                header_rows=[
                    [
                        "STT",
                        "Đơn vị",
                        *[item["label"] for item in levels],
                        "Cộng",
                        "Số chi bộ được dự",
                    ]
                ],
                rows=[
                    [
                        index,
                        unit["name"],
                        *[_n(unit["attendances"].get(level, 0)) for level in level_cols],
                        _n(unit["total"]),
                        _n(unit["cells_visited"]),
                    ]
                    for index, unit in enumerate(data["units"], start=1)
                ],
                col_widths=[0.6, 4.0, *[1.4] * len(level_cols), 1.0, 1.2],
                numeric_cols=set(range(2, 4 + len(level_cols))),
                font_size=10,
            )
        )

    flagged = data["flagged"]
    blocks.append(Paragraph("3. Địa bàn khó khăn, tình hình phức tạp", heading=True))
    if flagged["localities"]:
        blocks.append(
            Paragraph(
                f"Cấp ủy viên đã dự sinh hoạt chi bộ ở {_n(flagged['visited'])}/"
                f"{_n(flagged['localities'])} địa bàn còn khó khăn, tình hình phức tạp "
                f"({_pct(flagged['visited'], flagged['localities'])})."
            )
        )
    else:
        blocks.append(Paragraph("Trong năm không có địa bàn được đánh dấu khó khăn, phức tạp."))

    visits = sum(item["field_visits"] for item in levels)
    if visits:
        blocks.append(
            Paragraph(
                f"Ngoài dự sinh hoạt chi bộ, cấp ủy viên đã có {_n(visits)} chuyến đi công tác cơ "
                f"sở ({format_number(sum(item['field_days'] for item in levels), 1)} ngày)."
            )
        )

    concerns = data["concerns"]
    blocks.append(
        Paragraph("4. Tiếp nhận và giải quyết tâm tư, nguyện vọng, kiến nghị", heading=True)
    )
    blocks.append(
        Paragraph(
            f"Qua dự sinh hoạt chi bộ, cấp ủy viên đã tiếp nhận {_n(concerns['raised'])} ý kiến, "
            f"kiến nghị; trong đó giải quyết tại chỗ {_n(concerns['on_spot'])} "
            f"({_pct(concerns['on_spot'], concerns['raised'])}), đã giải quyết xong "
            f"{_n(concerns['closed'])}, đang giải quyết {_n(concerns['open'])}, quá hạn "
            f"{_n(concerns['overdue'])}."
        )
    )
    blocks.append(
        Table(
            title="Biểu 3. Kết quả xử lý kiến nghị",
            header_rows=[["STT", "Tình trạng", "Số kiến nghị", "Tỷ lệ"]],
            rows=[
                [
                    index,
                    row["label"],
                    _n(row["count"]),
                    _pct(row["count"], concerns["raised"]),
                ]
                for index, row in enumerate(concerns["by_status"], start=1)
            ]
            + [["", "Tổng cộng", _n(concerns["raised"]), ""]],
            col_widths=[0.6, 5, 1.5, 1.2],
            numeric_cols={2, 3},
            bold_rows={len(concerns["by_status"])},
            font_size=11,
        )
    )

    rotation = data["rotation"]
    blocks.append(Paragraph("5. Thực hiện kế hoạch luân phiên dự sinh hoạt", heading=True))
    blocks.append(
        Paragraph(
            f"Số lượt đã dự: {_n(rotation['actual'])}; số lượt theo kế hoạch luân phiên chưa "
            f"thực hiện (còn ở trạng thái kế hoạch): {_n(rotation['planned'])}."
        )
    )
    blocks.append(
        Table(
            title="Biểu 4. Kế hoạch luân phiên và thực tế",
            header_rows=[["STT", "Cấp ủy viên", "Theo kế hoạch, chưa thực hiện", "Đã dự"]],
            rows=[
                [index, row["label"], _n(row["planned"]), _n(row["actual"])]
                for index, row in enumerate(rotation["by_level"], start=1)
            ],
            col_widths=[0.6, 4.4, 2.2, 1.5],
            numeric_cols={2, 3},
            font_size=11,
        )
    )
    blocks.append(
        Paragraph(
            f"(Số liệu tổng hợp từ dữ liệu ghi nhận trên hệ thống đến ngày "
            f"{format_date(date.fromisoformat(data['as_of']))}. {data['counting']})",
            italic=True,
        )
    )
    return yearly_report(
        org, day, header, summary=f"kết quả thực hiện Quy định {number} năm {year}", blocks=blocks
    )


# --- XLSX -----------------------------------------------------------------------------------


def report_xlsx(data: dict) -> bytes:
    """The report's tables, one sheet each, numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    bold = Font(bold=True)

    def sheet(title: str, heading: list[str], rows: list[list], first: bool = False):
        ws = book.active if first else book.create_sheet()
        ws.title = title[:31]
        ws.append([data["title"]])
        ws["A1"].font = Font(bold=True, size=13)
        scope = data["organization"]["name"] if data["organization"] else "Toàn bộ phạm vi"
        ws.append([f"{scope} — {data['counting']}"])
        ws.append([])
        ws.append(heading)
        for cell in ws[4]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for row in rows:
            ws.append(row)
        ws.column_dimensions["A"].width = 6
        ws.column_dimensions["B"].width = 42
        for col in "CDEFGHIJ":
            ws.column_dimensions[col].width = 16
        return ws

    levels = data["levels"]
    sheet(
        "Theo cấp",
        [
            "STT",
            "Cấp ủy viên",
            "Số đồng chí",
            "Số lượt dự",
            "Đã xác nhận",
            "Định mức/năm",
            "Đạt định mức",
            "Chưa đạt",
            "Chuyến công tác cơ sở",
        ],
        [
            [
                index,
                item["label"],
                item["members"],
                item["attendances"],
                item["confirmed"],
                item["quota"],
                item["members_met"],
                item["members_below"],
                item["field_visits"],
            ]
            for index, item in enumerate(levels, start=1)
        ],
        first=True,
    )
    if data["units"]:
        sheet(
            "Theo đơn vị",
            ["STT", "Đơn vị", *[item["label"] for item in levels], "Cộng", "Chi bộ được dự"],
            [
                [
                    index,
                    unit["name"],
                    *[unit["attendances"].get(item["level"], 0) for item in levels],
                    unit["total"],
                    unit["cells_visited"],
                ]
                for index, unit in enumerate(data["units"], start=1)
            ],
        )
    sheet(
        "Theo tháng",
        ["Tháng", "", *[item["label"] for item in levels], "Cộng"],
        [
            [row["month"], "", *[row.get(item["level"], 0) for item in levels], row["total"]]
            for row in data["by_month"]
        ],
    )
    cells, flagged = data["cells"], data["flagged"]
    sheet(
        "Chi bộ, địa bàn",
        ["STT", "Chỉ tiêu", "Số lượng"],
        [
            [1, "Chi bộ trong năm", cells["cells"]],
            [2, "Chi bộ có cấp ủy viên cấp trên dự", cells["visited"]],
            [3, "Chi bộ chưa được dự", cells["never_visited"]],
            [4, "Địa bàn khó khăn, phức tạp", flagged["localities"]],
            [5, "Địa bàn khó khăn, phức tạp đã được dự", flagged["visited"]],
        ],
    )
    concerns = data["concerns"]
    sheet(
        "Kiến nghị",
        ["STT", "Tình trạng", "Số kiến nghị"],
        [
            [index, row["label"], row["count"]]
            for index, row in enumerate(concerns["by_status"], start=1)
        ]
        + [
            ["", "Tổng số tiếp nhận", concerns["raised"]],
            ["", "Quá hạn", concerns["overdue"]],
        ],
    )
    sheet(
        "Luân phiên",
        ["STT", "Cấp ủy viên", "Theo kế hoạch, chưa thực hiện", "Đã dự"],
        [
            [index, row["label"], row["planned"], row["actual"]]
            for index, row in enumerate(data["rotation"]["by_level"], start=1)
        ],
    )
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def report_filename(data: dict, extension: str) -> str:
    code = data["organization"]["code"] if data["organization"] else "toan-bo"
    return f"bao-cao-quy-dinh-01-{code}-{data['year']}.{extension}"
