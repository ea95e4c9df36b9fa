"""Draft a news item (tin bài) from a conference record, in the style of the provincial paper.

The text is assembled from rows only: who chaired and attended (seats held on the day), the
agenda items and their presenters, the discussion summaries, the conclusion, the tasks, the
figures capuy computes (attendances at cell meetings by seat level, review coverage) and the
donation campaign answered that day. Nothing numeric is typed here.

To extend it, add a function to ``FIGURE_PROVIDERS`` (it receives the ``ConferenceFacts`` and
returns paragraphs; return ``[]`` when it has nothing to say), or change
``conference_facts`` when the conference model grows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, Sum

from capuy.committees.choices import CommitteeKind, SeatRole
from capuy.committees.models import Seat
from capuy.core.vntext import format_number, format_percent
from capuy.organizations.choices import OrgKind, SeatLevel
from capuy.organizations.models import Organization

SESSION_WORDS = {"sang": "Sáng", "chieu": "Chiều", "ca_ngay": "Ngày"}
LEADING_ROLES = (SeatRole.BI_THU, SeatRole.PHO_BI_THU_THUONG_TRUC, SeatRole.PHO_BI_THU)
# A conclusion that opens with one of these reads on after the speaker's name.
CONCLUSION_VERBS = (
    "giao ",
    "yêu cầu",
    "đề nghị",
    "chỉ đạo",
    "nhấn mạnh",
    "ghi nhận",
    "biểu dương",
    "quán triệt",
)


@dataclass
class Person:
    name: str
    posts: list[str] = field(default_factory=list)

    def with_posts(self) -> str:
        return ", ".join([self.name, *self.posts])

    def post_then_name(self) -> str:
        return f"{self.posts[0]} {self.name}" if self.posts else f"đồng chí {self.name}"


@dataclass
class Report:
    title: str
    presenter: Person | None
    presenter_title: str
    discussion: str


@dataclass
class ConferenceFacts:
    conference: object
    organization: Organization
    committee_word: str  # "Ban Chấp hành"
    unit_word: str  # "Đảng bộ tỉnh"
    committee_name: str  # "Tỉnh ủy"
    term_name: str
    number: int
    day: date
    session: str
    place: str
    report_year: int
    chairs: list[Person] = field(default_factory=list)
    deputies: list[Person] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    conclusion: str = ""
    tasks: list[tuple[list[str], str]] = field(default_factory=list)

    @property
    def body_name(self) -> str:
        """ "Ban Chấp hành Đảng bộ tỉnh khóa XIX" """
        return f"{self.committee_word} {self.unit_word} khóa {self.term_name}".strip()

    @property
    def whole(self) -> str:
        """ "Toàn tỉnh", "Toàn huyện"…"""
        return {OrgKind.DANG_BO_TINH: "Toàn tỉnh", OrgKind.DANG_BO_HUYEN: "Toàn huyện"}.get(
            self.organization.kind, "Toàn đảng bộ"
        )


@dataclass
class NewsDraft:
    title: str
    lead: str
    body: str
    organization: Organization
    source_label: str
    source_conference_id: int | None


# --- reading the record ---------------------------------------------------------------------


def committee_name(organization: Organization) -> str:
    from capuy.campaigns.documents import committee_name as name

    return name(organization)


def _unit_word(organization: Organization) -> str:
    if organization.kind == OrgKind.DANG_BO_TINH:
        return "Đảng bộ tỉnh"
    return organization.name


def _post(role: str, committee_kind: str, org: Organization, body: str) -> str:
    if role in LEADING_ROLES:
        return f"{SeatRole(role).label} {body}"
    if role == SeatRole.UY_VIEN_BTV or committee_kind == CommitteeKind.BTV:
        return f"Ủy viên Ban Thường vụ {body}"
    if org.kind == OrgKind.DANG_BO_TINH:
        return "Tỉnh ủy viên"
    return f"Ủy viên Ban Chấp hành {org.name}"


def person_on(member, organization: Organization, day: date) -> Person:
    """A member with the posts held in ``organization``'s committees on ``day``, highest first."""
    body = committee_name(organization)
    seats = (
        Seat.objects.held_on(day)
        .filter(member=member, committee__term__organization=organization)
        .select_related("committee")
    )
    ranked = sorted(seats, key=lambda s: SeatRole.values.index(s.role))
    posts: list[str] = []
    for seat in ranked[:1]:
        posts.append(_post(seat.role, seat.committee.kind, organization, body))
    return Person(member.full_name, posts)


