"""Agencies and the tasks conclusions give them: assigning, progress reports, carrying a task
over to a later conference, and the overdue sweep. Every change writes a ``TaskEvent``.

Who may do what:
- assigning, editing and carrying over need CHANGE on the conference (the office);
- reporting progress is also open to an agency's own people: a user who may change things in
  the subtree of the agency's organization reports for that agency (``reportable_agencies``).
  Read-only roles (inspectors, committee members, cell secretaries) report nothing.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from capuy.core.scoping import CHANGE, VIEW, OutOfScope, can, ensure_in_scope, scope_paths
from capuy.core.services import apply_changes, require
from capuy.core.vntext import format_date

from ..choices import OVERDUE_FROM, AgencyKind, TaskEventKind, TaskState
from ..models import (
    Agency,
    AssignedTask,
    Conclusion,
    Conference,
    TaskAssignment,
    TaskEvent,
    TaskProgress,
)
from ..uploads import check_upload


def _event(task: AssignedTask, kind: str, *, actor, from_state: str = "", **fields) -> TaskEvent:
    return TaskEvent.objects.create(
        task=task,
        kind=kind,
        from_state=from_state,
        to_state=task.state,
        actor=actor if getattr(actor, "pk", None) else None,
        **fields,
    )


# --- agencies --------------------------------------------------------------------------------


def _check_agency(agency: Agency, acting_user) -> None:
    agency.name = " ".join((agency.name or "").split())
    require(bool(agency.name), "name", _("Hãy nhập tên cơ quan."))
    if agency.organization is not None:
        ensure_in_scope(acting_user, agency.organization, VIEW)
        require(
            agency.organization.path.startswith(agency.owner.path),
            "organization",
            _("Tổ chức đảng của cơ quan phải thuộc %(owner)s.") % {"owner": agency.owner.name},
        )
    same = Agency.objects.filter(owner=agency.owner, name__iexact=agency.name).exclude(pk=agency.pk)
    require(
        not same.exists(),
        "name",
        _("%(owner)s đã có cơ quan «%(name)s».")
        % {"owner": agency.owner.name, "name": agency.name},
    )


@transaction.atomic
def agency_create(
    *,
    acting_user,
    owner,
    name: str,
    kind: str = AgencyKind.CO_QUAN_THAM_MUU,
    organization=None,
) -> Agency:
    """A body that conferences of ``owner``'s committees can give tasks to."""
    ensure_in_scope(acting_user, owner, CHANGE)
    agency = Agency(owner=owner, name=name, kind=kind, organization=organization)
    _check_agency(agency, acting_user)
    agency.full_clean()
    agency.save()
    return agency


@transaction.atomic
def agency_update(*, acting_user, agency: Agency, **changes) -> Agency:
    ensure_in_scope(acting_user, agency, CHANGE)
    locked = Agency.objects.select_for_update().select_related("owner").get(pk=agency.pk)
    if apply_changes(locked, changes, ("name", "kind", "organization", "is_active")):
        _check_agency(locked, acting_user)
        locked.full_clean()
        locked.save()
    return locked


# --- tasks -----------------------------------------------------------------------------------


def _lock(task: AssignedTask) -> AssignedTask:
    return (
        AssignedTask.objects.select_for_update()
        .select_related("conference__committee__term__organization")
        .get(pk=task.pk)
    )


