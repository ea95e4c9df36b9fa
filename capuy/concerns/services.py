"""Write operations on concerns (tâm tư, nguyện vọng, kiến nghị) raised at cell meetings.

Each write is atomic, checks who may make it, and appends a ``ConcernEvent`` (who, when, from
which status to which, note), so the timeline is the concern's history.

Who may write (explicit, tested; ROLE_ACTIONS is not widened):
- a role that may change the cell's subtree (admin, office, committee staff): everything;
- the cell secretary of the meeting's cell (her grant covers the cell): raise concerns at her
  cell's meetings, and reopen one when the cell reports it is not actually resolved;
- the committee member who received the concern (``user.member``): raise it at a meeting he
  attended and move it along its lifecycle.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from capuy.accounts.choices import Role
from capuy.core.scoping import CHANGE, VIEW, OutOfScope, scope_paths
from capuy.core.services import require
from capuy.core.vntext import format_date, nfc

from .choices import (
    CLOSED_STATUSES,
    RAISE_STATUSES,
    TRANSITIONS,
    ConcernStatus,
)
from .models import Concern, ConcernCategory, ConcernEvent


def _today() -> date:
    return timezone.localdate()


def _label(status: str) -> str:
    return str(ConcernStatus(status).label)


def _covers(paths: list[str] | None, path: str) -> bool:
    return paths is None or any(path.startswith(prefix) for prefix in paths)


def may_change_cell(user, cell_path: str) -> bool:
    """A role that may change data in the subtree holding the cell."""
    return _covers(scope_paths(user, CHANGE), cell_path)


def is_cell_secretary_of(user, cell_path: str) -> bool:
    """The user is a cell secretary whose grant covers the cell (her own cell)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    from capuy.accounts.models import RoleGrant

    grants = RoleGrant.objects.filter(user=user, role=Role.CELL_SECRETARY).values_list(
        "organization__path", flat=True
    )
    return any(cell_path.startswith(path) for path in grants)


def _is_receiver(user, member_id: int | None) -> bool:
    return bool(member_id) and getattr(user, "member_id", None) == member_id


def _can_see(user, cell_path: str) -> bool:
    return _covers(scope_paths(user, VIEW), cell_path)


def _clean_text(value: str) -> str:
    return nfc(value or "").strip()


def _check_handling(
    status: str, *, answer: str, agency: str, due_on: date | None, since: date
) -> None:
    """What each status needs: an answer, an agency, a due date."""
    if status in (ConcernStatus.GIAI_QUYET_TAI_CHO, ConcernStatus.HUONG_DAN):
        require(
            bool(answer),
            "answer",
            _("«%(status)s» phải ghi nội dung đã trả lời, hướng dẫn.") % {"status": _label(status)},
        )
    if status == ConcernStatus.CHUYEN_CO_QUAN:
        require(bool(agency), "agency", _("Chuyển cơ quan chức năng phải ghi tên cơ quan."))
        require(due_on is not None, "due_on", _("Chuyển cơ quan chức năng phải có hạn giải quyết."))
        require(
            due_on >= since,
            "due_on",
            _("Hạn giải quyết phải từ ngày %(day)s trở đi.") % {"day": format_date(since)},
        )
    if status == ConcernStatus.KHONG_THAM_QUYEN:
        require(
            bool(agency),
            "agency",
            _("Không thuộc thẩm quyền: phải ghi nơi đã hướng dẫn chuyển đến."),
        )


