"""Forms of the conference and task pages. They parse input; the services decide what is valid
(so "no agency" or "no due date" get the same message on a page and through the API)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from capuy.core.forms import BootstrapForm, VnDateField

from .choices import AgencyKind, ConferenceKind, Session, TaskState
from .uploads import ACCEPTED

ACCEPT_ATTR = ",".join(f".{ext}" for ext in ACCEPTED)


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class MemberMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class ConferenceForm(BootstrapForm):
    number = forms.IntegerField(label=_("Lần thứ"), min_value=1, max_value=999)
    kind = forms.ChoiceField(
        label=_("Loại hội nghị"), choices=ConferenceKind.choices, initial=ConferenceKind.THUONG_KY
    )
    date = VnDateField(label=_("Ngày họp"))
    session = forms.ChoiceField(label=_("Buổi"), choices=Session.choices)
    place = forms.CharField(label=_("Địa điểm"), max_length=255)
    chairs = MemberMultipleChoiceField(
        label=_("Chủ trì"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Giữ Ctrl để chọn nhiều người."),
    )
    number_gap_reason = forms.CharField(
        label=_("Lý do số thứ tự không liền mạch"),
        required=False,
        max_length=500,
        help_text=_("Chỉ cần khi bỏ qua số, ví dụ các hội nghị trước chưa nhập vào capuy."),
    )
    minutes_taker = forms.CharField(label=_("Thư ký hội nghị"), required=False, max_length=120)
    notice_number = forms.CharField(label=_("Số thông báo kết luận"), required=False, max_length=50)
    quorum_numerator = forms.IntegerField(
        label=_("Tỷ lệ tham dự tối thiểu: tử số"), min_value=1, initial=2
    )
    quorum_denominator = forms.IntegerField(label=_("mẫu số"), min_value=1, initial=3)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chairs"].queryset = members


class GuestForm(BootstrapForm):
    name = forms.CharField(label=_("Họ và tên khách mời"), max_length=120)
    title = forms.CharField(label=_("Chức danh, đơn vị"), max_length=255, required=False)


class AgendaItemForm(BootstrapForm):
    title = forms.CharField(label=_("Nội dung"), max_length=500)
    parent = forms.ModelChoiceField(
        label=_("Thuộc nội dung"),
        queryset=None,
        required=False,
        empty_label=_("— nội dung chính —"),
    )
    presenter = MemberChoiceField(
        label=_("Người trình bày"), queryset=None, required=False, empty_label=_("— không ghi —")
    )
    presenter_title = forms.CharField(
        label=_("Chức vụ người trình bày"),
        max_length=255,
        required=False,
        help_text=_("Ví dụ: Trưởng Ban Tổ chức Tỉnh ủy"),
    )
    discussion = forms.CharField(
        label=_("Tóm tắt thảo luận"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, items, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = items
        self.fields["presenter"].queryset = members


class DocumentForm(BootstrapForm):
    file = forms.FileField(
        label=_("Tài liệu trình bày"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTR}),
        help_text=_("PDF, Word (.docx, .doc), Excel (.xlsx) hoặc .odt; tối đa 20 MB."),
    )


class ConferenceConclusionForm(BootstrapForm):
    conclusion = forms.CharField(
        label=_("Kết luận của hội nghị"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Phần mở đầu, chung cho cả hội nghị; các điểm kết luận ghi riêng bên dưới."),
    )


class ConclusionForm(BootstrapForm):
    text = forms.CharField(
        label=_("Nội dung kết luận"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    agenda_item = forms.ModelChoiceField(
        label=_("Về nội dung"),
        queryset=None,
        required=False,
        empty_label=_("— chung cho hội nghị —"),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = items


class TaskForm(BootstrapForm):
    title = forms.CharField(label=_("Nhiệm vụ"), max_length=500, required=False)
    agencies = forms.ModelMultipleChoiceField(
        label=_("Cơ quan được giao"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    lead_agency = forms.ModelChoiceField(
        label=_("Cơ quan chủ trì"),
        queryset=None,
        required=False,
        empty_label=_("— cơ quan đầu tiên được chọn —"),
    )
    due_on = VnDateField(label=_("Thời hạn"), required=False)
    expected_product = forms.CharField(label=_("Sản phẩm"), max_length=500, required=False)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = agencies
        self.fields["lead_agency"].queryset = agencies


class TaskEditForm(BootstrapForm):
    title = forms.CharField(label=_("Nhiệm vụ"), max_length=500)
    expected_product = forms.CharField(label=_("Sản phẩm"), max_length=500, required=False)
    due_on = VnDateField(label=_("Thời hạn"))


class ProgressForm(BootstrapForm):
    agency = forms.ModelChoiceField(label=_("Cơ quan báo cáo"), queryset=None, required=False)
    reported_on = VnDateField(label=_("Ngày báo cáo"), required=False)
    percent = forms.IntegerField(
        label=_("Tiến độ (%)"),
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}),
    )
    note = forms.CharField(
        label=_("Nội dung báo cáo"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachment = forms.FileField(
        label=_("Tệp đính kèm"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTR}),
        help_text=_("Không bắt buộc. PDF, Word, Excel hoặc .odt; tối đa 20 MB."),
    )

    def __init__(self, *args, agencies, **kwargs):
        kwargs.setdefault("initial", {"reported_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        if agencies.count() == 1:
            self.fields["agency"].initial = agencies.first().pk
            self.fields["agency"].empty_label = None


class CarryOverForm(BootstrapForm):
    to_conference = forms.ModelChoiceField(
        label=_("Chuyển sang hội nghị"), queryset=None, required=False
    )
    due_on = VnDateField(label=_("Thời hạn mới"), required=False)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=500)

    def __init__(self, *args, conferences, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_conference"].queryset = conferences
        self.fields["to_conference"].label_from_instance = lambda c: (
            _("Lần thứ %(number)s — %(date)s")
            % {"number": c.number, "date": c.date.strftime("%d/%m/%Y")}
        )


class AgencyForm(BootstrapForm):
    name = forms.CharField(label=_("Tên cơ quan"), max_length=200)
    kind = forms.ChoiceField(label=_("Loại"), choices=AgencyKind.choices)
    organization_code = forms.CharField(
        label=_("Mã tổ chức đảng của cơ quan"),
        required=False,
        max_length=40,
        help_text=_(
            "Không bắt buộc. Người có vai trò tại tổ chức này thấy và báo cáo nhiệm vụ của cơ quan."
        ),
    )


class TaskFilterForm(forms.Form):
    agency = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    state = forms.ChoiceField(
        label=_("Tình trạng"),
        required=False,
        choices=[("", _("Tất cả"))] + list(TaskState.choices),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    overdue = forms.BooleanField(
        label=_("Chỉ nhiệm vụ quá hạn"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def values(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "agency": data.get("agency") or None,
            "state": data.get("state") or "",
            "overdue": bool(data.get("overdue")),
        }
