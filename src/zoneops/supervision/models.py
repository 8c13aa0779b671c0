"""三张清单: lists, items, nodes (milestones), progress reports, reviews, problems, leader
instructions, extension requests, lights, numbered supervision notices and sent reminders.

Models hold data and invariants only; every write goes through services.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .codes import sort_code


class Light(models.TextChoices):
    GREEN = "green", _("Green")
    BLUE = "blue", _("Blue")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class Bucket(models.TextChoices):
    """序时进度 buckets: 已完成 / 超进度 / 达进度 / 欠进度."""

    DONE = "done", _("Done")
    AHEAD = "ahead", _("Ahead of schedule")
    ON_SCHEDULE = "on_schedule", _("On schedule")
    BEHIND = "behind", _("Behind schedule")


class SupervisionList(models.Model):
    """One year's list: 重点任务, 改革突破, 攻坚克难 or a custom one."""

    class Kind(models.TextChoices):
        KEY_TASKS = "key_tasks", _("Key tasks")
        REFORMS = "reforms", _("Reform breakthroughs")
        TOUGH = "tough", _("Tough projects")
        CUSTOM = "custom", _("Custom")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CUSTOM)
    year = models.PositiveIntegerField(_("year"))
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["-year", "sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "year"],
                                               name="supervision_list_name_year")]
        verbose_name = _("supervision list")
        verbose_name_plural = _("supervision lists")

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


