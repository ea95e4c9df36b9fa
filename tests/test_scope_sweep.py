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
"""

from __future__ import annotations

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
from django.db.models import Model, QuerySet
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from capuy.accounts.models import ApiToken
from capuy.committees.choices import CommitteeKind, SeatRole
from capuy.committees.models import Committee, Seat, Term
from capuy.core.scoping import CHANGE, VIEW, has_any
from capuy.core.testing import PERSONAS, World, build_world, member_in, org_child, org_root, sign_in
from capuy.jobs.models import Job, JobStatus
from capuy.members.models import Member, MemberTransfer
from capuy.organizations.choices import CELL_KINDS, FlagKind, OrgKind
from capuy.organizations.models import Organization, OrganizationFlag
from capuy.organizations.services import recount_members

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
    """Rows the user may not see: the first one under each province (for a district's staff an
    ancestor or a sibling in its own province, and a row of the province nobody but the
    superuser sees); for jobs and tokens, the first and the last of other users."""
    rows = model._default_manager.exclude(pk__in=in_scope(model, user).values("pk")).order_by("pk")
    if not hasattr(model, "SCOPE_PATH"):
        picked = {obj.pk for obj in (rows.first(), rows.last()) if obj is not None}
    else:
        first_per_root: dict[str, int] = {}
        for pk, path in rows.values_list("pk", model.SCOPE_PATH):
            first_per_root.setdefault(path[: Organization.steplen], pk)
        picked = set(first_per_root.values())
    return list(model._default_manager.filter(pk__in=picked).order_by("pk"))


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


def leaked(text: str, labels: list[str]) -> list[str]:
    text = html.unescape(text)
    return [label for label in labels if re.search(rf"(?<![\w-]){re.escape(label)}(?![\w-])", text)]


SNAPSHOT_APPS = {
    "accounts",
    "organizations",
    "members",
    "committees",
    "jobs",
    "django_tasks_database",
}
# Touched by merely authenticating, not by anything a route does.
VOLATILE = {("accounts.User", "last_login"), ("accounts.ApiToken", "last_used_at")}


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every capuy table (history tables included), column by column."""
    state = {}
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label not in SNAPSHOT_APPS:
            continue
        columns = [
            f.attname for f in meta.concrete_fields if (meta.label, f.attname) not in VOLATILE
        ]
        state[meta.label] = list(model._base_manager.order_by("pk").values_list(*columns))
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
PLACE_ROWS: list[Callable[[Place], None]] = [committee_rows]
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


@pytest.fixture
def sweep(db, settings, tmp_path) -> Sweep:
    settings.MEDIA_ROOT = tmp_path
    world = build_sweep_world()
    clients = {}
    for persona in [*PERSONAS, "root"]:
        clients[persona] = Client()
        sign_in(clients[persona], world.users[persona])
    return Sweep(world, clients, Client())


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
            listed = {row["id"] for row in response.json()["results"]}
            visible = set(in_scope(route.rows, probe.user).values_list("pk", flat=True))
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


def test_the_allow_list_names_real_routes():
    names = {route.name for route in url_routes()}
    assert not set(NOT_SWEPT) - names


# Deviations found by the sweep and reported to the route's owner. Strict: the test fails again
# as soon as the route is fixed, so an entry cannot outlive its bug.
KNOWN_GAPS: dict[str, str] = {
    "accounts:token_revoke": "another user's token answers 302 (changing nothing) instead of "
    "404: accounts.views.token_revoke should raise Http404 when api_token_revoke finds nothing",
}


def swept_params():
    for name in sorted(ROUTES):
        if name not in SWEPT:
            continue  # test_every_route_is_registered reports it
        marks = (
            [pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[name])] if name in KNOWN_GAPS else []
        )
        yield pytest.param(name, marks=marks, id=name)


@pytest.mark.parametrize("name", swept_params())
def test_route_keeps_every_persona_inside_its_scope(sweep, name):
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
            check_list(probe, name, route, url_route, forbidden_labels(probe.user))
    problems = [problem for probe in probes for problem in probe.problems]
    if changed := changed_tables(before, snapshot()):
        writes = [f"{p.persona} {r}" for p in probes for r in p.sent if not r.startswith("GET")]
        problems.append(f"the database changed ({changed}); writes sent: {writes}")

    if route.export:  # an export writes its job row: checked on its own, afterwards
        for persona, client in sweep.clients.items():
            probe = Probe(persona, client, sweep.world.users[persona], url_route.is_api)
            check_export(probe, name, forbidden_labels(probe.user))
            problems += probe.problems

    if route.obj is not None or route.body_obj is not None:
        assert seen["outside"], f"{name}: no persona had an object outside its scope to try"
    if route.obj is not None:
        assert seen["inside"], f"{name}: no persona had an object inside its scope to open"
    refused = [p for p, u in sweep.world.users.items() if read_only(u) and p not in route.may_write]
    if is_scoped_write(route) and refused:
        assert seen["read_only"], f"{name}: no read-only persona could try a write"
    assert not problems, f"{name}:\n  " + "\n  ".join(problems)
