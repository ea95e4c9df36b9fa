"""Writes on donation campaigns: the campaign, pledges (đăng ký) and contributions (đóng góp).

Every function is atomic, keyword-only, takes ``acting_user`` and re-checks scope inside its
transaction. Amounts are integer đồng, refused when negative, zero or fractional.

Locking order (to stay deadlock-free): the campaign row first (receipt numbers), then the
pledge row (its ``received``), then the contribution row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from capuy.core.scoping import CHANGE, VIEW, OutOfScope, can, ensure_in_scope
from capuy.core.services import apply_changes, require
from capuy.core.vntext import format_date, format_vnd
from capuy.members.models import Member
from capuy.organizations.models import Organization

from .choices import CampaignEventKind, ContributionStatus, ContributorKind, PledgeStatus
from .models import Campaign, CampaignEvent, Contribution, ContributionShare, Pledge
from .totals import add_to_totals

# 1 triệu tỷ đồng: far above any real gift, far below the column's limit.
MAX_AMOUNT = 10**15
CAMPAIGN_FIELDS = ("title", "launched_by", "purpose", "start_on", "end_on", "goal")


def clean_amount(value, field: str = "amount", *, required: bool = True) -> int | None:
    """An amount of money as an ``int`` of đồng, or a ValidationError naming ``field``."""
    if value is None or value == "":
        require(not required, field, _("Hãy nhập số tiền."))
        return None
    if isinstance(value, bool):
        raise ValidationError({field: _("Số tiền phải là số nguyên đồng.")})
    if isinstance(value, float | Decimal):
        if value != value or value in (float("inf"), float("-inf")) or value != int(value):
            raise ValidationError(
                {field: _("Số tiền phải là số nguyên đồng, không có phần lẻ (ví dụ 1.500.000).")}
            )
        value = int(value)
    if not isinstance(value, int):
        raise ValidationError({field: _("Số tiền phải là số nguyên đồng.")})
    require(value > 0, field, _("Số tiền phải lớn hơn 0 đồng (không nhận số âm)."))
    require(value <= MAX_AMOUNT, field, _("Số tiền quá lớn, hãy kiểm tra lại."))
    return value


def _today() -> date:
    return timezone.localdate()


def _event(campaign, kind, *, actor, org_path, note="", contribution=None, pledge=None) -> None:
    CampaignEvent.objects.create(
        campaign=campaign,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        org_path=org_path,
        note=note[:500],
        contribution=contribution,
        pledge=pledge,
    )


# --- campaigns ------------------------------------------------------------------------------


def _check_campaign_dates(campaign: Campaign) -> None:
    if campaign.end_on and campaign.start_on:
        require(
            campaign.end_on >= campaign.start_on,
            "end_on",
            _("Ngày kết thúc phải sau ngày bắt đầu."),
        )


@transaction.atomic
def campaign_create(
    *,
    acting_user,
    organization: Organization,
    title: str,
    launched_by: str,
    purpose: str,
    start_on: date,
    end_on: date | None = None,
    goal: int | None = None,
) -> Campaign:
    """Record a campaign that ``organization`` and its subtree respond to."""
    ensure_in_scope(acting_user, organization, CHANGE)
    organization = Organization.objects.get(pk=organization.pk)
    campaign = Campaign(
        organization=organization,
        org_path=organization.path,
        title=title.strip(),
        launched_by=launched_by.strip(),
        purpose=purpose.strip(),
        start_on=start_on,
        end_on=end_on,
        goal=clean_amount(goal, "goal", required=False),
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    _check_campaign_dates(campaign)
    campaign.full_clean()
    campaign.save()
    _event(
        campaign,
        CampaignEventKind.CREATED,
        actor=acting_user,
        org_path=campaign.org_path,
        note=campaign.title,
    )
    ensure_in_scope(acting_user, campaign, CHANGE)
    return campaign


@transaction.atomic
def campaign_update(*, acting_user, campaign: Campaign, **changes) -> Campaign:
    ensure_in_scope(acting_user, campaign, CHANGE)
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if "goal" in changes:
        changes["goal"] = clean_amount(changes["goal"], "goal", required=False)
    for text in ("title", "launched_by", "purpose"):
        if isinstance(changes.get(text), str):
            changes[text] = changes[text].strip()
    changed = apply_changes(locked, changes, CAMPAIGN_FIELDS)
    if changed:
        _check_campaign_dates(locked)
        first = locked.contributions.order_by("received_on").values_list("received_on", flat=True)
        earliest = first.first()
        require(
            earliest is None or earliest >= locked.start_on,
            "start_on",
            _("Đã có đóng góp nhận ngày %(day)s, trước ngày bắt đầu mới.")
            % {"day": format_date(earliest)},
        )
        locked.full_clean()
        locked.save()
        _event(
            locked,
            CampaignEventKind.UPDATED,
            actor=acting_user,
            org_path=locked.org_path,
            note=", ".join(str(Campaign._meta.get_field(name).verbose_name) for name in changed),
        )
    return locked


# --- who gives --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contributor:
    kind: str
    organization: Organization
    member: Member | None
    name: str
    org_path: str


def member_cell_on(member: Member, day: date) -> Organization:
    """The cell ``member`` belonged to on ``day`` (from the transfer history)."""
    cell_id = member.cell_id
    for move in member.transfers.order_by("-transferred_on", "-pk"):
        if move.transferred_on <= day:
            break
        if move.from_cell_id is not None:
            cell_id = move.from_cell_id
    return member.cell if cell_id == member.cell_id else Organization.objects.get(pk=cell_id)


def resolve_contributor(
    *, acting_user, campaign: Campaign, organization=None, member=None, on: date | None = None
) -> Contributor:
    """The unit or the member, checked: exactly one, inside the campaign's part of the tree,
    and inside what ``acting_user`` may change. A member is credited to the cell he belonged
    to on ``on`` (the day of the payment), so money paid before a transfer stays where it was
    given."""
    if (organization is None) == (member is None):
        raise ValidationError(
            {"contributor": _("Hãy chọn một đơn vị hoặc một đảng viên (chỉ một trong hai).")}
        )
    if member is not None:
        if not can(acting_user, CHANGE, member):
            raise OutOfScope()
        member = Member.objects.select_related("cell").get(pk=member.pk)
        cell = member_cell_on(member, on or _today())
        found = Contributor(ContributorKind.MEMBER, cell, member, member.full_name, cell.path)
    else:
        if not can(acting_user, CHANGE, organization):
            raise OutOfScope()
        organization = Organization.objects.get(pk=organization.pk)
        found = Contributor(
            ContributorKind.ORGANIZATION, organization, None, organization.name, organization.path
        )
    require(
        found.org_path.startswith(campaign.org_path),
        "contributor",
        _("«%(name)s» không thuộc %(org)s, nơi hưởng ứng cuộc vận động này.")
        % {"name": found.name, "org": campaign.organization.name},
    )
    return found


def _check_day(campaign: Campaign, day: date, field: str) -> None:
    require(day <= _today(), field, _("Ngày không được sau hôm nay."))
    require(
        day >= campaign.start_on,
        field,
        _("Cuộc vận động bắt đầu từ %(day)s; ngày này sớm hơn.")
        % {"day": format_date(campaign.start_on)},
    )
    if campaign.end_on:
        require(
            day <= campaign.end_on,
            field,
            _("Cuộc vận động kết thúc ngày %(day)s; ngày này muộn hơn.")
            % {"day": format_date(campaign.end_on)},
        )


def _visible_campaign(acting_user, campaign: Campaign) -> Campaign:
    if not can(acting_user, VIEW, campaign):
        raise OutOfScope()
    return Campaign.objects.select_related("organization").get(pk=campaign.pk)


# --- pledges ----------------------------------------------------------------------------------


@transaction.atomic
def pledge_record(
    *,
    acting_user,
    campaign: Campaign,
    amount,
    pledged_on: date,
    organization: Organization | None = None,
    member: Member | None = None,
    note: str = "",
) -> Pledge:
    """Đăng ký ủng hộ: one active pledge per unit or member and campaign."""
    campaign = _visible_campaign(acting_user, campaign)
    who = resolve_contributor(
        acting_user=acting_user,
        campaign=campaign,
        organization=organization,
        member=member,
        on=pledged_on,
    )
    amount = clean_amount(amount)
    _check_day(campaign, pledged_on, "pledged_on")
    duplicate = Pledge.objects.filter(
        campaign=campaign, status=PledgeStatus.ACTIVE, organization=who.organization
    )
    duplicate = duplicate.filter(member=who.member) if who.member else duplicate.filter(member=None)
    require(
        not duplicate.exists(),
        "contributor",
        _("«%(name)s» đã đăng ký trong cuộc vận động này; hãy hủy đăng ký cũ nếu muốn ghi lại.")
        % {"name": who.name},
    )
    pledge = Pledge(
        campaign=campaign,
        kind=who.kind,
        organization=who.organization,
        member=who.member,
        contributor_name=who.name,
        org_path=who.org_path,
        amount=amount,
        pledged_on=pledged_on,
        note=note.strip(),
        recorded_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    # Payments already received from the same contributor count against the new pledge.
    earlier = _unlinked_contributions(campaign, who)
    pledge.received = sum(c.amount for c in earlier)
    pledge.full_clean()
    pledge.save()
    Contribution.objects.filter(pk__in=[c.pk for c in earlier]).update(pledge=pledge)
    _event(
        campaign,
        CampaignEventKind.PLEDGED,
        actor=acting_user,
        org_path=pledge.org_path,
        pledge=pledge,
        note=f"{who.name}: {format_vnd(amount)}",
    )
    ensure_in_scope(acting_user, pledge, CHANGE)
    return pledge


def _unlinked_contributions(campaign: Campaign, who: Contributor) -> list[Contribution]:
    qs = Contribution.objects.filter(
        campaign=campaign,
        status=ContributionStatus.VALID,
        pledge__isnull=True,
        kind=who.kind,
    )
    qs = qs.filter(member=who.member) if who.member else qs.filter(organization=who.organization)
    return list(qs)


@transaction.atomic
def pledge_cancel(*, acting_user, pledge: Pledge, reason: str) -> Pledge:
    """Hủy đăng ký: it leaves the pledged and outstanding totals; payments stay received."""
    ensure_in_scope(acting_user, pledge, CHANGE)
    Campaign.objects.select_for_update().get(pk=pledge.campaign_id)
    locked = Pledge.objects.select_for_update().get(pk=pledge.pk)
    require(locked.status == PledgeStatus.ACTIVE, "status", _("Đăng ký này đã bị hủy trước đó."))
    reason = (reason or "").strip()
    require(bool(reason), "reason", _("Hãy nêu lý do hủy đăng ký."))
    locked.status = PledgeStatus.CANCELLED
    locked.cancel_reason = reason[:500]
    locked.full_clean()
    locked.save()
    locked.contributions.update(pledge=None)
    Pledge.objects.filter(pk=locked.pk).update(received=0)
    locked.received = 0
    _event(
        locked.campaign,
        CampaignEventKind.PLEDGE_CANCELLED,
        actor=acting_user,
        org_path=locked.org_path,
        pledge=locked,
        note=reason,
    )
    return locked


# --- contributions ----------------------------------------------------------------------------


def _clean_shares(
    who: Contributor, amount: int, covered: Iterable[tuple[Member, int | None]], day: date
) -> list[tuple[Member, int | None]]:
    covered = list(covered or ())
    if not covered:
        return []
    require(
        who.kind == ContributorKind.ORGANIZATION,
        "covered_members",
        _("Chỉ đơn vị mới nộp thay cho đảng viên; đóng góp cá nhân không có danh sách nộp thay."),
    )
    seen: set[int] = set()
    shares = []
    total = 0
    for member, part in covered:
        member = Member.objects.get(pk=member.pk)
        require(
            member.pk not in seen,
            "covered_members",
            _("Đồng chí %(name)s có tên hai lần trong danh sách nộp thay.")
            % {"name": member.full_name},
        )
        seen.add(member.pk)
        require(
            member_cell_on(member, day).path.startswith(who.org_path),
            "covered_members",
            _("Đồng chí %(name)s không sinh hoạt trong %(unit)s nên đơn vị không nộp thay được.")
            % {"name": member.full_name, "unit": who.name},
        )
        part = clean_amount(part, "covered_members", required=False)
        total += part or 0
        shares.append((member, part))
    require(
        total <= amount,
        "covered_members",
        _("Tổng phần của các đồng chí (%(parts)s) lớn hơn số tiền đơn vị nộp (%(amount)s).")
        % {"parts": format_vnd(total), "amount": format_vnd(amount)},
    )
    return shares


def _next_receipt(campaign: Campaign, receipt_no: int | None) -> int:
    """Take a receipt number under the campaign's row lock (held until the transaction ends)."""
    locked = Campaign.objects.select_for_update().only("pk", "next_receipt_no").get(pk=campaign.pk)
    if receipt_no is None:
        number = locked.next_receipt_no
    else:
        if isinstance(receipt_no, bool) or not isinstance(receipt_no, int) or receipt_no < 1:
            raise ValidationError({"receipt_no": _("Số biên lai phải là số nguyên dương.")})
        number = receipt_no
        require(
            not Contribution.objects.filter(campaign_id=campaign.pk, receipt_no=number).exists(),
            "receipt_no",
            _("Số biên lai %(no)s đã được dùng trong cuộc vận động này (số đã cấp không dùng lại).")
            % {"no": number},
        )
    # .update(): the counter is not part of the audit trail (one history row per receipt).
    Campaign.objects.filter(pk=campaign.pk).update(
        next_receipt_no=max(locked.next_receipt_no, number + 1)
    )
    return number


