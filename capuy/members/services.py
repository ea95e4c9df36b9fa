"""Write operations on party members. Each is atomic, audited (django-simple-history) and
re-checks the acting user's scope inside its transaction."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from capuy.core.scoping import CHANGE, ensure_in_scope
from capuy.core.services import apply_changes, require
from capuy.organizations.models import Organization
from capuy.organizations.services import adjust_member_counts

from .choices import MemberStatus
from .models import Member, MemberTransfer

EDITABLE_FIELDS = (
    "ho",
    "ten_dem",
    "ten",
    "birth_date",
    "gender",
    "card_number",
    "admitted_on",
    "official_on",
    "status",
)


def _check_cell(cell: Organization, on: date | None = None) -> None:
    require(cell.is_cell, "cell", _("Đảng viên phải sinh hoạt tại một chi bộ."))
    require(
        cell.is_valid_on(on or date.today()),  # noqa: DTZ011 — a calendar date, not a moment
        "cell",
        _("Chi bộ «%(cell)s» đã giải thể hoặc chưa thành lập.") % {"cell": cell.name},
    )


def _check_dates(member: Member) -> None:
    if member.birth_date and member.admitted_on:
        age = (member.admitted_on - member.birth_date).days / 365.25
        require(age >= 18, "admitted_on", _("Ngày vào Đảng phải khi đủ 18 tuổi."))
    if member.status == MemberStatus.CHINH_THUC:
        require(
            member.official_on is not None,
            "official_on",
            _("Đảng viên chính thức phải có ngày chính thức."),
        )


@transaction.atomic
def member_create(*, acting_user, cell: Organization, **fields) -> Member:
    """Add a party member to a cell (kết nạp or receive a record)."""
    ensure_in_scope(acting_user, cell, CHANGE)
    cell = Organization.objects.get(pk=cell.pk)
    _check_cell(cell, fields.get("admitted_on"))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    require(not unknown, "__all__", _("Trường không hợp lệ: %s") % ", ".join(sorted(unknown)))
    if fields.get("card_number") == "":
        fields["card_number"] = None
    member = Member(cell=cell, org_path=cell.path, **fields)
    member.fill_derived()
    _check_dates(member)
    member.full_clean()
    member._history_user = acting_user  # the audit trail names who did it
    member.save()
    adjust_member_counts(cell.path, +1)
    ensure_in_scope(acting_user, member, CHANGE)
    return member


@transaction.atomic
def member_update(*, acting_user, member: Member, **changes) -> Member:
    ensure_in_scope(acting_user, member, CHANGE)
    locked = Member.objects.select_for_update().get(pk=member.pk)
    if changes.get("card_number") == "":
        changes["card_number"] = None
    changed = apply_changes(locked, changes, EDITABLE_FIELDS)
    if changed:
        locked.fill_derived()
        _check_dates(locked)
        locked.full_clean()
        locked._history_user = acting_user  # the audit trail names who did it
        locked.save()
    return locked


@transaction.atomic
def member_transfer(
    *, acting_user, member: Member, to_cell: Organization, transferred_on: date, note: str = ""
) -> MemberTransfer:
    """Chuyển sinh hoạt: move a member to another cell. Both ends must be in the user's scope."""
    ensure_in_scope(acting_user, member, CHANGE)
    ensure_in_scope(acting_user, to_cell, CHANGE)
    locked = Member.objects.select_for_update().select_related("cell").get(pk=member.pk)
    to_cell = Organization.objects.get(pk=to_cell.pk)
    _check_cell(to_cell, transferred_on)
    require(to_cell.pk != locked.cell_id, "to_cell", _("Đảng viên đang sinh hoạt tại chi bộ này."))
    last = locked.transfers.order_by("-transferred_on").first()
    require(
        last is None or transferred_on >= last.transferred_on,
        "transferred_on",
        _("Ngày chuyển phải sau lần chuyển trước (%(day)s).")
        % {"day": last.transferred_on.strftime("%d/%m/%Y") if last else ""},
    )
    require(
        transferred_on >= locked.admitted_on,
        "transferred_on",
        _("Ngày chuyển phải sau ngày vào Đảng."),
    )
    transfer = MemberTransfer.objects.create(
        member=locked,
        from_cell=locked.cell,
        to_cell=to_cell,
        transferred_on=transferred_on,
        note=note,
        recorded_by=acting_user,
    )
    adjust_member_counts(locked.org_path, -1)
    locked.cell = to_cell
    locked.org_path = to_cell.path
    locked._history_user = acting_user  # the audit trail names who did it
    locked.save()
    adjust_member_counts(to_cell.path, +1)
    return transfer


@transaction.atomic
def member_delete(*, acting_user, member: Member) -> None:
    """Remove a record entered by mistake. (Leaving the party is a status change, not this.)"""
    ensure_in_scope(acting_user, member, CHANGE)
    locked = Member.objects.select_for_update().get(pk=member.pk)
    require(
        not locked.seats.exists(), "__all__", _("Đảng viên đang giữ chức vụ cấp ủy, không thể xóa.")
    )
    path = locked.org_path
    locked._history_user = acting_user  # the audit trail names who did it
    locked.delete()
    adjust_member_counts(path, -1)
