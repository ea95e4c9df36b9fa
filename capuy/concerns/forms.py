"""Forms of the concern pages: the list filter and the status change."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from capuy.core.forms import BootstrapForm, VnDateField
from capuy.core.scoping import VIEW
from capuy.organizations.models import Organization

from .choices import ConcernStatus
from .models import ConcernCategory
from .selectors import CLOSED, OPEN


def visible_or_error(model, user, pk, message):
    if pk in (None, ""):
        return None
    obj = model._default_manager.visible_to(user, VIEW).filter(pk=pk).first()
    if obj is None:
        raise forms.ValidationError(message)
    return obj


class ConcernFilterForm(BootstrapForm):
    """One filter for the list, the by-agency and the by-locality pages (and their links)."""

    status = forms.ChoiceField(
        label=_("Tình trạng"),
        required=False,
        choices=[
            ("", _("Mọi tình trạng")),
            (OPEN, _("Chưa giải quyết xong")),
            (CLOSED, _("Đã xong")),
            *ConcernStatus.choices,
        ],
    )
    category = forms.ModelChoiceField(
        label=_("Lĩnh vực"),
        required=False,
        queryset=ConcernCategory.objects.all(),
        empty_label=_("Mọi lĩnh vực"),
    )
    agency = forms.CharField(label=_("Cơ quan giải quyết"), required=False, max_length=255)
    org = forms.IntegerField(label=_("Địa bàn"), required=False, widget=forms.HiddenInput)
    overdue = forms.BooleanField(label=_("Quá hạn"), required=False)
    on_spot = forms.BooleanField(label=_("Giải quyết tại chỗ"), required=False)
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=1990, max_value=2100)
    member = forms.IntegerField(required=False, widget=forms.HiddenInput)
    meeting = forms.IntegerField(required=False, widget=forms.HiddenInput)
    q = forms.CharField(label=_("Nội dung"), required=False, max_length=100)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_org(self):
        return visible_or_error(
            Organization,
            self.user,
            self.cleaned_data.get("org"),
            _("Địa bàn không có hoặc ngoài phạm vi của bạn."),
        )

    def clean_member(self):
        from capuy.members.models import Member

        return visible_or_error(
            Member,
            self.user,
            self.cleaned_data.get("member"),
            _("Cấp ủy viên không có hoặc ngoài phạm vi của bạn."),
        )

    def clean_meeting(self):
        from capuy.meetings.models import CellMeeting

        return visible_or_error(
            CellMeeting,
            self.user,
            self.cleaned_data.get("meeting"),
            _("Buổi sinh hoạt không có hoặc ngoài phạm vi của bạn."),
        )

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "status": data.get("status") or "",
            "category": data.get("category"),
            "agency": (data.get("agency") or "").strip(),
            "org": data.get("org"),
            "overdue": bool(data.get("overdue")),
            "on_spot": bool(data.get("on_spot")),
            "year": data.get("year"),
            "received_by": data.get("member"),
            "meeting": data.get("meeting"),
            "q": (data.get("q") or "").strip(),
        }

    def params(self, **override) -> dict:
        """The filter as query parameters (for links that keep it)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        values = {
            "status": data.get("status") or "",
            "category": data["category"].pk if data.get("category") else "",
            "agency": data.get("agency") or "",
            "org": data["org"].pk if data.get("org") else "",
            "overdue": "on" if data.get("overdue") else "",
            "on_spot": "on" if data.get("on_spot") else "",
            "year": data.get("year") or "",
            "q": data.get("q") or "",
        }
        values.update(override)
        return {key: value for key, value in values.items() if value not in ("", None)}


class ConcernTransitionForm(BootstrapForm):
    to_status = forms.ChoiceField(label=_("Chuyển sang tình trạng"))
    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Khi mở lại: ý kiến chi bộ phản ánh vì sao chưa được giải quyết."),
    )
    answer = forms.CharField(
        label=_("Nội dung trả lời / kết quả giải quyết"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    agency = forms.CharField(
        label=_("Cơ quan được chuyển / nơi hướng dẫn đến"), required=False, max_length=255
    )
    due_on = VnDateField(label=_("Hạn giải quyết"), required=False)
    resolved_on = VnDateField(label=_("Ngày giải quyết"), required=False)

    def __init__(self, *args, statuses: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(ConcernStatus.choices)
        self.fields["to_status"].choices = [(s, labels[s]) for s in statuses]

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "to_status": data["to_status"],
            "note": data.get("note") or "",
            "answer": data.get("answer") or "",
            "agency": data.get("agency") or "",
            "due_on": data.get("due_on"),
            "resolved_on": data.get("resolved_on"),
        }
