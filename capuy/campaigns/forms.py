"""Input forms for campaigns. They parse and check the shape of input (amounts in đồng, dates
dd/mm/yyyy, who gives); the rules live in ``services.py``."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from capuy.core.forms import BootstrapForm, VnDateField
from capuy.core.scoping import CHANGE
from capuy.members.models import Member
from capuy.organizations.choices import CELL_KINDS
from capuy.organizations.models import Organization

from .models import Campaign

_GROUPED = re.compile(r"\d{1,3}(\.\d{3})+")


def parse_vnd(text: str) -> int:
    """ "1.500.000", "1500000", "1 500 000 đ" → 1500000; anything else is refused in Vietnamese.

    "." groups thousands (the Vietnamese way); a "," or a "." not followed by three digits is a
    decimal part, which money in đồng does not have.
    """
    raw = (text or "").strip()
    raw = re.sub(r"(?i)\s*(đồng|đ|vnd|vnđ)$", "", raw).replace(" ", "").replace("\u00a0", "")
    if not raw:
        raise ValidationError(_("Hãy nhập số tiền."), code="required")
    if raw.startswith("-") or raw.startswith("−"):
        raise ValidationError(_("Số tiền phải lớn hơn 0 đồng (không nhận số âm)."), code="negative")
    if raw.startswith("+"):
        raw = raw[1:]
    if raw.isdigit():
        value = int(raw)
    elif _GROUPED.fullmatch(raw):
        value = int(raw.replace(".", ""))
    elif re.fullmatch(r"\d+([.,]\d+)?", raw):
        raise ValidationError(
            _("Số tiền phải là số nguyên đồng, không có phần lẻ (ví dụ 1.500.000)."),
            code="fraction",
        )
    else:
        raise ValidationError(
            _("Số tiền không hợp lệ: chỉ gồm chữ số, có thể có dấu chấm ngăn cách hàng nghìn."),
            code="invalid",
        )
    if value <= 0:
        raise ValidationError(_("Số tiền phải lớn hơn 0 đồng."), code="zero")
    return value


class VndAmountField(forms.Field):
    """A money amount typed the Vietnamese way; cleans to an ``int`` of đồng."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.update(
            inputmode="numeric", autocomplete="off", placeholder="1.500.000", maxlength="30"
        )

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, int):
            return value
        return parse_vnd(str(value)[:40])

    def prepare_value(self, value):
        if isinstance(value, int):
            return f"{value:,}".replace(",", ".")
        return value


class CampaignForm(BootstrapForm):
    title = forms.CharField(label=_("Tên cuộc vận động"), max_length=255)
    launched_by = forms.CharField(
        label=_("Cơ quan phát động"),
        max_length=255,
        help_text=_("Ví dụ: Ủy ban Trung ương MTTQ Việt Nam"),
    )
    purpose = forms.CharField(label=_("Mục đích"), widget=forms.Textarea(attrs={"rows": 3}))
    start_on = VnDateField(label=_("Ngày bắt đầu"))
    end_on = VnDateField(label=_("Ngày kết thúc"), required=False)
    goal = VndAmountField(label=_("Chỉ tiêu (đồng, không bắt buộc)"), required=False)

    FIELDS = ("title", "launched_by", "purpose", "start_on", "end_on", "goal")

    @classmethod
    def initial_from(cls, campaign: Campaign) -> dict:
        return {name: getattr(campaign, name) for name in cls.FIELDS}

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.FIELDS}


class OrganizationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return ("— " * (obj.depth - 1)) + obj.name


class CampaignCreateForm(CampaignForm):
    organization = OrganizationChoice(
        label=_("Tổ chức hưởng ứng"),
        queryset=Organization.objects.none(),
        error_messages={
            "required": _("Hãy chọn tổ chức hưởng ứng."),
            "invalid_choice": _("Tổ chức không có hoặc ngoài phạm vi được sửa của bạn."),
        },
    )

    field_order = ["organization", *CampaignForm.FIELDS]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = Organization.objects.visible_to(user, CHANGE).exclude(kind__in=CELL_KINDS)
        top = orgs.order_by("depth").values_list("depth", flat=True).first() or 1
        self.fields["organization"].queryset = orgs.filter(depth__lte=top + 1).order_by("path")


