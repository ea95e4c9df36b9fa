"""Input forms for members. They only parse and check the shape of input; every rule that
touches the database lives in ``services.py`` and comes back as a ValidationError that
``add_service_errors`` places next to the field it names."""

from django import forms
from django.utils.translation import gettext_lazy as _

from capuy.core.forms import BootstrapForm, VnDateField, add_service_errors  # noqa: F401
from capuy.core.scoping import CHANGE
from capuy.organizations.models import Organization

from .choices import Gender, MemberStatus


class MemberForm(BootstrapForm):
    ho = forms.CharField(label=_("Họ"), max_length=50)
    ten_dem = forms.CharField(label=_("Tên đệm"), max_length=80, required=False)
    ten = forms.CharField(label=_("Tên"), max_length=50)
    birth_date = VnDateField(label=_("Ngày sinh"))
    gender = forms.ChoiceField(
        label=_("Giới tính"), choices=Gender.choices, widget=forms.RadioSelect
    )
    card_number = forms.CharField(label=_("Số thẻ đảng viên"), max_length=20, required=False)
    admitted_on = VnDateField(label=_("Ngày vào Đảng"))
    official_on = VnDateField(label=_("Ngày chính thức"), required=False)
    status = forms.ChoiceField(
        label=_("Trạng thái"), choices=MemberStatus.choices, widget=forms.RadioSelect
    )

    FIELDS = (
        "ho",
        "ten_dem",
        "ten",
        "birth_date",
        "gender",
        "card_number",
        "admitted_on",
        "official_on",
        "status",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ho"].widget.attrs.update(autocomplete="off", autocapitalize="words")
        self.fields["ten_dem"].widget.attrs.update(autocomplete="off", autocapitalize="words")
        self.fields["ten"].widget.attrs.update(autocomplete="off", autocapitalize="words")
        self.fields["card_number"].widget.attrs.update(autocomplete="off", inputmode="numeric")

    @classmethod
    def initial_from(cls, member) -> dict:
        return {name: getattr(member, name) for name in cls.FIELDS}

    def values(self) -> dict:
        data = self.cleaned_data
        values = {name: data.get(name) for name in self.FIELDS}
        values["card_number"] = (values["card_number"] or "").strip() or None
        return values


class CellChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class MemberCreateForm(MemberForm):
    cell = CellChoiceField(
        label=_("Chi bộ"),
        queryset=Organization.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Hãy chọn chi bộ sinh hoạt."),
            "invalid_choice": _("Chi bộ không có hoặc ngoài phạm vi được sửa của bạn."),
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cell"].queryset = Organization.objects.visible_to(user, CHANGE).cells()


class MemberTransferForm(BootstrapForm):
    to_cell = CellChoiceField(
        label=_("Chuyển đến chi bộ"),
        queryset=Organization.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Hãy chọn chi bộ chuyển đến."),
            "invalid_choice": _("Chi bộ không có hoặc ngoài phạm vi được sửa của bạn."),
        },
    )
    transferred_on = VnDateField(label=_("Ngày chuyển"))
    note = forms.CharField(
        label=_("Ghi chú"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_cell"].queryset = Organization.objects.visible_to(user, CHANGE).cells()
