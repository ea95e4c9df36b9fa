"""Forms for the organization pages. They only parse input; the services decide what is valid."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _

from .choices import FlagKind, OrgKind, UnitType
from .models import Organization
from .services import ALLOWED_CHILDREN


class VnDateInput(forms.DateInput):
    """A text box for dd/mm/yyyy: a phone's numeric keypad, no locale-dependent date picker.

    Same widget as the member forms use, so every date in capuy is typed the same way.
    """

    def __init__(self, attrs=None):
        base = {
            "placeholder": "dd/mm/yyyy",
            "inputmode": "numeric",
            "autocomplete": "off",
            "maxlength": "10",
        }
        super().__init__(attrs={**base, **(attrs or {})}, format="%d/%m/%Y")


class VnDateField(forms.DateField):
    """dd/mm/yyyy, also dd-mm-yyyy, dd.mm.yyyy and ddmmyyyy (phone keypads have no "/")."""

    widget = VnDateInput
    input_formats = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d%m%Y", "%d/%m/%y", "%Y-%m-%d"]
    default_error_messages = {
        "invalid": _("Ngày không hợp lệ: hãy nhập theo dạng dd/mm/yyyy, ví dụ 25/03/2020."),
    }

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(" ", "")
        return super().to_python(value)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class BootstrapBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors:
            base = attrs.get("class", (widget or self.field.widget).attrs.get("class", ""))
            attrs["class"] = f"{base} is-invalid".strip()
        return attrs


class BootstrapForm(forms.Form):
    """Adds Bootstrap classes to every widget so templates can render fields in a loop."""

    bound_field_class = BootstrapBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


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