@transaction.atomic
def concern_raise(
    *,
    acting_user,
    meeting,
    category: ConcernCategory,
    summary: str,
    received_by=None,
    status: str = ConcernStatus.MOI,
    answer: str = "",
    agency: str = "",
    due_on: date | None = None,
) -> Concern:
    """Record a concern raised at ``meeting`` (a row, never attributed to a named citizen).

    ``status`` may already be the handling given at the meeting: resolved on the spot (with
    the ``answer``), explained, forwarded to ``agency`` by ``due_on``, not within competence.
    """
    from capuy.meetings.choices import AttendanceStatus, MeetingStatus
    from capuy.meetings.models import Attendance, CellMeeting

    meeting = CellMeeting.objects.select_related("cell").get(pk=meeting.pk)
    cell_path = meeting.cell.path
    member_id = getattr(received_by, "pk", received_by)
    if not _can_see(acting_user, cell_path):
        raise OutOfScope()
    if not (
        may_change_cell(acting_user, cell_path)
        or is_cell_secretary_of(acting_user, cell_path)
        or _is_receiver(acting_user, member_id)
    ):
        raise OutOfScope(_("Bạn không có quyền ghi kiến nghị cho chi bộ này."))

    summary, answer, agency = _clean_text(summary), _clean_text(answer), _clean_text(agency)
    require(
        meeting.status != MeetingStatus.CANCELLED,
        "meeting",
        _("Buổi sinh hoạt ngày %(day)s đã hoãn/hủy: không ghi kiến nghị.")
        % {"day": format_date(meeting.date)},
    )
    require(
        meeting.date <= _today(),
        "meeting",
        _("Buổi sinh hoạt ngày %(day)s chưa diễn ra: chưa thể ghi kiến nghị.")
        % {"day": format_date(meeting.date)},
    )
    require(bool(summary), "summary", _("Hãy ghi nội dung kiến nghị."))
    category = ConcernCategory.objects.filter(pk=getattr(category, "pk", category)).first()
    require(
        category is not None and category.active,
        "category",
        _("Lĩnh vực không có hoặc đã ngừng sử dụng."),
    )
    require(
        status in RAISE_STATUSES,
        "status",
        _("Khi tiếp nhận, kiến nghị chỉ có thể ở tình trạng: %(allowed)s.")
        % {
            "allowed": ", ".join(
                f"«{_label(s)}»" for s in ConcernStatus.values if s in RAISE_STATUSES
            )
        },
    )
    _check_handling(status, answer=answer, agency=agency, due_on=due_on, since=meeting.date)
    if member_id:
        attended = Attendance.objects.filter(
            meeting=meeting, member_id=member_id, status=AttendanceStatus.RECORDED
        ).exists()
        require(
            attended,
            "received_by",
            _("Người tiếp nhận phải là cấp ủy viên đã dự buổi sinh hoạt ngày %(day)s.")
            % {"day": format_date(meeting.date)},
        )

    concern = Concern(
        meeting=meeting,
        cell_path=cell_path,
        raised_on=meeting.date,
        received_by_id=member_id or None,
        category=category,
        summary=summary,
        status=status,
        answer=answer,
        agency=agency,
        due_on=due_on,
        resolved_on=meeting.date if status in CLOSED_STATUSES else None,
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    concern.full_clean()
    concern.save()
    ConcernEvent.objects.create(
        concern=concern,
        by=concern.created_by,
        from_status="",
        to_status=status,
        note=_("Tiếp nhận tại buổi sinh hoạt chi bộ ngày %(day)s.")
        % {"day": format_date(meeting.date)},
    )
    return concern


def allowed_next(status: str) -> list[str]:
    """The statuses that may follow ``status``, in the order of ``ConcernStatus``."""
    nexts = TRANSITIONS.get(status, frozenset())
    return [value for value in ConcernStatus.values if value in nexts]


def is_reopen(from_status: str, to_status: str) -> bool:
    return from_status in CLOSED_STATUSES and to_status == ConcernStatus.DANG_GIAI_QUYET


def may_transition(user, concern: Concern, to_status: str | None = None) -> bool:
    """Whether ``user`` may move ``concern`` (to ``to_status``, or to anything when None)."""
    if not _can_see(user, concern.cell_path):
        return False
    if may_change_cell(user, concern.cell_path) or _is_receiver(user, concern.received_by_id):
        return True
    if is_cell_secretary_of(user, concern.cell_path):
        reopen = ConcernStatus.DANG_GIAI_QUYET
        if to_status is None:
            return concern.status in CLOSED_STATUSES
        return is_reopen(concern.status, to_status) and to_status == reopen
    return False


@transaction.atomic
def concern_transition(
    *,
    acting_user,
    concern: Concern,
    to_status: str,
    note: str = "",
    answer: str = "",
    agency: str = "",
    due_on: date | None = None,
    resolved_on: date | None = None,
) -> Concern:
    """Move a concern one step along its lifecycle (``TRANSITIONS``); a skip is refused.

    Reopening (a closed concern back to "đang giải quyết", when the cell reports it is not
    actually resolved) needs a note saying so, and clears the resolution date.
    """
    locked = Concern.objects.select_for_update().get(pk=concern.pk)
    if not _can_see(acting_user, locked.cell_path):
        raise OutOfScope()
    note, answer, agency = _clean_text(note), _clean_text(answer), _clean_text(agency)
    from_status = locked.status
    require(
        to_status in ConcernStatus.values,
        "to_status",
        _("Tình trạng «%(status)s» không hợp lệ.") % {"status": to_status},
    )
    require(
        to_status != from_status,
        "to_status",
        _("Kiến nghị đang ở tình trạng «%(status)s».") % {"status": _label(from_status)},
    )
    if to_status not in TRANSITIONS.get(from_status, frozenset()):
        nexts = allowed_next(from_status)
        raise ValidationError(
            {
                "to_status": _(
                    "Không thể chuyển kiến nghị từ «%(from)s» sang «%(to)s»: từ «%(from)s» chỉ "
                    "có thể chuyển sang %(allowed)s."
                )
                % {
                    "from": _label(from_status),
                    "to": _label(to_status),
                    "allowed": ", ".join(f"«{_label(s)}»" for s in nexts) or "—",
                }
            }
        )
    if not may_transition(acting_user, locked, to_status):
        raise OutOfScope(_("Bạn không có quyền chuyển tình trạng kiến nghị này."))

    today = _today()
    reopening = is_reopen(from_status, to_status)
    if reopening:
        require(
            bool(note),
            "note",
            _("Mở lại kiến nghị phải ghi ý kiến của chi bộ (vì sao chưa được giải quyết)."),
        )
    _check_handling(
        to_status,
        answer=answer or locked.answer,
        # forwarding names the agency it goes to now, not one from an earlier step
        agency=agency if to_status == ConcernStatus.CHUYEN_CO_QUAN else agency or locked.agency,
        due_on=due_on,
        since=locked.raised_on,
    )
    if to_status == ConcernStatus.DA_GIAI_QUYET:
        require(
            bool(answer or note),
            "answer",
            _("Đã giải quyết: hãy ghi kết quả giải quyết."),
        )
        resolved_on = resolved_on or today
        require(
            locked.raised_on <= resolved_on <= today,
            "resolved_on",
            _("Ngày giải quyết phải từ %(start)s đến hôm nay.")
            % {"start": format_date(locked.raised_on)},
        )
        locked.resolved_on = resolved_on
    elif to_status in CLOSED_STATUSES:
        locked.resolved_on = resolved_on or today
    else:
        locked.resolved_on = None

    if answer:
        locked.answer = answer
    if agency:
        locked.agency = agency
    if due_on is not None:
        locked.due_on = due_on
    locked.status = to_status
    locked.full_clean()
    locked.save()
    ConcernEvent.objects.create(
        concern=locked,
        by=acting_user if getattr(acting_user, "pk", None) else None,
        from_status=from_status,
        to_status=to_status,
        note=note or answer,
    )
    return locked


def concern_reopen(*, acting_user, concern: Concern, note: str) -> Concern:
    """The cell reports that a closed concern is not actually resolved: back to handling."""
    return concern_transition(
        acting_user=acting_user,
        concern=concern,
        to_status=ConcernStatus.DANG_GIAI_QUYET,
        note=note,
    )


def ensure_default_categories() -> list[ConcernCategory]:
    """The default lĩnh vực (also created by migration 0003), for databases emptied since."""
    from .choices import DEFAULT_CATEGORIES

    return [
        ConcernCategory.objects.get_or_create(code=code, defaults={"name": name, "order": order})[0]
        for order, (code, name) in enumerate(DEFAULT_CATEGORIES, start=1)
    ]
