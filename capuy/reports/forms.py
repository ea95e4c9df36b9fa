"""The filter shared by the dashboard, its drill-down lists, the export and the yearly report."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from capuy.concerns.forms import visible_or_error
from capuy.core.forms import BootstrapForm
from capuy.organizations.models import Organization

from .compliance import BEHIND, MET, NO_QUOTA, ON_TRACK, STATUS_LABELS
from .grouping import top_nodes
from .periods import LEVEL_LABELS, period_for


class GrassrootsFilterForm(BootstrapForm):
    org = forms.IntegerField(label=_("Tổ chức"), required=False)
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=1990, max_value=2100)
    confirmed = forms.BooleanField(
        label=_("Chỉ tính lượt dự đã được chi bộ xác nhận"), required=False
    )
    level = forms.ChoiceField(
        label=_("Cấp"),
        required=False,
        choices=[("", _("Mọi cấp")), *[(k, v) for k, v in LEVEL_LABELS.items()]],
    )
    status = forms.ChoiceField(
        label=_("Tình trạng định mức"),
        required=False,
        choices=[("", _("Tất cả"))]
        + [(s, STATUS_LABELS[s]) for s in (MET, ON_TRACK, BEHIND, NO_QUOTA)],
    )
    month = forms.IntegerField(required=False, min_value=1, max_value=12)
    member = forms.IntegerField(required=False)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_org(self):
        org = visible_or_error(
            Organization,
            self.user,
            self.cleaned_data.get("org"),
            _("Tổ chức không có hoặc ngoài phạm vi của bạn."),
        )
        if org is None:
            nodes = top_nodes(self.user)
            if len(nodes) == 1:
                org = nodes[0]
        return org

    def clean_member(self):
        from capuy.members.models import Member

        return visible_or_error(
            Member,
            self.user,
            self.cleaned_data.get("member"),
            _("Đảng viên không có hoặc ngoài phạm vi của bạn."),
        )

    @property
    def report_year(self) -> int:
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("year") or timezone.localdate().year

    @property
    def period(self):
        return period_for(self.report_year)

    @property
    def organization(self):
        return self.cleaned_data.get("org") if self.is_valid() else None

    @property
    def confirmed_only(self) -> bool:
        return bool(self.cleaned_data.get("confirmed")) if self.is_valid() else False

    def params(self, **override) -> dict:
        """The filter as query parameters for links (only what is set)."""
        data = self.cleaned_data if self.is_valid() else {}
        values = {
            "org": data["org"].pk if data.get("org") else "",
            "year": self.report_year,
            "confirmed": "on" if data.get("confirmed") else "",
        }
        values.update(override)
        return {key: value for key, value in values.items() if value not in ("", None)}
