"""Scoring models (versions with four-eyes approval), ratings, rating batches, scale parameters."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kejin.platform.tenancy import Scope, ScopedQuerySet
from kejin.rules import scoring


class ModelStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    TRAINING = "training", _("训练中")
    TRAINED = "trained", _("待审批")
    FAILED = "failed", _("训练失败")
    APPROVED = "approved", _("已启用")
    REJECTED = "rejected", _("未通过审批")
    RETIRED = "retired", _("已停用")


class ScoringModel(models.Model):
    """One version of the scorecard: its training data, the card, its validation and who trained
    and approved it. Only an approved model rates enterprises; approving one retires the previous.
    City office data only (selectors refuse everyone else)."""

    version = models.PositiveIntegerField(_("版本"), unique=True)
    name = models.CharField(_("名称"), max_length=100)
    status = models.CharField(
        _("状态"), max_length=12, choices=ModelStatus.choices, default=ModelStatus.QUEUED
    )
    data_source = models.CharField(
        _("训练数据来源"),
        max_length=12,
        choices=[("csv", _("上传 CSV")), ("platform", _("平台数据"))],
    )
    training_file = models.FileField(
        _("训练数据文件"), upload_to="credit/training/%Y/", blank=True, max_length=300
    )
    observation_date = models.DateField(_("观察日"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    progress_message = models.CharField(_("进度说明"), max_length=200, blank=True)
    error = models.TextField(_("错误"), blank=True)
    scorecard = models.JSONField(_("评分卡"), null=True, blank=True)
    metrics = models.JSONField(_("验证指标"), null=True, blank=True)
    summary = models.JSONField(_("训练数据概况"), null=True, blank=True)
    distribution = models.JSONField(_("分数分布"), null=True, blank=True)
    dropped = models.JSONField(_("剔除的特征"), default=list, blank=True)
    scale = models.JSONField(_("评分刻度参数"), default=list, blank=True)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("训练人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("评分模型")
        verbose_name_plural = _("评分模型")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version} {self.name}"

    @property
    def label(self) -> str:
        return f"v{self.version}"

    @property
    def card(self) -> scoring.Scorecard:
        """The parsed scorecard (cached: a card never changes once trained)."""
        if not self.scorecard:
            raise ValueError(f"model v{self.version} has no scorecard")
        key = (self.pk, self.finished_at.isoformat() if self.finished_at else "")
        card = _CARDS.get(key)
        if card is None:
            card = scoring.Scorecard.from_dict(self.scorecard)
            _CARDS[key] = card
        return card

    @property
    def is_finished(self) -> bool:
        return self.status not in (ModelStatus.QUEUED, ModelStatus.TRAINING)


_CARDS: dict[tuple[int, str], scoring.Scorecard] = {}


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("评级中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class RatingBatch(models.Model):
    """A rating run over the whole population with the approved model, and its PSI against the
    model's training population."""

    model = models.ForeignKey(
        ScoringModel, verbose_name=_("模型"), on_delete=models.PROTECT, related_name="batches"
    )
    as_of = models.DateField(_("评级基准日"))
    status = models.CharField(
        _("状态"), max_length=12, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("企业数"), default=0)
    done = models.PositiveIntegerField(_("已评级"), default=0)
    psi = models.FloatField(_("PSI"), null=True, blank=True)
    band_counts = models.JSONField(default=list, blank=True)
    grades = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("批量评级")
        verbose_name_plural = _("批量评级")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"批量评级 #{self.pk}"

    @property
    def progress(self) -> int:
        if self.status == BatchStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def psi_alert(self) -> bool:
        return self.psi is not None and self.psi > scoring.PSI_ALERT


class Rating(models.Model):
    """An enterprise's credit rating by one model version on one date, with its trace: each
    feature's value, bin and points, and the three reason codes."""

    enterprise = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+"
    )
    model = models.ForeignKey(
        ScoringModel, verbose_name=_("模型"), on_delete=models.PROTECT, related_name="ratings"
    )
    batch = models.ForeignKey(
        RatingBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="ratings"
    )
    as_of = models.DateField(_("评级基准日"))
    score = models.IntegerField(_("信用分"))
    grade = models.CharField(_("信用等级"), max_length=3)
    reasons = models.JSONField(_("主要扣分原因"), default=list)
    contributions = models.JSONField(_("评分明细"), default=list)
    trigger = models.CharField(
        _("触发"),
        max_length=12,
        choices=[
            ("batch", _("批量评级")),
            ("on_demand", _("单户评级")),
            ("correction", _("信用修复后重评")),
        ],
    )
    rated_at = models.DateTimeField(_("评级时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("enterprise",), district=None)

    class Meta:
        verbose_name = _("信用评级")
        verbose_name_plural = _("信用评级")
        ordering = ["-rated_at", "-pk"]
        indexes = [models.Index(fields=["enterprise", "-rated_at"])]

    def __str__(self) -> str:
        return f"{self.grade}（{self.score}）"

    @property
    def model_version(self) -> str:
        return f"v{self.model.version}"

    @property
    def reason_texts(self) -> list[str]:
        return [r["text"] for r in self.reasons]


class ScoringParameter(models.Model):
    """A dated value of a scoring parameter entered by the city office (base score, odds, PDO,
    grade floors). Never edited: a change is a new value from a new date."""

    key = models.CharField(_("参数"), max_length=40, choices=list(scoring.PARAMETER_LABELS.items()))
    effective_from = models.DateField(_("生效日期"))
    value = models.DecimalField(_("取值"), max_digits=12, decimal_places=4)
    source = models.CharField(_("依据"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("评分参数")
        verbose_name_plural = _("评分参数")
        ordering = ["key", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["key", "effective_from"], name="credit_param_once")
        ]

    def __str__(self) -> str:
        return f"{self.key} = {self.value}（{self.effective_from}）"

    def as_dated(self) -> scoring.DatedValue:
        return scoring.DatedValue(
            self.key, self.effective_from, self.value, self.source, origin="city"
        )
