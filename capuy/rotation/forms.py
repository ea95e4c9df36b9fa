from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from capuy.committees.models import Seat
from capuy.core.forms import BootstrapForm, VnDateField
from capuy.core.scoping import CHANGE
from capuy.members.models import Member
from capuy.organizations.models import Organization

from .models import RotationLeader, RotationPlan
from .services import PLANNING_KINDS, add_months


def next_half_year(today: date | None = None) -> tuple[date, date]:
    """The six months starting next month: the usual rotation period."""
    today = today or timezone.localdate()
    start = add_months(today.replace(day=1), 1)
    end = add_months(start, 6) - timedelta(days=1)
    return start, end


class RulesMixin(forms.Form):
    max_per_month = forms.IntegerField(
        label=_("Số buổi tối đa mỗi đồng chí một tháng (K)"), min_value=1, max_value=10, initial=2
    )
    min_months_between = forms.IntegerField(
        label=_("Không dự lại cùng chi bộ trong vòng (tháng) (M)"),
        min_value=0,
        max_value=24,
        initial=3,
    )
    min_per_leader = forms.IntegerField(
        label=_("Số lượt tối thiểu mỗi đồng chí trong kỳ"),
        min_value=0,
        max_value=50,
        required=False,
        help_text=_("Để trống: lấy theo định mức của quy định đang có hiệu lực."),
    )
    cover_priority = forms.BooleanField(
        label=_("Mỗi chi bộ ưu tiên có ít nhất một lượt dự trong kỳ"), required=False, initial=True
    )
    balance_weight = forms.IntegerField(
        label=_("Trọng số cân bằng tải"),
        min_value=0,
        max_value=1000,
        initial=10,
        help_text=RotationPlan._meta.get_field("balance_weight").help_text,
    )
    time_limit = forms.IntegerField(
        label=_("Thời gian giải tối đa (giây)"), min_value=1, max_value=600, initial=30
    )
    default_meeting_day = forms.IntegerField(
        label=_("Ngày sinh hoạt dự kiến của chi bộ chưa có lịch"),
        min_value=1,
        max_value=28,
        required=False,
        help_text=RotationPlan._meta.get_field("default_meeting_day").help_text,
    )


class PlanCreateForm(BootstrapForm, RulesMixin):
    organization = forms.ModelChoiceField(
        label=_("Cấp ủy lập kế hoạch"), queryset=Organization.objects.none()
    )
    name = forms.CharField(label=_("Tên kế hoạch"), max_length=255)
    period_start = VnDateField(label=_("Từ ngày"))
    period_end = VnDateField(label=_("Đến ngày"))
    include_other_cells = forms.BooleanField(
        label=_("Thêm cả các chi bộ không thuộc diện ưu tiên"),
        required=False,
        help_text=_("Mặc định chỉ lấy chi bộ ở địa bàn khó khăn, phức tạp."),
    )

    field_order = [
        "organization",
        "name",
        "period_start",
        "period_end",
        "include_other_cells",
        "default_meeting_day",
        "max_per_month",
        "min_months_between",
        "min_per_leader",
        "cover_priority",
        "balance_weight",
        "time_limit",
    ]

    def __init__(self, *args, user, **kwargs):
        start, end = next_half_year()
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {
            "period_start": start,
            "period_end": end,
            "name": _("Kế hoạch luân phiên dự sinh hoạt chi bộ %(a)s – %(b)s")
            % {"a": f"{start:%m/%Y}", "b": f"{end:%m/%Y}"},
            **kwargs["initial"],
        }
        super().__init__(*args, **kwargs)
        orgs = Organization.objects.visible_to(user, CHANGE).filter(kind__in=PLANNING_KINDS)
        self.fields["organization"].queryset = orgs.order_by("path")
        if "organization" not in self.initial:
            first = orgs.order_by("path").first()
            if first is not None:
                self.initial["organization"] = first.pk
        self.fields["organization"].label_from_instance = lambda o: o.name

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("Ngày kết thúc kỳ phải sau ngày bắt đầu."))
        return data

    def rules(self) -> dict:
        keys = (
            "max_per_month",
            "min_months_between",
            "min_per_leader",
            "cover_priority",
            "balance_weight",
            "time_limit",
            "default_meeting_day",
        )
        return {k: self.cleaned_data[k] for k in keys}


