"""Forms of the meetings pages. They parse input; the services decide."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from capuy.core.forms import BootstrapForm, VnDateField
from capuy.organizations.choices import SeatLevel

from .choices import AttendanceRole, Confirmation, MeetingKind, MeetingStatus

QUOTA_LEVELS = [SeatLevel.TINH, SeatLevel.HUYEN, SeatLevel.XA, SeatLevel.CO_SO]


class RuleForm(BootstrapForm):
    number = forms.CharField(label=_("Số, ký hiệu"), max_length=50, help_text=_("Ví dụ: 01-QĐ/TU"))
    title = forms.CharField(label=_("Trích yếu"), max_length=500)
    issued_on = VnDateField(label=_("Ngày ban hành"))
    issuing_body = forms.CharField(
        label=_("Cơ quan ban hành"), max_length=200, initial=_("Ban Thường vụ Tỉnh ủy")
    )
    effective_from = VnDateField(label=_("Hiệu lực từ"))
    effective_to = VnDateField(label=_("Hiệu lực đến"), required=False)
    must_attend_outside_own_cell = forms.BooleanField(
        label=_("Cấp ủy viên phải dự sinh hoạt ở chi bộ khác chi bộ mình sinh hoạt"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for level in QUOTA_LEVELS:
            label = SeatLevel(level).label
            self.fields[f"quota_{level}"] = forms.IntegerField(
                label=_("Cấp %(level)s: số lượt dự tối thiểu/năm") % {"level": label},
                min_value=0,
                max_value=366,
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "form-control"}),
            )
            self.fields[f"days_{level}"] = forms.IntegerField(
                label=_("Cấp %(level)s: số ngày công tác cơ sở tối thiểu/năm") % {"level": label},
                min_value=0,
                max_value=366,
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "form-control"}),
            )

    def quota_fields(self):
        return [(self[f"quota_{level}"], self[f"days_{level}"]) for level in QUOTA_LEVELS]

    def values(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith(("quota_", "days_"))}
        data["quotas"] = {
            level: (
                (self.cleaned_data[f"quota_{level}"], self.cleaned_data[f"days_{level}"] or 0)
                if self.cleaned_data[f"quota_{level}"] is not None
                else None
            )
            for level in QUOTA_LEVELS
        }
        return data


class ScheduleForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Loại"), choices=MeetingKind.choices)
    day_of_month = forms.IntegerField(
        label=_("Ngày trong tháng"),
        min_value=1,
        max_value=31,
        help_text=_("Tháng ít ngày hơn thì họp vào ngày cuối tháng."),
    )
    every_months = forms.IntegerField(label=_("Mỗi (tháng)"), min_value=1, max_value=12, initial=1)
    starts_on = VnDateField(label=_("Từ ngày"))
    ends_on = VnDateField(label=_("Đến ngày"), required=False)
    place = forms.CharField(label=_("Địa điểm"), max_length=255, required=False)


class MeetingCreateForm(BootstrapForm):
    date = VnDateField(label=_("Ngày"))
    kind = forms.ChoiceField(label=_("Loại"), choices=MeetingKind.choices)
    place = forms.CharField(label=_("Địa điểm"), max_length=255, required=False)
    topics = forms.CharField(
        label=_("Nội dung"), required=False, widget=forms.Textarea({"rows": 3})
    )


class MeetingRecordForm(BootstrapForm):
    """The meeting part of the one-screen record."""

    date = VnDateField(label=_("Ngày họp"))
    place = forms.CharField(label=_("Địa điểm"), max_length=255, required=False)
    topics = forms.CharField(
        label=_("Nội dung sinh hoạt"), required=False, widget=forms.Textarea({"rows": 2})
    )


INITIAL_HANDLING = [
    ("moi", _("Tiếp nhận, sẽ xem xét")),
    ("tai_cho", _("Giải quyết tại chỗ")),
    ("huong_dan", _("Hướng dẫn, giải thích")),
    ("chuyen", _("Chuyển cơ quan chức năng")),
    ("ngoai_tq", _("Không thuộc thẩm quyền")),
]


class ConcernEntryForm(BootstrapForm):
    """One concern raised at the meeting (prefix ``c-<i>``)."""

    category = forms.ModelChoiceField(label=_("Lĩnh vực"), queryset=None, empty_label=None)
    summary = forms.CharField(
        label=_("Nội dung kiến nghị"), widget=forms.Textarea({"rows": 2}), max_length=4000
    )
    status = forms.ChoiceField(label=_("Xử lý"), choices=INITIAL_HANDLING, initial="moi")
    answer = forms.CharField(
        label=_("Trả lời, hướng dẫn đã đưa ra"),
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )
    agency = forms.CharField(
        label=_("Cơ quan được chuyển đến"),
        required=False,
        max_length=255,
        widget=forms.TextInput({"list": "agency-suggestions"}),
    )
    due_on = VnDateField(label=_("Hạn giải quyết"), required=False)
    received_by = forms.TypedChoiceField(
        label=_("Cấp ủy viên tiếp nhận"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, received_choices=(), **kwargs):
        from capuy.concerns.models import ConcernCategory

        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ConcernCategory.objects.filter(active=True)
        self.fields["received_by"].choices = [("", _("— chưa rõ —")), *received_choices]
        self.fields["received_by"].widget.attrs["data-received-by"] = ""


class DisputeForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Lý do không xác nhận"), max_length=500, widget=forms.Textarea({"rows": 3})
    )


class FieldVisitForm(BootstrapForm):
    member = forms.TypedChoiceField(label=_("Cấp ủy viên"), coerce=int)
    date = VnDateField(label=_("Ngày"))
    days = forms.DecimalField(
        label=_("Số ngày"), min_value=0.5, max_value=60, decimal_places=1, initial=1
    )
    purpose = forms.CharField(label=_("Mục đích, nội dung"), max_length=500)

    def __init__(self, *args, holders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [
            (row["member"].pk, f"{row['member'].full_name} — {row['label']}") for row in holders
        ]


def _this_year() -> int:
    return timezone.localdate().year


class ImportForm(BootstrapForm):
    file = forms.FileField(
        label=_("Tệp Excel (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,.xls,.ods,application/vnd.ms-excel"}
        ),
    )
    period_from = VnDateField(label=_("Kỳ nhập: từ ngày"))
    period_to = VnDateField(label=_("đến ngày"))

    def __init__(self, *args, **kwargs):
        year = _this_year()
        kwargs.setdefault(
            "initial", {"period_from": date(year, 1, 1), "period_to": date(year, 12, 31)}
        )
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and end < start:
            self.add_error("period_to", _("Ngày kết thúc kỳ phải sau ngày bắt đầu."))
        return data


class MeetingFilterForm(forms.Form):
    org = forms.IntegerField(required=False)
    status = forms.ChoiceField(
        required=False, choices=[("", _("Mọi tình trạng")), *MeetingStatus.choices]
    )
    year = forms.IntegerField(required=False, min_value=1945, max_value=2100)
    month = forms.IntegerField(required=False, min_value=1, max_value=12)


class AttendanceFilterForm(forms.Form):
    org = forms.IntegerField(required=False)
    year = forms.IntegerField(required=False, min_value=1945, max_value=2100)
    level = forms.ChoiceField(required=False, choices=[("", _("Mọi cấp")), *SeatLevel.choices])
    confirmation = forms.ChoiceField(
        required=False, choices=[("", _("Mọi trạng thái")), *Confirmation.choices]
    )


ROLE_CHOICES = AttendanceRole.choices
