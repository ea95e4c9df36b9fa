"""What the meetings services share: today, the no-future rule, locking, cell checks."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from capuy.core.services import require
from capuy.core.vntext import format_date
from capuy.organizations.choices import CELL_KINDS

from ..models import CellMeeting


def today() -> date:
    return timezone.localdate()


def not_in_future(day: date, field_name: str = "date") -> None:
    require(
        day <= today(),
        field_name,
        _("Ngày %(day)s chưa tới: không thể ghi nhận việc chưa diễn ra.")
        % {"day": format_date(day)},
    )


def ensure_cell(cell) -> None:
    require(cell.kind in CELL_KINDS, "cell", _("%(o)s không phải là chi bộ.") % {"o": cell.name})


def lock_meeting(meeting: CellMeeting) -> CellMeeting:
    return CellMeeting.objects.select_for_update().select_related("cell").get(pk=meeting.pk)