def _lower_first(text: str) -> str:
    text = text.strip()
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _report_phrase(title: str) -> str:
    """ "Báo cáo kết quả …" → "báo cáo kết quả …"; "Tờ trình …" → "tờ trình …"."""
    return _lower_first(title.rstrip(" ."))


def conference_facts(conference, *, year: int | None = None) -> ConferenceFacts:
    """Read what the text needs from a ``capuy.conferences.models.Conference``."""
    from capuy.conferences.choices import PRESENT_STATUSES

    committee = conference.committee
    organization = committee.term.organization
    day = conference.date
    chairs = [person_on(m, organization, day) for m in conference.chairs.order_by("sort_key")]
    chair_names = {p.name for p in chairs}
    deputies = []
    rows = (
        conference.attendances.filter(
            status__in=list(PRESENT_STATUSES), seat__role__in=LEADING_ROLES
        )
        .select_related("member", "seat")
        .order_by("seat__role", "member__sort_key")
    )
    seen = set()
    for row in sorted(rows, key=lambda r: SeatRole.values.index(r.seat.role)):
        if row.member.full_name in chair_names or row.member_id in seen:
            continue
        seen.add(row.member_id)
        deputies.append(person_on(row.member, organization, day))
    reports = []
    for item in conference.agenda_items.filter(parent__isnull=True).select_related("presenter"):
        presenter = item.presenter
        reports.append(
            Report(
                title=item.title,
                presenter=Person(presenter.full_name) if presenter else None,
                presenter_title=item.presenter_title,
                discussion=item.discussion,
            )
        )
    points = [c.text.strip() for c in conference.conclusions.order_by("order", "id")]
    # The points (Conclusion rows) are what was concluded; the free text frames them and is
    # used when no point was recorded.
    conclusion = " ".join(p for p in points if p) or (conference.conclusion or "").strip()
    tasks = []
    for task in conference.tasks.prefetch_related("assignments__agency").order_by("due_on", "id"):
        agencies = [a.agency.name for a in task.assignments.all()]
        tasks.append((agencies, task.title))
    return ConferenceFacts(
        conference=conference,
        organization=organization,
        committee_word=str(CommitteeKind(committee.kind).label),
        unit_word=_unit_word(organization),
        committee_name=committee_name(organization),
        term_name=committee.term.name,
        number=conference.number,
        day=day,
        session=SESSION_WORDS.get(conference.session, ""),
        place=conference.place,
        report_year=year or day.year - 1,
        chairs=chairs,
        deputies=deputies,
        reports=reports,
        conclusion=conclusion,
        tasks=tasks,
    )


# --- the figures ----------------------------------------------------------------------------


def attendance_paragraphs(facts: ConferenceFacts) -> list[str]:
    """Lượt dự sinh hoạt chi bộ of the year by the level of the seat held (domain.md §0)."""
    from capuy.meetings.models import Attendance
    from capuy.meetings.selectors import rule_in_force

    counts = dict(
        Attendance.objects.counted()
        .filter(
            date__year=facts.report_year,
            cell_path__startswith=facts.organization.path,
            level__in=[SeatLevel.TINH, SeatLevel.HUYEN],
        )
        .values_list("level")
        .annotate(n=Count("id"))
        .order_by()
    )
    if not counts:
        return []
    rule = rule_in_force(facts.organization, date(facts.report_year, 12, 31))
    about = (
        f"Về thực hiện Quy định số {rule.number} của {rule.issuing_body}, "
        if rule
        else "Về việc đi công tác cơ sở và dự sinh hoạt chi bộ, "
    )
    parts = []
    if facts.organization.kind == OrgKind.DANG_BO_TINH:
        parts.append(
            f"các đồng chí Tỉnh ủy viên đã có {format_number(counts.get(SeatLevel.TINH, 0))} "
            "lượt đi dự sinh hoạt chi bộ"
        )
    parts.append(
        "các đồng chí cấp ủy cấp huyện và tương đương có "
        f"{format_number(counts.get(SeatLevel.HUYEN, 0))} lượt đi dự sinh hoạt chi bộ"
    )
    return [f"{about}trong năm {facts.report_year}, " + "; ".join(parts) + "."]