@transaction.atomic
def task_assign(
    *,
    acting_user,
    conclusion: Conclusion,
    title: str,
    agencies=(),
    due_on: date | None = None,
    expected_product: str = "",
    lead_agency: Agency | None = None,
) -> AssignedTask:
    """Giao nhiệm vụ from a conclusion to one or more agencies (the first, or ``lead_agency``,
    leads), with a due date."""
    ensure_in_scope(acting_user, conclusion, CHANGE)
    conference = conclusion.conference
    owner = conference.committee.term.organization
    title = " ".join((title or "").split())
    agencies = list(dict.fromkeys(agencies or []))
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Hãy nhập nội dung nhiệm vụ.")
    if not agencies:
        errors["agencies"] = _("Hãy chọn ít nhất một cơ quan được giao nhiệm vụ.")
    else:
        foreign = [a.name for a in agencies if a.owner_id != owner.pk]
        inactive = [a.name for a in agencies if not a.is_active]
        if foreign:
            errors["agencies"] = _("%(names)s không thuộc danh sách cơ quan của %(owner)s.") % {
                "names": ", ".join(foreign),
                "owner": owner.name,
            }
        elif inactive:
            errors["agencies"] = _("%(names)s không còn nhận giao việc.") % {
                "names": ", ".join(inactive)
            }
    if due_on is None:
        errors["due_on"] = _("Hãy nhập thời hạn hoàn thành nhiệm vụ.")
    elif due_on < conference.date:
        errors["due_on"] = _("Thời hạn phải từ ngày họp (%(date)s) trở đi.") % {
            "date": format_date(conference.date)
        }
    if lead_agency is not None and lead_agency not in agencies:
        errors["lead_agency"] = _("Cơ quan chủ trì phải nằm trong các cơ quan được giao.")
    if errors:
        raise ValidationError(errors)
    task = AssignedTask(
        conference=conference,
        conclusion=conclusion,
        title=title,
        expected_product=(expected_product or "").strip(),
        due_on=due_on,
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    task.full_clean()
    task.save()
    lead = lead_agency or agencies[0]
    for agency in agencies:
        TaskAssignment.objects.create(task=task, agency=agency, lead=agency == lead)
    _event(
        task,
        TaskEventKind.GIAO,
        actor=acting_user,
        note=_("Chủ trì: %(lead)s; thời hạn %(due)s.")
        % {"lead": lead.name, "due": format_date(due_on)},
    )
    ensure_in_scope(acting_user, task, CHANGE)
    return task


@transaction.atomic
def task_update(*, acting_user, task: AssignedTask, **changes) -> AssignedTask:
    """Edit the task's text or due date; a later due date lifts "quá hạn"."""
    ensure_in_scope(acting_user, task, CHANGE)
    locked = _lock(task)
    require(
        locked.state != TaskState.HOAN_THANH,
        "__all__",
        _("Nhiệm vụ đã hoàn thành: không sửa được."),
    )
    if "title" in changes:
        changes["title"] = " ".join((changes["title"] or "").split())
        require(bool(changes["title"]), "title", _("Hãy nhập nội dung nhiệm vụ."))
    if "due_on" in changes:
        require(
            changes["due_on"] is not None, "due_on", _("Hãy nhập thời hạn hoàn thành nhiệm vụ.")
        )
        require(
            changes["due_on"] >= locked.conference.date,
            "due_on",
            _("Thời hạn phải từ ngày họp (%(date)s) trở đi.")
            % {"date": format_date(locked.conference.date)},
        )
    old_due, old_state = locked.due_on, locked.state
    changed = apply_changes(locked, changes, ("title", "expected_product", "due_on"))
    if not changed:
        return locked
    if locked.state == TaskState.QUA_HAN and locked.due_on >= timezone.localdate():
        locked.state = TaskState.DANG_THUC_HIEN if locked.percent_done else TaskState.GIAO
    locked.full_clean()
    locked.save()
    if "due_on" in changed:
        _event(
            locked,
            TaskEventKind.GIA_HAN,
            actor=acting_user,
            from_state=old_state,
            note=_("Thời hạn: %(old)s → %(new)s.")
            % {"old": format_date(old_due), "new": format_date(locked.due_on)},
        )
    if set(changed) - {"due_on"}:
        _event(
            locked,
            TaskEventKind.SUA,
            actor=acting_user,
            from_state=locked.state,
            note=", ".join(
                str(AssignedTask._meta.get_field(name).verbose_name)
                for name in changed
                if name != "due_on"
            ),
        )
    return locked


def reportable_agencies(user, task: AssignedTask) -> list[Agency]:
    """The assigned agencies ``user`` may report progress for (see the module docstring)."""
    agencies = list(task.agencies.select_related("organization").order_by("name"))
    if can(user, CHANGE, task.conference):
        return agencies
    paths = scope_paths(user, CHANGE)
    if paths is None:
        return agencies
    return [
        agency
        for agency in agencies
        if agency.organization is not None
        and any(agency.organization.path.startswith(path) for path in paths)
    ]


@transaction.atomic
def task_report_progress(
    *,
    acting_user,
    task: AssignedTask,
    agency: Agency | None,
    reported_on: date | None,
    percent: int | None,
    note: str = "",
    attachment=None,
) -> TaskProgress:
    """Báo cáo tiến độ: 100% completes the task on the report's date."""
    ensure_in_scope(acting_user, task, VIEW)
    locked = _lock(task)
    allowed = reportable_agencies(acting_user, locked)
    if not allowed:
        raise OutOfScope(_("Bạn không có quyền báo cáo tiến độ nhiệm vụ này."))
    errors: dict[str, str] = {}
    assigned = {a.pk for a in locked.agencies.all()}
    if agency is None:
        errors["agency"] = _("Hãy chọn cơ quan báo cáo.")
    elif agency.pk not in assigned:
        errors["agency"] = _("%(name)s không được giao nhiệm vụ này.") % {"name": agency.name}
    elif agency.pk not in {a.pk for a in allowed}:
        errors["agency"] = _("Bạn chỉ báo cáo được cho cơ quan của mình.")
    if locked.state == TaskState.HOAN_THANH:
        errors["__all__"] = _("Nhiệm vụ đã hoàn thành ngày %(date)s.") % {
            "date": format_date(locked.completed_on)
        }
    today = timezone.localdate()
    if reported_on is None:
        errors["reported_on"] = _("Hãy nhập ngày báo cáo.")
    elif reported_on < locked.conference.date:
        errors["reported_on"] = _("Ngày báo cáo phải từ ngày giao (%(date)s) trở đi.") % {
            "date": format_date(locked.conference.date)
        }
    elif reported_on > today:
        errors["reported_on"] = _("Ngày báo cáo không được sau hôm nay.")
    if percent is None or not 0 <= percent <= 100:
        errors["percent"] = _("Tiến độ là một số từ 0 đến 100 (%).")
    if errors:
        raise ValidationError(errors)
    checked = check_upload(attachment, "attachment") if attachment else None
    progress = TaskProgress(
        task=locked,
        agency=agency,
        reported_on=reported_on,
        percent=percent,
        note=(note or "").strip(),
        reported_by=acting_user,
    )
    if checked is not None:
        progress.file_name, progress.file_kind, progress.file_size = (
            checked.name,
            checked.kind,
            checked.size,
        )
        attachment.seek(0)
        progress.file.save(checked.name, attachment, save=False)
    try:
        progress.full_clean()
        progress.save()
    except BaseException:
        if checked is not None:
            progress.file.delete(save=False)
        raise
    old_state = locked.state
    locked.percent_done = percent
    if percent == 100:
        locked.state, locked.completed_on = TaskState.HOAN_THANH, reported_on
    elif locked.state == TaskState.GIAO:
        locked.state = TaskState.DANG_THUC_HIEN
    locked.full_clean()
    locked.save()
    _event(
        locked,
        TaskEventKind.TIEN_DO,
        actor=acting_user,
        from_state=old_state,
        percent=percent,
        note=f"{agency.name}: {progress.note}" if progress.note else agency.name,
        progress=progress,
    )
    return progress


@transaction.atomic
def task_carry_over(
    *,
    acting_user,
    task: AssignedTask,
    to_conference: Conference,
    due_on: date | None = None,
    note: str = "",
) -> AssignedTask:
    """Chuyển tiếp: an unfinished task is followed up at a later conference of the committee."""
    ensure_in_scope(acting_user, task, CHANGE)
    locked = _lock(task)
    errors: dict[str, str] = {}
    if locked.state == TaskState.HOAN_THANH:
        errors["__all__"] = _("Nhiệm vụ đã hoàn thành: không chuyển tiếp.")
    if to_conference is None:
        errors["to_conference"] = _("Hãy chọn hội nghị chuyển đến.")
    elif (
        to_conference.committee_id != locked.conference.committee_id
        or to_conference.number <= locked.conference.number
    ):
        errors["to_conference"] = _(
            "Chỉ chuyển tiếp sang một hội nghị sau của cùng cấp ủy (sau lần thứ %(number)s)."
        ) % {"number": locked.conference.number}
    elif due_on is not None and due_on < to_conference.date:
        errors["due_on"] = _("Thời hạn mới phải từ ngày hội nghị chuyển đến trở đi.")
    if errors:
        raise ValidationError(errors)
    old_state, old_due = locked.state, locked.due_on
    locked.state, locked.carried_to = TaskState.CHUYEN_TIEP, to_conference
    if due_on is not None:
        locked.due_on = due_on
    locked.full_clean()
    locked.save()
    text = _("Chuyển sang hội nghị lần thứ %(number)s (%(date)s).") % {
        "number": to_conference.number,
        "date": format_date(to_conference.date),
    }
    if due_on is not None and due_on != old_due:
        text += " " + _("Thời hạn mới: %(date)s.") % {"date": format_date(due_on)}
    if note.strip():
        text += " " + note.strip()
    _event(locked, TaskEventKind.CHUYEN_TIEP, actor=acting_user, from_state=old_state, note=text)
    return locked


@transaction.atomic
def tasks_flag_overdue(*, today: date | None = None) -> int:
    """Move open tasks past their due date to "quá hạn" (a daily job; the system acts)."""
    today = today or timezone.localdate()
    late = AssignedTask.objects.select_for_update().filter(
        state__in=list(OVERDUE_FROM), due_on__lt=today
    )
    count = 0
    for task in late:
        old_state = task.state
        task.state = TaskState.QUA_HAN
        task.save(update_fields=["state"])
        _event(
            task,
            TaskEventKind.QUA_HAN,
            actor=None,
            from_state=old_state,
            note=_("Quá thời hạn %(date)s.") % {"date": format_date(task.due_on)},
        )
        count += 1
    return count