class ContributorField(forms.CharField):
    """ "o:<id>" for a unit, "m:<id>" for a member — as the picker's radio buttons send them."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"required": _("Hãy chọn đơn vị hoặc đảng viên.")})
        super().__init__(**kwargs)


class _ContributorForm(BootstrapForm):
    contributor = ContributorField(label=_("Đơn vị hoặc đảng viên"))
    amount = VndAmountField(label=_("Số tiền (đồng)"))
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)

    def __init__(self, *args, user, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.campaign = user, campaign

    def clean_contributor(self):
        value = self.cleaned_data["contributor"]
        kind, _sep, pk = (value or "").partition(":")
        if kind not in ("o", "m") or not pk.isdigit():
            raise ValidationError(_("Hãy chọn đơn vị hoặc đảng viên trong danh sách tìm được."))
        model = Organization if kind == "o" else Member
        path_field = "path" if kind == "o" else "org_path"
        found = (
            model.objects.visible_to(self.user, CHANGE)
            .filter(pk=int(pk), **{f"{path_field}__startswith": self.campaign.org_path})
            .first()
        )
        if found is None:
            raise ValidationError(
                _("Đơn vị hoặc đảng viên không có, hoặc ngoài phạm vi được sửa của bạn.")
            )
        return found

    def who(self) -> dict:
        found = self.cleaned_data["contributor"]
        if isinstance(found, Member):
            return {"member": found}
        return {"organization": found}

    def contributor_label(self) -> str:
        found = self.cleaned_data.get("contributor") if hasattr(self, "cleaned_data") else None
        if isinstance(found, Member):
            return f"{found.full_name} — {found.cell.name}"
        if isinstance(found, Organization):
            return found.name
        return ""


class PledgeForm(_ContributorForm):
    pledged_on = VnDateField(label=_("Ngày đăng ký"))

    field_order = ["contributor", "amount", "pledged_on", "note"]

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            **self.who(),
            "amount": data["amount"],
            "pledged_on": data["pledged_on"],
            "note": data.get("note") or "",
        }


class ContributionForm(_ContributorForm):
    received_on = VnDateField(label=_("Ngày nhận"))
    receipt_no = forms.IntegerField(
        label=_("Số biên lai"),
        required=False,
        min_value=1,
        help_text=_("Để trống để cấp số tiếp theo; chỉ nhập khi ghi lại biên lai giấy đã cấp."),
        error_messages={
            "invalid": _("Số biên lai phải là số nguyên dương."),
            "min_value": _("Số biên lai phải là số nguyên dương."),
        },
    )

    field_order = ["contributor", "amount", "received_on", "receipt_no", "note"]

    def clean(self):
        data = super().clean()
        covered = []
        ids = [v for v in self.data.getlist("covered") if v.isdigit()] if self.data else []
        if ids:
            found = {
                m.pk: m
                for m in Member.objects.visible_to(self.user, CHANGE).filter(
                    pk__in=[int(i) for i in ids]
                )
            }
            for raw in ids:
                member = found.get(int(raw))
                if member is None:
                    self.add_error(None, _("Có đảng viên nộp thay ngoài phạm vi của bạn."))
                    continue
                part_text = (self.data.get(f"covered_amount_{raw}") or "").strip()
                try:
                    part = parse_vnd(part_text) if part_text else None
                except ValidationError as error:
                    self.add_error(
                        None,
                        _("Phần của đồng chí %(name)s: %(error)s")
                        % {"name": member.full_name, "error": " ".join(error.messages)},
                    )
                    continue
                covered.append((member, part))
        data["covered_members"] = covered
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            **self.who(),
            "amount": data["amount"],
            "received_on": data["received_on"],
            "receipt_no": data.get("receipt_no"),
            "note": data.get("note") or "",
            "covered_members": data.get("covered_members") or [],
        }


class ReasonForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Hãy nêu lý do.")},
    )
