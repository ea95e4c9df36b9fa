"""Filters on the organization tree: the query-string form and the queryset filter it drives.

The tree page, its HTMX partials and the flat search list all read the same parameters, so a
link or a bookmark reproduces what the user saw.
"""

from datetime import date

from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from capuy.core.vntext import search_key

from .choices import FlagKind, OrgKind
from .forms import VnDateField
from .models import OrganizationFlag


def filter_organizations(
    qs,
    *,
    kind: str | None = None,
    flag: str | None = None,
    q: str = "",
    on: date | None = None,
    include_dissolved: bool = False,
):
    """Narrow an Organization queryset by kind, flag active on ``on``, name/code and validity."""
    on = on or timezone.localdate()
    if kind:
        qs = qs.filter(kind=kind)
    if flag:
        flags = OrganizationFlag.objects.active_on(on).filter(
            organization=OuterRef("pk"), kind=flag
        )
        qs = qs.filter(Exists(flags))
    for token in search_key(q).split():
        qs = qs.filter(search_text__contains=token)
    if not include_dissolved:
        qs = qs.valid_on(on)
    return qs


class OrganizationFilterForm(forms.Form):
    """Query-string parameters of the tree page (all optional)."""

    q = forms.CharField(
        label=_("Tên hoặc mã"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Tìm theo tên, mã…")}),
    )
    kind = forms.ChoiceField(
        label=_("Loại tổ chức"),
        required=False,
        choices=[("", _("Mọi loại"))] + list(OrgKind.choices),
    )
    flag = forms.ChoiceField(
        label=_("Đánh dấu"),
        required=False,
        choices=[("", _("Không lọc"))] + list(FlagKind.choices),
    )
    on = VnDateField(label=_("Tại ngày"), required=False)
    include_dissolved = forms.BooleanField(label=_("Cả tổ chức đã giải thể"), required=False)
    org = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, data=None, **kwargs):
        super().__init__(data if data is not None else {}, **kwargs)
        for name in ("q", "kind", "flag", "on"):
            self.fields[name].widget.attrs.setdefault("class", "form-select")
        for name in ("q", "on"):
            self.fields[name].widget.attrs["class"] = "form-control"
        self.fields["include_dissolved"].widget.attrs["class"] = "form-check-input"

    def values(self) -> dict:
        """The cleaned parameters; invalid ones are ignored rather than failing the page."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": data.get("q") or "",
            "kind": data.get("kind") or None,
            "flag": data.get("flag") or None,
            "on": data.get("on") or None,
            "include_dissolved": bool(data.get("include_dissolved")),
            "org": data.get("org") or None,
        }

    @staticmethod
    def is_search(values: dict) -> bool:
        """Kind, flag or text turn the lazy tree into a flat list of matching descendants."""
        return bool(values["kind"] or values["flag"] or values["q"])
