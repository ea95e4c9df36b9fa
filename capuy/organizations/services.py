"""Write operations on the organization tree. Each is atomic and re-checks scope inside it."""

from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from capuy.core.scoping import CHANGE, ensure_in_scope
from capuy.core.services import apply_changes, require

from .choices import CELL_KINDS, FlagKind, OrgKind
from .models import Organization, OrganizationFlag

# Which kinds may sit directly under which (domain.md §9.2, §9.3).
ALLOWED_CHILDREN = {
    OrgKind.DANG_BO_TINH: {
        OrgKind.DANG_BO_HUYEN,
        OrgKind.DANG_BO_XA,
        OrgKind.DANG_BO_CO_SO,
        OrgKind.CHI_BO_CO_SO,
    },
    OrgKind.DANG_BO_HUYEN: {OrgKind.DANG_BO_CO_SO, OrgKind.CHI_BO_CO_SO},
    OrgKind.DANG_BO_XA: {OrgKind.DANG_BO_CO_SO, OrgKind.CHI_BO_CO_SO},
    OrgKind.DANG_BO_CO_SO: {OrgKind.DANG_BO_BO_PHAN, OrgKind.CHI_BO_TRUC_THUOC},
    OrgKind.DANG_BO_BO_PHAN: {OrgKind.CHI_BO_TRUC_THUOC},
    OrgKind.CHI_BO_CO_SO: set(),
    OrgKind.CHI_BO_TRUC_THUOC: set(),
}

EDITABLE_FIELDS = ("code", "name", "unit_type", "established_on")


def _check_child_kind(parent: Organization | None, kind: str) -> None:
    if parent is None:
        require(kind == OrgKind.DANG_BO_TINH, "kind", _("Tổ chức gốc phải là đảng bộ tỉnh."))
        return
    allowed = ALLOWED_CHILDREN.get(parent.kind, set())
    require(
        kind in allowed,
        "kind",
        _("Không thể đặt «%(kind)s» trực thuộc «%(parent)s».")
        % {"kind": OrgKind(kind).label, "parent": OrgKind(parent.kind).label},
    )


@transaction.atomic
def organization_create(
    *,
    acting_user,
    parent: Organization | None,
    code: str,
    name: str,
    kind: str,
    unit_type: str = "",
    established_on: date | None = None,
) -> Organization:
    """Thành lập a new organization under ``parent`` (or a new province when parent is None)."""
    _check_child_kind(parent, kind)
    fields = {
        "code": code.strip(),
        "name": name.strip(),
        "kind": kind,
        "unit_type": unit_type,
        "established_on": established_on,
    }
    if parent is None:
        require(
            acting_user.is_superuser, "parent", _("Chỉ quản trị hệ thống được tạo tổ chức gốc.")
        )
        candidate = Organization(**fields)
        candidate.full_clean(exclude=["path", "depth", "numchild"])
        org = Organization.objects.add_root(instance=candidate)
    else:
        ensure_in_scope(acting_user, parent, CHANGE)
        parent = Organization.objects.select_for_update().get(pk=parent.pk)
        require(parent.dissolved_on is None, "parent", _("Tổ chức cấp trên đã giải thể."))
        candidate = Organization(**fields)
        candidate.full_clean(exclude=["path", "depth", "numchild"])
        org = Organization.objects.add_child(parent, instance=candidate)
    ensure_in_scope(acting_user, org, CHANGE)
    return org


@transaction.atomic
def organization_update(*, acting_user, organization: Organization, **changes) -> Organization:
    ensure_in_scope(acting_user, organization, CHANGE)
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    changed = apply_changes(org, changes, EDITABLE_FIELDS)
    if changed:
        org.full_clean(exclude=["path", "depth", "numchild"])
        org._history_user = acting_user  # the audit trail names who did it
        org.save()
    return org


@transaction.atomic
def organization_dissolve(
    *,
    acting_user,
    organization: Organization,
    dissolved_on: date,
    merged_into: Organization | None = None,
) -> Organization:
    """Giải thể (or hợp nhất into another). The node stays for history; members must have moved."""
    ensure_in_scope(acting_user, organization, CHANGE)
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    require(org.dissolved_on is None, "dissolved_on", _("Tổ chức đã giải thể trước đó."))
    if merged_into is not None:
        ensure_in_scope(acting_user, merged_into, CHANGE)
        require(merged_into.pk != org.pk, "merged_into", _("Không thể hợp nhất vào chính nó."))
    if org.kind in CELL_KINDS:
        require(
            not org.members.exists(),
            "dissolved_on",
            _("Chi bộ còn đảng viên: hãy chuyển sinh hoạt trước khi giải thể."),
        )
    org.dissolved_on = dissolved_on
    org.merged_into = merged_into
    org.full_clean(exclude=["path", "depth", "numchild"])
    org._history_user = acting_user  # the audit trail names who did it
    org.save()
    return org


@transaction.atomic
def organization_flag_add(
    *,
    acting_user,
    organization: Organization,
    kind: str,
    valid_from: date,
    valid_to: date | None = None,
    note: str = "",
) -> OrganizationFlag:
    """Đánh dấu a locality as difficult (khó khăn) or complex (phức tạp) for a period."""
    ensure_in_scope(acting_user, organization, CHANGE)
    require(kind in FlagKind.values, "kind", _("Loại đánh dấu không hợp lệ."))
    flag = OrganizationFlag(
        organization=organization, kind=kind, valid_from=valid_from, valid_to=valid_to, note=note
    )
    flag.full_clean()
    flag._history_user = acting_user  # the audit trail names who did it
    flag.save()
    return flag


def adjust_member_counts(path: str, delta: int) -> None:
    """Add ``delta`` to member_count of the node at ``path`` and all its ancestors."""
    steplen = Organization.steplen
    paths = [path[:end] for end in range(steplen, len(path) + 1, steplen)]
    Organization.objects.filter(path__in=paths).update(member_count=F("member_count") + delta)


def recount_members() -> int:
    """Recompute every member_count from the members table (demo, synth, consistency check)."""
    from django.db.models import Count

    from capuy.members.models import Member

    per_path = dict(
        Member.objects.order_by()
        .values("org_path")
        .annotate(n=Count("id"))
        .values_list("org_path", "n")
    )
    return _store_counts(per_path)


def _store_counts(per_cell_path) -> int:
    steplen = Organization.steplen
    totals: dict[str, int] = {}
    for path, count in per_cell_path.items():
        for end in range(steplen, len(path) + 1, steplen):
            totals[path[:end]] = totals.get(path[:end], 0) + count
    changed = []
    for org in Organization.objects.only("id", "path", "member_count").iterator(chunk_size=5000):
        total = totals.get(org.path, 0)
        if org.member_count != total:
            org.member_count = total
            changed.append(org)
    Organization.objects.bulk_update(changed, ["member_count"], batch_size=2000)
    return len(changed)
