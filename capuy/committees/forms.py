"""Forms for terms, committees and seats. They parse input; the services decide what is valid."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from capuy.members.models import Member
from capuy.organizations.forms import BootstrapForm, VnDateField

from .choices import CommitteeKind, SeatRole


class CommitteeFilterForm(forms.Form):
    """Query-string parameters of the committee list (all optional)."""

    CURRENT, ALL = "current", "all"

    q = forms.CharField(
        label=_("Tổ chức"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "class": "form-control", "placeholder": _("Tên hoặc mã…")}
        ),
    )
    term = forms.ChoiceField(
        label=_("Nhiệm kỳ"),
        required=False,
        choices=[(CURRENT, _("Đương nhiệm")), (ALL, _("Tất cả"))],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    org = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def values(self) -> dict:
        """The cleaned parameters; invalid ones fall back to their defaults."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": data.get("q") or "",
            "current_only": (data.get("term") or self.CURRENT) == self.CURRENT,
            "org": data.get("org") or None,
        }


class TermForm(BootstrapForm):
    name = forms.CharField(label=_("Khóa"), max_length=20, help_text=_("Ví dụ: XIX"))
    start_on = VnDateField(label=_("Bắt đầu"))
    end_on = VnDateField(label=_("Kết thúc"), required=False)


class CommitteeForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Loại cấp ủy"), choices=CommitteeKind.choices)


class SeatForm(BootstrapForm):
    """A seat on a committee. ``member`` comes from the live picker as a radio button value."""

    member = forms.IntegerField(
        label=_("Đảng viên"),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Hãy tìm và chọn một đảng viên."),
            "invalid": _("Hãy tìm và chọn một đảng viên."),
        },
    )
    role = forms.ChoiceField(label=_("Chức vụ"), choices=SeatRole.choices)
    start_on = VnDateField(label=_("Từ ngày"))
    end_on = VnDateField(
        label=_("Đến ngày"),
        required=False,
        help_text=_("Để trống khi đang giữ chức vụ."),
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=255)

    def __init__(self, *args, members, **kwargs):
        self.members = members
        super().__init__(*args, **kwargs)

    def clean_member(self):
        member = self.members.select_related("cell").filter(pk=self.cleaned_data["member"]).first()
        if member is None:
            raise forms.ValidationError(_("Không tìm thấy đảng viên này trong phạm vi của bạn."))
        return member

    def selected_member(self) -> Member | None:
        """The member picked before a failed submit, so the picker shows it still chosen."""
        if not self.is_bound or not self.is_valid() and "member" in self.errors:
            return None
        member = self.cleaned_data.get("member")
        return member if isinstance(member, Member) else None


class SeatEndForm(BootstrapForm):
    end_on = VnDateField(label=_("Thôi giữ chức vụ từ ngày"))
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=255)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"end_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
