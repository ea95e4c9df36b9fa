"""The route sweep: every URL route and every API route, with each role persona, proves that
nothing outside the persona's scope is listed, shown, changed, deleted or exported.

How it works
------------
* ``url_routes()`` walks ``get_resolver()`` and yields every pattern with its full name
  (``namespace:name``). ``NOT_SWEPT`` is the short, commented list of what is left out on
  purpose; every other route must have an entry in ``ROUTES`` or
  ``test_every_route_is_registered`` fails. Adding a page or an API endpoint therefore means
  adding one line here that says what the route is about.
* A ``Route`` names the model of the object in its path (``obj``), or in its POST body
  (``body_obj``), and whether it lists rows, writes or exports. From that the sweep picks, for
  every persona, objects *inside* its scope and *outside* it (from the real scoping function,
  never from a hand-made list), and checks:

  (b) an out-of-scope object in the path answers 404 to GET and to every write method, and an
      out-of-scope object in a body is refused; the database (every capuy table, the history
      tables included) is unchanged;
  (c) a list (page or API) shows no label (name, code, note, title) of any out-of-scope row,
      with and without filters naming out-of-scope objects; an API list returns exactly the
      visible ids; an export's file holds no out-of-scope label;
  (d) personas that may only read (inspector, committee member, cell secretary) are refused
      (403/404) every write on objects they can see, and nothing changes;
  plus: anonymous requests are sent to the login page (401/403 for the API), and each route is
  really reachable with an in-scope object, so a wrong registry entry cannot pass by 404-ing
  everything.
* The world (``build_sweep_world``) is built once per module: the persona world, a second
  province only the superuser sees, and rows of every scoped model at a few places
  (``PLACE_ROWS``) and for every user (``USER_ROWS``). A new scoped model adds its row builder
  there and its texts to ``LABELS``; routes whose rules differ from "a role at an organization
  covers its subtree" say so with ``IN_SCOPE``, ``public``, ``may_write`` or ``shows``.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from io import BytesIO
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from capuy.accounts.models import ApiToken
from capuy.campaigns.models import Campaign, Contribution, Pledge
from capuy.campaigns.testing import LABELS as CAMPAIGN_LABELS
from capuy.campaigns.testing import covering_organizations
from capuy.campaigns.testing import sweep_rows as campaign_rows
from capuy.committees.choices import CommitteeKind, SeatRole
from capuy.committees.models import Committee, Seat, Term
from capuy.concerns.models import Concern, ConcernEvent
from capuy.concerns.testing import LABELS as CONCERN_LABELS
from capuy.concerns.testing import a_category, grassroots_names
from capuy.concerns.testing import sweep_rows as concern_rows
from capuy.conferences.models import (
    Agency,
    AgendaDocument,
    AgendaItem,
    AssignedTask,
    Conclusion,
    Conference,
    ConferenceAttendance,
    ConferenceGuest,
    TaskEvent,
    TaskProgress,
)
from capuy.conferences.testing import sweep_rows as conference_rows
from capuy.core.scoping import CHANGE, VIEW, has_any, scope_paths
from capuy.core.testing import PERSONAS, World, build_world, member_in, org_child, org_root, sign_in
from capuy.jobs.models import Job, JobStatus
from capuy.meetings.models import (
    Attendance,
    AttendanceRule,
    CellMeeting,
    FieldVisit,
    MeetingSchedule,
)
from capuy.meetings.testing import attendee_names, sweep_rows, upper_committee_names
from capuy.members.models import Member, MemberTransfer
from capuy.news.models import NewsItem, NewsPhoto
from capuy.news.testing import LABELS as NEWS_LABELS
from capuy.news.testing import published_titles
from capuy.news.testing import sweep_rows as news_rows
from capuy.organizations.choices import CELL_KINDS, FlagKind, OrgKind
from capuy.organizations.models import Organization, OrganizationFlag
from capuy.organizations.services import recount_members
from capuy.reviews.models import Review, ReviewCycle, ReviewEvent, RuleSet
from capuy.reviews.testing import LABELS as REVIEW_LABELS
from capuy.reviews.testing import overlay_owners
from capuy.reviews.testing import sweep_rows as review_rows
from capuy.rotation.models import (
    RotationAssignment,
    RotationCell,
    RotationFeedToken,
    RotationLeader,
    RotationPlan,
    RotationUnavailability,
)
from capuy.rotation.testing import LABELS as ROTATION_LABELS
from capuy.rotation.testing import sweep_rows as rotation_rows

# --- what is not swept, and why ------------------------------------------------------------

NOT_SWEPT: dict[str, str] = {
    # Signing in and the second factor act on the signed-in user's own session and device only.
    "accounts:login": "the sign-in page is public",
    "accounts:logout": "ends the caller's own session",
    "accounts:verify": "second factor: the caller's own device",
    "accounts:setup_2fa": "second factor: the caller's own device",
    "accounts:disable_2fa": "second factor: the caller's own device",
    # Public metadata: describes the API, holds no data.
    "api:schema": "OpenAPI description, no data",
    "api:docs": "Swagger UI page, no data",
    "set_language": "i18n: sets the language cookie",
    # The public news site: published items for anyone, no login; a draft or a withdrawn item is
    # a 404 and a draft's photo only shows to those who see the draft (capuy/news/tests).
    "news:public_detail": "public: a published news item (drafts 404), counts the view",
    "news:photo": "public for published items; a draft's photo needs the draft's scope",
    "api:public-news-list": "public API: published news items only",
    "api:public-news-detail": "public API: one published news item",
    # The national catalogue of the 27 manifestations is not tied to the tree: every role reads
    # it, only a role at a tree root changes it (capuy/reviews/tests/test_views.py, test_api.py).
    "reviews:manifestation_create": "national catalogue: changed only from a tree root",
    "reviews:manifestation_edit": "national catalogue: changed only from a tree root",
    "api:manifestation-detail": "national catalogue: read by all, changed only from a root",
    # A leader's calendar app fetches it without a session: the secret token in the URL is the
    # key (hashed in the database, revocable; capuy/rotation/tests/test_views.py).
    "rotation:feed": "calendar feed authenticated by its secret, revocable token",
}
NOT_SWEPT_PREFIXES: dict[str, str] = {
    "quan-tri/": "Django admin: staff accounts only, guarded by the admin site itself",
    "static/": "static files",
    "media/": "uploaded files, served by runserver in development only",
}

# --- the registry ----------------------------------------------------------------------------


def by_pk(obj: Model) -> dict:
    return {"pk": obj.pk}


def no_path(obj: Model) -> dict:
    return {}


def no_body(obj: Model | None) -> dict:
    return {}


@dataclass(frozen=True)
class Route:
    """How the sweep exercises one named route."""

    obj: type[Model] | None = None  # model of the object the URL names (path or query string)
    path: Callable[[Model], dict] = by_pk  # URL kwargs from that object
    params: Callable[[Model], dict] = no_path  # query string from that object
    lists: bool = False  # GET shows rows: no out-of-scope label may appear
    rows: type[Model] | None = None  # API list: the ids returned must be exactly the visible ones
    query: tuple[dict, ...] = ({},)  # query strings tried on a list
    filters: Mapping[str, type[Model]] = field(default_factory=dict)  # list params naming objects
    writes: bool = False  # POST (PUT, PATCH, DELETE) changes data
    body_obj: type[Model] | None = None  # model of an object named in the POST body (creates)
    body: Callable[[Model | None], dict] = no_body  # the POST / PUT / PATCH body
    export: bool = False  # POST starts an export job: its file is checked like a list
    public: bool = False  # anonymous visitors may GET it (published news…)
    may_write: frozenset[str] = frozenset()  # read-only personas a service lets write here
    # Labels of rows beyond the persona's scope that a list shows by design, from (user, the
    # route's object): e.g. the attendee picker lists the committee members above a cell.
    shows: Callable[[object, Model | None], set[str]] | None = None


def _cell_in(org: Organization) -> int:
    cell = Organization.objects.filter(kind__in=CELL_KINDS, path__startswith=org.path).first()
    return cell.pk if cell else 0


def _member_under(org: Organization) -> int:
    member = Member.objects.filter(org_path__startswith=org.path).first()
    return member.pk if member else 0


MEMBER_FORM = {
    "ho": "Quét",
    "ten_dem": "Phạm",
    "ten": "Vi",
    "birth_date": "01/01/1990",
    "gender": "nam",
    "admitted_on": "03/02/2015",
    "status": "du_bi",
}


def _upper_member(meeting: CellMeeting) -> int:
    names = upper_committee_names(None, meeting)
    member = Member.objects.filter(full_name__in=names).order_by("pk").first()
    return member.pk if member else 0


RULE_FORM = {
    "number": "QĐ-QUÉT",
    "title": "Quy định quét",
    "issued_on": "01/01/2022",
    "issuing_body": "Quét",
    "effective_from": "01/01/2022",
    "quota_tinh": "2",
}
SCHEDULE_FORM = {"kind": "thuong_ky", "day_of_month": "5", "every_months": "1", "place": "Quét"}
SECRETARY = frozenset({"secretary"})
MEETING_ROUTES: dict[str, Route] = {
    "meetings:list": Route(
        lists=True,
        query=({}, {"status": "held"}, {"year": "2021", "month": "3"}),
        filters={"org": Organization},
    ),
    "meetings:create": Route(
        obj=Organization,
        path=no_path,
        params=lambda org: {"cell": org.pk},
        writes=True,
        body=lambda org: {"date": "01/02/2021", "kind": "chuyen_de", "place": "Quét"},
        may_write=SECRETARY,
    ),
    "meetings:detail": Route(obj=CellMeeting),
    "meetings:history": Route(obj=CellMeeting),
    "meetings:record": Route(
        obj=CellMeeting,
        writes=True,
        body=lambda m: {"date": m.date.strftime("%d/%m/%Y"), "topics": "Quét"},
        may_write=SECRETARY,
    ),
    # Lists the holders of seats *above* the meeting's cell, beyond the member scope by design:
    # a secretary must find the provincial committee member who came (journey 1).
    "meetings:attendee_picker": Route(
        obj=CellMeeting,
        lists=True,
        query=({"q": "tuan"}, {"q": "hung"}, {"q": "n"}),
        shows=upper_committee_names,
    ),
    "meetings:cancel": Route(obj=CellMeeting, writes=True, may_write=SECRETARY),
    "meetings:attendance_self": Route(obj=CellMeeting, writes=True),
    # An attendance row names its attendee, whoever he is.
    "meetings:attendance_list": Route(
        lists=True,
        query=({}, {"confirmation": "pending"}, {"year": "2021", "level": "tinh"}),
        filters={"org": Organization},
        shows=attendee_names,
    ),
    "meetings:attendance_confirm": Route(obj=Attendance, writes=True, may_write=SECRETARY),
    "meetings:attendance_dispute": Route(
        obj=Attendance, writes=True, body=lambda a: {"reason": "Quét"}, may_write=SECRETARY
    ),
    "meetings:attendance_delete": Route(obj=Attendance, writes=True, may_write=SECRETARY),
    "meetings:schedule_list": Route(lists=True, filters={"org": Organization}),
    "meetings:schedule_create": Route(
        obj=Organization,
        path=no_path,
        params=lambda org: {"cell": org.pk},
        writes=True,
        body=lambda org: {**SCHEDULE_FORM, "starts_on": "01/01/2022"},
        may_write=SECRETARY,
    ),
    "meetings:schedule_edit": Route(
        obj=MeetingSchedule,
        writes=True,
        body=lambda s: {**SCHEDULE_FORM, "starts_on": "01/01/2021"},
        may_write=SECRETARY,
    ),
    "meetings:schedule_generate": Route(obj=MeetingSchedule, writes=True, may_write=SECRETARY),
    "meetings:rule_list": Route(lists=True),
    "meetings:rule_detail": Route(obj=AttendanceRule),
    "meetings:rule_create": Route(
        obj=Organization,
        path=no_path,
        params=lambda org: {"org": org.pk},
        writes=True,
        body=lambda org: RULE_FORM,
    ),
    "meetings:rule_edit": Route(obj=AttendanceRule, writes=True, body=lambda r: RULE_FORM),
    "meetings:field_visit_list": Route(
        lists=True, filters={"org": Organization}, shows=attendee_names
    ),
    "meetings:field_visit_create": Route(
        obj=Organization,
        path=no_path,
        params=lambda org: {"org": org.pk},
        writes=True,
        body=lambda org: {"member": _member_under(org), "date": "01/05/2021", "purpose": "Quét"},
        may_write=SECRETARY,
    ),
    # The import previews (no write) and commits only a preview kept in the user's own session;
    # every row of the commit goes through attendance_record's scope checks.
    "meetings:import": Route(),
    "meetings:import_template": Route(),
    "meetings:import_commit": Route(),
    "api:attendance-rule-list": Route(
        lists=True,
        rows=AttendanceRule,
        filters={"organization": Organization, "under": Organization},
        writes=True,
        body_obj=Organization,
        body=lambda org: {
            "organization": org.pk,
            "number": "QĐ-QUÉT",
            "title": "Quét",
            "issued_on": "2022-01-01",
            "issuing_body": "Quét",
            "effective_from": "2022-01-01",
        },
    ),
    "api:attendance-rule-detail": Route(
        obj=AttendanceRule, writes=True, body=lambda r: {"title": "Quét"}
    ),
    "api:meeting-schedule-list": Route(
        lists=True,
        rows=MeetingSchedule,
        filters={"cell": Organization, "under": Organization},
        writes=True,
        body_obj=Organization,
        body=lambda org: {"cell": org.pk, "day_of_month": 5, "starts_on": "2022-01-01"},
        may_write=SECRETARY,
    ),
    "api:meeting-schedule-detail": Route(
        obj=MeetingSchedule, writes=True, body=lambda s: {"place": "Quét"}, may_write=SECRETARY
    ),
    "api:meeting-schedule-generate": Route(
        obj=MeetingSchedule,
        writes=True,
        body=lambda s: {"until": "2021-12-31"},
        may_write=SECRETARY,
    ),
    "api:meeting-list": Route(
        lists=True,
        rows=CellMeeting,
        filters={"cell": Organization, "under": Organization},
        writes=True,
        body_obj=Organization,
        body=lambda org: {"cell": org.pk, "date": "2021-02-01", "kind": "chuyen_de"},
        may_write=SECRETARY,
    ),
    "api:meeting-detail": Route(obj=CellMeeting),
    "api:meeting-record-held": Route(obj=CellMeeting, writes=True, may_write=SECRETARY),
    "api:meeting-cancel": Route(obj=CellMeeting, writes=True, may_write=SECRETARY),
    "api:attendance-list": Route(
        lists=True,
        rows=Attendance,
        filters={"meeting": CellMeeting, "member": Member, "under": Organization},
        writes=True,
        body_obj=CellMeeting,
        body=lambda m: {"meeting": m.pk, "member": _upper_member(m)},
        may_write=SECRETARY,
        shows=attendee_names,
    ),
    "api:attendance-detail": Route(obj=Attendance, writes=True, may_write=SECRETARY),
    "api:attendance-confirm": Route(obj=Attendance, writes=True, may_write=SECRETARY),
    "api:attendance-dispute": Route(
        obj=Attendance, writes=True, body=lambda a: {"reason": "Quét"}, may_write=SECRETARY
    ),
    "api:field-visit-list": Route(
        lists=True,
        rows=FieldVisit,
        filters={"organization": Organization, "member": Member, "under": Organization},
        writes=True,
        body_obj=Organization,
        body=lambda org: {
            "organization": org.pk,
            "member": _member_under(org),
            "date": "2021-05-01",
            "purpose": "Quét",
        },
        may_write=SECRETARY,
        shows=attendee_names,
    ),
    "api:field-visit-detail": Route(obj=FieldVisit, writes=True, may_write=SECRETARY),
}


def _holder_of(conference: Conference) -> int:
    row = conference.attendances.order_by("pk").first()
    return row.member_id if row else 0


CONFERENCE_FORM = {
    "number": "2",
    "kind": "thuong_ky",
    "date": "01/12/2020",
    "session": "chieu",
    "place": "Quét",
    "quorum_numerator": "2",
    "quorum_denominator": "3",
}
# conferences: a task is also readable by its agency's people (AgencyReachQuerySet); reporting
# progress needs CHANGE on the agency's organization, which no read-only persona has.
CONFERENCE_ROUTES: dict[str, Route] = {
    "conferences:list": Route(lists=True, query=({}, {"q": "1"}), filters={"committee": Committee}),
    "conferences:create": Route(
        obj=Committee,
        path=no_path,
        params=lambda c: {"committee": c.pk},
        writes=True,
        body=lambda c: CONFERENCE_FORM,
    ),
    "conferences:detail": Route(obj=Conference),
    "conferences:edit": Route(obj=Conference, writes=True, body=lambda c: CONFERENCE_FORM),
    "conferences:history": Route(obj=Conference),
    "conferences:attendance": Route(obj=Conference, writes=True),
    "conferences:attendance_sync": Route(obj=Conference, writes=True),
    "conferences:guest_add": Route(obj=Conference, writes=True, body=lambda c: {"name": "Quét"}),
    "conferences:guest_delete": Route(obj=ConferenceGuest, writes=True),
    "conferences:agenda_add": Route(obj=Conference, writes=True, body=lambda c: {"title": "Quét"}),
    "conferences:agenda_edit": Route(obj=AgendaItem, writes=True, body=lambda i: {"title": "Quét"}),
    "conferences:document_upload": Route(obj=AgendaItem, writes=True),
    "conferences:document_download": Route(obj=AgendaDocument),
    "conferences:conclusion": Route(
        obj=Conference, writes=True, body=lambda c: {"conclusion": "Quét"}
    ),
    "conferences:conclusion_add": Route(
        obj=Conference, writes=True, body=lambda c: {"text": "Quét"}
    ),
    "conferences:conclusion_edit": Route(
        obj=Conclusion, writes=True, body=lambda c: {"text": "Quét"}
    ),
    "conferences:export": Route(
        obj=Conference, path=lambda c: {"pk": c.pk, "which": "bien-ban", "fmt": "docx"}
    ),
    "conferences:task_create": Route(
        obj=Conclusion, writes=True, body=lambda c: {"title": "Quét", "due_on": "01/01/2031"}
    ),
    "conferences:task_list": Route(
        lists=True, query=({}, {"overdue": "on"}, {"state": "giao"}), filters={"agency": Agency}
    ),
    "conferences:task_detail": Route(obj=AssignedTask),
    "conferences:task_edit": Route(
        obj=AssignedTask, writes=True, body=lambda t: {"title": "Quét", "due_on": "01/01/2031"}
    ),
    "conferences:task_progress": Route(
        obj=AssignedTask, writes=True, body=lambda t: {"percent": "20", "reported_on": "01/01/2021"}
    ),
    "conferences:task_carry": Route(obj=AssignedTask, writes=True),
    "conferences:progress_file": Route(obj=TaskProgress),
    "conferences:agency_list": Route(lists=True),
    "conferences:agency_create": Route(
        obj=Organization,
        path=no_path,
        params=lambda org: {"org": org.pk},
        writes=True,
        body=lambda org: {"name": "Quét", "kind": "khac"},
    ),
    "api:conference-list": Route(
        lists=True,
        rows=Conference,
        filters={"committee": Committee, "organization": Organization, "under": Organization},
        writes=True,
        body_obj=Committee,
        body=lambda c: {
            "committee": c.pk,
            "number": 2,
            "date": "2020-12-01",
            "session": "sang",
            "place": "Quét",
        },
    ),
    "api:conference-detail": Route(obj=Conference, writes=True, body=lambda c: {"place": "Quét"}),
    "api:conference-report-back": Route(obj=Conference),
    "api:conference-attendance-list": Route(
        lists=True,
        rows=ConferenceAttendance,
        filters={"conference": Conference, "member": Member},
        writes=True,
        body_obj=Conference,
        body=lambda c: {"conference": c.pk, "member": _holder_of(c), "status": "di_muon"},
    ),
    "api:conference-attendance-detail": Route(
        obj=ConferenceAttendance, writes=True, body=lambda a: {"status": "di_muon"}
    ),
    "api:agenda-item-list": Route(
        lists=True,
        rows=AgendaItem,
        filters={"conference": Conference},
        writes=True,
        body_obj=Conference,
        body=lambda c: {"conference": c.pk, "title": "Quét"},
    ),
    "api:agenda-item-detail": Route(obj=AgendaItem, writes=True, body=lambda i: {"title": "Quét"}),
    "api:conclusion-list": Route(
        lists=True,
        rows=Conclusion,
        filters={"conference": Conference},
        writes=True,
        body_obj=Conference,
        body=lambda c: {"conference": c.pk, "text": "Quét"},
    ),
    "api:conclusion-detail": Route(obj=Conclusion, writes=True, body=lambda c: {"text": "Quét"}),
    "api:agency-list": Route(
        lists=True,
        rows=Agency,
        filters={"owner": Organization, "organization": Organization},
        writes=True,
        body_obj=Organization,
        body=lambda org: {"owner": org.pk, "name": "Quét", "kind": "khac"},
    ),
    "api:agency-detail": Route(obj=Agency, writes=True, body=lambda a: {"name": "Quét"}),
    "api:assigned-task-list": Route(
        lists=True,
        rows=AssignedTask,
        filters={"conference": Conference, "agency": Agency},
        writes=True,
        body_obj=Conclusion,
        body=lambda c: {"conclusion": c.pk, "title": "Quét", "due_on": "2031-01-01"},
    ),
    "api:assigned-task-detail": Route(
        obj=AssignedTask, writes=True, body=lambda t: {"title": "Quét"}
    ),
    "api:assigned-task-progress": Route(
        obj=AssignedTask,
        writes=True,
        body=lambda t: {"agency": None, "reported_on": "2021-01-01", "percent": 20},
    ),
    "api:assigned-task-carry-over": Route(
        obj=AssignedTask, writes=True, body=lambda t: {"to_conference": None}
    ),
    "api:task-event-list": Route(lists=True, rows=TaskEvent, filters={"task": AssignedTask}),
    "api:task-event-detail": Route(obj=TaskEvent),
}

CAMPAIGN_FORM = {
    "title": "Quét",
    "launched_by": "Quét",
    "purpose": "Quét",
    "start_on": "01/01/2021",
}
# campaigns: a campaign is also *visible* below its organization (district staff record their
# units' money for the province's campaign); changing it keeps the subtree rule.
CAMPAIGN_ROUTES: dict[str, Route] = {
    "campaigns:list": Route(lists=True, shows=covering_organizations),
    "campaigns:create": Route(
        writes=True,
        body_obj=Organization,
        body=lambda org: {**CAMPAIGN_FORM, "organization": org.pk},
    ),
    "campaigns:detail": Route(obj=Campaign),
    "campaigns:edit": Route(obj=Campaign, writes=True, body=lambda c: CAMPAIGN_FORM),
    "campaigns:history": Route(obj=Campaign),
    "campaigns:totals": Route(obj=Campaign, lists=True, filters={"node": Organization}),
    "campaigns:export": Route(obj=Campaign, filters={"node": Organization}),
    "campaigns:acknowledgement": Route(obj=Campaign, lists=True, filters={"node": Organization}),
    "campaigns:acknowledgement_pdf": Route(obj=Campaign),
    "campaigns:contributions": Route(
        obj=Campaign,
        lists=True,
        query=({}, {"q": "Biên"}, {"status": "voided"}, {"kind": "member"}),
        filters={"org": Organization},
    ),
    "campaigns:contribution_add": Route(
        obj=Campaign,
        writes=True,
        body=lambda c: {
            "contributor": f"o:{c.organization_id}",
            "amount": "1.000",
            "received_on": "05/03/2021",
        },
    ),
    "campaigns:contributor_search": Route(
        obj=Campaign, lists=True, query=({"q": "chi bo"}, {"q": "dang bo"}, {"q": "hung"})
    ),
    "campaigns:unit_members": Route(obj=Campaign, lists=True),
    "campaigns:pledges": Route(
        obj=Campaign, lists=True, query=({}, {"status": "all"}), filters={"org": Organization}
    ),
    "campaigns:pledge_add": Route(
        obj=Campaign,
        writes=True,
        body=lambda c: {
            "contributor": f"o:{c.organization_id}",
            "amount": "1.000",
            "pledged_on": "05/03/2021",
        },
    ),
    "campaigns:contribution_detail": Route(obj=Contribution),
    "campaigns:contribution_void": Route(
        obj=Contribution, writes=True, body=lambda c: {"reason": "Quét"}
    ),
    "campaigns:receipt_pdf": Route(obj=Contribution),
    "campaigns:pledge_cancel": Route(obj=Pledge, writes=True, body=lambda p: {"reason": "Quét"}),
    "api:campaign-list": Route(
        lists=True,
        rows=Campaign,
        shows=covering_organizations,
        writes=True,
        body_obj=Organization,
        body=lambda org: {**CAMPAIGN_FORM, "start_on": "2021-01-01", "organization": org.pk},
    ),
    "api:campaign-detail": Route(obj=Campaign, writes=True, body=lambda c: {"title": "Quét"}),
    "api:campaign-totals": Route(obj=Campaign, lists=True, filters={"node": Organization}),
    "api:pledge-list": Route(
        lists=True,
        rows=Pledge,
        filters={"campaign": Campaign, "under": Organization},
        writes=True,
        body_obj=Campaign,
        body=lambda c: {
            "campaign": c.pk,
            "organization": c.organization_id,
            "amount": 1000,
            "pledged_on": "2021-03-05",
        },
    ),
    "api:pledge-detail": Route(obj=Pledge),
    "api:pledge-cancel": Route(obj=Pledge, writes=True, body=lambda p: {"reason": "Quét"}),
    "api:contribution-list": Route(
        lists=True,
        rows=Contribution,
        filters={"campaign": Campaign, "under": Organization},
        writes=True,
        body_obj=Campaign,
        body=lambda c: {
            "campaign": c.pk,
            "organization": c.organization_id,
            "amount": 1000,
            "received_on": "2021-03-05",
        },
    ),
    "api:contribution-detail": Route(obj=Contribution),
    "api:contribution-void": Route(
        obj=Contribution, writes=True, body=lambda c: {"reason": "Quét"}
    ),
}
NEWS_FORM = {"title": "Quét", "lead": "Quét", "source_tag": "BNP", "revision_note": "Quét"}
NEWS_ROUTES: dict[str, Route] = {
    # Public (no login): lists every published item, from anywhere, by design.
    "news:public_list": Route(public=True, lists=True, shows=published_titles),
    "news:manage_list": Route(lists=True, query=({}, {"status": "draft"})),
    "news:create": Route(
        writes=True,
        body_obj=Organization,
        body=lambda org: {**NEWS_FORM, "organization": org.pk},
    ),
    "news:draft_from_conference": Route(
        writes=True, body_obj=Conference, body=lambda c: {"conference": c.pk}
    ),
    "news:manage_detail": Route(obj=NewsItem),
    "news:history": Route(obj=NewsItem),
    "news:edit": Route(obj=NewsItem, writes=True, body=lambda n: NEWS_FORM),
    "news:publish": Route(obj=NewsItem, writes=True),
    "news:withdraw": Route(obj=NewsItem, writes=True, body=lambda n: {"reason": "Quét"}),
    "news:photo_add": Route(obj=NewsItem, writes=True, body=lambda n: {"caption": "Quét"}),
    "news:photo_delete": Route(
        obj=NewsPhoto, writes=True, body=lambda p: {"revision_note": "Quét"}
    ),
    "api:news-item-list": Route(
        lists=True,
        rows=NewsItem,
        writes=True,
        body_obj=Organization,
        body=lambda org: {"organization": org.pk, "title": "Quét", "lead": "Quét"},
    ),
    "api:news-item-detail": Route(
        obj=NewsItem, writes=True, body=lambda n: {"title": "Quét", "revision_note": "Quét"}
    ),
    "api:news-item-publish": Route(obj=NewsItem, writes=True),
    "api:news-item-withdraw": Route(obj=NewsItem, writes=True, body=lambda n: {"reason": "Quét"}),
}
# Concerns, the grassroots dashboard and the yearly report (capuy/concerns, capuy/reports).
# Their rows name attendees, receivers and seat holders beyond the member scope by design.
YEAR_2021 = {"year": "2021"}
CONCERN_ROUTES: dict[str, Route] = {
    "concerns:list": Route(
        lists=True,
        query=({}, {"status": "open"}, {"overdue": "on", "year": "2021"}),
        filters={"org": Organization, "member": Member, "meeting": CellMeeting},
        shows=grassroots_names,
    ),
    "concerns:by_agency": Route(lists=True, filters={"org": Organization}),
    "concerns:by_locality": Route(lists=True, filters={"org": Organization}),
    "concerns:detail": Route(obj=Concern, shows=grassroots_names),
    "concerns:history": Route(obj=Concern, shows=grassroots_names),
    # A new concern is "mới": the cell secretary may only reopen a closed one.
    "concerns:transition": Route(
        obj=Concern, writes=True, body=lambda c: {"to_status": "dang_gq", "note": "Quét"}
    ),
    "grassroots:dashboard": Route(
        lists=True, query=({}, YEAR_2021), filters={"org": Organization}, shows=grassroots_names
    ),
    "grassroots:compliance": Route(
        lists=True,
        query=({}, YEAR_2021, {**YEAR_2021, "status": "behind"}),
        filters={"org": Organization},
        shows=grassroots_names,
    ),
    "grassroots:compliance_export": Route(
        lists=True, query=(YEAR_2021,), filters={"org": Organization}, shows=grassroots_names
    ),
    "grassroots:attendances": Route(
        lists=True,
        query=({}, YEAR_2021, {**YEAR_2021, "planned": "on"}),
        filters={"org": Organization, "member": Member},
        shows=grassroots_names,
    ),
    "grassroots:cells": Route(lists=True, query=({}, YEAR_2021), filters={"org": Organization}),
    "grassroots:flagged": Route(lists=True, query=({}, YEAR_2021), filters={"org": Organization}),
    "grassroots:mine": Route(lists=True, query=({}, YEAR_2021)),
    "reports:quy_dinh_01": Route(
        lists=True, query=({}, YEAR_2021), filters={"org": Organization}, shows=grassroots_names
    ),
    "reports:quy_dinh_01_download": Route(
        obj=Organization,
        path=lambda org: {"fmt": "json"},
        params=lambda org: {"org": org.pk, "year": 2021},
        lists=True,
        shows=grassroots_names,
    ),
    "api:concern-list": Route(
        lists=True,
        rows=Concern,
        filters={"org": Organization, "meeting": CellMeeting},
        writes=True,
        body_obj=CellMeeting,
        body=lambda m: {"meeting": m.pk, "category": a_category(), "summary": "Quét"},
        may_write=SECRETARY,
        shows=grassroots_names,
    ),
    "api:concern-detail": Route(obj=Concern, shows=grassroots_names),
    "api:concern-transition": Route(
        obj=Concern, writes=True, body=lambda c: {"to_status": "dang_gq", "note": "Quét"}
    ),
    "api:concern-event-list": Route(lists=True, rows=ConcernEvent, filters={"concern": Concern}),
    "api:concern-event-detail": Route(obj=ConcernEvent),
    "api:concern-category-list": Route(lists=True),
    "api:report-quy-dinh-01": Route(
        lists=True, query=({}, YEAR_2021), filters={"org": Organization}, shows=grassroots_names
    ),
}


def _rule_set_pk() -> int:
    return RuleSet.objects.get(code="qd132-hd21").pk


def _quick_row(review: Review) -> dict:
    prefix = f"r{review.pk}"
    return {f"{prefix}-self_level": "HTTNV", f"{prefix}-manifestations_text": "Quét"}


# reviews: a cell secretary records her cell's members (capuy.reviews.access, tested there);
# only the competent level decides.
REVIEW_ROUTES: dict[str, Route] = {
    "reviews:cycle_list": Route(lists=True),
    "reviews:cycle_open": Route(
        writes=True,
        body_obj=Organization,
        body=lambda org: {
            "rule_set": _rule_set_pk(),
            "organization": org.pk,
            "period_kind": "year",
            "year": "2021",
        },
    ),
    "reviews:cycle_detail": Route(obj=ReviewCycle, lists=True, filters={"org": Organization}),
    "reviews:cycle_close_level": Route(
        obj=ReviewCycle, writes=True, body=lambda c: {"level": "co_so"}
    ),
    "reviews:subject_list": Route(
        obj=ReviewCycle,
        lists=True,
        query=({}, {"status": "pending"}, {"q": "n"}, {"competent": "1"}),
        filters={"org": Organization},
    ),
    "reviews:cell_entry": Route(obj=ReviewCycle, lists=True, filters={"org": Organization}),
    "reviews:review_detail": Route(obj=Review),
    "reviews:review_history": Route(obj=Review),
    "reviews:review_quick": Route(obj=Review, writes=True, body=_quick_row, may_write=SECRETARY),
    "reviews:review_self": Route(
        obj=Review,
        writes=True,
        body=lambda r: {"level": "HTTNV", "manifestations_text": "Quét"},
        may_write=SECRETARY,
    ),
    "reviews:review_propose": Route(
        obj=Review, writes=True, body=lambda r: {"level": "HTTNV"}, may_write=SECRETARY
    ),
    "reviews:review_decide": Route(obj=Review, writes=True, body=lambda r: {"level": "HTTNV"}),
    "reviews:review_quota": Route(obj=Review, params=lambda r: {"level": "HTXSNV"}),
    "reviews:review_reopen": Route(obj=Review, writes=True, body=lambda r: {"reason": "Quét"}),
    "reviews:review_exempt": Route(
        obj=Review, writes=True, body=lambda r: {"exemption": "khac", "note": "Quét"}
    ),
    "reviews:rule_set_list": Route(lists=True, shows=overlay_owners),
    "reviews:rule_set_detail": Route(obj=RuleSet),
    "reviews:rule_set_edit": Route(obj=RuleSet, writes=True, body=lambda r: {"name": "Quét"}),
    "reviews:rule_set_overlay": Route(
        obj=RuleSet, writes=True, body=lambda r: {"code": "quet", "name": "Quét"}
    ),
    "reviews:manifestation_list": Route(lists=True),
    # The Excel round-trip (capuy/reviews/tests/test_import.py): the template holds the member
    # reviews the persona sees; the upload only previews; the commit saves only a preview kept
    # in the user's own session, every row re-checked with the step rights of the pages.
    "reviews:import_template": Route(obj=ReviewCycle),
    "reviews:import_upload": Route(obj=ReviewCycle),
    "reviews:import_commit": Route(obj=ReviewCycle, writes=True, may_write=SECRETARY),
    # The review statistics (capuy/reports/xep_loai.py): counts under the persona's node.
    "reports:xep_loai": Route(
        lists=True, query=({}, {"year": "2019"}), filters={"org": Organization}
    ),
    "reports:xep_loai_download": Route(
        obj=Organization,
        path=lambda org: {"fmt": "json"},
        params=lambda org: {"org": org.pk, "year": 2019},
        lists=True,
    ),
    "api:report-xep-loai": Route(
        lists=True, query=({}, {"year": "2019"}), filters={"org": Organization}
    ),
    "api:rule-set-list": Route(lists=True, rows=RuleSet),
    "api:rule-set-detail": Route(obj=RuleSet, writes=True, body=lambda r: {"name": "Quét"}),
    "api:manifestation-list": Route(lists=True),
    "api:review-cycle-list": Route(
        lists=True,
        rows=ReviewCycle,
        filters={"organization": Organization},
        writes=True,
        body_obj=Organization,
        body=lambda org: {"rule_set": _rule_set_pk(), "organization": org.pk, "year": 2021},
    ),
    "api:review-cycle-detail": Route(obj=ReviewCycle, writes=True, body=lambda c: {"name": "Quét"}),
    "api:review-cycle-close-level": Route(
        obj=ReviewCycle, writes=True, body=lambda c: {"level": "co_so"}
    ),
    "api:review-cycle-coverage": Route(obj=ReviewCycle, lists=True, filters={"org": Organization}),
    "api:review-list": Route(
        lists=True,
        rows=Review,
        query=({}, {"competent": "true"}, {"status": "proposed"}),
        filters={"cycle": ReviewCycle, "org": Organization, "member": Member},
    ),
    "api:review-detail": Route(obj=Review),
    "api:review-self-assess": Route(
        obj=Review,
        writes=True,
        body=lambda r: {"level": "HTTNV", "manifestations_text": "Quét"},
        may_write=SECRETARY,
    ),
    "api:review-propose": Route(
        obj=Review, writes=True, body=lambda r: {"level": "HTTNV"}, may_write=SECRETARY
    ),
    "api:review-decide": Route(obj=Review, writes=True, body=lambda r: {"level": "HTTNV"}),
    "api:review-reopen": Route(obj=Review, writes=True, body=lambda r: {"reason": "Quét"}),
    "api:review-exemption": Route(
        obj=Review, writes=True, body=lambda r: {"exemption": "khac", "note": "Quét"}
    ),
    "api:review-quota": Route(obj=Review),
    "api:review-event-list": Route(lists=True, rows=ReviewEvent, filters={"review": Review}),
    "api:review-event-detail": Route(obj=ReviewEvent),
}

# The rotation planner (capuy/rotation): a plan lists its leaders, who may live beyond the
# viewer's member scope (the plan's committee members).
PLAN_RULES = {
    "name": "Quét",
    "max_per_month": "2",
    "min_months_between": "3",
    "min_per_leader": "1",
    "balance_weight": "10",
    "time_limit": "5",
}


def _plan_seat(plan: RotationPlan) -> int:
    seat = Seat.objects.filter(committee__term__organization=plan.organization).first()
    return seat.pk if seat else 0


def _plan_leader(plan: RotationPlan) -> int:
    leader = plan.leaders.first()
    return leader.pk if leader else 0


def _plan_meeting(plan: RotationPlan) -> CellMeeting | None:
    return CellMeeting.objects.filter(cell__in=plan.cells.values("cell")).first()


ROTATION_ROUTES: dict[str, Route] = {
    "rotation:list": Route(lists=True),
    "rotation:create": Route(
        writes=True,
        body_obj=Organization,
        body=lambda org: {
            **PLAN_RULES,
            "organization": org.pk,
            "period_start": "01/01/2021",
            "period_end": "30/06/2021",
        },
    ),
    "rotation:detail": Route(
        obj=RotationPlan,
        lists=True,
        query=({}, {"tab": "phan-cong"}, {"tab": "dong-chi"}, {"tab": "chi-bo"}),
    ),
    "rotation:progress": Route(obj=RotationPlan),
    "rotation:edit": Route(obj=RotationPlan, writes=True, body=lambda p: PLAN_RULES),
    "rotation:delete": Route(obj=RotationPlan, writes=True),
    "rotation:run": Route(obj=RotationPlan, writes=True),
    "rotation:adopt": Route(obj=RotationPlan, writes=True),
    "rotation:export": Route(obj=RotationPlan),
    "rotation:leader_add": Route(
        obj=RotationPlan, writes=True, body=lambda p: {"seat": _plan_seat(p)}
    ),
    "rotation:cell_add": Route(
        obj=RotationPlan, writes=True, body=lambda p: {"code": p.organization.code}
    ),
    "rotation:unavailability_add": Route(
        obj=RotationPlan,
        writes=True,
        body=lambda p: {
            "leader": _plan_leader(p),
            "start_on": "01/03/2021",
            "end_on": "05/03/2021",
            "reason": "Quét",
        },
    ),
    "rotation:assignment_add": Route(
        obj=RotationPlan,
        writes=True,
        body=lambda p: {
            "leader": _plan_leader(p),
            "cell": getattr(_plan_meeting(p), "cell_id", 0),
            "date": "05/04/2021",
        },
    ),
    "rotation:leader_edit": Route(
        obj=RotationLeader, writes=True, body=lambda r: {"shortfall": "1"}
    ),
    "rotation:leader_remove": Route(obj=RotationLeader, writes=True),
    "rotation:leader_calendar": Route(obj=RotationLeader),
    "rotation:feed_issue": Route(obj=RotationLeader, writes=True),
    "rotation:feed_revoke": Route(obj=RotationFeedToken, writes=True),
    "rotation:cell_edit": Route(obj=RotationCell, writes=True, body=lambda r: {"weight": "2"}),
    "rotation:cell_remove": Route(obj=RotationCell, writes=True),
    "rotation:unavailability_remove": Route(obj=RotationUnavailability, writes=True),
    "rotation:assignment_pin": Route(obj=RotationAssignment, writes=True),
    "api:rotation-plan-list": Route(
        lists=True,
        rows=RotationPlan,
        filters={"organization": Organization, "under": Organization},
        writes=True,
        body_obj=Organization,
        body=lambda org: {
            "organization": org.pk,
            "name": "Quét",
            "period_start": "2021-01-01",
            "period_end": "2021-06-30",
        },
    ),
    "api:rotation-plan-detail": Route(
        obj=RotationPlan, writes=True, body=lambda p: {"name": "Quét"}
    ),
    "api:rotation-plan-run": Route(obj=RotationPlan, writes=True),
    "api:rotation-plan-adopt": Route(obj=RotationPlan, writes=True),
    "api:rotation-leader-list": Route(
        lists=True,
        rows=RotationLeader,
        filters={"plan": RotationPlan},
        writes=True,
        body_obj=RotationPlan,
        body=lambda p: {"plan": p.pk, "member": _member_under(p.organization)},
    ),
    "api:rotation-leader-detail": Route(
        obj=RotationLeader, writes=True, body=lambda r: {"shortfall": 1}
    ),
    "api:rotation-cell-list": Route(
        lists=True,
        rows=RotationCell,
        filters={"plan": RotationPlan},
        writes=True,
        body_obj=RotationPlan,
        body=lambda p: {"plan": p.pk, "cell": _cell_in(p.organization)},
    ),
    "api:rotation-cell-detail": Route(obj=RotationCell, writes=True, body=lambda r: {"weight": 2}),
    "api:rotation-unavailability-list": Route(
        lists=True,
        rows=RotationUnavailability,
        filters={"plan": RotationPlan, "leader": RotationLeader},
        writes=True,
        body_obj=RotationLeader,
        body=lambda r: {"leader": r.pk, "start_on": "2021-03-01", "end_on": "2021-03-05"},
    ),
    "api:rotation-unavailability-detail": Route(obj=RotationUnavailability, writes=True),
    "api:rotation-assignment-list": Route(
        lists=True,
        rows=RotationAssignment,
        filters={"plan": RotationPlan, "leader": RotationLeader},
        writes=True,
        body_obj=RotationPlan,
        body=lambda p: {
            "plan": p.pk,
            "leader": _plan_leader(p),
            "meeting": getattr(_plan_meeting(p), "pk", 0),
        },
    ),
    "api:rotation-assignment-detail": Route(
        obj=RotationAssignment, writes=True, body=lambda r: {"pinned": True}
    ),
}

ROUTES: dict[str, Route] = {
    # core and accounts
    "core:home": Route(lists=True),
    "accounts:security": Route(lists=True),  # the user's own API tokens
    "accounts:token_revoke": Route(obj=ApiToken, writes=True),
    # organizations
    "organizations:tree": Route(
        lists=True,
        query=(
            {},
            {"q": "chi bo"},
            {"q": "dang bo", "include_dissolved": "on"},
            {"flag": "phuc_tap"},
        ),
        filters={"org": Organization},
    ),
    "organizations:detail": Route(obj=Organization),
    "organizations:children": Route(obj=Organization, lists=True),
    "organizations:history": Route(obj=Organization),
    "organizations:create": Route(
        obj=Organization,
        writes=True,
        body=lambda org: {"kind": OrgKind.CHI_BO_TRUC_THUOC, "name": "Chi bộ quét", "code": "QUET"},
    ),
    "organizations:edit": Route(
        obj=Organization, writes=True, body=lambda org: {"name": "Tên quét", "code": org.code}
    ),
    "organizations:flag_add": Route(
        obj=Organization,
        writes=True,
        body=lambda org: {"kind": FlagKind.KHO_KHAN, "valid_from": "01/01/2024", "note": "Quét"},
    ),
    "organizations:dissolve": Route(
        obj=Organization, writes=True, body=lambda org: {"dissolved_on": "01/01/2024"}
    ),
    # members
    "members:list": Route(lists=True, query=({}, {"q": "n"}), filters={"org": Organization}),
    "members:create": Route(
        writes=True, body_obj=Organization, body=lambda cell: {**MEMBER_FORM, "cell": cell.pk}
    ),
    "members:export": Route(export=True, body_obj=Organization, body=lambda org: {"org": org.pk}),
    "members:cell_search": Route(
        lists=True, query=({}, {"cell_q": "chi bo"}), filters={"cell": Organization}
    ),
    "members:detail": Route(obj=Member),
    "members:history": Route(obj=Member),
    "members:edit": Route(
        obj=Member,
        writes=True,
        body=lambda m: {**MEMBER_FORM, "ho": m.ho, "ten": m.ten, "status": m.status},
    ),
    "members:transfer": Route(
        obj=Member,
        writes=True,
        body=lambda m: {"to_cell": _cell_in(m.cell), "transferred_on": "01/01/2024"},
    ),
    "members:delete": Route(obj=Member, writes=True),
    # committees
    "committees:list": Route(
        lists=True,
        query=({}, {"term": "all"}, {"term": "all", "q": "dang bo"}),
        filters={"org": Organization},
    ),
    "committees:detail": Route(obj=Committee),
    "committees:history": Route(obj=Committee),
    "committees:seat_add": Route(
        obj=Committee,
        writes=True,
        body=lambda c: {
            "member": _member_under(c.term.organization),
            "role": SeatRole.UY_VIEN_BCH,
            "start_on": "01/01/2021",
        },
    ),
    "committees:member_picker": Route(lists=True, query=({"q": "n"},), filters={"member": Member}),
    "committees:seat_end": Route(obj=Seat, writes=True, body=lambda s: {"end_on": "01/01/2024"}),
    "committees:seat_history": Route(obj=Seat),
    "committees:term_create": Route(
        obj=Organization,
        path=no_path,
        params=lambda org: {"org": org.pk},
        writes=True,
        body=lambda org: {"name": "K-QUET", "start_on": "01/01/2024"},
    ),
    "committees:committee_create": Route(
        obj=Term, writes=True, body=lambda term: {"kind": CommitteeKind.BTV}
    ),
    # long jobs: private to the user who started them
    "jobs:list": Route(lists=True),
    "jobs:detail": Route(obj=Job),
    "jobs:progress": Route(obj=Job),
    "jobs:download": Route(obj=Job),
    "api:job-list": Route(lists=True, rows=Job),
    "api:job-detail": Route(obj=Job),
    "api:job-download": Route(obj=Job),
    # the API
    "api:api-root": Route(lists=True),
    "api:organization-list": Route(
        lists=True,
        rows=Organization,
        filters={"under": Organization, "parent": Organization},
        writes=True,
        body_obj=Organization,
        body=lambda parent: {
            "parent": parent.pk,
            "code": "QUET",
            "name": "Chi bộ quét",
            "kind": OrgKind.CHI_BO_TRUC_THUOC,
        },
    ),
    "api:organization-detail": Route(
        obj=Organization, writes=True, body=lambda org: {"name": "Tên quét", "code": org.code}
    ),
    "api:organization-flag-list": Route(
        lists=True,
        rows=OrganizationFlag,
        filters={"organization": Organization, "under": Organization},
        writes=True,
        body_obj=Organization,
        body=lambda org: {"organization": org.pk, "kind": "kho_khan", "valid_from": "2024-01-01"},
    ),
    "api:organization-flag-detail": Route(obj=OrganizationFlag),
    "api:member-list": Route(
        lists=True,
        rows=Member,
        query=({}, {"q": "n"}),
        filters={"org": Organization, "cell": Organization},
        writes=True,
        body_obj=Organization,
        body=lambda cell: {
            **MEMBER_FORM,
            "birth_date": "1990-01-01",
            "admitted_on": "2015-02-03",
            "cell": cell.pk,
        },
    ),
    "api:member-detail": Route(obj=Member, writes=True, body=lambda m: {"ten_dem": "Quét"}),
    "api:member-transfer": Route(
        obj=Member,
        writes=True,
        body=lambda m: {"to_cell": _cell_in(m.cell), "transferred_on": "2024-01-01"},
    ),
    "api:member-transfer-list": Route(
        lists=True, rows=MemberTransfer, filters={"member": Member, "to_cell": Organization}
    ),
    "api:member-transfer-detail": Route(obj=MemberTransfer),
    "api:term-list": Route(
        lists=True,
        rows=Term,
        filters={"organization": Organization, "under": Organization},
        writes=True,
        body_obj=Organization,
        body=lambda org: {"organization": org.pk, "name": "K-QUET", "start_on": "2024-01-01"},
    ),
    "api:term-detail": Route(obj=Term),
    "api:committee-list": Route(
        lists=True,
        rows=Committee,
        filters={"term": Term, "organization": Organization},
        writes=True,
        body_obj=Term,
        body=lambda term: {"term": term.pk, "kind": CommitteeKind.BTV},
    ),
    "api:committee-detail": Route(obj=Committee),
    "api:seat-list": Route(
        lists=True,
        rows=Seat,
        filters={"committee": Committee, "member": Member},
        writes=True,
        body_obj=Committee,
        body=lambda c: {
            "committee": c.pk,
            "member": _member_under(c.term.organization),
            "role": SeatRole.UY_VIEN_BCH,
            "start_on": "2021-01-01",
        },
    ),
    "api:seat-detail": Route(obj=Seat, writes=True, body=lambda s: {"note": "Quét"}),
    # meetings: a cell's secretary runs her cell (capuy.meetings.access, tested there)
    **MEETING_ROUTES,
    **CONFERENCE_ROUTES,
    **CAMPAIGN_ROUTES,
    **NEWS_ROUTES,
    **REVIEW_ROUTES,
    **CONCERN_ROUTES,
    **ROTATION_ROUTES,
}

# --- scope, labels and the database snapshot ----------------------------------------------

# Jobs and API tokens belong to one user, not to a part of the tree.
OWNED_BY_USER = (Job, ApiToken)
# Models whose "scope" is not ``visible_to``: what each user may reach.
IN_SCOPE: dict[type[Model], Callable[[object, str], QuerySet]] = {
    Job: lambda user, action: Job.objects.filter(user=user),
    ApiToken: lambda user, action: ApiToken.objects.filter(user=user),
}


def in_scope(model: type[Model], user, action: str = VIEW) -> QuerySet:
    if model in IN_SCOPE:
        return IN_SCOPE[model](user, action)
    return model._default_manager.visible_to(user, action)


def out_of_scope(model: type[Model], user) -> list[Model]:
    """One row the user may not see, the nearest there is: in the user's own province when
    possible (for a district's staff an ancestor or a sibling district), else in another one.
    For rows owned by users (jobs, tokens): one of another user's."""
    rows = model._default_manager.exclude(pk__in=in_scope(model, user).values("pk")).order_by("pk")
    if not hasattr(model, "SCOPE_PATH"):
        return list(rows[:1])
    own_roots = {path[: Organization.steplen] for path in scope_paths(user, VIEW) or []}
    nearest = first = None
    for pk, path in rows.values_list("pk", model.SCOPE_PATH):
        first = first or pk
        if path[: Organization.steplen] in own_roots:
            nearest = pk
            break
    picked = nearest or first
    return [] if picked is None else [model._default_manager.get(pk=picked)]


def an_object_in_scope(model: type[Model], user, action: str = VIEW) -> Model | None:
    # The deepest row (the last created): for a cell secretary that is a row of the cell itself.
    return in_scope(model, user, action).order_by("-pk").first()


LABELS: dict[type[Model], Callable[[Model], list[str]]] = {
    Organization: lambda o: [o.name, o.code],
    Member: lambda m: [m.full_name, m.card_number or ""],
    OrganizationFlag: lambda f: [f.note],
    MemberTransfer: lambda t: [t.note],
    Term: lambda t: [t.name],
    Seat: lambda s: [s.note],
    Job: lambda j: [j.title],
    ApiToken: lambda t: [t.name, t.hint],
    AttendanceRule: lambda r: [r.number],
    MeetingSchedule: lambda s: [s.place],
    CellMeeting: lambda m: [m.place, m.topics],
    Attendance: lambda a: [a.notes],
    FieldVisit: lambda v: [v.purpose],
    Conference: lambda c: [c.place],
    ConferenceGuest: lambda g: [g.name],
    AgendaItem: lambda i: [i.title],
    AgendaDocument: lambda d: [d.name],
    Conclusion: lambda c: [c.text],
    Agency: lambda a: [a.name],
    AssignedTask: lambda t: [t.title, t.expected_product],
    TaskProgress: lambda p: [p.note, p.file_name],
    TaskEvent: lambda e: [e.note],
    **CAMPAIGN_LABELS,
    **NEWS_LABELS,
    **REVIEW_LABELS,
    **CONCERN_LABELS,
    **ROTATION_LABELS,
    # Committee has no text of its own: its term and organization carry it.
}


def forbidden_labels(user) -> list[str]:
    """Every label of a row outside the user's scope that no row inside it shares."""
    inside: set[str] = set()
    outside: set[str] = set()
    for model, labels in LABELS.items():
        visible = set(in_scope(model, user).values_list("pk", flat=True))
        for obj in model._default_manager.all():
            (inside if obj.pk in visible else outside).update(x for x in labels(obj) if x)
    return sorted(
        label
        for label in outside - inside
        if not any(label in shown for shown in inside)  # "Thôn Đông" inside "Thôn Đông Bắc"
    )


@functools.lru_cache(maxsize=64)
def _label_pattern(labels: tuple[str, ...]) -> re.Pattern:
    # One pass over the page for all labels; a label counts only as a whole word ("H01" is not
    # found in "H01-X01"), the longest first so that none hides a longer one.
    words = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{words})(?![\w-])")


