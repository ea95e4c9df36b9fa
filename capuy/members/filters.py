"""The member list's filter, parsed once and shared by the list page, its HTMX partial and the
Excel export (the export job stores ``params()`` and re-applies the same selector)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from capuy.core.vntext import search_key
from capuy.organizations.models import Organization

from .choices import Gender, MemberStatus
from .search import MemberSearch
from .selectors import IdsFirst, member_list_visible_to, organization_visible_to


class MemberFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm theo tên"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Tên đảng viên, có dấu hoặc không dấu"),
                "autocomplete": "off",
                "autocapitalize": "off",
                "spellcheck": "false",
                "enterkeyhint": "search",
            }
        ),
    )
    org = forms.IntegerField(required=False, widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Mọi trạng thái")), *MemberStatus.choices],
    )
    gender = forms.ChoiceField(
        label=_("Giới tính"),
        required=False,
        choices=[("", _("Nam và nữ")), *Gender.choices],
    )

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        self.organization: Organization | None = None

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())

    def clean_org(self):
        pk = self.cleaned_data.get("org")
        if pk is None:
            return None
        self.organization = organization_visible_to(self.user, pk)
        if self.organization is None:
            raise forms.ValidationError(_("Không tìm thấy tổ chức hoặc tổ chức ngoài phạm vi."))
        return pk

    @property
    def is_filtered(self) -> bool:
        """Whether anything other than the organization narrows the list."""
        data = self.cleaned_data if self.is_valid() else {}
        return bool(data.get("q") or data.get("status") or data.get("gender"))

    def params(self) -> dict:
        """JSON-safe filter values, stored on an export job and read back by ``from_params``."""
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "org": data.get("org"),
            "status": data.get("status") or "",
            "gender": data.get("gender") or "",
        }

    def queryset(self):
        """The scoped, filtered, roster-ordered members; nothing when the filter is invalid."""
        if not self.is_valid():
            return member_list_visible_to(self.user).none()
        data = self.cleaned_data
        return member_list_visible_to(
            self.user,
            q=data["q"],
            org=self.organization,
            status=data["status"],
            gender=data["gender"],
        )

    def page_source(self):
        """What the list page slices: the queryset, or with a name query the tiered search
        that stays fast at national scale (``members.search``)."""
        if self.is_valid() and self.cleaned_data["q"] and search_key(self.cleaned_data["q"]):
            data = self.cleaned_data
            base = member_list_visible_to(
                self.user, org=self.organization, status=data["status"], gender=data["gender"]
            )
            return MemberSearch(base, data["q"])
        return IdsFirst(self.queryset())


def member_queryset_from_params(user, params: dict):
    """Re-apply a stored filter for ``user`` (scope is evaluated again, now)."""
    form = MemberFilterForm({k: v for k, v in params.items() if v not in (None, "")}, user=user)
    return form, form.queryset()
