"""Input forms of the review pages. They parse input only; the rules live in the services and
come back as ValidationErrors that ``add_service_errors`` places next to the fields."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from capuy.core.forms import BootstrapForm, VnDateField, add_service_errors  # noqa: F401
from capuy.core.scoping import CHANGE, VIEW

from .choices import Exemption, Level, PeriodKind
from .models import Manifestation, RuleSet
from .rules import CONDITION_FIELDS, RATING_NAMES, RATINGS, Rules

LEVEL_CHOICES = [(level.value, f"{level.value} — {level.label}") for level in Level]
LEVEL_CHOICES_BLANK = [("", _("— Không xếp loại / chưa chọn —")), *LEVEL_CHOICES]


class LevelField(forms.ChoiceField):
    def __init__(self, *, required: bool = False, **kwargs):
        kwargs.setdefault("label", _("Mức xếp loại"))
        super().__init__(
            choices=LEVEL_CHOICES_BLANK, required=required, widget=forms.RadioSelect, **kwargs
        )


class ManifestationsField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=Manifestation.objects.filter(active=True).order_by("group", "number"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label=_("Liên hệ các biểu hiện suy thoái (27 biểu hiện)"),
            **kwargs,
        )

    def label_from_instance(self, obj):
        return f"{obj.code}. {obj.text}"


# --- cycles ------------------------------------------------------------------------------------


class CycleOpenForm(BootstrapForm):
    rule_set = forms.ModelChoiceField(label=_("Bộ quy tắc"), queryset=RuleSet.objects.none())
    organization = forms.ModelChoiceField(
        label=_("Phạm vi (tổ chức đảng)"), queryset=None, empty_label=None
    )
    period_kind = forms.ChoiceField(
        label=_("Kỳ đánh giá"), choices=PeriodKind.choices, initial=PeriodKind.YEAR
    )
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quý"),
        choices=[("", "—"), (1, "I"), (2, "II"), (3, "III"), (4, "IV")],
        coerce=int,
        empty_value=None,
        required=False,
    )
    period_start = VnDateField(label=_("Từ ngày (nhiệm kỳ)"), required=False)
    period_end = VnDateField(label=_("Đến ngày (nhiệm kỳ)"), required=False)
    name = forms.CharField(
        label=_("Tên đợt"), max_length=255, required=False, help_text=_("Để trống để đặt tự động.")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from capuy.organizations.choices import CELL_KINDS
        from capuy.organizations.models import Organization

        self.fields["rule_set"].queryset = RuleSet.objects.visible_to(user, VIEW).order_by(
            "-first_year", "base_id", "code"
        )
        self.fields["organization"].queryset = (
            Organization.objects.visible_to(user, CHANGE)
            .exclude(kind__in=CELL_KINDS)
            .filter(dissolved_on__isnull=True, depth__lte=3)
            .order_by("path")
        )


class CloseLevelForm(forms.Form):
    level = forms.CharField(max_length=10)


# --- one review --------------------------------------------------------------------------------


class CellResultForm(BootstrapForm):
    """The phone row: self-assessed level, linked manifestations, the cell's proposal."""

    self_level = LevelField(label=_("Tự xếp loại"))
    manifestations = ManifestationsField()
    manifestations_text = forms.CharField(
        label=_("Liên hệ khác"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    proposed_level = LevelField(label=_("Chi bộ đề xuất"))
    override_reason = forms.CharField(
        label=_("Lý do chọn mức khác mức theo quy tắc"), required=False, max_length=1000
    )


def _rating_field(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=[("", "—")] + [(r, RATING_NAMES[r]) for r in RATINGS],
        required=False,
    )


def _condition_field(spec) -> forms.Field:
    if spec.type == "bool":
        return forms.BooleanField(label=spec.label, required=False)
    if spec.type == "level":
        return forms.ChoiceField(
            label=spec.label, choices=[("", "—"), *LEVEL_CHOICES], required=False
        )
    return forms.DecimalField(label=spec.label, required=False, min_value=0, decimal_places=2)


class StepForm(BootstrapForm):
    """Ratings or scores and conditions of one subject kind under one rule set, plus a level."""

    level = LevelField()
    override_reason = forms.CharField(
        label=_("Lý do chọn mức khác mức theo quy tắc"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, rules: Rules, subject_kind: str, inputs: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = rules
        self.rating_keys: list[str] = []
        self.condition_keys: list[str] = []
        self.has_scores = False
        if not inputs:
            return
        if rules.derivation == "score":
            self.has_scores = True
            self.fields["score_general"] = forms.DecimalField(
                label=_("Điểm tiêu chí chung (tối đa %s)") % rules.score_general_max,
                required=False,
                min_value=0,
                decimal_places=2,
            )
            self.fields["score_tasks"] = forms.DecimalField(
                label=_("Điểm kết quả thực hiện nhiệm vụ (tối đa %s)") % rules.score_tasks_max,
                required=False,
                min_value=0,
                decimal_places=2,
            )
        else:
            for criterion in rules.criteria.get(subject_kind, ()):
                name = f"rating__{criterion.key}"
                self.fields[name] = _rating_field(criterion.name)
                self.rating_keys.append(name)
        for key in condition_keys_for(rules, subject_kind):
            name = f"cond__{key}"
            self.fields[name] = _condition_field(CONDITION_FIELDS[key])
            self.condition_keys.append(name)
        for name in (*self.rating_keys, *self.condition_keys, "score_general", "score_tasks"):
            if name in self.fields:
                widget = self.fields[name].widget
                css = "form-check-input" if isinstance(widget, forms.CheckboxInput) else None
                if css:
                    widget.attrs["class"] = css
                elif isinstance(widget, forms.Select):
                    widget.attrs["class"] = "form-select"
                else:
                    widget.attrs["class"] = "form-control"

    @classmethod
    def initial_from(cls, review) -> dict:
        initial = {f"rating__{k}": v for k, v in (review.ratings or {}).items()}
        initial.update({f"cond__{k}": v for k, v in (review.conditions or {}).items()})
        initial["score_general"] = review.score_general
        initial["score_tasks"] = review.score_tasks
        return initial

    def inputs(self) -> dict:
        data = self.cleaned_data
        values: dict = {}
        if self.has_scores:
            values["score_general"] = data.get("score_general")
            values["score_tasks"] = data.get("score_tasks")
        elif self.rating_keys:
            values["ratings"] = {
                name.removeprefix("rating__"): data.get(name) or "" for name in self.rating_keys
            }
        if self.condition_keys:
            conditions = {}
            for name in self.condition_keys:
                value = data.get(name)
                if value in (None, "", False):
                    continue
                conditions[name.removeprefix("cond__")] = (
                    str(value) if not isinstance(value, bool) else value
                )
            values["conditions"] = conditions
        return values


class SelfAssessForm(StepForm):
    self_text = forms.CharField(
        label=_("Bản tự kiểm điểm (tóm tắt)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    manifestations = ManifestationsField()
    manifestations_text = forms.CharField(
        label=_("Liên hệ khác"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecideForm(BootstrapForm):
    level = LevelField()
    override_reason = forms.CharField(
        label=_("Lý do chọn mức khác mức theo quy tắc"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    note = forms.CharField(
        label=_("Số, ngày văn bản quyết định / ghi chú"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReopenForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Lý do mở lại"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ExemptionForm(BootstrapForm):
    exemption = forms.ChoiceField(label=_("Trường hợp"), choices=Exemption.choices, required=False)
    note = forms.CharField(label=_("Lý do, căn cứ"), required=False, max_length=500)


def condition_keys_for(rules: Rules, subject_kind: str) -> list[str]:
    """The conditions the rule set looks at for this kind of subject, in catalogue order."""
    used = set()
    for limit in rules.limits:
        if subject_kind in limit.applies_to:
            used.add(limit.condition.field)
            used.update(c.field for c in limit.exceptions)
            if limit.relief:
                used.add(limit.relief.field)
    bands = (rules.score_bands if rules.derivation == "score" else rules.rating_bands).get(
        subject_kind, ()
    )
    for band in bands:
        used.update(c.field for c in band.conditions)
    if subject_kind in ("member", "leader") and rules.maternity:
        used.add(rules.maternity.get("field", "maternity_leave"))
    return [key for key in CONDITION_FIELDS if key in used]


# --- rules and catalogue -----------------------------------------------------------------------


class JsonField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 18, "class": "font-monospace", "spellcheck": "false"})

    def prepare_value(self, value):
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False, indent=2)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return {}
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("JSON không hợp lệ (dòng %(line)s): %(msg)s")
                % {"line": exc.lineno, "msg": exc.msg}
            ) from None
        if not isinstance(parsed, dict):
            raise forms.ValidationError(_("Cấu hình phải là một đối tượng JSON {…}."))
        return parsed


class RuleSetForm(BootstrapForm):
    name = forms.CharField(label=_("Tên"), max_length=255)
    regulation = forms.CharField(label=_("Quy định"), max_length=100)
    guidance = forms.CharField(label=_("Hướng dẫn"), max_length=100, required=False)
    first_year = forms.IntegerField(label=_("Áp dụng từ năm"), min_value=2000, max_value=2100)
    last_year = forms.IntegerField(
        label=_("Áp dụng đến năm"), min_value=2000, max_value=2100, required=False
    )
    quota_percent = forms.DecimalField(
        label=_("Tỷ lệ HTXSNV tối đa (%)"), min_value=0, max_value=100, required=False
    )
    quota_denominator = forms.ChoiceField(
        label=_("Mẫu số của tỷ lệ"),
        choices=[("", "—"), *RuleSet._meta.get_field("quota_denominator").choices],
        required=False,
    )
    quota_grouping = forms.ChoiceField(
        label=_("Phạm vi tính tỷ lệ"),
        choices=[("", "—"), *RuleSet._meta.get_field("quota_grouping").choices],
        required=False,
    )
    quota_rounding = forms.ChoiceField(
        label=_("Làm tròn"),
        choices=[("", "—"), *RuleSet._meta.get_field("quota_rounding").choices],
        required=False,
    )
    unconfirmed_notes = forms.CharField(
        label=_("Điểm chưa xác nhận"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    config = JsonField(label=_("Cấu hình chi tiết (JSON)"), required=False)

    FIELDS = (
        "name",
        "regulation",
        "guidance",
        "first_year",
        "last_year",
        "quota_percent",
        "quota_denominator",
        "quota_grouping",
        "quota_rounding",
        "unconfirmed_notes",
        "config",
    )

    @classmethod
    def initial_from(cls, rule_set) -> dict:
        return {name: getattr(rule_set, name) for name in cls.FIELDS}

    def values(self) -> dict:
        values = {name: self.cleaned_data.get(name) for name in self.FIELDS}
        for name in ("guidance", "quota_denominator", "quota_grouping", "quota_rounding"):
            values[name] = values[name] or ""
        return values


class OverlayForm(BootstrapForm):
    organization = forms.ModelChoiceField(label=_("Áp dụng riêng cho"), queryset=None)
    code = forms.SlugField(label=_("Mã"), max_length=40)
    name = forms.CharField(label=_("Tên"), max_length=255)
    quota_percent = forms.DecimalField(
        label=_("Tỷ lệ HTXSNV tối đa (%) — để trống để giữ của bộ gốc"),
        min_value=0,
        max_value=100,
        required=False,
    )
    config = JsonField(label=_("Các giá trị riêng (JSON, chỉ ghi phần thay đổi)"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from capuy.organizations.models import Organization

        self.fields["organization"].queryset = (
            Organization.objects.visible_to(user, CHANGE).filter(depth__lte=2).order_by("path")
        )


class ManifestationForm(BootstrapForm):
    group = forms.ChoiceField(
        label=_("Nhóm"), choices=Manifestation._meta.get_field("group").choices
    )
    number = forms.IntegerField(label=_("Số thứ tự"), min_value=1, max_value=99)
    text = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 4}))
    confirmed = forms.BooleanField(label=_("Đã đối chiếu văn bản chính thức"), required=False)
    active = forms.BooleanField(label=_("Đang dùng"), required=False, initial=True)
    source = forms.CharField(label=_("Nguồn"), required=False, max_length=500)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["group"]
            del self.fields["number"]