def leaked(text: str, labels: list[str]) -> list[str]:
    if not labels:
        return []
    return sorted(set(_label_pattern(tuple(labels)).findall(html.unescape(text))))


SNAPSHOT_APPS = {
    "accounts",
    "organizations",
    "members",
    "committees",
    "jobs",
    "meetings",
    "concerns",
    "conferences",
    "campaigns",
    "news",
    "reviews",
    "rotation",
    "django_tasks_database",
}
# Touched by merely authenticating, not by anything a route does.
VOLATILE = {("accounts.User", "last_login"), ("accounts.ApiToken", "last_used_at")}


@functools.cache
def _snapshot_queries() -> list[tuple[str, str]]:
    """(model label, SQL) for every capuy table: all its rows, column by column; for the
    history tables, which only ever grow, their size and last id."""
    quote = connection.ops.quote_name
    queries = []
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label not in SNAPSHOT_APPS:
            continue
        table, pk = quote(meta.db_table), quote(meta.pk.column)
        if hasattr(model, "instance_type"):  # django-simple-history's Historical* models
            queries.append((meta.label, f"SELECT COUNT(*), MAX({pk}) FROM {table}"))
            continue
        columns = ", ".join(
            quote(f.column) for f in meta.concrete_fields if (meta.label, f.attname) not in VOLATILE
        )
        queries.append((meta.label, f"SELECT {columns} FROM {table} ORDER BY {pk}"))
    return queries


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every capuy table (the history tables by size), straight from SQL."""
    state = {}
    with connection.cursor() as cursor:
        for label, sql in _snapshot_queries():
            cursor.execute(sql)
            state[label] = cursor.fetchall()
    return state


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after.get(label))


WRITE_METHODS = ("post", "put", "patch", "delete")
METHODS = ("get", *WRITE_METHODS)

# --- the URL resolver ------------------------------------------------------------------------


@dataclass(frozen=True)
class UrlRoute:
    name: str | None
    route: str  # the pattern text, for messages
    pattern: URLPattern

    @property
    def is_api(self) -> bool:
        return bool(self.name) and self.name.startswith("api:")

    @property
    def methods(self) -> list[str]:
        """The API's real methods (a viewset's action map); pages are tried with GET and POST."""
        callback = self.pattern.callback
        if not self.is_api:
            return ["get", "post"]
        actions = getattr(callback, "actions", None) or {
            method: method for method in METHODS if hasattr(callback.cls, method)
        }
        return [method for method in METHODS if method in actions]


def url_routes(patterns=None, prefix: str = "", namespace: str | None = None) -> Iterator[UrlRoute]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        text = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from url_routes(entry.url_patterns, text, inner)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield UrlRoute(name, text, entry)


def swept_routes() -> dict[str | None, list[UrlRoute]]:
    """Routes outside NOT_SWEPT, by name (an unnamed route is listed under ``None``)."""
    found: dict[str | None, list[UrlRoute]] = {}
    for route in url_routes():
        if route.name in NOT_SWEPT or route.route.lstrip("^").startswith(tuple(NOT_SWEPT_PREFIXES)):
            continue
        found.setdefault(route.name, []).append(route)
    return found


SWEPT = swept_routes()


# --- the world --------------------------------------------------------------------------------


@dataclass
class Sweep:
    world: World
    clients: dict[str, Client]
    anonymous: Client
    _forbidden: dict[str, list[str]] = field(default_factory=dict)

    def forbidden(self, persona: str) -> list[str]:
        """``forbidden_labels`` of a persona, computed once: every test rolls back to the world."""
        if persona not in self._forbidden:
            self._forbidden[persona] = forbidden_labels(self.world.users[persona])
        return self._forbidden[persona]


@dataclass(frozen=True)
class Place:
    """Where the world gets one row of every scoped model: an organization, a member under it,
    a short label that makes the rows' texts unique, and another cell of the same subtree."""

    org: Organization
    member: Member
    label: str
    other_cell: Organization


