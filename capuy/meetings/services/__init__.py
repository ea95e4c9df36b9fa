"""Writes: the attendance regulation, schedules, meetings, attendances and field visits.

Every function takes ``acting_user``, runs in one transaction, calls ``full_clean()`` and raises
``ValidationError`` with Vietnamese messages naming the field. Who may write is decided by
capuy.core.scoping (office and staff) and by capuy.meetings.access (the cell secretary and the
committee member himself), inside the transaction.
"""

from .attendance import (
    attendance_confirm,
    attendance_delete,
    attendance_dispute,
    attendance_record,
    field_visit_delete,
    field_visit_record,
)
from .meetings import (
    MeetingRecordError,
    meeting_cancel,
    meeting_create,
    meeting_record,
    meeting_record_held,
)
from .regulation import (
    DEFAULT_QUOTAS,
    attendance_rule_create,
    attendance_rule_delete,
    attendance_rule_update,
)
from .schedules import (
    meetings_generate,
    schedule_create,
    schedule_dates,
    schedule_delete,
    schedule_update,
)

__all__ = [
    "DEFAULT_QUOTAS",
    "MeetingRecordError",
    "attendance_confirm",
    "attendance_delete",
    "attendance_dispute",
    "attendance_record",
    "attendance_rule_create",
    "attendance_rule_delete",
    "attendance_rule_update",
    "field_visit_delete",
    "field_visit_record",
    "meeting_cancel",
    "meeting_create",
    "meeting_record",
    "meeting_record_held",
    "meetings_generate",
    "schedule_create",
    "schedule_dates",
    "schedule_delete",
    "schedule_update",
]
