"""Who may record what about a cell's meetings: the finer write rules of this capability.

The general rule (capuy.core.scoping) lets office and committee staff change their subtree and
everyone else only read. Recording a cell's life needs three more, each explicit here and tested
in tests/test_access.py, never by widening ``ROLE_ACTIONS``:

* the **cell secretary** (a ``cell_secretary`` grant whose organization covers the cell) runs
  her cell's meetings and records who attended; she alone confirms or disputes an attendance;
* the **committee member himself** (``user.member``) records his own attendance at a meeting
  he can see, and his own field visits; it waits for the cell's confirmation.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from capuy.accounts.choices import Role
from capuy.core.scoping import CHANGE, VIEW, scope_paths

from .choices import EnteredBy


def _covers(paths: list[str] | None, path: str) -> bool:
    return paths is None or any(path.startswith(p) for p in paths)


def may_change(user, organization) -> bool:
    """Office or committee staff whose subtree holds ``organization`` (or a superuser)."""
    return _covers(scope_paths(user, CHANGE), organization.path)


def may_view(user, organization) -> bool:
    return _covers(scope_paths(user, VIEW), organization.path)


def secretary_paths(user) -> list[str]:
    """Paths of the organizations where ``user`` holds the cell secretary role (cached)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_capuy_secretary_paths", None)
    if cached is None:
        from capuy.accounts.models import RoleGrant

        cached = list(
            RoleGrant.objects.filter(user=user, role=Role.CELL_SECRETARY).values_list(
                "organization__path", flat=True
            )
        )
        user._capuy_secretary_paths = cached
    return cached


def is_cell_secretary_of(user, organization) -> bool:
    """A cell_secretary grant at ``organization`` or above it (the grant covers the cell)."""
    return any(organization.path.startswith(p) for p in secretary_paths(user))


def may_run_cell(user, cell) -> bool:
    """Create meetings and schedules of ``cell``, mark them held, record attendees."""
    return may_change(user, cell) or is_cell_secretary_of(user, cell)


def ensure_may_run_cell(user, cell) -> None:
    if not may_run_cell(user, cell):
        raise PermissionDenied(
            _("Chỉ văn phòng cấp ủy hoặc bí thư chi bộ mới ghi nhận được sinh hoạt của %(cell)s.")
            % {"cell": cell.name}
        )


def recording_capacity(user, organization, member=None) -> str | None:
    """In which capacity ``user`` may record ``member`` at ``organization``, if any.

    The cell secretary first (her entries are confirmed at once), then office/staff, then the
    committee member recording himself at a place he can see.
    """
    if getattr(user, "is_superuser", False):
        return EnteredBy.OFFICE
    if is_cell_secretary_of(user, organization):
        return EnteredBy.SECRETARY
    if may_change(user, organization):
        return EnteredBy.OFFICE
    if (
        member is not None
        and getattr(user, "member_id", None) == member.pk
        and may_view(user, organization)
    ):
        return EnteredBy.MEMBER
    return None


def may_confirm(user, cell) -> bool:
    """Confirming an attendance is the cell's word: its secretary (or a superuser)."""
    return getattr(user, "is_superuser", False) or is_cell_secretary_of(user, cell)