def committee_rows(place: Place) -> None:
    """A flag, a term with its committee and seat, and a transfer, all at ``place``."""
    OrganizationFlag.objects.create(
        organization=place.org,
        kind=FlagKind.PHUC_TAP,
        valid_from=date(2019, 1, 1),
        note=f"Đánh dấu {place.label}",
    )
    term = Term.objects.create(
        organization=place.org, name=f"K-{place.label}", start_on=date(2020, 10, 1)
    )
    committee = Committee.objects.create(term=term, kind=CommitteeKind.BCH)
    Seat.objects.create(
        committee=committee,
        member=place.member,
        role=SeatRole.UY_VIEN_BCH,
        start_on=date(2020, 10, 1),
        note=f"Chức vụ {place.label}",
    )
    MemberTransfer.objects.create(
        member=place.member,
        from_cell=place.other_cell,
        to_cell=place.member.cell,
        transferred_on=date(2018, 1, 1),
        note=f"Chuyển {place.label}",
    )


def owned_rows(name: str, user) -> None:
    """What belongs to one user: an API token and a finished export job."""
    ApiToken.issue(user=user, name=f"Khóa thử của {name}")
    Job.objects.create(
        user=user,
        kind="members.export_xlsx",
        title=f"Tệp thử của {name}",
        status=JobStatus.DONE,
        result_file=ContentFile(b"PK-thu", name=f"thu-{name}.xlsx"),
        result_name=f"thu-{name}.xlsx",
    )


