"""Input forms for news items: shape of input only; rules live in ``services.py``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from capuy.core.forms import BootstrapForm
from capuy.core.scoping import CHANGE, VIEW
from capuy.organizations.choices import CELL_KINDS
from capuy.organizations.models import Organization


class NewsItemForm(BootstrapForm):
    title = forms.CharField(label=_("Tiêu đề"), max_length=300)
    lead = forms.CharField(
        label=_("Sapo (đoạn mở đầu)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Trang công khai in trước sapo nguồn tin, ví dụ: (BNP) - Sáng 25/3, …"),
    )
    body = forms.CharField(
        label=_("Nội dung"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Mỗi đoạn cách nhau một dòng trống."),
    )
    author_initials = forms.CharField(label=_("Bút danh tác giả"), max_length=30, required=False)
    source_tag = forms.CharField(label=_("Nguồn"), max_length=20, initial="BNP")
    revision_note = forms.CharField(
        label=_("Lý do sửa (bắt buộc với tin đã đăng)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    FIELDS = ("title", "lead", "body", "author_initials", "source_tag")

    @classmethod
    def initial_from(cls, item) -> dict:
        return {name: getattr(item, name) for name in cls.FIELDS}

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) or "" for name in self.FIELDS}


class OrganizationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return ("— " * (obj.depth - 1)) + obj.name


class NewsCreateForm(NewsItemForm):
    organization = OrganizationChoice(
        label=_("Cơ quan đăng tin"),
        queryset=Organization.objects.none(),
        error_messages={
            "required": _("Hãy chọn cơ quan đăng tin."),
            "invalid_choice": _("Tổ chức không có hoặc ngoài phạm vi được sửa của bạn."),
        },
    )
    field_order = ["organization", *NewsItemForm.FIELDS]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["revision_note"]
        orgs = Organization.objects.visible_to(user, CHANGE).exclude(kind__in=CELL_KINDS)
        top = orgs.order_by("depth").values_list("depth", flat=True).first() or 1
        self.fields["organization"].queryset = orgs.filter(depth__lte=top + 1).order_by("path")


class ConferenceChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} — {obj.date:%d/%m/%Y}"


class DraftFromConferenceForm(BootstrapForm):
    conference = ConferenceChoice(
        label=_("Hội nghị"),
        queryset=None,
        error_messages={
            "required": _("Hãy chọn hội nghị."),
            "invalid_choice": _("Hội nghị không có hoặc ngoài phạm vi của bạn."),
        },
    )
    author_initials = forms.CharField(label=_("Bút danh tác giả"), max_length=30, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from capuy.conferences.models import Conference

        self.fields["conference"].queryset = (
            Conference.objects.visible_to(user, VIEW)
            .select_related("committee__term__organization")
            .order_by("-date", "-number")
        )


class PhotoForm(BootstrapForm):
    image = forms.FileField(
        label=_("Ảnh (JPEG, PNG hoặc WebP)"),
        error_messages={"required": _("Hãy chọn tệp ảnh.")},
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    caption = forms.CharField(label=_("Chú thích ảnh"), max_length=300, required=False)
    revision_note = forms.CharField(
        label=_("Lý do sửa (bắt buộc với tin đã đăng)"), required=False, max_length=500
    )


class ReasonForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Hãy nêu lý do.")},
    )
