"""Form pieces shared by every app: dd/mm/yyyy dates, Bootstrap widgets, service errors.

Forms only parse input; every rule that touches the database lives in a service and comes back
as a ValidationError that ``add_service_errors`` places next to the field it names.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _

DATE_PLACEHOLDER = "dd/mm/yyyy"


class VnDateInput(forms.DateInput):
    """A text box for dd/mm/yyyy: a phone's numeric keypad, no locale-dependent date picker."""

    def __init__(self, attrs=None):
        base = {
            "placeholder": DATE_PLACEHOLDER,
            "inputmode": "numeric",
            "autocomplete": "off",
            "maxlength": "10",
            "pattern": r"[0-9]{1,2}[/.\-]?[0-9]{1,2}[/.\-]?[0-9]{2,4}",
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
    """Attach a service's ValidationError to the fields it names (the rest above the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        target = field if field in form.fields else None
        if field == NON_FIELD_ERRORS:
            target = None
        for message in messages:
            form.add_error(target, message)


class _BoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors:
            base = attrs.get("class", (widget or self.field.widget).attrs.get("class", ""))
            attrs["class"] = f"{base} is-invalid".strip()
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"{self.auto_id}_error"
            if self.name == self.form.first_error_field:
                attrs["autofocus"] = True  # the cursor lands where the first fix is needed
        return attrs


class BootstrapForm(forms.Form):
    """Bootstrap classes on every widget, ``is-invalid`` on fields with errors."""

    bound_field_class = _BoundField

    @property
    def first_error_field(self) -> str | None:
        errors = self.errors
        return next((name for name in self.fields if name in errors), None)

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