# A new scoped model adds a function here that creates its rows at a Place (and a LABELS
# entry for its texts), so that every persona has rows of it inside and outside its scope.
PLACE_ROWS: list[Callable[[Place], None]] = [
    committee_rows,
    sweep_rows,
    concern_rows,  # at the meetings sweep_rows made
    conference_rows,
    campaign_rows,
    news_rows,
    review_rows,
    rotation_rows,  # at the meetings sweep_rows made
]
USER_ROWS: list[Callable[[str, object], None]] = [owned_rows]


def build_sweep_world() -> World:
    """The persona world plus rows of every scoped model inside and outside each scope:
    at a district and at a cell of the personas' province, at the other district, and in a
    second province that only the superuser may see."""
    world = build_world()
    far = org_root("T02", "Đảng bộ tỉnh Ngoài Phạm Vi")
    far_district = org_child(far, "T02-H01", "Đảng bộ huyện Xa Xôi", OrgKind.DANG_BO_HUYEN)
    far_cell = org_child(far_district, "T02-H01-C01", "Chi bộ thôn Biệt Lập", OrgKind.CHI_BO_CO_SO)
    far_member = member_in(far_cell, "Quách", "Thị", "Ngoại", card_number="99000001")
    member_in(far_cell, "Mạc", "Đăng", "Viễn")
    h02_cell = org_child(world.other_district, "H02-X02", "Chi bộ Khu phố Ba", OrgKind.CHI_BO_CO_SO)
    recount_members()
    for org in (world.province, world.district, world.cell, world.other_district):
        org.refresh_from_db()

    places = [
        Place(world.district, world.members["lan"], "H01", world.other_cell),
        Place(world.cell, world.members["hung"], "C01", world.other_cell),
        Place(world.other_district, world.members["hung_outside"], "H02", h02_cell),
        Place(far_district, far_member, "T02", far_cell),
    ]
    for add_rows in PLACE_ROWS:
        for place in places:
            add_rows(place)
    for add_rows in USER_ROWS:
        for name, user in world.users.items():
            add_rows(name, user)

    # The province's own rows (build_world made its term, committee and seat).
    OrganizationFlag.objects.create(
        organization=world.province,
        kind=FlagKind.KHO_KHAN,
        valid_from=date(2019, 1, 1),
        note="Đánh dấu T01",
    )
    world.seat.note = "Chức vụ T01"
    world.seat.save()
    return world