def _pledge_for(campaign: Campaign, who: Contributor, pledge: Pledge | None) -> Pledge | None:
    if pledge is not None:
        pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
        require(
            pledge.campaign_id == campaign.pk
            and pledge.status == PledgeStatus.ACTIVE
            and pledge.organization_id == who.organization.pk
            and pledge.member_id == (who.member.pk if who.member else None),
            "pledge",
            _("Đăng ký đã chọn không phải của «%(name)s» trong cuộc vận động này.")
            % {"name": who.name},
        )
        return pledge
    found = Pledge.objects.select_for_update().filter(
        campaign=campaign, status=PledgeStatus.ACTIVE, kind=who.kind
    )
    if who.member:
        found = found.filter(member=who.member)
    else:
        found = found.filter(organization=who.organization, member=None)
    return found.first()


@transaction.atomic
def contribution_record(
    *,
    acting_user,
    campaign: Campaign,
    amount,
    received_on: date,
    organization: Organization | None = None,
    member: Member | None = None,
    note: str = "",
    receipt_no: int | None = None,
    covered_members: Iterable[tuple[Member, int | None]] = (),
    pledge: Pledge | None = None,
) -> Contribution:
    """Ghi nhận đóng góp and issue its receipt number.

    ``covered_members`` makes it an on-behalf contribution: the unit pays, the listed members
    (with their part, or ``None``) are named on the receipt and the acknowledgement list. The
    money is counted once, for the unit. A payment from a contributor who pledged is set
    against that pledge.
    """
    campaign = _visible_campaign(acting_user, campaign)
    who = resolve_contributor(
        acting_user=acting_user,
        campaign=campaign,
        organization=organization,
        member=member,
        on=received_on,
    )
    amount = clean_amount(amount)
    _check_day(campaign, received_on, "received_on")
    shares = _clean_shares(who, amount, covered_members, received_on)
    number = _next_receipt(campaign, receipt_no)
    pledge = _pledge_for(campaign, who, pledge)
    contribution = Contribution(
        campaign=campaign,
        receipt_no=number,
        kind=who.kind,
        organization=who.organization,
        member=who.member,
        contributor_name=who.name,
        org_path=who.org_path,
        amount=amount,
        received_on=received_on,
        pledge=pledge,
        note=note.strip(),
        recorded_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    contribution.full_clean()
    try:
        with transaction.atomic():
            contribution.save()
    except IntegrityError as exc:  # a manual number taken between the check and the insert
        raise ValidationError(
            {"receipt_no": _("Số biên lai này đã được dùng trong cuộc vận động.")}
        ) from exc
    ContributionShare.objects.bulk_create(
        ContributionShare(contribution=contribution, member=m, member_name=m.full_name, amount=part)
        for m, part in shares
    )
    if pledge is not None:
        Pledge.objects.filter(pk=pledge.pk).update(received=F("received") + amount)
    add_to_totals(campaign.pk, who.org_path, amount, 1)
    _event(
        campaign,
        CampaignEventKind.RECEIVED,
        actor=acting_user,
        org_path=who.org_path,
        contribution=contribution,
        note=_("Biên lai số %(no)s: %(name)s, %(amount)s")
        % {"no": number, "name": who.name, "amount": format_vnd(amount)},
    )
    ensure_in_scope(acting_user, contribution, CHANGE)
    return contribution


@transaction.atomic
def contribution_void(*, acting_user, contribution: Contribution, reason: str) -> Contribution:
    """Hủy biên lai: the row and its number stay (never reused); it leaves every total."""
    ensure_in_scope(acting_user, contribution, CHANGE)
    Campaign.objects.select_for_update().get(pk=contribution.campaign_id)
    locked = Contribution.objects.select_for_update().get(pk=contribution.pk)
    require(
        locked.status == ContributionStatus.VALID, "status", _("Biên lai này đã bị hủy trước đó.")
    )
    reason = (reason or "").strip()
    require(bool(reason), "reason", _("Hãy nêu lý do hủy biên lai."))
    if locked.pledge_id:
        Pledge.objects.select_for_update().get(pk=locked.pledge_id)
        Pledge.objects.filter(pk=locked.pledge_id).update(received=F("received") - locked.amount)
    locked.status = ContributionStatus.VOIDED
    locked.void_reason = reason[:500]
    locked.voided_at = timezone.now()
    locked.voided_by = acting_user if getattr(acting_user, "pk", None) else None
    locked.full_clean()
    locked.save()
    add_to_totals(locked.campaign_id, locked.org_path, -locked.amount, -1)
    _event(
        locked.campaign,
        CampaignEventKind.VOIDED,
        actor=acting_user,
        org_path=locked.org_path,
        contribution=locked,
        note=_("Biên lai số %(no)s: %(reason)s") % {"no": locked.receipt_no, "reason": reason},
    )
    return locked
