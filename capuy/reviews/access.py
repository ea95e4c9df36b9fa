"""Who may record which step of a review: the finer write rules of this capability.

The roles' general rights (capuy/core/scoping.py) stay as they are; this module adds, with a
test per branch (capuy/reviews/tests/test_access.py):

* a **cell secretary** records the self-assessment and the cell's proposal for the party
  members of her own cell (and the cell's own self-assessment) — the journey-6 phone page;
* a **member** linked to a user account records his own self-assessment;
* a **decision** is taken only by the competent level: someone who may change the deciding
  organization (the immediate superior committee of the subject), or one above it, which
  may re-grade (QĐ 124 Art. 13). Someone at the subject's own level or below is refused.

Each check returns ``None`` when the step is allowed and otherwise the Vietnamese reason.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from capuy.core.scoping import CHANGE, scope_paths

from .choices import SubjectKind
from .models import Review

_SECRETARY_CACHE = "_capuy_secretary_paths"


def secretary_paths(user) -> list[str]:
    """Paths of the cells where ``user`` is cell secretary (cached on the user)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _SECRETARY_CACHE, None)
    if cached is None:
        from capuy.accounts.choices import Role
        from capuy.accounts.models import RoleGrant

        cached = list(
            RoleGrant.objects.filter(user=user, role=Role.CELL_SECRETARY).values_list(
                "organization__path", flat=True
            )
        )
        setattr(user, _SECRETARY_CACHE, cached)
    return cached


def _changes(user, path: str) -> bool:
    paths = scope_paths(user, CHANGE)
    return paths is None or any(path.startswith(p) for p in paths)


def _is_secretary_of(user, review: Review) -> bool:
    if review.subject_kind == SubjectKind.MEMBER:
        return any(review.org_path.startswith(p) for p in secretary_paths(user))
    if review.subject_kind == SubjectKind.ORGANIZATION:
        return review.org_path in secretary_paths(user)
    return False


def self_assess_refusal(user, review: Review) -> str | None:
    if _changes(user, review.org_path) or _is_secretary_of(user, review):
        return None
    if review.member_id and getattr(user, "member_id", None) == review.member_id:
        return None
    return _("Bạn không có quyền ghi tự kiểm điểm của đối tượng này.")


def propose_refusal(user, review: Review) -> str | None:
    if _changes(user, review.org_path):
        return None
    if review.subject_kind == SubjectKind.MEMBER and _is_secretary_of(user, review):
        return None
    return _("Bạn không có quyền ghi mức đề xuất cho đối tượng này.")


def decide_refusal(user, review: Review, competent_name: str = "") -> str | None:
    """The decision belongs to the committee at ``review.competent_path`` (or above it)."""
    if _changes(user, review.competent_path):
        return None
    return _(
        "Chỉ cấp có thẩm quyền (%(org)s hoặc cấp trên) mới được quyết định, mở lại xếp loại "
        "của đối tượng này."
    ) % {"org": competent_name or review.competent_path}


def exempt_refusal(user, review: Review) -> str | None:
    if _changes(user, review.org_path):
        return None
    return _("Bạn không có quyền ghi trường hợp miễn, không xếp loại cho đối tượng này.")
