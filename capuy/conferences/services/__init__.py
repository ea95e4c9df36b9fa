"""Every write on conferences and their tasks: keyword-only, ``acting_user``, atomic, scoped.

Split by sub-domain: the conference and its attendance (``conferences``), its agenda,
documents and conclusions (``agenda``), agencies and tasks (``tasks``).
"""

from .agenda import (
    agenda_document_add,
    agenda_document_remove,
    agenda_item_create,
    agenda_item_update,
    conclusion_create,
    conclusion_update,
)
from .conferences import (
    attendance_record,
    attendance_record_many,
    attendance_sync,
    attendance_update,
    conference_create,
    conference_update,
    guest_add,
    guest_remove,
)
from .tasks import (
    agency_create,
    agency_update,
    reportable_agencies,
    task_assign,
    task_carry_over,
    task_report_progress,
    task_update,
    tasks_flag_overdue,
)

__all__ = [
    "agency_create",
    "agency_update",
    "agenda_document_add",
    "agenda_document_remove",
    "agenda_item_create",
    "agenda_item_update",
    "attendance_record",
    "attendance_record_many",
    "attendance_sync",
    "attendance_update",
    "conclusion_create",
    "conclusion_update",
    "conference_create",
    "conference_update",
    "guest_add",
    "guest_remove",
    "reportable_agencies",
    "task_assign",
    "task_carry_over",
    "task_report_progress",
    "task_update",
    "tasks_flag_overdue",
]
