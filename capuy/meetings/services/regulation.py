"""The attendance regulation as data: a rule and its quotas per seat level."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from capuy.core.scoping import CHANGE, ensure_in_scope
from capuy.core.services import apply_changes, require
from capuy.organizations.choices import SeatLevel

from ..models import AttendanceQuota, AttendanceRule

# The Kon Tum pattern (QĐ 776-QĐ/TU, domain.md §6): attendances a year per seat level.
DEFAULT_QUOTAS: dict[str, int] = {SeatLevel.TINH: 2, SeatLevel.HUYEN: 6, SeatLevel.XA: 6}


def _set_quotas(rule: AttendanceRule, quotas: dict) -> None:
    """``{level: min_attendances}`` or ``{level: (min_attendances, min_field_days)}``."""
    for level, value in quotas.items():
        require(level in SeatLevel.values, "quotas", _("Cấp không hợp lệ: %(l)s.") % {"l": level})
        minimum, days = value if isinstance(value, tuple | list) else (value, 0)
        if minimum is None:
            AttendanceQuota.objects.filter(rule=rule, level=level).delete()
            continue
        quota = AttendanceQuota.objects.filter(rule=rule, level=level).first() or AttendanceQuota(
            rule=rule, level=level
        )
        quota.min_attendances, quota.min_field_days = minimum, days or 0
        quota.full_clean()
        quota.save()


def _check_no_overlap(rule: AttendanceRule) -> None:
    others = AttendanceRule.objects.filter(organization=rule.organization).exclude(pk=rule.pk)
    if rule.effective_to:
        others = others.filter(effective_from__lte=rule.effective_to)
    others = others.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=rule.effective_from))
    clash = others.first()
    require(
        clash is None,
        "effective_from",
        _("Thời gian hiệu lực trùng với quy định %(n)s của cùng tổ chức.")
        % {"n": clash.number if clash else ""},
    )


@transaction.atomic
def attendance_rule_create(
    *,
    acting_user,
    organization,
    number: str,
    title: str,
    issued_on: date,
    issuing_body: str,
    effective_from: date,
    effective_to: date | None = None,
    must_attend_outside_own_cell: bool = True,
    quotas: dict | None = None,
) -> AttendanceRule:
    """Ban hành a regulation with its quotas (the Kon Tum 2/6/6 pattern unless given)."""
    ensure_in_scope(acting_user, organization, CHANGE)
    rule = AttendanceRule(
        organization=organization,
        number=number.strip(),
        title=title.strip(),
        issued_on=issued_on,
        issuing_body=issuing_body.strip(),
        effective_from=effective_from,
        effective_to=effective_to,
        must_attend_outside_own_cell=must_attend_outside_own_cell,
    )
    rule.full_clean()
    _check_no_overlap(rule)
    rule.save()
    _set_quotas(rule, DEFAULT_QUOTAS if quotas is None else quotas)
    return rule


@transaction.atomic
def attendance_rule_update(
    *, acting_user, rule: AttendanceRule, quotas: dict | None = None, **changes
) -> AttendanceRule:
    ensure_in_scope(acting_user, rule, CHANGE)
    locked = AttendanceRule.objects.select_for_update().get(pk=rule.pk)
    fields = (
        "number",
        "title",
        "issued_on",
        "issuing_body",
        "effective_from",
        "effective_to",
        "must_attend_outside_own_cell",
    )
    if apply_changes(locked, changes, fields):
        locked.full_clean()
        _check_no_overlap(locked)
        locked.save()
    if quotas is not None:
        _set_quotas(locked, quotas)
    return locked


@transaction.atomic
def attendance_rule_delete(*, acting_user, rule: AttendanceRule) -> None:
    ensure_in_scope(acting_user, rule, CHANGE)
    rule.delete()