@pytest.fixture(scope="module")
def sweep(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Sweep]:
    """Built once for the module inside a transaction that is rolled back at its end; each test
    runs in a savepoint of it (the ``db`` fixture), so nothing one route does reaches the next."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        world = build_sweep_world()
        clients = {}
        for persona in [*PERSONAS, "root"]:
            clients[persona] = Client()
            sign_in(clients[persona], world.users[persona])
        yield Sweep(world, clients, Client())
        transaction.set_rollback(True)


# --- requests ---------------------------------------------------------------------------------


def url_of(name: str, route: Route, obj: Model | None) -> str:
    url = reverse(name, kwargs=route.path(obj) if obj is not None else {})
    if obj is not None and route.params(obj):
        url += "?" + urlencode(route.params(obj))
    return url


def response_text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


class Probe:
    """One persona's requests against one route, and what went wrong with them."""

    def __init__(self, persona: str, client: Client, user, is_api: bool):
        self.persona, self.client, self.user, self.is_api = persona, client, user, is_api
        self.problems: list[str] = []
        self.sent: list[str] = []

    def send(self, method: str, url: str, body: dict | None = None, query: dict | None = None):
        self.sent.append(f"{method.upper()} {url}")
        if method == "get":
            return self.client.get(url, query or {})
        if self.is_api:
            data = json.dumps(body or {})
            return getattr(self.client, method)(url, data, content_type="application/json")
        if method == "post":
            return self.client.post(url, body or {})
        return getattr(self.client, method)(url)

    def fail(self, message: str) -> None:
        self.problems.append(f"{self.persona}: {message}")


