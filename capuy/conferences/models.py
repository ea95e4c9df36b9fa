"""Conferences of a committee (hội nghị), their attendance, agenda, documents and conclusions,
and the tasks the conclusions give to agencies (nhiệm vụ được giao), followed to completion.

Scope follows the conference's committee: ``committee__term__organization__path``. Tasks and
their rows are also *readable* by the people of an assigned agency (a role at the agency's
organization), so an agency sees the tasks given to it (``AgencyReachQuerySet``); changing them
still needs the conference's scope, and reporting progress has its own check in the services.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from capuy.core.scoping import VIEW, ScopedQuerySet, scope_paths, scope_q

from .choices import (
    PRESENT_STATUSES,
    AgencyKind,
    AttendanceStatus,
    ConferenceKind,
    Session,
    TaskEventKind,
    TaskState,
)

CONFERENCE_PATH = "committee__term__organization__path"


class Conference(models.Model):
    """Hội nghị lần thứ N của cấp ủy (Ban Chấp hành / Ban Thường vụ) trong một nhiệm kỳ."""

    SCOPE_PATH = CONFERENCE_PATH

    committee = models.ForeignKey(
        "committees.Committee",
        on_delete=models.PROTECT,
        related_name="conferences",
        verbose_name=_("cấp ủy"),
    )
    number = models.PositiveSmallIntegerField(_("lần thứ"))
    kind = models.CharField(
        _("loại hội nghị"),
        max_length=12,
        choices=ConferenceKind.choices,
        default=ConferenceKind.THUONG_KY,
    )
    date = models.DateField(_("ngày họp"))
    session = models.CharField(_("buổi"), max_length=8, choices=Session.choices)
    place = models.CharField(_("địa điểm"), max_length=255)
    chairs = models.ManyToManyField(
        "members.Member",
        related_name="chaired_conferences",
        blank=True,
        verbose_name=_("chủ trì"),
    )
    number_gap_reason = models.CharField(
        _("lý do số thứ tự không liền mạch"), max_length=500, blank=True
    )
    minutes_taker = models.CharField(_("thư ký hội nghị"), max_length=120, blank=True)
    notice_number = models.CharField(
        _("số thông báo kết luận"), max_length=50, blank=True, help_text=_("Ví dụ: 245-TB/TU")
    )
    conclusion = models.TextField(_("kết luận của hội nghị"), blank=True)
    quorum_numerator = models.PositiveSmallIntegerField(_("tỷ lệ tối thiểu: tử số"), default=2)
    quorum_denominator = models.PositiveSmallIntegerField(_("tỷ lệ tối thiểu: mẫu số"), default=3)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hội nghị")
        verbose_name_plural = _("hội nghị")
        ordering = ["-date", "-number"]
        indexes = [models.Index(fields=["committee", "date"], name="conference_committee_date")]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "number"],
                name="conference_unique_number",
                violation_error_message=_("Cấp ủy này đã có hội nghị mang số thứ tự này."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="conference_number_positive",
                violation_error_message=_("Số thứ tự hội nghị phải từ 1 trở lên."),
            ),
            models.CheckConstraint(
                condition=Q(quorum_numerator__gte=1)
                & Q(quorum_numerator__lte=models.F("quorum_denominator")),
                name="conference_quorum_fraction",
                violation_error_message=_("Tỷ lệ tối thiểu phải lớn hơn 0 và không quá 1."),
            ),
        ]

    def __str__(self) -> str:
        return _("Hội nghị lần thứ %(number)s %(committee)s") % {
            "number": self.number,
            "committee": self.committee,
        }

    def get_absolute_url(self) -> str:
        return reverse("conferences:detail", args=[self.pk])

    @property
    def organization(self):
        return self.committee.term.organization

    def quorum_needed(self, total: int) -> int:
        """Members who must be present out of ``total``: the fraction, rounded up."""
        return -(-total * self.quorum_numerator // self.quorum_denominator)


class ConferenceAttendance(models.Model):
    """Điểm danh một ủy viên cấp ủy (người giữ chức vụ trong cấp ủy vào ngày họp)."""

    SCOPE_PATH = f"conference__{CONFERENCE_PATH}"

    conference = models.ForeignKey(
        Conference,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("hội nghị"),
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="conference_attendances",
        verbose_name=_("ủy viên"),
    )
    seat = models.ForeignKey(
        "committees.Seat",
        on_delete=models.PROTECT,
        related_name="conference_attendances",
        verbose_name=_("chức vụ ngày họp"),
    )
    status = models.CharField(
        _("điểm danh"),
        max_length=20,
        choices=AttendanceStatus.choices,
        default=AttendanceStatus.CO_MAT,
    )
    reason = models.CharField(_("lý do"), max_length=255, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("điểm danh hội nghị")
        verbose_name_plural = _("điểm danh hội nghị")
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "member"],
                name="conference_attendance_once",
                violation_error_message=_("Đồng chí này đã có trong danh sách điểm danh."),
            ),
            models.CheckConstraint(
                condition=~Q(status=AttendanceStatus.VANG_CO_LY_DO) | ~Q(reason=""),
                name="conference_excused_has_reason",
                violation_error_message=_("Vắng có lý do thì phải ghi lý do."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.get_status_display()}"

    @property
    def is_present(self) -> bool:
        return self.status in PRESENT_STATUSES


class ConferenceGuest(models.Model):
    """Khách mời dự hội nghị: only a name and a title, no other personal data."""

    SCOPE_PATH = f"conference__{CONFERENCE_PATH}"

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="guests", verbose_name=_("hội nghị")
    )
    name = models.CharField(_("họ và tên"), max_length=120)
    title = models.CharField(_("chức danh, đơn vị"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("khách mời")
        verbose_name_plural = _("khách mời")
        ordering = ["conference", "order", "id"]

    def __str__(self) -> str:
        return f"{self.name}, {self.title}" if self.title else self.name


class AgendaItem(models.Model):
    """Nội dung (chương trình) hội nghị; items nest under a parent item (1, 1.1, 1.2…)."""

    SCOPE_PATH = f"conference__{CONFERENCE_PATH}"

    conference = models.ForeignKey(
        Conference,
        on_delete=models.CASCADE,
        related_name="agenda_items",
        verbose_name=_("hội nghị"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("thuộc nội dung"),
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    title = models.CharField(_("nội dung"), max_length=500)
    presenter = models.ForeignKey(
        "members.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người trình bày"),
    )
    presenter_title = models.CharField(_("chức vụ người trình bày"), max_length=255, blank=True)
    discussion = models.TextField(_("tóm tắt thảo luận"), blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nội dung hội nghị")
        verbose_name_plural = _("nội dung hội nghị")
        ordering = ["conference", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")),
                name="agenda_item_not_own_parent",
                violation_error_message=_("Một nội dung không thể nằm trong chính nó."),
            )
        ]

    def __str__(self) -> str:
        return self.title


def _document_path(instance, filename: str) -> str:
    # The stored name is generated; what the user called the file is only ever shown.
    from .uploads import stored_name

    return stored_name("hoi-nghi", instance.kind)


def _progress_path(instance, filename: str) -> str:
    from .uploads import stored_name

    return stored_name("nhiem-vu", instance.file_kind)


class AgendaDocument(models.Model):
    """Tài liệu trình bày tại hội nghị (báo cáo, tờ trình…), kept with the conference."""

    SCOPE_PATH = f"item__conference__{CONFERENCE_PATH}"

    item = models.ForeignKey(
        AgendaItem,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("nội dung hội nghị"),
    )
    file = models.FileField(_("tệp"), upload_to=_document_path, max_length=255)
    name = models.CharField(_("tên tệp"), max_length=255)
    kind = models.CharField(_("loại tệp"), max_length=8)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("người tải lên"),
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tài liệu hội nghị")
        verbose_name_plural = _("tài liệu hội nghị")
        ordering = ["item", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("conferences:document_download", args=[self.pk])


class Conclusion(models.Model):
    """Kết luận: one point of what the chair concluded, on one agenda item or on the whole."""

    SCOPE_PATH = f"conference__{CONFERENCE_PATH}"

    conference = models.ForeignKey(
        Conference,
        on_delete=models.CASCADE,
        related_name="conclusions",
        verbose_name=_("hội nghị"),
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conclusions",
        verbose_name=_("về nội dung"),
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    text = models.TextField(_("nội dung kết luận"))

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kết luận")
        verbose_name_plural = _("kết luận")
        ordering = ["conference", "order", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class AgencyQuerySet(ScopedQuerySet):
    def visible_to(self, user, action: str = VIEW):
        """The owner's scope; for reading, also the people of the agency's own organization."""
        paths = scope_paths(user, action)
        if paths is None:
            return self
        if not paths:
            return self.none()
        q = scope_q(self.model.SCOPE_PATH, paths)
        if action == VIEW:
            q |= scope_q("organization__path", paths)
        return self.filter(q)


class Agency(models.Model):
    """Cơ quan được giao nhiệm vụ: a body of a committee (Ban Tổ chức, Ban Tuyên giáo, Văn phòng
    Tỉnh ủy…) or an organization of the tree (a district committee…).

    ``owner`` is the organization whose conferences give it tasks; ``organization``, when set, is
    the agency's own party organization (its party cell, or the district itself): users with a
    role there see the agency's tasks and report on them.
    """

    SCOPE_PATH = "owner__path"

    owner = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="agencies",
        verbose_name=_("thuộc cấp ủy của"),
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="as_agency",
        verbose_name=_("tổ chức đảng của cơ quan"),
    )
    name = models.CharField(_("tên cơ quan"), max_length=200)
    kind = models.CharField(
        _("loại"), max_length=20, choices=AgencyKind.choices, default=AgencyKind.CO_QUAN_THAM_MUU
    )
    is_active = models.BooleanField(_("còn giao việc"), default=True)

    objects = AgencyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cơ quan được giao")
        verbose_name_plural = _("cơ quan được giao")
        ordering = ["owner", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"],
                name="agency_unique_name",
                violation_error_message=_("Đã có cơ quan cùng tên."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class AgencyReachQuerySet(ScopedQuerySet):
    """Tasks (and their rows) by the conference's scope; for reading, also by the assigned
    agencies' organizations. ``Model.TASK_LOOKUP`` leads from the row to its task."""

    def visible_to(self, user, action: str = VIEW):
        paths = scope_paths(user, action)
        if paths is None:
            return self
        if not paths:
            return self.none()
        q = scope_q(self.model.SCOPE_PATH, paths)
        if action == VIEW:
            assigned = TaskAssignment.objects.filter(
                scope_q("agency__organization__path", paths)
            ).values("task_id")
            q |= Q(**{f"{self.model.TASK_LOOKUP}__in": assigned})
        return self.filter(q)

    def overdue(self, today=None):
        """Open tasks whose due date has passed (quá hạn, whatever the stored state says)."""
        today = today or timezone.localdate()
        return self.filter(
            due_on__lt=today,
            state__in=[TaskState.GIAO, TaskState.DANG_THUC_HIEN, TaskState.QUA_HAN],
        )