class Item(models.Model):
    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    supervision_list = models.ForeignKey(SupervisionList, verbose_name=_("list"),
                                         on_delete=models.PROTECT, related_name="items")
    code = models.CharField(_("code"), max_length=32)
    # The code in natural order as a string (codes.sort_code): ZD-2 before ZD-10.
    sort_code = models.CharField(max_length=255, editable=False, default="")
    domain = models.CharField(_("domain"), max_length=50, blank=True)
    title = models.CharField(_("title"), max_length=300)
    target = models.TextField(_("target"), blank=True)
    leader_name = models.CharField(_("responsible leader"), max_length=100, blank=True)
    lead_unit = models.ForeignKey("core.Unit", verbose_name=_("lead unit"),
                                  on_delete=models.PROTECT, related_name="led_items")
    co_units = models.ManyToManyField("core.Unit", verbose_name=_("cooperating units"),
                                      blank=True, related_name="cooperating_items")
    owner_name = models.CharField(_("person responsible"), max_length=100, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    deadline_text = models.CharField(_("deadline as written"), max_length=100, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress %"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.ASSIGNED)
    funds_used = models.DecimalField(_("funds used (10k yuan)"), max_digits=14,
                                     decimal_places=2, null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    # The current light and why: the engine's rule, its inputs and the sentence it wrote.
    light = models.CharField(_("light"), max_length=10, choices=Light.choices,
                             default=Light.GREEN)
    light_rule = models.CharField(_("light rule"), max_length=50, blank=True)
    light_reason = models.CharField(_("light reason"), max_length=300, blank=True)
    light_inputs = models.JSONField(_("light inputs"), default=dict, blank=True)
    manual_light = models.CharField(_("manual light"), max_length=10, choices=Light.choices,
                                    blank=True)
    manual_reason = models.CharField(_("manual light reason"), max_length=300, blank=True)
    bucket = models.CharField(_("progress bucket"), max_length=20, choices=Bucket.choices,
                              default=Bucket.ON_SCHEDULE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["supervision_list", "sort_code"]
        constraints = [models.UniqueConstraint(fields=["supervision_list", "code"],
                                               name="supervision_item_code_per_list")]
        indexes = [models.Index(fields=["light"]), models.Index(fields=["lead_unit", "light"]),
                   models.Index(fields=["supervision_list", "domain"])]
        verbose_name = _("supervision item")
        verbose_name_plural = _("supervision items")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def save(self, *args, **kwargs):
        self.sort_code = sort_code(self.code)
        if kwargs.get("update_fields") is not None and "code" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "sort_code"}
        super().save(*args, **kwargs)


class Node(models.Model):
    """A milestone (时间节点): planned date, expected deliverable, actual date and evidence."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="nodes")
    seq = models.PositiveSmallIntegerField(_("number"))
    planned_date = models.DateField(_("planned date"))
    planned_text = models.CharField(_("planned date as written"), max_length=50, blank=True)
    # Kept when an extension moves planned_date: the record of what was first promised.
    original_date = models.DateField(_("original date"), null=True, blank=True)
    deliverable = models.CharField(_("expected deliverable"), max_length=300)
    actual_date = models.DateField(_("actual date"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        ordering = ["item", "seq"]
        constraints = [models.UniqueConstraint(fields=["item", "seq"],
                                               name="supervision_node_seq")]
        indexes = [models.Index(fields=["planned_date", "actual_date"])]
        verbose_name = _("node")
        verbose_name_plural = _("nodes")

    def __str__(self) -> str:
        return f"{self.planned_date:%Y-%m-%d} {self.deliverable}"


class Report(models.Model):
    """A unit's progress report for one period (month): submitted, then accepted or returned."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="reports")
    period = models.CharField(_("period"), max_length=7, help_text="YYYY-MM")
    progress = models.PositiveSmallIntegerField(_("progress %"))
    summary = models.TextField(_("progress this period"))
    difficulties = models.TextField(_("difficulties"), blank=True)
    funds_used = models.DecimalField(_("funds used (10k yuan)"), max_digits=14,
                                     decimal_places=2, null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.SUBMITTED)
    return_reason = models.TextField(_("reason for return"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        ordering = ["-period", "-submitted_at"]
        constraints = [models.UniqueConstraint(fields=["item", "period"],
                                               name="supervision_report_per_period")]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self) -> str:
        return f"{self.item.code} {self.period}"


class ReportLine(models.Model):
    """One entry per node per period."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="lines")
    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="report_lines")
    actual_date = models.DateField(_("actual date"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["node__seq"]
        constraints = [models.UniqueConstraint(fields=["report", "node"],
                                               name="supervision_line_per_node")]

    def __str__(self) -> str:
        return f"{self.report} #{self.node.seq}"


class Problem(models.Model):
    """问题清单: each problem has an owner and a due date."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="problems")
    description = models.TextField(_("problem"))
    owner = models.CharField(_("owner"), max_length=100, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    raised_at = models.DateField(_("raised on"))
    solved_at = models.DateField(_("solved on"), null=True, blank=True)
    solution = models.TextField(_("solution"), blank=True)

    class Meta:
        ordering = ["solved_at", "-raised_at"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")

    def __str__(self) -> str:
        return self.description[:60]


class Instruction(models.Model):
    """批示: a leader's instruction the lead unit must answer."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="instructions")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    text = models.TextField(_("instruction"))
    created_at = models.DateTimeField(_("written at"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("leader instruction")
        verbose_name_plural = _("leader instructions")

    def __str__(self) -> str:
        return self.text[:60]


class Comment(models.Model):
    """Input on an item from a cooperating (or the lead) unit."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    unit = models.ForeignKey("core.Unit", null=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("input"))
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class Extension(models.Model):
    """延期申请, filed before the node is due; approved by the unit's leader, then the office,
    then (when the new date passes the item's deadline) a leader. The original date is kept."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    class Step(models.TextChoices):
        UNIT_LEADER = "unit_leader", _("Unit leader")
        OFFICE = "office", _("Supervision office")
        LEADER = "leader", _("Responsible leader")

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="extensions")
    original_date = models.DateField(_("original date"))
    new_date = models.DateField(_("requested date"))
    reason = models.TextField(_("reason"))
    current_progress = models.TextField(_("current progress"))
    steps = models.JSONField(default=list, blank=True)  # the chain, e.g. ["unit_leader", "office"]
    step = models.CharField(_("waiting on"), max_length=20, choices=Step.choices, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PENDING)
    decisions = models.JSONField(default=list, blank=True)  # [{step, by, at, approve, note}]
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")

    def __str__(self) -> str:
        return f"{self.node} → {self.new_date}"


class Attachment(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="attachments")
    # The progress report it was filed with (evidence for that period), if any.
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="attachments")
    file = models.FileField(upload_to="supervision/%Y/%m/")
    name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class LightRecord(models.Model):
    """Every light an item ever had, with the rule and inputs that produced it."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="light_records")
    light = models.CharField(max_length=10, choices=Light.choices)
    rule = models.CharField(max_length=50)
    reason = models.CharField(max_length=300)
    inputs = models.JSONField(default=dict, blank=True)
    on = models.DateField(db_index=True)  # the engine's "today"
    at = models.DateTimeField()

    class Meta:
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.item.code} {self.light} ({self.rule})"

    @property
    def rule_label(self) -> str:
        from .asof import rule_label

        return rule_label(self.rule)


class Notice(models.Model):
    """A numbered supervision slip (督办单): blue reminder → yellow warning → red overdue."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="notices")
    node = models.ForeignKey(Node, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="notices")
    year = models.PositiveIntegerField()
    number = models.PositiveIntegerField()
    level = models.CharField(max_length=10, choices=Light.choices)
    text = models.CharField(max_length=300)
    issued_on = models.DateField()

    class Meta:
        ordering = ["-year", "-number"]
        constraints = [models.UniqueConstraint(fields=["year", "number"],
                                               name="supervision_notice_number")]

    def __str__(self) -> str:
        return f"督办〔{self.year}〕{self.number:03d}号"


class ReminderSent(models.Model):
    """What `supervision remind` already sent, so a second run the same day sends nothing."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10)  # before | due | overdue
    on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["node", "kind", "on"],
                                               name="supervision_reminder_once")]

    def __str__(self) -> str:
        return f"{self.node} {self.kind} {self.on}"


class UnitMonthStat(models.Model):
    """A unit's standing for a month (晾晒), kept so rankings can show the change since the
    month before. Rewritten while its month runs; final once the month is over."""

    month = models.CharField(max_length=7)  # YYYY-MM
    unit = models.ForeignKey("core.Unit", on_delete=models.CASCADE, related_name="+")
    total = models.PositiveIntegerField()
    done = models.PositiveIntegerField()
    ahead = models.PositiveIntegerField()
    on_schedule = models.PositiveIntegerField()
    behind = models.PositiveIntegerField()
    score = models.DecimalField(max_digits=5, decimal_places=1)
    rank = models.PositiveIntegerField()

    class Meta:
        ordering = ["month", "rank"]
        constraints = [models.UniqueConstraint(fields=["month", "unit"],
                                               name="supervision_unit_month")]

    def __str__(self) -> str:
        return f"{self.month} {self.unit} #{self.rank}"


class ReportDraft(models.Model):
    """The office's edited text of a month's 通报, section by section, before it is issued.
    The docx is generated from it; months without one use the text drafted from the data."""

    month = models.CharField(_("month"), max_length=7, unique=True)  # YYYY-MM
    texts = models.JSONField(default=dict, blank=True)  # section key → text
    number = models.PositiveIntegerField(_("document number"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"通报 {self.month}"