def read_only(user) -> bool:
    return not has_any(user, CHANGE)


def is_scoped_write(route: Route) -> bool:
    """A write on the tree's data; writes on one's own jobs and tokens are not role-bound."""
    return route.writes and (route.obj or route.body_obj) not in OWNED_BY_USER


# --- the checks ---------------------------------------------------------------------------------


def check_anonymous(probe: Probe, name: str, route: Route, url_route: UrlRoute) -> None:
    """Anonymous: a page sends to the login page, the API answers 401/403."""
    obj = route.obj._default_manager.order_by("pk").first() if route.obj else None
    url = url_of(name, route, obj)
    if route.body_obj is not None:
        obj = route.body_obj._default_manager.order_by("pk").first()
    login = resolve_url(settings.LOGIN_URL)
    sent_to_login = route.public
    for method in url_route.methods if url_route.is_api else ("get", "post"):
        response = probe.send(method, url, route.body(obj) if method != "get" else {})
        status = response.status_code
        if route.public and method == "get":
            if status not in (200, 404):
                probe.fail(f"GET {url} (public) → {status}")
        elif url_route.is_api:
            if status not in (401, 403):
                probe.fail(f"{method.upper()} {url} → {status}")
        elif status == 302 and response["Location"].startswith(login):
            sent_to_login = True
        elif status != 405:  # the method is not offered at all
            probe.fail(f"{method.upper()} {url} → {status}")
    if not url_route.is_api and not sent_to_login:
        probe.fail(f"{url} never redirects to the login page")