class AssignedTask(models.Model):
    """Nhiệm vụ được giao: a task a conclusion gives to one or more agencies, with a due date."""

    SCOPE_PATH = f"conference__{CONFERENCE_PATH}"
    TASK_LOOKUP = "pk"

    conference = models.ForeignKey(
        Conference, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("hội nghị")
    )
    conclusion = models.ForeignKey(
        Conclusion, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("kết luận")
    )
    title = models.CharField(_("nhiệm vụ"), max_length=500)
    expected_product = models.CharField(_("sản phẩm"), max_length=500, blank=True)
    due_on = models.DateField(_("thời hạn"))
    state = models.CharField(
        _("tình trạng"), max_length=16, choices=TaskState.choices, default=TaskState.GIAO
    )
    percent_done = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    carried_to = models.ForeignKey(
        Conference,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_in_tasks",
        verbose_name=_("chuyển tiếp sang hội nghị"),
    )
    agencies = models.ManyToManyField(
        Agency, through="TaskAssignment", related_name="tasks", verbose_name=_("cơ quan được giao")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AgencyReachQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nhiệm vụ được giao")
        verbose_name_plural = _("nhiệm vụ được giao")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["state", "due_on"], name="task_state_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_done__lte=100),
                name="task_percent_at_most_100",
                violation_error_message=_("Tiến độ không quá 100%."),
            ),
            models.CheckConstraint(
                condition=Q(state=TaskState.HOAN_THANH, completed_on__isnull=False)
                | (~Q(state=TaskState.HOAN_THANH) & Q(completed_on__isnull=True)),
                name="task_completed_has_date",
                violation_error_message=_("Nhiệm vụ hoàn thành phải có ngày hoàn thành."),
            ),
            models.CheckConstraint(
                condition=~Q(state=TaskState.CHUYEN_TIEP) | Q(carried_to__isnull=False),
                name="task_carried_has_conference",
                violation_error_message=_("Nhiệm vụ chuyển tiếp phải nêu hội nghị chuyển đến."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("conferences:task_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state != TaskState.HOAN_THANH

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.state not in (TaskState.HOAN_THANH, TaskState.CHUYEN_TIEP) and (
            self.due_on < today
        )


class TaskAssignment(models.Model):
    """Giao cho cơ quan: the lead agency (chủ trì) and those that take part (phối hợp)."""

    SCOPE_PATH = f"task__conference__{CONFERENCE_PATH}"
    TASK_LOOKUP = "task"

    task = models.ForeignKey(
        AssignedTask,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("nhiệm vụ"),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("cơ quan")
    )
    lead = models.BooleanField(_("chủ trì"), default=False)

    objects = AgencyReachQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cơ quan thực hiện")
        verbose_name_plural = _("cơ quan thực hiện")
        ordering = ["-lead", "agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "agency"],
                name="task_assignment_once",
                violation_error_message=_("Cơ quan này đã được giao nhiệm vụ này."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency} — {self.task}"


class TaskProgress(models.Model):
    """Báo cáo tiến độ of an agency on a task: who, when, how far, a note and an attachment."""

    SCOPE_PATH = f"task__conference__{CONFERENCE_PATH}"
    TASK_LOOKUP = "task"

    task = models.ForeignKey(
        AssignedTask,
        on_delete=models.CASCADE,
        related_name="progress_reports",
        verbose_name=_("nhiệm vụ"),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="progress_reports", verbose_name=_("cơ quan")
    )
    reported_on = models.DateField(_("ngày báo cáo"))
    percent = models.PositiveSmallIntegerField(_("tiến độ (%)"))
    note = models.TextField(_("nội dung"), blank=True)
    file = models.FileField(_("tệp đính kèm"), upload_to=_progress_path, max_length=255, blank=True)
    file_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    file_kind = models.CharField(_("loại tệp"), max_length=8, blank=True)
    file_size = models.PositiveIntegerField(_("dung lượng (byte)"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("người báo cáo"),
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = AgencyReachQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("báo cáo tiến độ")
        verbose_name_plural = _("báo cáo tiến độ")
        ordering = ["task", "reported_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__lte=100),
                name="task_progress_percent",
                violation_error_message=_("Tiến độ phải từ 0 đến 100%."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency}: {self.percent}%"


class TaskEvent(models.Model):
    """One change of a task (giao, tiến độ, trạng thái, thời hạn, chuyển tiếp): append only."""

    SCOPE_PATH = f"task__conference__{CONFERENCE_PATH}"
    TASK_LOOKUP = "task"

    task = models.ForeignKey(AssignedTask, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("loại"), max_length=12, choices=TaskEventKind.choices)
    from_state = models.CharField(
        _("từ tình trạng"), max_length=16, choices=TaskState.choices, blank=True
    )
    to_state = models.CharField(
        _("sang tình trạng"), max_length=16, choices=TaskState.choices, blank=True
    )
    percent = models.PositiveSmallIntegerField(_("tiến độ (%)"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    progress = models.ForeignKey(
        TaskProgress, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("lúc"), default=timezone.now)

    objects = AgencyReachQuerySet.as_manager()

    class Meta:
        verbose_name = _("diễn biến nhiệm vụ")
        verbose_name_plural = _("diễn biến nhiệm vụ")
        ordering = ["task", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.task})"
