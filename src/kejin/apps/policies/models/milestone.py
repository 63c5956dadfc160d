"""Capital-market milestones (股改、辅导、挂牌…) that trigger staged awards."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kejin.apps.policies.codes import MilestoneKind
from kejin.platform.tenancy import Scope, ScopedQuerySet


class Milestone(models.Model):
    """A milestone an enterprise reached, recorded by the enterprise or its broker, with evidence.

    The capital-markets module will later feed these from its listing reserve pool."""

    enterprise = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="policy_milestones",
    )
    kind = models.CharField(_("里程碑"), max_length=32, choices=MilestoneKind.choices)
    reached_on = models.DateField(_("达成日期"))
    broker = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("辅导券商"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    evidence = models.FileField(_("证明材料"), upload_to="milestones/%Y/", max_length=300)
    evidence_note = models.CharField(_("材料说明"), max_length=300, blank=True)
    recorded_by_org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("记录机构"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("enterprise", "recorded_by_org"), district="enterprise__district_code")

    class Meta:
        verbose_name = _("上市挂牌里程碑")
        verbose_name_plural = _("上市挂牌里程碑")
        ordering = ["-reached_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "kind"], name="milestone_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_kind_display()} {self.reached_on}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"organisation_id": self.enterprise_id}