def check_out_of_scope_objects(probe, name, route, url_route, seen) -> None:
    """(b) An object outside scope, named by the URL, is a 404 for every method."""
    for obj in out_of_scope(route.obj, probe.user):
        seen["outside"] += 1
        url = url_of(name, route, obj)
        for method in url_route.methods:
            status = probe.send(method, url, route.body(obj)).status_code
            # A page that never accepts a method (require_GET / require_POST) answers 405
            # before looking anything up, which tells nothing either.
            if status != 404 and (url_route.is_api or status != 405):
                probe.fail(f"{method.upper()} {url} (outside scope) → {status}")


def check_out_of_scope_bodies(probe, name, route, url_route, seen) -> None:
    """(b) A write naming an object outside scope in its body is refused."""
    url = reverse(name)
    for obj in out_of_scope(route.body_obj, probe.user):
        seen["outside"] += 1
        status = probe.send("post", url, route.body(obj)).status_code
        # the API says 400 (unknown id) / 403 / 404; a page re-renders its form (422) or
        # redirects with a message
        refused = (
            status in (400, 403, 404) if url_route.is_api else status in (302, 400, 403, 404, 422)
        )
        if not refused:
            probe.fail(f"POST {url} naming {obj!r} (outside scope) → {status}")


def check_read_only_writes(probe, name, route, url_route, seen) -> None:
    """(d) A persona that may only read is refused every write on what it can see."""
    obj = an_object_in_scope(route.obj or route.body_obj, probe.user)
    if obj is None:
        return
    seen["read_only"] += 1
    url = url_of(name, route, obj) if route.obj else reverse(name)
    for method in url_route.methods:
        if method in WRITE_METHODS:
            status = probe.send(method, url, route.body(obj)).status_code
            if status not in (403, 404):
                probe.fail(f"{method.upper()} {url} (read only) → {status}")