def review_paragraphs(facts: ConferenceFacts) -> list[str]:
    """Coverage of the year's review (kiểm điểm) in the organization's subtree, if recorded."""
    try:
        from capuy.reviews.choices import INDIVIDUAL_KINDS, REVIEWED_STATUSES, ReviewStatus
        from capuy.reviews.models import Review
    except ImportError:
        return []
    reviews = Review.objects.filter(
        cycle__year=facts.report_year, org_path__startswith=facts.organization.path
    ).exclude(status=ReviewStatus.EXEMPT)
    figures = reviews.aggregate(
        required=Count("id"),
        missing=Count("id", filter=~Q(status__in=REVIEWED_STATUSES)),
        individuals=Count(
            "id", filter=Q(subject_kind__in=INDIVIDUAL_KINDS, status__in=REVIEWED_STATUSES)
        ),
        linked=Count(
            "id",
            filter=Q(
                subject_kind__in=INDIVIDUAL_KINDS,
                status__in=REVIEWED_STATUSES,
                manifestations_linked=True,
            ),
        ),
    )
    if not figures["required"]:
        return []
    if figures["missing"]:
        first = (
            f"{facts.whole} còn {format_number(figures['missing'])} tập thể, cá nhân thuộc đối "
            "tượng phải kiểm điểm tự phê bình và phê bình nhưng chưa kiểm điểm"
        )
    else:
        first = (
            f"{facts.whole} không có tập thể, cá nhân thuộc đối tượng phải kiểm điểm tự phê bình "
            "và phê bình nhưng chưa kiểm điểm"
        )
    if figures["individuals"]:
        share = 100 * figures["linked"] / figures["individuals"]
        percent = "100%" if figures["linked"] == figures["individuals"] else format_percent(share)
        first += (
            f"; {percent} các cá nhân khi kiểm điểm có liên hệ các biểu hiện về suy thoái tư "
            "tưởng, chính trị, đạo đức, lối sống, “tự diễn biến”, “tự chuyển hóa”"
        )
    return [first + "."]


FIGURE_PROVIDERS: list[Callable[[ConferenceFacts], list[str]]] = [
    review_paragraphs,
    attendance_paragraphs,
]


def campaign_paragraphs(facts: ConferenceFacts) -> list[str]:
    """The campaigns the organization answers on the day, with what was given that day."""
    from capuy.campaigns.choices import ContributionStatus
    from capuy.campaigns.models import Campaign, ancestor_paths

    campaigns = Campaign.objects.filter(
        org_path__in=ancestor_paths(facts.organization.path), start_on__lte=facts.day
    ).filter(Q(end_on__isnull=True) | Q(end_on__gte=facts.day))
    paragraphs = []
    for campaign in campaigns.order_by("start_on", "id"):
        what = campaign.title
        for prefix in ("Cuộc vận động ủng hộ ", "Vận động ủng hộ ", "Ủng hộ "):
            if what.startswith(prefix):
                what = what[len(prefix) :]
        text = (
            f"Cũng tại Hội nghị, {facts.body_name.replace(f' khóa {facts.term_name}', '')} "
            f"hưởng ứng tham gia ủng hộ {_lower_first(what)} do {campaign.launched_by} phát động."
        )
        given = campaign.contributions.filter(
            status=ContributionStatus.VALID,
            received_on=facts.day,
            org_path__startswith=facts.organization.path,
        ).aggregate(
            people=Count("member", distinct=True),
            from_people=Sum("amount", filter=Q(member__isnull=False)),
            units=Count("organization", distinct=True, filter=Q(member__isnull=True)),
            from_units=Sum("amount", filter=Q(member__isnull=True)),
        )
        parts = []
        if given["from_people"]:
            parts.append(
                f"{format_number(given['people'])} đồng chí đã ủng hộ "
                f"{format_number(given['from_people'])} đồng"
            )
        if given["from_units"]:
            parts.append(
                f"{format_number(given['units'])} đơn vị đã ủng hộ "
                f"{format_number(given['from_units'])} đồng"
            )
        if parts:
            text += " Ngay tại Hội nghị, " + "; ".join(parts) + "."
        paragraphs.append(text)
    return paragraphs


