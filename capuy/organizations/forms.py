"""Forms for the organization pages. They only parse input; the services decide what is valid."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from capuy.core.forms import (  # noqa: F401 — re-exported for the committee forms
    BootstrapForm,
    VnDateField,
    VnDateInput,
    add_service_errors,
)

from .choices import FlagKind, OrgKind, UnitType
from .models import Organization
from .services import ALLOWED_CHILDREN


def _code_field() -> forms.CharField:
    return forms.CharField(label=_("Mã"), max_length=32)


def _name_field() -> forms.CharField:
    return forms.CharField(label=_("Tên"), max_length=255)


def _unit_type_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Loại hình đơn vị"),
        required=False,
        choices=[("", "—")] + list(UnitType.choices),
    )


def _established_field() -> forms.DateField:
    return VnDateField(label=_("Ngày thành lập"), required=False)


class OrganizationCreateForm(BootstrapForm):
    """Thành lập a child organization; the kinds offered are those allowed under the parent."""

    kind = forms.ChoiceField(label=_("Loại tổ chức"))
    name = _name_field()
    code = _code_field()
    unit_type = _unit_type_field()
    established_on = _established_field()

    def __init__(self, *args, parent: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = ALLOWED_CHILDREN.get(parent.kind, set())
        self.fields["kind"].choices = [("", _("— Chọn loại tổ chức —"))] + [
            (k, label) for k, label in OrgKind.choices if k in allowed
        ]


class OrganizationEditForm(BootstrapForm):
    name = _name_field()
    code = _code_field()
    unit_type = _unit_type_field()
    established_on = _established_field()


class OrganizationFlagForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Loại đánh dấu"), choices=FlagKind.choices)
    valid_from = VnDateField(label=_("Từ ngày"))
    valid_to = VnDateField(
        label=_("Đến ngày"),
        required=False,
        help_text=_("Để trống nếu chưa xác định ngày kết thúc."),
    )
    note = forms.CharField(
        label=_("Ghi chú"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class OrganizationDissolveForm(BootstrapForm):
    """Giải thể, optionally hợp nhất vào another organization named by its code."""

    dissolved_on = VnDateField(label=_("Ngày giải thể"))
    merged_into = forms.CharField(
        label=_("Hợp nhất vào (mã tổ chức)"),
        required=False,
        max_length=32,
        help_text=_("Để trống nếu chỉ giải thể, không hợp nhất."),
    )

    def __init__(self, *args, merge_targets, **kwargs):
        self.merge_targets = merge_targets
        super().__init__(*args, **kwargs)

    def clean_merged_into(self):
        code = self.cleaned_data["merged_into"].strip()
        if not code:
            return None
        target = self.merge_targets.filter(code=code).first()
        if target is None:
            raise ValidationError(
                _("Không tìm thấy tổ chức có mã «%(code)s» trong phạm vi của bạn."),
                params={"code": code},
            )
        return target