def check_in_scope_reachable(probe, name, route, url_route, seen) -> None:
    """The registry names the right model: an object inside scope really opens the route."""
    obj = None
    if route.obj is not None:
        action = CHANGE if is_scoped_write(route) else VIEW
        obj = an_object_in_scope(route.obj, probe.user, action)
        if obj is None:
            return
        seen["inside"] += 1
    if "get" not in url_route.methods:
        return
    url = url_of(name, route, obj)
    status = probe.send("get", url).status_code
    if status >= 500 or (status == 404 and obj is not None) or url_route.is_api and status != 200:
        probe.fail(f"GET {url} (inside scope) → {status}")


def check_list(probe, name, route, url_route, forbidden: list[str]) -> None:
    """(c) No label of an out-of-scope row on the page, with or without filters naming
    out-of-scope objects; an API list returns exactly the rows the persona may see."""
    obj = an_object_in_scope(route.obj, probe.user) if route.obj else None
    if route.obj and obj is None:
        return
    url = url_of(name, route, obj)
    if route.shows is not None:
        forbidden = [label for label in forbidden if label not in route.shows(probe.user, obj)]
    tries = [(query, True) for query in route.query]
    for param, model in route.filters.items():
        tries += [({param: other.pk}, False) for other in out_of_scope(model, probe.user)]
    for query, plain in tries:
        if route.rows is not None:
            query = {**query, "page_size": 500}
        response = probe.send("get", url, query=query)
        where = f"GET {url} {query}"
        if response.status_code != 200:
            # a filter naming an object outside scope may also be refused outright
            if plain or response.status_code not in (400, 404):
                probe.fail(f"{where} → {response.status_code}")
            continue
        if found := leaked(response_text(response), forbidden):
            probe.fail(f"{where} shows out-of-scope {found}")
        if route.rows is not None:
            # as text: a job's id is a UUID, written as a string in JSON
            listed = {str(row["id"]) for row in response.json()["results"]}
            visible = {
                str(pk) for pk in in_scope(route.rows, probe.user).values_list("pk", flat=True)
            }
            if listed - visible:
                probe.fail(f"{where} lists ids outside scope {sorted(listed - visible)}")
            if plain and set(query) == {"page_size"} and visible - listed:
                probe.fail(f"{where} misses visible ids {sorted(visible - listed)}")


def check_export(probe, name, forbidden: list[str]) -> None:
    """(c) The file an export produces holds nothing outside the persona's scope."""
    from openpyxl import load_workbook

    known = set(Job.objects.values_list("pk", flat=True))
    response = probe.send("post", reverse(name), {})
    if response.status_code >= 400:
        probe.fail(f"POST {reverse(name)} → {response.status_code}")
        return
    jobs = list(Job.objects.filter(user=probe.user).exclude(pk__in=known))
    if not jobs:
        probe.fail(f"POST {reverse(name)} started no job")
    for job in jobs:
        if not job.result_file:
            probe.fail(f"export job has no file ({job.status}: {job.message})")
            continue
        with job.result_file.open("rb") as handle:
            book = load_workbook(BytesIO(handle.read()), read_only=True)
        text = "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
        if found := leaked(text, forbidden):
            probe.fail(f"the exported file holds out-of-scope {found}")


# --- the tests --------------------------------------------------------------------------------


def test_every_route_is_registered():
    unnamed = [r.route for r in SWEPT.get(None, [])]
    missing = sorted(name for name in SWEPT if name and name not in ROUTES)
    stale = sorted(name for name in ROUTES if name not in SWEPT)
    assert not unnamed, f"Routes without a name cannot be registered in the sweep: {unnamed}"
    assert not missing, (
        f"Register these routes in ROUTES (tests/test_scope_sweep.py): {missing}. Say which "
        "model the URL names and whether it lists, writes or exports."
    )
    assert not stale, f"ROUTES names routes that no longer exist: {stale}"


def test_snapshot_sees_inserts_updates_and_deletes(db):
    # given
    org = org_root("S01", "Đảng bộ tỉnh Tự Kiểm")
    before = snapshot()
    # when: an UPDATE that bypasses save() and so writes no history row
    Organization.objects.filter(pk=org.pk).update(member_count=7)
    # then
    assert changed_tables(before, snapshot()) == ["organizations.Organization"]
    before = snapshot()
    OrganizationFlag.objects.create(
        organization=org, kind=FlagKind.KHO_KHAN, valid_from=date.today()
    )
    assert changed_tables(before, snapshot()) == [
        "organizations.HistoricalOrganizationFlag",
        "organizations.OrganizationFlag",
    ]


def test_labels_are_found_only_as_whole_words():
    labels = ["H01", "Chi bộ thôn Đông"]
    assert leaked("<td>H01</td>", labels) == ["H01"]
    assert leaked("<td>H01-X01</td> <td>XH01</td>", labels) == []
    assert leaked("Chi bộ thôn Đông&nbsp;Bắc", labels) == ["Chi bộ thôn Đông"]
    assert leaked("Chi bộ thôn Đồng", labels) == []


def test_the_allow_list_names_real_routes():
    names = {route.name for route in url_routes()}
    assert not set(NOT_SWEPT) - names


# Deviations found by the sweep and reported to the route's owner. Strict: the test fails again
# as soon as the route is fixed, so an entry cannot outlive its bug.
# Routes with a known, named gap: marked strict xfail so fixing the gap fails until removed.
KNOWN_GAPS: dict[str, str] = {}


def swept_params():
    params = []
    for name in sorted(ROUTES):
        if name not in SWEPT:
            continue  # test_every_route_is_registered reports it
        marks = (
            [pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[name])] if name in KNOWN_GAPS else []
        )
        params.append(pytest.param(name, marks=marks, id=name))
    return params


@pytest.mark.parametrize("name", swept_params())
def test_route_keeps_every_persona_inside_its_scope(sweep, db, name):
    route = ROUTES[name]
    url_route = SWEPT[name][0]
    seen = {"outside": 0, "inside": 0, "read_only": 0}
    before = snapshot()

    # Everything below must leave the database as it was.
    anonymous = Probe("anonymous", sweep.anonymous, None, url_route.is_api)
    check_anonymous(anonymous, name, route, url_route)
    probes = [anonymous]
    for persona, client in sweep.clients.items():
        probe = Probe(persona, client, sweep.world.users[persona], url_route.is_api)
        probes.append(probe)
        check_in_scope_reachable(probe, name, route, url_route, seen)
        if route.obj is not None:
            check_out_of_scope_objects(probe, name, route, url_route, seen)
        if route.body_obj is not None:
            check_out_of_scope_bodies(probe, name, route, url_route, seen)
        if is_scoped_write(route) and read_only(probe.user) and persona not in route.may_write:
            check_read_only_writes(probe, name, route, url_route, seen)
        if route.lists:
            check_list(probe, name, route, url_route, sweep.forbidden(persona))
    problems = [problem for probe in probes for problem in probe.problems]
    if changed := changed_tables(before, snapshot()):
        writes = [f"{p.persona} {r}" for p in probes for r in p.sent if not r.startswith("GET")]
        problems.append(f"the database changed ({changed}); writes sent: {writes}")

    if route.export:  # an export writes its job row: checked on its own, afterwards
        for persona, client in sweep.clients.items():
            probe = Probe(persona, client, sweep.world.users[persona], url_route.is_api)
            check_export(probe, name, sweep.forbidden(persona))
            problems += probe.problems

    if route.obj is not None or route.body_obj is not None:
        assert seen["outside"], f"{name}: no persona had an object outside its scope to try"
    if route.obj is not None:
        assert seen["inside"], f"{name}: no persona had an object inside its scope to open"
    refused = [p for p, u in sweep.world.users.items() if read_only(u) and p not in route.may_write]
    if is_scoped_write(route) and refused:
        assert seen["read_only"], f"{name}: no read-only persona could try a write"
    assert not problems, f"{name}:\n  " + "\n  ".join(problems)
