"""Credit figures on the enterprise's home page: its rating and who read its credit data."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kejin.apps.credit import selectors
from kejin.apps.credit.selectors import ReadFilter
from kejin.platform.home import Widget
from kejin.platform.tenancy import Actor


def widgets(actor: Actor) -> list[Widget]:
    if actor.kind != "enterprise" or actor.org_id is None:
        return []
    rating = selectors.latest_rating(actor.org_id)
    since = timezone.now() - timedelta(days=30)
    reads = selectors.reads_for(actor, ReadFilter()).filter(at__gte=since).count()
    return [
        Widget(
            _("信用等级"),
            f"{rating.grade}（{rating.score} 分）" if rating else _("暂无评级"),
            reverse("credit:mine"),
        ),
        Widget(_("近30天信用查询"), str(reads), reverse("credit:reads")),
    ]