# --- the text --------------------------------------------------------------------------------------


def _reports_paragraph(facts: ConferenceFacts) -> str:
    sentences = []
    groups: list[tuple[str, list[str]]] = []
    for report in facts.reports:
        who = " ".join(
            part
            for part in (report.presenter_title, report.presenter.name if report.presenter else "")
            if part
        )
        if groups and groups[-1][0] == who:
            groups[-1][1].append(_report_phrase(report.title))
        else:
            groups.append((who, [_report_phrase(report.title)]))
    for index, (who, titles) in enumerate(groups):
        subject = "Hội nghị đã nghe" if index == 0 else "Hội nghị cũng nghe"
        # "báo cáo A; B" rather than "báo cáo A; báo cáo B", as the paper writes it.
        first, rest = titles[0], titles[1:]
        if first.startswith("báo cáo "):
            rest = [t.removeprefix("báo cáo ") for t in rest]
        listed = "; ".join([first, *rest])
        sentences.append(f"{subject} {who} trình bày {listed}." if who else f"{subject} {listed}.")
    text = " ".join(sentences)
    return text.replace(" trình bày báo cáo ", " báo cáo ")


def news_draft_from_conference(conference, *, year: int | None = None) -> NewsDraft:
    """A Vietnamese draft (title, lead, body) of the news item about ``conference``.

    ``year`` is the year the reports cover (default: the year before the conference, as for
    the reports heard at the first conferences of a year).
    """
    facts = conference_facts(conference, year=year)
    title = f"Hội nghị lần thứ {facts.number} {facts.body_name}"
    when = f"{facts.session} {facts.day.day}/{facts.day.month}".strip()
    if facts.chairs:
        chaired = " và ".join(f"đồng chí {p.with_posts()}" for p in facts.chairs)
        lead = (
            f"{when}, dưới sự chủ trì của {chaired}, {facts.body_name} tổ chức Hội nghị lần "
            f"thứ {facts.number}."
        )
    else:
        lead = f"{when}, {facts.body_name} tổ chức Hội nghị lần thứ {facts.number}."
    if facts.place:
        lead = lead[:-1] + f" tại {facts.place}."

    body: list[str] = []
    if facts.deputies:
        body.append(
            "Cùng dự có các đồng chí: " + "; ".join(p.with_posts() for p in facts.deputies) + "."
        )
    if facts.reports:
        body.append(_reports_paragraph(facts))
    for provider in FIGURE_PROVIDERS:
        body.extend(provider(facts))
    body.extend(r.discussion.strip() for r in facts.reports if r.discussion.strip())
    if facts.conclusion:
        speaker = facts.chairs[0].post_then_name() if facts.chairs else ""
        if not speaker:
            body.append("Kết luận Hội nghị: " + facts.conclusion)
        elif facts.conclusion.lower().startswith(CONCLUSION_VERBS):
            # "… Bí thư Tỉnh ủy X giao Ban Tổ chức …", as the paper writes it
            body.append(f"Phát biểu kết luận Hội nghị, {speaker} " + _lower_first(facts.conclusion))
        else:
            body.append(f"Phát biểu kết luận Hội nghị, {speaker} nêu rõ: {facts.conclusion}")
    elif facts.tasks:
        body.append(
            "Hội nghị giao "
            + "; ".join(
                f"{', '.join(agencies)} {_lower_first(title)}" for agencies, title in facts.tasks
            )
            + "."
        )
    body.extend(campaign_paragraphs(facts))
    return NewsDraft(
        title=title,
        lead=lead,
        body="\n\n".join(p if p.endswith((".", "…", "!", "?")) else p + "." for p in body),
        organization=facts.organization,
        source_label=title,
        source_conference_id=getattr(conference, "pk", None),
    )