class PlanRulesForm(BootstrapForm, RulesMixin):
    name = forms.CharField(label=_("Tên kế hoạch"), max_length=255)
    min_per_leader = forms.IntegerField(
        label=_("Số lượt tối thiểu mỗi đồng chí trong kỳ"), min_value=0, max_value=50
    )
    field_order = ["name"]

    @classmethod
    def for_plan(cls, plan: RotationPlan, data=None):
        fields = (
            "name",
            "max_per_month",
            "min_months_between",
            "min_per_leader",
            "cover_priority",
            "balance_weight",
            "time_limit",
            "default_meeting_day",
        )
        return cls(data, initial={f: getattr(plan, f) for f in fields})


class LeaderAddForm(BootstrapForm):
    seat = forms.ModelChoiceField(label=_("Đồng chí (chức vụ)"), queryset=Seat.objects.none())

    def __init__(self, *args, plan: RotationPlan, user, **kwargs):
        super().__init__(*args, **kwargs)
        taken = plan.leaders.values("member_id")
        visible = Member.objects.visible_to(user).values("pk")
        self.fields["seat"].queryset = (
            Seat.objects.filter(
                member_id__in=visible,
                committee__term__organization__path__in=plan.organization.ancestor_paths(),
                start_on__lte=plan.period_end,
            )
            .exclude(end_on__lt=plan.period_start)
            .exclude(member_id__in=taken)
            .select_related("member", "committee")
            .order_by("member__sort_key", "id")
        )
        self.fields["seat"].label_from_instance = lambda s: (
            f"{s.member.full_name} — {s.get_role_display()}"
        )


class LeaderEditForm(BootstrapForm):
    shortfall = forms.IntegerField(label=_("Số lượt còn thiếu phải bù"), min_value=0, max_value=50)
    note = forms.CharField(label=_("Ghi chú"), max_length=255, required=False)


class CellAddForm(BootstrapForm):
    code = forms.CharField(
        label=_("Mã chi bộ"), max_length=32, help_text=_("Mã như trong cây tổ chức đảng.")
    )


class CellEditForm(BootstrapForm):
    weight = forms.IntegerField(label=_("Trọng số"), min_value=1, max_value=10)
    priority = forms.BooleanField(label=_("Ưu tiên"), required=False)


class UnavailabilityForm(BootstrapForm):
    leader = forms.ModelChoiceField(label=_("Đồng chí"), queryset=RotationLeader.objects.none())
    start_on = VnDateField(label=_("Từ ngày"))
    end_on = VnDateField(label=_("Đến ngày"))
    reason = forms.CharField(label=_("Lý do"), max_length=255, required=False)

    def __init__(self, *args, plan: RotationPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = plan.leaders.select_related("member")
        self.fields["leader"].label_from_instance = lambda row: row.member.full_name


class PinForm(BootstrapForm):
    leader = forms.ModelChoiceField(label=_("Đồng chí"), queryset=RotationLeader.objects.none())
    cell = forms.ModelChoiceField(label=_("Chi bộ"), queryset=Organization.objects.none())
    date = VnDateField(label=_("Ngày sinh hoạt"))

    def __init__(self, *args, plan: RotationPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = plan.leaders.select_related("member")
        self.fields["leader"].label_from_instance = lambda row: row.member.full_name
        self.fields["cell"].queryset = Organization.objects.filter(
            pk__in=plan.cells.values("cell_id")
        ).order_by("path")
        self.fields["cell"].label_from_instance = lambda o: o.name
